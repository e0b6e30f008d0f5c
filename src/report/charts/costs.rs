//! The costs chart: per stage and for the whole run, each layout's estimated cycles per
//! record split into what they pay for — instructions, D1 misses, LL misses — so that what
//! makes a slow layout slow is visible at a glance.

use anyhow::Result;
use plotters::prelude::*;

use super::{color, err, linear_bar_chart};
use crate::analysis::costs::{measured, Cause, Parts};
use crate::model::Results;

/// The three parts, in the order they are stacked, with their colours.
const PARTS: [(Cause, usize); 3] = [
    (Cause::Instructions, 0),
    (Cause::D1Misses, 1),
    (Cause::LlMisses, 3),
];

/// Stacked bars of estimated cycles per record, one panel per stage and one for the whole
/// run, under a legend; `None` when no layout has costs.
pub fn costs(data: &Results) -> Result<Option<String>> {
    let layouts: Vec<_> = measured(data).collect();
    let Some((_, first)) = layouts.first() else {
        return Ok(None);
    };
    let mut panels: Vec<(String, Vec<(String, Parts)>)> = first
        .stages
        .names()
        .map(|stage| {
            let bars = layouts
                .iter()
                .filter_map(|(l, c)| {
                    let span = c.stages.get(stage)?;
                    Some((l.layout.clone(), Parts::of(c, span)))
                })
                .collect();
            (stage.to_owned(), bars)
        })
        .collect();
    panels.push((
        "whole run (ingest to drop)".to_owned(),
        layouts
            .iter()
            .map(|(l, c)| (l.layout.clone(), Parts::of(c, &c.whole_run)))
            .collect(),
    ));
    let rows = panels.len().div_ceil(3);
    let legend_height = 30;
    let panel_height = 50 + 22 * layouts.len() as u32;
    let mut svg = String::new();
    {
        let root =
            SVGBackend::with_string(&mut svg, (960, legend_height + panel_height * rows as u32))
                .into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (legend, body) = root.split_vertically(legend_height);
        let mut x = 20;
        let label = ("sans-serif", 13).into_font();
        legend
            .draw(&Text::new(
                "estimated cycles per record:",
                (x, 9),
                label.clone(),
            ))
            .map_err(err)?;
        x += 190;
        for (cause, c) in PARTS {
            legend
                .draw(&Rectangle::new([(x, 8), (x + 14, 22)], color(c).filled()))
                .map_err(err)?;
            legend
                .draw(&Text::new(cause.name(), (x + 18, 9), label.clone()))
                .map_err(err)?;
            x += 130;
        }
        for (area, (title, bars)) in body.split_evenly((rows, 3)).iter().zip(&panels) {
            stacked(area, title, bars)?;
        }
        root.present().map_err(err)?;
    }
    Ok(Some(svg))
}

/// One panel: a horizontal bar per layout, its parts stacked left to right.
fn stacked(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    title: &str,
    bars: &[(String, Parts)],
) -> Result<()> {
    let n = bars.len().max(1);
    let max = bars
        .iter()
        .map(|b| b.1.total())
        .fold(0.0, f64::max)
        .max(1e-9);
    let names = bars.iter().map(|b| b.0.clone()).collect();
    let mut chart = linear_bar_chart(area, title, names, max, "estimated cycles per record")?;
    let segments = bars.iter().enumerate().flat_map(|(i, (_, parts))| {
        let y = (n - 1 - i) as f64;
        let mut start = 0.0;
        PARTS.iter().map(move |&(cause, c)| {
            let end = start + parts.get(cause);
            let bar = Rectangle::new([(start, y + 0.15), (end, y + 0.85)], color(c).filled());
            start = end;
            bar
        })
    });
    chart.draw_series(segments).map_err(err)?;
    Ok(())
}
