//! `REPORT.md`: the machine, the workload, the per-layout tables, the layout inspector and
//! the decision guide, as Markdown. The HTML page renders this same text.

mod guide;
mod layouts;
mod memory;
mod text;
mod time;

use std::fmt::Write;

use anyhow::Result;

use crate::model::Results;
use crate::report::Exporter;
use crate::units::Bytes;

pub(crate) use self::text::chart_marker;
use self::text::{escape, table};

/// The Markdown exporter.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Markdown;

impl Exporter for Markdown {
    fn file_name(&self) -> &'static str {
        "REPORT.md"
    }

    fn render(&self, data: &Results) -> Result<Vec<u8>> {
        Ok(render(data).into_bytes())
    }
}

/// The whole report as Markdown.
pub(crate) fn render(data: &Results) -> String {
    let mut out = String::new();
    let m = &data.machine;
    let w = &data.workload;
    let _ = writeln!(out, "# layoutlab report\n");
    let _ = writeln!(
        out,
        "Which memory layout should a Rust program use for its records? Every layout below \
         stored the same {} readings and ran the same pipeline (ingest → filter → normalize → \
         rolling → aggregate); their aggregates are bit-identical. Times are wall-clock, the \
         median of {} paired rounds (each round runs every layout once, in a rotated order, so \
         a disturbance hits all alike); heap figures come from dhat in a separate process per \
         layout.\n",
        w.records, data.repeat
    );

    let _ = writeln!(out, "## Machine\n");
    table(
        &mut out,
        &[
            "CPU",
            "cores",
            "memory",
            "OS",
            "rustc",
            "layoutlab",
            "date (UTC)",
        ],
        &[vec![
            m.cpu.clone(),
            m.cores.to_string(),
            Bytes(m.memory_bytes).to_string(),
            m.os.clone(),
            m.rustc.clone(),
            format!("{} ({})", m.layoutlab, m.commit),
            m.date.clone(),
        ]],
    );

    let _ = writeln!(out, "## Workload\n");
    table(
        &mut out,
        &[
            "source",
            "records",
            "sensors",
            "window",
            "seed",
            "skipped rows",
            "kept",
        ],
        &[vec![
            escape(&w.source),
            w.records.to_string(),
            w.sensors.to_string(),
            w.window.to_string(),
            w.seed.map_or("—".to_owned(), |s| s.to_string()),
            w.skipped.to_string(),
            data.timed()
                .next()
                .map_or("—".to_owned(), |(_, t)| t.kept.to_string()),
        ]],
    );

    time::headline(&mut out, data);
    guide::guide(&mut out, data);
    time::stages(&mut out, data);
    memory::memory(&mut out, data);
    time::scaling(&mut out, data);
    layouts::inspect(&mut out, data);
    layouts::python(&mut out, data);
    layouts::failures(&mut out, data);

    let _ = writeln!(out, "## Reproduce\n");
    let _ = writeln!(
        out,
        "`cargo run --release -- compare` reruns the measurements and rewrites this report; \
         `scripts/full-run.sh` also runs the criterion benches first, so the stage tables show \
         criterion's confidence intervals (marked ᶜ). `layoutlab report` rebuilds these files \
         from `results.json` without measuring again."
    );
    out
}
