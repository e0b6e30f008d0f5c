//! `REPORT.md`: the machine, the workload, the per-layout tables, the layout inspector and
//! the decision guide, as Markdown. The HTML page renders this same text.

mod costs;
mod guide;
mod layouts;
mod memory;
mod own;
pub(crate) mod proposal;
mod sweep;
pub(crate) mod text;
mod time;

use std::fmt::Write;

use anyhow::Result;

use crate::model::Results;
use crate::report::Exporter;
use crate::units::Bytes;

pub(crate) use self::text::chart_marker;
pub(crate) use self::text::escape;
use self::text::table;

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

/// The whole report as Markdown: the built-in pipeline's, or a user's own record's.
pub(crate) fn render(data: &Results) -> String {
    if data.record.is_some() {
        return own::render(data);
    }
    let mut out = String::new();
    let w = &data.workload;
    let _ = writeln!(out, "# layoutlab report\n");
    let _ = writeln!(
        out,
        "Which memory layout should a Rust program use for its records? Every layout below \
         stored the same {} readings and ran the same pipeline (ingest → filter → normalize → \
         rolling → aggregate); their aggregates are bit-identical. Times are wall-clock, the \
         median of {} paired rounds (each round runs every layout once, in a rotated order, so \
         a disturbance hits all alike); heap figures are counted as dhat counts them (by dhat \
         itself when its profiles are saved), in a separate process per layout.\n",
        w.records, data.repeat
    );
    machine(&mut out, data);
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
            crate::format::or_dash(w.sensors),
            crate::format::or_dash(w.window),
            w.seed.map_or("—".to_owned(), |s| s.to_string()),
            w.skipped.to_string(),
            data.timed()
                .next()
                .map_or("—".to_owned(), |(_, t)| crate::format::or_dash(t.kept)),
        ]],
    );

    time::headline(&mut out, data);
    guide::guide(&mut out, &crate::analysis::guide::advise(data), data);
    time::stages(&mut out, data);
    memory::memory(&mut out, data);
    costs::section(&mut out, data);
    time::scaling(&mut out, data);
    sweep::section(&mut out, data);
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

/// Where and with what the figures were measured.
fn machine(out: &mut String, data: &Results) {
    let m = &data.machine;
    let _ = writeln!(out, "## Machine\n");
    table(
        out,
        &[
            "CPU",
            "cores",
            "memory",
            "OS",
            "rustc",
            "layoutlab",
            "date (UTC)",
            "data caches",
        ],
        &[vec![
            m.cpu.clone(),
            m.cores.to_string(),
            Bytes(m.memory_bytes).to_string(),
            m.os.clone(),
            m.rustc.clone(),
            format!("{} ({})", m.layoutlab, m.commit),
            m.date.clone(),
            {
                let caches: Vec<String> = m
                    .data_caches()
                    .into_iter()
                    .map(|(name, size)| format!("{name} {size}"))
                    .collect();
                if caches.is_empty() {
                    "—".to_owned()
                } else {
                    caches.join(", ")
                }
            },
        ]],
    );
}
