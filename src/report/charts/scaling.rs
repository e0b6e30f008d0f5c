//! The charts over size: every layout's time and heap per record against records, and one
//! small panel per layout with the machine's caches marked where that layout's data fills
//! them.

use anyhow::Result;
use plotters::prelude::*;

use super::{color, err, Line};
use crate::model::Results;

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
                .light_line_style(WHITE)
                .x_label_formatter(&|x| short(*x))
                .y_label_formatter(&|y| short(*y))
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

/// One panel per layout: its ingest and pipeline ns/record against records, with a vertical
/// line at each data cache where that layout's data (at its own bytes/record) fills it.
pub fn scaling_by_layout(data: &Results) -> Result<Option<String>> {
    if !crate::analysis::sweep::measured(data) {
        return Ok(None);
    }
    let panels: Vec<(String, Vec<Line>, f64)> = data
        .layouts
        .iter()
        .filter_map(|l| {
            let mut points: Vec<_> = data
                .scaling
                .iter()
                .filter(|p| p.layout == l.layout)
                .collect();
            points.sort_by_key(|p| p.records);
            let line =
                |name: &str, c: RGBColor, pick: fn(&crate::model::ScalePoint) -> Option<f64>| {
                    let pts: Vec<(f64, f64)> = points
                        .iter()
                        .filter_map(|p| pick(p).map(|v| (p.records as f64, v)))
                        .filter(|&(_, v)| v > 0.0)
                        .collect();
                    (name.to_owned(), c, pts)
                };
            let lines = vec![
                line("pipeline", color(0), |p| {
                    p.pipeline.map(|t| t.per(p.records))
                }),
                line("ingest", color(1), |p| p.ingest.map(|t| t.per(p.records))),
            ];
            let bpr = bytes_per_record(data, &l.layout)?;
            (lines.iter().any(|l| l.2.len() >= 2)).then(|| (l.layout.clone(), lines, bpr))
        })
        .collect();
    if panels.is_empty() {
        return Ok(None);
    }
    let caches = data.machine.data_caches();
    let columns = 3usize;
    let rows = panels.len().div_ceil(columns);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (960, 260 * rows as u32)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let areas = root.split_evenly((rows, columns));
        for (area, (layout, lines, bpr)) in areas.iter().zip(&panels) {
            let xs = lines.iter().flat_map(|l| l.2.iter().map(|p| p.0));
            let (xmin, xmax) = xs.fold((f64::INFINITY, 0f64), |(a, b), x| (a.min(x), b.max(x)));
            let ys = lines.iter().flat_map(|l| l.2.iter().map(|p| p.1));
            let (ymin, ymax) = ys.fold((f64::INFINITY, 0f64), |(a, b), y| (a.min(y), b.max(y)));
            let (y0, y1) = (ymin / 1.5, ymax * 2.0);
            let mut chart = ChartBuilder::on(area)
                .caption(format!("{layout} ({bpr:.0} B/record)"), ("sans-serif", 14))
                .margin(6)
                .x_label_area_size(24)
                .y_label_area_size(44)
                .build_cartesian_2d((xmin / 1.5..xmax * 1.5).log_scale(), (y0..y1).log_scale())
                .map_err(err)?;
            chart
                .configure_mesh()
                .light_line_style(WHITE)
                .x_labels(4)
                .y_labels(4)
                .x_label_formatter(&|x| short(*x))
                .y_label_formatter(&|y| short(*y))
                .x_desc("records")
                .y_desc("ns/record")
                .label_style(("sans-serif", 10))
                .draw()
                .map_err(err)?;
            for (name, size) in &caches {
                let x = size.0 as f64 / bpr;
                if x <= xmin / 1.5 || x >= xmax * 1.5 {
                    continue;
                }
                let grey = RGBColor(120, 120, 120);
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(x, y0), (x, y1)],
                        grey.stroke_width(1),
                    )))
                    .map_err(err)?;
                chart
                    .draw_series(std::iter::once(Text::new(
                        name.clone(),
                        (x * 1.08, y1 / 1.3),
                        ("sans-serif", 10).into_font().color(&grey),
                    )))
                    .map_err(err)?;
            }
            for (name, c, points) in lines {
                chart
                    .draw_series(LineSeries::new(points.iter().copied(), c.stroke_width(2)))
                    .map_err(err)?
                    .label(name.as_str())
                    .legend(move |(x, y)| {
                        PathElement::new([(x, y), (x + 12, y)], c.stroke_width(2))
                    });
                chart
                    .draw_series(points.iter().map(|&p| Circle::new(p, 2, c.filled())))
                    .map_err(err)?;
            }
            chart
                .configure_series_labels()
                .label_font(("sans-serif", 10))
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK.mix(0.3))
                .position(SeriesLabelPosition::LowerRight)
                .draw()
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(Some(svg))
}

/// The bytes per record that place `layout`'s cache lines: its measured peak at the
/// workload's size, else at its largest measured size.
fn bytes_per_record(data: &Results, layout: &str) -> Option<f64> {
    let run = data.layouts.iter().find(|l| l.layout == layout)?;
    run.memory
        .as_ref()
        .map(|m| m.bytes_per_record)
        .or_else(|| {
            data.scaling
                .iter()
                .rev()
                .filter(|p| p.layout == layout)
                .find_map(|p| Some(p.peak_bytes?.0 as f64 / p.records.max(1) as f64))
        })
        .filter(|b| *b > 0.0)
}

/// An axis label: `1k`, `10M`, `35`, `0.5`.
fn short(x: f64) -> String {
    let (v, suffix) = match x.abs() {
        a if a >= 1e9 => (x / 1e9, "G"),
        a if a >= 1e6 => (x / 1e6, "M"),
        a if a >= 1e3 => (x / 1e3, "k"),
        _ => (x, ""),
    };
    let digits = if v.abs() >= 10.0 || v.fract() == 0.0 {
        0
    } else {
        1
    };
    format!("{v:.digits$}{suffix}")
}
