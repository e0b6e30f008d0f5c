//! What a user's own-record harness prints: the table of every layout's phases, the
//! verdicts, and the outputs every layout agreed on.

use std::fmt::Write;

use super::MEMORY_COLUMNS;
use crate::analysis::figures;
use crate::format::{one_decimal, plus_minus, small};
use crate::model::Results;
use crate::report::table::{Align, Table};

/// What a user's own-record harness prints: per layout, each phase's median with its spread
/// (ingest, then every workload) and the heap per record; then each workload's verdict and
/// outputs.
pub(crate) fn own(results: &Results, name: &str) -> String {
    let mut out = String::new();
    let Some(record) = &results.record else {
        return out;
    };
    let w = &results.workload;
    let profiled = results.profiled().next().is_some();
    let _ = writeln!(
        out,
        "{name}: `{}` in {} layouts — {} {} records, {} paired round(s)\n\
         time: ns per record, median ± the wider side of its 95 % interval; a workload's \
         first pass runs on a freshly built store, `warm` is the median of its passes after \
         the first over the same store (timed only for workloads that leave it unchanged); \
         heap: {}",
        record.name,
        results.layouts.len(),
        w.records,
        crate::format::one_line(&w.source),
        results.repeat,
        if profiled {
            "building the store, from dhat, each layout in a process of its own"
        } else {
            "not profiled in this run"
        }
    );
    let phases: Vec<String> = std::iter::once("ingest".to_owned())
        .chain(record.workloads.iter().cloned())
        .collect();
    let warm: Vec<&String> = record
        .workloads
        .iter()
        .filter(|w| {
            results
                .timed()
                .any(|(_, t)| figures::warm_stage(t, w).is_some())
        })
        .collect();
    let warm_names: Vec<String> = warm.iter().map(|w| format!("{w} warm")).collect();
    let mut columns: Vec<(&str, Align)> = vec![("layout", Align::Left)];
    columns.extend(phases.iter().map(|p| (p.as_str(), Align::Right)));
    columns.extend(warm_names.iter().map(|p| (p.as_str(), Align::Right)));
    if profiled {
        columns.extend(MEMORY_COLUMNS);
    }
    let mut table = Table::new(&columns);
    for l in &results.layouts {
        let mut row = vec![l.layout.clone()];
        match &l.timing {
            Some(t) => row.extend(phases.iter().map(|p| {
                if t.best.get(p).is_none() {
                    // Left out on this layout (it panicked, or its output differed).
                    return "-".to_owned();
                }
                let i = figures::stage(t, p);
                plus_minus(i.median, i.spread())
            })),
            None => row.extend(phases.iter().map(|_| "-".to_owned())),
        }
        row.extend(warm.iter().map(|w| {
            l.timing
                .as_ref()
                .and_then(|t| figures::warm_stage(t, w))
                .map_or_else(|| "-".to_owned(), |i| plus_minus(i.median, i.spread()))
        }));
        if profiled {
            // The store's own bytes: building it (the workloads' working memory is theirs).
            row.extend(match &l.memory {
                Some(m) => {
                    let f = figures::store_memory(results, m);
                    vec![
                        m.phases
                            .get("ingest")
                            .map_or(m.peak_bytes, |p| p.peak_bytes)
                            .to_string(),
                        one_decimal(f.bytes),
                        f.reserved.map_or_else(|| "-".to_owned(), one_decimal),
                        small(f.allocations),
                    ]
                }
                None => vec!["failed".to_owned(); MEMORY_COLUMNS.len()],
            });
        }
        table.row(row);
    }
    out.push_str(&table.render());
    for advice in crate::analysis::own::advise(results).iter().skip(1) {
        if !advice.profile.starts_with("workload") {
            continue;
        }
        if let Some(verdict) = advice.verdict() {
            let _ = writeln!(out, "{}: {verdict}", advice.profile);
        }
    }
    for sentence in crate::analysis::own::regime_sentences(results) {
        let _ = writeln!(out, "{sentence}");
    }
    if let Some(p) = &results.proposal {
        let _ = writeln!(
            out,
            "proposed layout: {} (the attributes to paste are in REPORT.md, under Proposed layout)",
            crate::report::markdown::proposal::headline(p)
        );
        if let Some(c) = &p.compiled {
            let _ = writeln!(
                out,
                "compiled `grouped`: {} of `proposed`'s weighted time ({})",
                crate::format::ratio_range(
                    c.vs_proposed.median,
                    c.vs_proposed.low,
                    c.vs_proposed.high
                ),
                if c.kept {
                    "kept the gain"
                } else {
                    "did not keep the gain"
                }
            );
        }
    }
    outputs(&mut out, results);
    out
}

/// What a user's harness prints for `cargo test --benches`: that every workload ran on every
/// layout and agreed. No times: the run is one round of a debug build on a few records, and
/// a table of its nanoseconds with a "fastest" verdict would read as a measurement.
pub(crate) fn own_check(results: &Results, name: &str) -> String {
    let mut out = String::new();
    let Some(record) = &results.record else {
        return out;
    };
    let _ = writeln!(
        out,
        "{name}: `{}` in {} layouts — {} {} records: every workload ran once on every layout{} \
         (no times: a test build measures nothing worth reading)",
        record.name,
        results.layouts.len(),
        results.workload.records,
        crate::format::one_line(&results.workload.source),
        if results.failed_measurements().is_empty() {
            ""
        } else {
            " that did not fail (failures below)"
        },
    );
    outputs(&mut out, results);
    out
}

/// The workloads' outputs, the same on every timed layout (shortened to 40 characters each).
fn outputs(out: &mut String, results: &Results) {
    if let Some((_, t)) = results.timed().next() {
        let outputs: Vec<String> = t
            .outputs
            .iter()
            .map(|(w, o)| {
                let short: String = o.chars().take(40).collect();
                let more = if o.chars().count() > 40 { "…" } else { "" };
                format!("{w} = {short}{more}")
            })
            .collect();
        let _ = writeln!(
            out,
            "outputs: the same on all {} timed layouts ({})",
            results.timed().count(),
            outputs.join("; ")
        );
    }
}
