//! SVG charts for the HTML report, drawn with `plotters` into strings.
//!
//! Text is left to the browser (SVG `<text>`), so no font files are needed, and the same
//! data always gives the same SVG bytes.

use anyhow::{anyhow, Result};
use plotters::prelude::*;

use crate::model::{PythonSection, Results};
use crate::pipeline::Stage;

const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// One bar: its label, value and colour.
type Bar = (String, f64, RGBColor);
/// One line of a line chart: its label, colour and points.
type Line = (String, RGBColor, Vec<(f64, f64)>);

const PYTHON: RGBColor = RGBColor(170, 170, 170);

fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

fn err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow!("drawing a chart: {e:?}")
}

/// A horizontal bar per (label, value, colour), value axis linear or logarithmic.
fn horizontal_bars(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    title: &str,
    axis: &str,
    bars: &[Bar],
    log: bool,
) -> Result<()> {
    let n = bars.len().max(1);
    let max = bars.iter().map(|b| b.1).fold(0.0, f64::max).max(1e-9);
    let min = bars
        .iter()
        .map(|b| b.1)
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min);
    let label_width = bars.iter().map(|b| b.0.len()).max().unwrap_or(4) as u32 * 7 + 10;
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(title, ("sans-serif", 16))
        .margin(8)
        .x_label_area_size(30)
        .y_label_area_size(label_width);
    let names: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
    let y_fmt = move |y: &f64| {
        let i = (*y - 0.5).round();
        if (y - (i + 0.5)).abs() < 1e-6 && i >= 0.0 && (i as usize) < names.len() {
            names[names.len() - 1 - i as usize].clone()
        } else {
            String::new()
        }
    };
    let draw_bar = |i: usize, v: f64, lo: f64, c: RGBColor| {
        let y = (n - 1 - i) as f64;
        Rectangle::new([(lo, y + 0.15), (v.max(lo), y + 0.85)], c.filled())
    };
    if log {
        let lo = if min.is_finite() { min / 2.0 } else { 0.1 };
        let mut chart = builder
            .build_cartesian_2d((lo..max * 2.0).log_scale(), 0.0..n as f64)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n * 2 + 1)
            .y_label_formatter(&y_fmt)
            .x_desc(axis)
            .draw()
            .map_err(err)?;
        chart
            .draw_series(
                bars.iter()
                    .enumerate()
                    .map(|(i, b)| draw_bar(i, b.1, lo, b.2)),
            )
            .map_err(err)?;
    } else {
        let mut chart = builder
            .build_cartesian_2d(0.0..max * 1.15, 0.0..n as f64)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n * 2 + 1)
            .y_label_formatter(&y_fmt)
            .x_desc(axis)
            .draw()
            .map_err(err)?;
        chart
            .draw_series(
                bars.iter()
                    .enumerate()
                    .map(|(i, b)| draw_bar(i, b.1, 0.0, b.2)),
            )
            .map_err(err)?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, b)| {
                let y = (n - 1 - i) as f64 + 0.5;
                Text::new(
                    format!(" {}", crate::format::per_record(b.1)),
                    (b.1, y),
                    TextStyle::from(("sans-serif", 11).into_font()).pos(
                        plotters::style::text_anchor::Pos::new(
                            plotters::style::text_anchor::HPos::Left,
                            plotters::style::text_anchor::VPos::Center,
                        ),
                    ),
                )
            }))
            .map_err(err)?;
    }
    Ok(())
}

/// Peak heap bytes per record for every profiled layout, with the Python rows in grey.
pub fn bytes_per_record(data: &Results) -> Result<Option<String>> {
    let mut bars: Vec<Bar> = data
        .layouts
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            l.memory
                .as_ref()
                .map(|m| (l.layout.clone(), m.bytes_per_record, color(i)))
        })
        .collect();
    if let PythonSection::Measured { rows, .. } = &data.python {
        bars.extend(
            rows.iter()
                .map(|r| (r.layout.clone(), r.bytes_per_record, PYTHON)),
        );
    }
    if bars.is_empty() {
        return Ok(None);
    }
    let mut svg = String::new();
    {
        let height = 60 + 26 * bars.len() as u32;
        let root = SVGBackend::with_string(&mut svg, (760, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        horizontal_bars(
            &root,
            "Peak heap per record (bytes; Python in grey)",
            "bytes per record",
            &bars,
            false,
        )?;
        root.present().map_err(err)?;
    }
    Ok(Some(svg))
}

/// Throughput per stage (million records per second, log scale), one panel per stage.
pub fn stage_throughput(data: &Results) -> Result<Option<String>> {
    let timed: Vec<_> = data.timed().collect();
    if timed.is_empty() {
        return Ok(None);
    }
    let mut svg = String::new();
    {
        let panel_height = 50 + 22 * timed.len() as u32;
        let root = SVGBackend::with_string(&mut svg, (960, panel_height * 2)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let panels = root.split_evenly((2, 3));
        let mut series: Vec<(String, Vec<Bar>)> = Stage::ALL
            .iter()
            .map(|&stage| {
                let bars = timed
                    .iter()
                    .enumerate()
                    .map(|(i, (l, t))| {
                        let ns = t.best[stage].per(t.records);
                        (
                            l.layout.clone(),
                            if ns > 0.0 { 1e3 / ns } else { 0.0 },
                            color(i),
                        )
                    })
                    .collect();
                (stage.name().to_owned(), bars)
            })
            .collect();
        series.push((
            "pipeline (filter…aggregate)".to_owned(),
            timed
                .iter()
                .enumerate()
                .map(|(i, (l, t))| {
                    let ns = t.best_pipeline().per(t.records);
                    (
                        l.layout.clone(),
                        if ns > 0.0 { 1e3 / ns } else { 0.0 },
                        color(i),
                    )
                })
                .collect(),
        ));
        for (panel, (title, bars)) in panels.iter().zip(&series) {
            horizontal_bars(panel, title, "million records / s (log)", bars, true)?;
        }
        root.present().map_err(err)?;
    }
    Ok(Some(svg))
}

/// Time and heap per record against the number of records, one line per layout.
pub fn scaling(data: &Results) -> Result<Option<String>> {
    let mut sizes: Vec<u64> = data.scaling.iter().map(|p| p.records).collect();
    sizes.sort_unstable();
    sizes.dedup();
    if sizes.len() < 2 {
        return Ok(None);
    }
    let (lo, hi) = (sizes[0] as f64, sizes[sizes.len() - 1] as f64);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (960, 380)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let panels = root.split_evenly((1, 2));
        for (panel, (title, axis, pick)) in panels.iter().zip([
            ("Pipeline time per record", "ns per record (log)", 0),
            ("Peak heap per record", "bytes per record (log)", 1),
        ]) {
            let lines: Vec<Line> = data
                .layouts
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let points = sizes
                        .iter()
                        .filter_map(|n| {
                            let p = data
                                .scaling
                                .iter()
                                .find(|p| p.layout == l.layout && p.records == *n)?;
                            let v = match pick {
                                0 => p.pipeline?.per(p.records),
                                _ => p.peak_bytes?.0 as f64 / p.records.max(1) as f64,
                            };
                            (v > 0.0).then_some((*n as f64, v))
                        })
                        .collect();
                    (l.layout.clone(), color(i), points)
                })
                .filter(|(_, _, p): &Line| !p.is_empty())
                .collect();
            let ys = lines.iter().flat_map(|l| l.2.iter().map(|p| p.1));
            let (ymin, ymax) = ys.fold((f64::INFINITY, 0.0f64), |(a, b), y| (a.min(y), b.max(y)));
            if lines.is_empty() || !ymin.is_finite() {
                continue;
            }
            let mut chart = ChartBuilder::on(panel)
                .caption(title, ("sans-serif", 16))
                .margin(8)
                .x_label_area_size(30)
                .y_label_area_size(50)
                .build_cartesian_2d(
                    (lo / 1.5..hi * 1.5).log_scale(),
                    (ymin / 1.5..ymax * 1.5).log_scale(),
                )
                .map_err(err)?;
            chart
                .configure_mesh()
                .x_desc("records (log)")
                .y_desc(axis)
                .draw()
                .map_err(err)?;
            for (name, c, points) in &lines {
                chart
                    .draw_series(LineSeries::new(points.iter().copied(), c.stroke_width(2)))
                    .map_err(err)?
                    .label(name.as_str())
                    .legend(move |(x, y)| {
                        PathElement::new([(x, y), (x + 16, y)], c.stroke_width(2))
                    });
                chart
                    .draw_series(points.iter().map(|&p| Circle::new(p, 3, c.filled())))
                    .map_err(err)?;
            }
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK.mix(0.3))
                .position(SeriesLabelPosition::UpperRight)
                .draw()
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(Some(svg))
}
