//! The report of a user's own record: the same machine, heap, layout and failure sections as
//! the built-in report, with the record's workloads in place of the pipeline's stages, and
//! what only a user's record has — which fields each workload touches, and what to do with
//! its text fields.

use std::fmt::Write;

use crate::analysis::{figures, own};
use crate::format::{per_record, per_record_range, ratio_range, small};
use crate::model::{RecordSection, Results};

use super::text::{chart_marker, code, escape, table};
use super::{guide, layouts, machine, memory};

/// The whole report of a user's record.
pub(crate) fn render(data: &Results) -> String {
    let mut out = String::new();
    let Some(record) = &data.record else {
        return out;
    };
    let w = &data.workload;
    let _ = writeln!(out, "# layoutlab report: {}\n", code(&record.name));
    let failed = data.failed_measurements();
    if !failed.is_empty() {
        let _ = writeln!(
            out,
            "**This report is incomplete**: a measurement failed on {} (a workload that \
             panicked, or whose output differed, is left out where it did; see *Failures* at \
             the end). Everything else below was measured.\n",
            failed
                .iter()
                .map(|l| format!("`{l}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let _ = writeln!(
        out,
        "Which memory layout should `{}` records live in? Every layout below was built from the \
         same {} records ({}) and ran the same {} workload(s), each first on a freshly built \
         store (the first pass) and, where the workload leaves the store unchanged, again and \
         again over the same store (warm: the median of the passes after the first); {}. \
         Times are wall-clock, the \
         median of {} paired rounds (each round runs every layout once, in a rotated order, so \
         a disturbance hits all alike), with 95 % intervals; {}.\n",
        escape(&record.name),
        w.records,
        escape(&w.source),
        record.workloads.len(),
        if failed.is_empty() {
            "every workload's output was identical on every layout"
        } else {
            "every figure shown is of a workload whose output was identical on every layout it \
             is shown for"
        },
        data.repeat,
        if data.profiled().next().is_some() {
            "heap figures come from dhat in a separate process per layout"
        } else {
            "the heap was not profiled in this run (see the heap section)"
        }
    );
    machine(&mut out, data);
    summary(&mut out, data, record);
    guide::guide(&mut out, &own::advise(data), data);
    let regimes = own::regime_sentences(data);
    if !regimes.is_empty() {
        let _ = writeln!(out, "### First pass or warm\n");
        for sentence in regimes {
            let _ = writeln!(out, "- {}.", super::text::capitalise(&sentence));
        }
        out.push('\n');
    }
    super::proposal::section(&mut out, data);
    fields(&mut out, data, record);
    strings(&mut out, data);
    times(&mut out, data, record);
    memory::memory(&mut out, data);
    let _ = writeln!(out, "## The record\n");
    let t = &record.record_type;
    let _ = writeln!(
        out,
        "`{}`: {} bytes, align {}, {} bytes of padding{}.\n",
        escape(&record.name),
        t.size,
        t.align,
        t.padding(),
        t.suggested.as_ref().map_or_else(String::new, |s| format!(
            "; as `#[repr(C)]` its fields in the order {} would take {} bytes",
            s.fields
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", "),
            s.size
        ))
    );
    let rows: Vec<Vec<String>> = record
        .fields
        .iter()
        .map(|f| {
            vec![
                code(&f.name),
                code(&f.ty),
                f.size.to_string(),
                f.packed_size.to_string(),
                f.intern
                    .clone()
                    .map_or("—".into(), |w| format!("`{w}` ids")),
                if f.cold { "cold".into() } else { "—".into() },
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "field",
            "type",
            "bytes in the struct",
            "bytes in `packed`",
            "interned",
            "cold",
        ],
        &rows,
    );
    layouts::inspect(&mut out, data);
    layouts::failures(&mut out, data);
    let _ = writeln!(out, "## Reproduce\n");
    let _ = writeln!(out, "{}", reproduce(record.bench.as_deref()));
    out
}

/// How to rerun the bench that wrote the report. The bench target is named because a bare
/// `cargo bench -- --quick` also hands `--quick` to the crate's other bench harnesses (a
/// library's own libtest one rejects it: `Unrecognized option: 'quick'`).
fn reproduce(bench: Option<&str>) -> String {
    let bench = bench.map_or_else(
        || "cargo bench --bench <the bench file's name>".to_owned(),
        |b| format!("cargo bench --bench {b}"),
    );
    format!(
        "`{bench}` reruns the bench file that wrote this report and rewrites it; \
         `{bench} -- --quick` runs 3 rounds, `--records N` changes the size, `--no-memory` \
         skips heap profiling."
    )
}

/// Heap and time per record of every layout, and each workload's time against the fastest.
fn summary(out: &mut String, data: &Results, record: &RecordSection) {
    let _ = writeln!(out, "## Summary\n");
    let mut header = vec![
        "layout".to_owned(),
        "bytes/record requested".to_owned(),
        "bytes/record reserved".to_owned(),
        "allocations/record".to_owned(),
        "ingest ns/record".to_owned(),
    ];
    header.extend(
        record
            .workloads
            .iter()
            .map(|w| format!("{} ns/record", code(w))),
    );
    header.push("what it is".to_owned());
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = data
        .layouts
        .iter()
        .map(|l| {
            let mem = l.memory.as_ref();
            let t = l.timing.as_ref();
            let store = mem.map(|m| figures::store_memory(data, m));
            let mut row = vec![
                format!("`{}`", l.layout),
                store.map_or("—".into(), |f| per_record(f.bytes)),
                store
                    .and_then(|f| f.reserved)
                    .map_or("—".into(), per_record),
                store.map_or("—".into(), |f| small(f.allocations)),
            ];
            for phase in
                std::iter::once("ingest").chain(record.workloads.iter().map(String::as_str))
            {
                row.push(t.map_or("—".into(), |t| {
                    // `Harness::criterion` registers `workload/layout/records`: its estimate,
                    // where it has run, stands in for the rounds' median (marked ᶜ).
                    if let Some(c) = data.criterion_estimate(phase, &l.layout, t.records) {
                        return format!("{}ᶜ", per_record_range(c.mean_ns, c.lower_ns, c.upper_ns));
                    }
                    if t.best.get(phase).is_none() {
                        // Left out on this layout: see the failures.
                        return "—".into();
                    }
                    let i = figures::stage(t, phase);
                    per_record_range(i.median, i.lower, i.upper)
                }));
            }
            row.push(escape(&l.summary));
            row
        })
        .collect();
    table(out, &header, &rows);
    if rows.iter().flatten().any(|cell| cell.ends_with('ᶜ')) {
        let _ = writeln!(
            out,
            "Times marked ᶜ are criterion's mean and confidence interval for the same \
             `workload/layout/records` (`Harness::criterion`), where it has run.\n"
        );
    }
    if data.profiled().next().is_some() {
        let _ = writeln!(
            out,
            "Heap figures are those of building the store (phase `ingest`: the store and what \
             building it costs, such as a `Vec`'s doubling). The allocations are the store's \
             own: what the source allocates for the records it hands over (such as a \
             generator's `format!`), measured alone in the same process, is taken off{}; a \
             layout that keeps the source's `String`s as they are (`aos`) holds those blocks \
             without allocating them. The heap section below has every workload's peak too.\n\n{}\n",
            source_cost(data),
            chart_marker("bytes_per_record")
        );
    }
}

/// What the source alone allocated per record, as the profiled layouts measured it (the
/// same in every process: the same records made the same way).
fn source_cost(data: &Results) -> String {
    let records = data.workload.records.max(1) as f64;
    data.profiled()
        .find_map(|(_, m)| m.source.as_ref())
        .map_or_else(String::new, |s| {
            format!(
                " ({} allocations and {} bytes per record here)",
                small(s.allocations as f64 / records),
                small(s.total_bytes.0 as f64 / records)
            )
        })
}

/// Each workload's time per layout against the fastest layout's, round by round.
fn times(out: &mut String, data: &Results, record: &RecordSection) {
    let _ = writeln!(out, "## Time per workload\n");
    let _ = writeln!(
        out,
        "Each workload's nanoseconds per record over the fastest layout's for that workload, \
         round by round (median and 95 % interval): an interval that includes 1 means the two \
         cannot be told apart. *First*: one pass on a freshly built store; *warm*: the median \
         of the passes after the first over the same store, for the workloads that leave it \
         unchanged (a workload that writes, pushes or removes has a first pass only). Drop: \
         freeing a whole store.\n"
    );
    // (workload, warm regime)
    let columns: Vec<(&str, bool)> = record
        .workloads
        .iter()
        .map(|w| (w.as_str(), false))
        .chain(
            record
                .workloads
                .iter()
                .filter(|w| {
                    data.timed()
                        .any(|(_, t)| figures::warm_stage(t, w).is_some())
                })
                .map(|w| (w.as_str(), true)),
        )
        .collect();
    let mut header = vec!["layout".to_owned()];
    header.extend(columns.iter().map(|(w, warm)| {
        let regime = if *warm { "warm" } else { "first" };
        format!("{} {regime} vs fastest", code(w))
    }));
    header.push("drop ns/record".to_owned());
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let figure = |t: &crate::model::Timing, w: &str, warm: bool| {
        if warm {
            figures::warm_stage(t, w)
        } else {
            t.best.get(w).map(|_| figures::stage(t, w))
        }
    };
    let fastest = |w: &str, warm: bool| {
        data.timed()
            .filter_map(|(_, t)| Some((t, figure(t, w, warm)?.median)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(t, _)| t)
    };
    let rows: Vec<Vec<String>> = data
        .timed()
        .map(|(l, t)| {
            let mut row = vec![format!("`{}`", l.layout)];
            for &(w, warm) in &columns {
                let cell = fastest(w, warm)
                    .filter(|_| figure(t, w, warm).is_some())
                    .map(|f| {
                        let r = if warm {
                            figures::warm_stage_ratio(t, f, w)
                        } else {
                            figures::stage_ratio(t, f, w)
                        };
                        ratio_range(r.median, r.lower, r.upper)
                    });
                row.push(cell.unwrap_or_else(|| "—".into()));
            }
            row.push(per_record(t.drop.per(t.records)));
            row
        })
        .collect();
    table(out, &header, &rows);
    let first_only: Vec<String> = record
        .workloads
        .iter()
        .filter(|w| !columns.contains(&(w.as_str(), true)))
        .map(|w| code(w))
        .collect();
    if !first_only.is_empty() && data.timed().next().is_some() {
        let _ = writeln!(
            out,
            "First pass only (changes its store, or was not timed warm): {}.\n",
            first_only.join(", ")
        );
    }
    let _ = writeln!(out, "{}\n", chart_marker("stage_throughput"));
}

/// The field × workload access table and what it says.
fn fields(out: &mut String, data: &Results, record: &RecordSection) {
    let _ = writeln!(out, "## Which fields the workloads touch\n");
    let _ = writeln!(
        out,
        "Reads and writes per record of each field, counted on one run of each workload on a \
         counting store (`get` reads every field; a `retain` row reads what the predicate \
         asks).\n"
    );
    let mut header = vec!["field".to_owned()];
    header.extend(
        record
            .access
            .iter()
            .map(|a| format!("{} reads / writes", code(&a.workload))),
    );
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = record
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut row = vec![code(&f.name)];
            row.extend(record.access.iter().map(|a| {
                let (r, w) = a.fields.get(i).copied().unwrap_or((0, 0));
                let n = a.records.max(1) as f64;
                if r + w == 0 {
                    "—".to_owned()
                } else {
                    format!("{} / {}", small(r as f64 / n), small(w as f64 / n))
                }
            }));
            row
        })
        .collect();
    table(out, &header, &rows);
    // The advice is written as Markdown (field names in code spans).
    for line in own::field_advice(data) {
        let _ = writeln!(out, "- {line}");
    }
    out.push('\n');
}

/// Per text, `Option` and list field: what it held, and what to do with it.
fn strings(out: &mut String, data: &Results) {
    for (title, advice) in [
        ("Text fields", own::string_advice(data)),
        ("Optional fields", own::option_advice(data)),
        ("List fields", own::list_advice(data)),
    ] {
        if advice.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {title}\n");
        for a in advice {
            let _ = writeln!(out, "- `{}`: **{}** — {}", a.field, a.advice, a.why);
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::reproduce;

    #[test]
    fn reproduce_names_the_bench_target() {
        // A bare `cargo bench -- --quick` also reaches a library's libtest harness, which
        // rejects `--quick`.
        let known = reproduce(Some("trades"));
        assert!(
            known.contains("`cargo bench --bench trades -- --quick`"),
            "{known}"
        );
        assert!(!known.contains("`cargo bench -- "), "{known}");
        let unknown = reproduce(None);
        assert!(
            unknown.contains("--bench <the bench file's name>"),
            "{unknown}"
        );
    }
}
