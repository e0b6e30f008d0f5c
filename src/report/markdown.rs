//! `REPORT.md`: the machine, the workload, the per-layout tables, the layout inspector and
//! the decision guide, as Markdown. The HTML page renders this same text.

use std::fmt::Write;

use anyhow::Result;

use crate::measure::Bytes;
use crate::pipeline::Stage;
use crate::record::INFORMATION_BYTES;
use crate::report::guide::advise;
use crate::report::{per_record, Exporter, PythonSection, ReportData, Timing};

/// The Markdown exporter.
#[derive(Debug, Clone, Copy)]
pub struct Markdown;

/// Where the HTML exporter puts a chart: a line `<!-- chart:NAME -->` in the Markdown.
pub fn chart_marker(name: &str) -> String {
    format!("<!-- chart:{name} -->")
}

impl Exporter for Markdown {
    fn file_name(&self) -> &'static str {
        "REPORT.md"
    }

    fn render(&self, data: &ReportData) -> Result<Vec<u8>> {
        Ok(render(data).into_bytes())
    }
}

/// Escapes text so Markdown shows it as written (summaries hold `<`, `_`, `|`, `*`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '_' | '*' | '|' | '`' | '[' | ']' | '\\' | '#' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
    out.push_str(&line(
        &header.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>(),
    ));
    out.push_str(&line(
        &header.iter().map(|_| "---".to_owned()).collect::<Vec<_>>(),
    ));
    for row in rows {
        out.push_str(&line(row));
    }
    out.push('\n');
}

fn stage_cell(data: &ReportData, layout: &str, t: &Timing, stage: Stage) -> String {
    let best = t.best.get(stage).per(t.records);
    if let Some(c) = data.criterion_estimate(stage.name(), layout, t.records) {
        return format!(
            "{} ({}–{})ᶜ",
            per_record(c.mean_ns),
            per_record(c.lower_ns),
            per_record(c.upper_ns)
        );
    }
    let per_run: Vec<f64> = t.runs.iter().map(|r| r.get(stage).per(t.records)).collect();
    let max = per_run.iter().copied().fold(best, f64::max);
    if t.runs.len() > 1 {
        format!("{} (≤{})", per_record(best), per_record(max))
    } else {
        per_record(best)
    }
}

/// The whole report as Markdown.
pub fn render(data: &ReportData) -> String {
    let mut out = String::new();
    let m = &data.machine;
    let w = &data.workload;
    let _ = writeln!(out, "# layoutlab report\n");
    let _ = writeln!(
        out,
        "Which memory layout should a Rust program use for its records? Every layout below \
         stored the same {} readings and ran the same pipeline (ingest → filter → normalize → \
         rolling → aggregate); their aggregates are bit-identical. Times are wall-clock, the \
         best of {} runs; heap figures come from dhat in a separate process per layout.\n",
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

    headline(&mut out, data);
    guide(&mut out, data);
    stages(&mut out, data);
    memory(&mut out, data);
    scaling(&mut out, data);
    inspect(&mut out, data);
    python(&mut out, data);
    failures(&mut out, data);

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

fn headline(out: &mut String, data: &ReportData) {
    let _ = writeln!(out, "## Summary\n");
    let best = data
        .timed()
        .map(|(_, t)| t.best.pipeline().0)
        .min()
        .unwrap_or(0);
    let mut rows = Vec::new();
    for l in &data.layouts {
        let mem = l.memory.as_ref();
        let t = l.timing.as_ref();
        let records = t.map_or(data.workload.records, |t| t.records).max(1);
        rows.push(vec![
            format!("`{}`", l.layout),
            mem.map_or("—".into(), |m| per_record(m.bytes_per_record)),
            mem.and_then(|m| m.reserved_bytes_per_record)
                .map_or("—".into(), per_record),
            mem.map_or("—".into(), |m| {
                allocations(m.allocations as f64 / records as f64)
            }),
            t.map_or("—".into(), |t| per_record(t.best.ingest.per(t.records))),
            t.map_or("—".into(), |t| {
                per_record(t.best.pipeline().per(t.records))
            }),
            t.map_or("—".into(), |t| {
                if best == 0 {
                    "—".into()
                } else {
                    format!("{:.2}×", t.best.pipeline().0 as f64 / best as f64)
                }
            }),
            escape(&l.summary),
        ]);
    }
    if let PythonSection::Measured {
        rows: py, records, ..
    } = &data.python
    {
        for r in py {
            let pipeline: u64 = ["filter", "normalize", "rolling", "aggregate"]
                .iter()
                .filter_map(|s| r.timing_ns.get(*s))
                .sum();
            let ingest = r.timing_ns.get("ingest").copied().unwrap_or(0);
            rows.push(vec![
                format!("{} (Python, {records} records)", escape(&r.layout)),
                per_record(r.bytes_per_record),
                "—".into(),
                format!("{} live blocks", per_record(r.live_blocks_per_record)),
                per_record(ingest as f64 / r.records.max(1) as f64),
                per_record(pipeline as f64 / r.records.max(1) as f64),
                if best == 0 {
                    "—".into()
                } else {
                    let rust_best = best as f64 / data.workload.records.max(1) as f64;
                    format!(
                        "{:.2}×",
                        pipeline as f64 / r.records.max(1) as f64 / rust_best
                    )
                },
                escape(&r.summary),
            ]);
        }
    }
    table(
        out,
        &[
            "layout",
            "bytes/record requested",
            "bytes/record reserved",
            "allocations/record",
            "ingest ns/record",
            "pipeline ns/record",
            "pipeline vs best",
            "what it is",
        ],
        &rows,
    );
    let _ = writeln!(
        out,
        "*bytes/record* is the peak heap divided by the records ingested: *requested* as dhat \
         counts it, *reserved* as the allocator really set it aside; the information floor is \
         {INFORMATION_BYTES} bytes. *pipeline* \
         is filter + normalize + rolling + aggregate. Python rows are measured with tracemalloc \
         by `scripts/python_baseline.py` on the same readings and pipeline.\n"
    );
    let _ = writeln!(out, "{}\n", chart_marker("bytes_per_record"));
}

fn guide(out: &mut String, data: &ReportData) {
    let _ = writeln!(out, "## Decision guide\n");
    let _ = writeln!(
        out,
        "Each profile ranks the layouts by a figure measured above (lower is better); the \
         ranking is recomputed whenever the report is, so it follows the numbers.\n"
    );
    for advice in advise(data) {
        let _ = writeln!(out, "### {}\n", capitalise(advice.profile));
        let _ = writeln!(
            out,
            "*{}* — ranked by {}.\n",
            advice.question, advice.metric
        );
        match advice.verdict() {
            Some(v) => {
                let _ = writeln!(out, "**Recommendation: {v}.**\n");
            }
            None => {
                let _ = writeln!(
                    out,
                    "**No layout could be ranked: the figures are missing.**\n"
                );
            }
        }
        for (i, r) in advice.ranking.iter().enumerate() {
            let _ = writeln!(out, "{}. `{}` — {}", i + 1, r.layout, r.why);
        }
        for (layout, why) in &advice.excluded {
            let _ = writeln!(out, "- `{layout}` — not ranked: {why}");
        }
        out.push('\n');
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn stages(out: &mut String, data: &ReportData) {
    let _ = writeln!(out, "## Time per stage\n");
    let _ = writeln!(
        out,
        "Nanoseconds per record: the best of {} runs, with the slowest run in parentheses as \
         the spread; where criterion has measured the same `stage/layout/records`, its mean and \
         confidence interval are shown instead (ᶜ). Random read: one whole record at a random \
         index. Drop: freeing the whole store.\n",
        data.repeat
    );
    let mut header = vec!["layout"];
    header.extend(Stage::ALL.iter().map(|s| s.name()));
    header.extend(["random read", "drop"]);
    let rows: Vec<Vec<String>> = data
        .timed()
        .map(|(l, t)| {
            let mut row = vec![format!("`{}`", l.layout)];
            row.extend(
                Stage::ALL
                    .iter()
                    .map(|&s| stage_cell(data, &l.layout, t, s)),
            );
            row.push(if t.access_reads > 0 {
                per_record(t.access.per(t.access_reads))
            } else {
                "—".into()
            });
            row.push(per_record(t.drop.per(t.records)));
            row
        })
        .collect();
    table(out, &header, &rows);
    let _ = writeln!(out, "{}\n", chart_marker("stage_throughput"));
}

fn memory(out: &mut String, data: &ReportData) {
    let _ = writeln!(out, "## Heap\n");
    let profiled: Vec<_> = data.profiled().collect();
    if profiled.is_empty() {
        let _ = writeln!(out, "No layout was profiled.\n");
        return;
    }
    let _ = writeln!(
        out,
        "Whole run, from dhat in a process of its own per layout. *Requested* bytes are what \
         the program asked the allocator for; *reserved* bytes are what glibc really set aside \
         for those blocks (`malloc_usable_size`: size classes and alignment), which is what \
         the process pays in RSS.\n"
    );
    let rows: Vec<Vec<String>> = profiled
        .iter()
        .map(|(l, m)| {
            vec![
                format!("`{}`", l.layout),
                Bytes(m.peak_bytes).to_string(),
                per_record(m.bytes_per_record),
                m.reserved_bytes_per_record.map_or("—".into(), per_record),
                m.allocations.to_string(),
                allocations(m.allocations_per_record),
                Bytes(m.total_bytes).to_string(),
            ]
        })
        .collect();
    table(
        out,
        &[
            "layout",
            "peak (requested)",
            "bytes/record requested",
            "bytes/record reserved",
            "allocations",
            "allocations/record",
            "allocated in all",
        ],
        &rows,
    );
    let _ = writeln!(
        out,
        "Peak bytes per record during each phase, requested (reserved); a phase's peak counts \
         everything live during it, the store included:\n"
    );
    let mut header = vec!["layout"];
    header.extend(Stage::ALL.iter().map(|s| s.name()));
    let rows: Vec<Vec<String>> = profiled
        .iter()
        .map(|(l, m)| {
            let mut row = vec![format!("`{}`", l.layout)];
            row.extend(Stage::ALL.iter().map(|&stage| {
                let p = m.phases.get(stage);
                match p.reserved_bytes_per_record {
                    Some(r) => format!("{} ({})", per_record(p.bytes_per_record), per_record(r)),
                    None => per_record(p.bytes_per_record),
                }
            }));
            row
        })
        .collect();
    table(out, &header, &rows);
    let _ = writeln!(out, "Allocations per record during each phase:\n");
    let rows: Vec<Vec<String>> = profiled
        .iter()
        .map(|(l, m)| {
            let mut row = vec![format!("`{}`", l.layout)];
            row.extend(
                Stage::ALL
                    .iter()
                    .map(|&stage| allocations(m.phases.get(stage).allocations_per_record)),
            );
            row
        })
        .collect();
    table(out, &header, &rows);
}

/// Allocations per record: three significant digits below 1, so that "a handful per
/// million records" stays visible.
pub fn allocations(x: f64) -> String {
    if x == 0.0 || x >= 1.0 || !x.is_finite() {
        format!("{x:.2}")
    } else {
        let decimals = (-x.log10()).floor() as usize + 3;
        format!("{x:.decimals$}")
    }
}

fn scaling(out: &mut String, data: &ReportData) {
    if data.scaling.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Scaling\n");
    let mut sizes: Vec<u64> = data.scaling.iter().map(|p| p.records).collect();
    sizes.sort_unstable();
    sizes.dedup();
    let mut header = vec!["layout".to_owned()];
    header.extend(sizes.iter().map(|n| format!("{n} records")));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    for (title, pick) in [
        ("pipeline ns/record", 0usize),
        ("peak heap bytes/record", 1usize),
    ] {
        let _ = writeln!(out, "{}:\n", capitalise(title));
        let rows: Vec<Vec<String>> = data
            .layouts
            .iter()
            .map(|l| {
                let mut row = vec![format!("`{}`", l.layout)];
                for n in &sizes {
                    let point = data
                        .scaling
                        .iter()
                        .find(|p| p.layout == l.layout && p.records == *n);
                    let value = point.and_then(|p| match pick {
                        0 => p.pipeline.map(|t| t.per(p.records)),
                        _ => p.peak_bytes.map(|b| b as f64 / p.records.max(1) as f64),
                    });
                    row.push(value.map_or("—".into(), per_record));
                }
                row
            })
            .collect();
        table(out, &header, &rows);
    }
    let _ = writeln!(out, "{}\n", chart_marker("scaling"));
}

fn inspect(out: &mut String, data: &ReportData) {
    let _ = writeln!(out, "## Record layouts\n");
    let _ = writeln!(
        out,
        "Offsets, sizes and padding as the compiler laid the types out (read with \
         `memoffset`); cache lines are 64 bytes.\n"
    );
    for l in &data.layouts {
        for ty in &l.types {
            let straddling = ty.straddling_fields();
            if ty.columns {
                let _ = writeln!(
                    out,
                    "**`{}`: `{}`** — {} bytes per record across the columns; each column is \
                     its own array, so a cache line holds 64 / size elements of one field\n",
                    l.layout, ty.name, ty.size
                );
            } else {
                let _ = writeln!(
                out,
                "**`{}`: `{}`** — {} bytes, align {}, {} bytes of padding, {:.2} per cache line{}\n",
                l.layout,
                ty.name,
                ty.size,
                ty.align,
                ty.padding(),
                ty.per_cache_line(),
                if straddling.is_empty() {
                    String::new()
                } else {
                    format!("; in an array, {} can straddle a cache line", straddling.join(", "))
                }
            );
            }
            let rows: Vec<Vec<String>> = ty
                .fields
                .iter()
                .map(|f| {
                    vec![
                        format!("`{}`", f.name),
                        f.offset.to_string(),
                        f.size.to_string(),
                        f.padding_after.to_string(),
                    ]
                })
                .collect();
            table(out, &["field", "offset", "size", "padding after"], &rows);
        }
    }
}

fn python(out: &mut String, data: &ReportData) {
    let _ = writeln!(out, "## Python baseline\n");
    match &data.python {
        PythonSection::Skipped { reason } => {
            let _ = writeln!(out, "Skipped: {reason}.\n");
        }
        PythonSection::Measured {
            python,
            records,
            agrees_with_rust,
            rows,
        } => {
            let _ = writeln!(
                out,
                "Python {python}, {records} records, the same pipeline with the same arithmetic; \
                 its aggregates are {} Rust's. Memory is tracemalloc's peak (Python objects \
                 only), time is a separate untraced run.\n",
                if *agrees_with_rust {
                    "bit-identical to"
                } else {
                    "NOT identical to"
                }
            );
            let mut header = vec!["layout", "bytes/record", "live blocks/record"];
            header.extend(Stage::ALL.iter().map(|s| s.name()));
            let rows: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let mut row = vec![
                        escape(&r.layout),
                        per_record(r.bytes_per_record),
                        per_record(r.live_blocks_per_record),
                    ];
                    row.extend(Stage::ALL.iter().map(|s| {
                        r.timing_ns.get(s.name()).map_or("—".into(), |ns| {
                            per_record(*ns as f64 / r.records.max(1) as f64)
                        })
                    }));
                    row
                })
                .collect();
            table(out, &header, &rows);
        }
    }
}

fn failures(out: &mut String, data: &ReportData) {
    let failed: Vec<_> = data
        .layouts
        .iter()
        .filter(|l| !l.errors.is_empty())
        .collect();
    if failed.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Failures\n");
    for l in failed {
        for e in &l.errors {
            let _ = writeln!(out, "- `{}`: {}", l.layout, escape(&e.replace('\n', " ")));
        }
    }
    out.push('\n');
}
