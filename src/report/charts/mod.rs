//! SVG charts for the HTML report, drawn with `plotters` into strings.
//!
//! Text is left to the browser (SVG `<text>`), so no font files are needed, and the same
//! data always gives the same SVG bytes.

use anyhow::{anyhow, Result};
use plotters::prelude::*;

use crate::analysis::figures;
use crate::model::{PythonSection, Results};

mod costs;
mod scaling;

pub use self::costs::costs;
pub use self::scaling::{scaling, scaling_by_layout};

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

/// A chart builder for one horizontal bar per name, top to bottom, and the formatter that
/// puts each name beside its bar (bar `i` spans `n − 1 − i .. n − i` on the y axis).
fn bar_chart<'a, 'b>(
    area: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    title: &str,
    names: Vec<String>,
) -> (
    ChartBuilder<'a, 'b, SVGBackend<'b>>,
    impl Fn(&f64) -> String,
) {
    let label_width = names.iter().map(String::len).max().unwrap_or(4) as u32 * 7 + 10;
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(title, ("sans-serif", 16))
        .margin(8)
        .x_label_area_size(30)
        .y_label_area_size(label_width);
    let y_fmt = move |y: &f64| {
        let i = (*y - 0.5).round();
        if (y - (i + 0.5)).abs() < 1e-6 && i >= 0.0 && (i as usize) < names.len() {
            names[names.len() - 1 - i as usize].clone()
        } else {
            String::new()
        }
    };
    (builder, y_fmt)
}

/// A bar chart's drawing context on a linear value axis.
type LinearChart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// A chart for one horizontal bar per name on a linear value axis from 0 to a little above
/// `max`, its grid, names and axis (whole numbers from 10) drawn: for bars that
/// [`horizontal_bars`] cannot draw, such as stacked ones.
fn linear_bar_chart<'a, 'b>(
    area: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    title: &str,
    names: Vec<String>,
    max: f64,
    axis: &str,
) -> Result<LinearChart<'a, 'b>> {
    let n = names.len().max(1);
    let (mut builder, y_fmt) = bar_chart(area, title, names);
    let mut chart = builder
        .build_cartesian_2d(0.0..max * 1.15, 0.0..n as f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n * 2 + 1)
        .y_label_formatter(&y_fmt)
        .x_labels(5)
        .x_label_formatter(&|x| {
            if *x == 0.0 || x.abs() >= 10.0 {
                format!("{x:.0}")
            } else {
                crate::format::per_record(*x)
            }
        })
        .x_desc(axis)
        .draw()
        .map_err(err)?;
    Ok(chart)
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
    let names: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
    let (mut builder, y_fmt) = bar_chart(area, title, names);
    let draw_bar = |i: usize, v: f64, lo: f64, c: RGBColor| {
        let y = (n - 1 - i) as f64;
        Rectangle::new([(lo, y + 0.15), (v.max(lo), y + 0.85)], c.filled())
    };
    // The same bars on either axis; plotters' coordinate types differ, hence a macro.
    macro_rules! bars_on {
        ($x:expr, $lo:expr) => {{
            let mut chart = builder.build_cartesian_2d($x, 0.0..n as f64).map_err(err)?;
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
                        .map(|(i, b)| draw_bar(i, b.1, $lo, b.2)),
                )
                .map_err(err)?;
            chart
        }};
    }
    if log {
        let lo = if min.is_finite() { min / 2.0 } else { 0.1 };
        bars_on!((lo..max * 2.0).log_scale(), lo);
    } else {
        let mut chart = bars_on!(0.0..max * 1.15, 0.0);
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
            l.memory.as_ref().map(|m| {
                let bytes = crate::analysis::figures::store_memory(data, m).bytes;
                (l.layout.clone(), bytes, color(i))
            })
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
    let Some((_, first)) = timed.first() else {
        return Ok(None);
    };
    // Medians: the figure every table shows.
    let bars = |ns_per_record: &dyn Fn(&crate::model::Timing) -> f64| -> Vec<Bar> {
        timed
            .iter()
            .enumerate()
            .map(|(i, (l, t))| {
                let ns = ns_per_record(t);
                (
                    l.layout.clone(),
                    if ns > 0.0 { 1e3 / ns } else { 0.0 },
                    color(i),
                )
            })
            .collect()
    };
    let mut series: Vec<(String, Vec<Bar>)> = first
        .best
        .names()
        .map(|name| (name.to_owned(), bars(&|t| figures::stage(t, name).median)))
        .collect();
    if data.record.is_none() {
        series.push((
            "pipeline (filter…aggregate)".to_owned(),
            bars(&|t| figures::pipeline(t).median),
        ));
    }
    let rows = series.len().div_ceil(3);
    let mut svg = String::new();
    {
        let panel_height = 50 + 22 * timed.len() as u32;
        let root = SVGBackend::with_string(&mut svg, (960, panel_height * rows as u32))
            .into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let panels = root.split_evenly((rows, 3));
        for (panel, (title, bars)) in panels.iter().zip(&series) {
            horizontal_bars(panel, title, "million records / s (log)", bars, true)?;
        }
        root.present().map_err(err)?;
    }
    Ok(Some(svg))
}
