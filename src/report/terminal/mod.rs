//! The terminal exporter: the tables `run`, `compare` and `inspect` print (and, in `own`,
//! what a user's own-record harness prints).

mod own;

pub(crate) use self::own::{own, own_check};

use std::fmt::Write;

use crate::analysis::{costs, figures};
use crate::format::{one_decimal, per_record, plus_minus, ratio_x, small};
use crate::inspect::TypeInfo;
use crate::model::{LayoutRun, MemorySummary, Results, Timing};
use crate::pipeline::Stage;
use crate::report::table::{Align, Table};
use crate::units::Nanos;

/// The heap columns of the `run --memory` and `compare` tables.
pub(super) const MEMORY_COLUMNS: [(&str, Align); 4] = [
    ("peak", Align::Right),
    ("B/rec req", Align::Right),
    ("B/rec rsv", Align::Right),
    ("allocs/rec", Align::Right),
];

/// The cells under [`MEMORY_COLUMNS`]: peak (requested), bytes per record requested and
/// reserved, allocations per record; `failed` when the layout's profile failed.
fn memory_cells(memory: Option<&MemorySummary>) -> Vec<String> {
    match memory {
        Some(m) => vec![
            m.peak_bytes.to_string(),
            one_decimal(m.bytes_per_record),
            m.reserved_bytes_per_record
                .map_or_else(|| "-".to_owned(), one_decimal),
            small(m.allocations_per_record),
        ],
        None => vec!["failed".to_owned(); MEMORY_COLUMNS.len()],
    }
}

fn stage_columns() -> Vec<(&'static str, Align)> {
    let mut columns = vec![("layout", Align::Left)];
    columns.extend(Stage::ALL.iter().map(|s| (s.name(), Align::Right)));
    columns
}

/// What `run` prints: the workload, one row per layout with its kept count, checksum and
/// nanoseconds per stage, and with `memory` the heap columns and the per-phase table.
pub(crate) fn run(results: &Results, memory: bool) -> String {
    let mut out = String::new();
    let w = &results.workload;
    let _ = writeln!(
        out,
        "workload: {} — {} records, {} sensors, window {}{}",
        crate::format::one_line(&w.source),
        w.records,
        crate::format::or_dash(w.sensors),
        crate::format::or_dash(w.window),
        if w.skipped > 0 {
            format!(", {} rows skipped", w.skipped)
        } else {
            String::new()
        }
    );
    let mut columns = vec![
        ("layout", Align::Left),
        ("kept", Align::Right),
        ("checksum", Align::Right),
    ];
    columns.extend(stage_columns().into_iter().skip(1));
    columns.push(("total", Align::Right));
    if memory {
        columns.extend(MEMORY_COLUMNS);
    }
    let mut table = Table::new(&columns);
    let timed: Vec<(&LayoutRun, &Timing)> = results.timed().collect();
    for (l, t) in &timed {
        let mut row = vec![
            l.layout.clone(),
            crate::format::or_dash(t.kept),
            t.checksum
                .map_or_else(|| "—".to_owned(), |c| format!("{c:.6}")),
        ];
        let median = figures::median_times(t);
        row.extend(Stage::ALL.iter().map(|&s| median[s].to_string()));
        row.push(Nanos(median.values().map(|n| n.0).sum()).to_string());
        if memory {
            row.extend(memory_cells(l.memory.as_ref()));
        }
        table.row(row);
    }
    out.push_str(&table.render());
    if timed.len() > 1 {
        let sensors = crate::model::sensors(timed[0].0).len();
        let _ = writeln!(
            out,
            "aggregates: bit-identical across all {} layouts ({sensors} sensors)",
            timed.len()
        );
    }
    if memory {
        out.push_str(&memory_notes(results));
    }
    out.push_str(&costs(results));
    out
}

/// What `compare` prints: the workload, ns/record per stage, the pipeline total and its ratio
/// to the fastest layout, the heap per record, and the per-phase heap table.
pub(crate) fn compare(results: &Results) -> String {
    let mut out = String::new();
    let w = &results.workload;
    let _ = writeln!(
        out,
        "workload: {} — {} records, {} sensors, window {}\n\
         time: ns per record, median of {} paired round(s) ± the wider side of its 95 % \
         interval, each stage's first pass over the store the previous stage left (REPORT.md \
         adds aggregate warm, repeated passes over the same store); vs best: pipeline over the fastest's, round by round (interval in \
         parentheses); heap: counted as dhat counts, each layout in a process of its own (req = requested, \
         rsv = reserved by the allocator)",
        crate::format::one_line(&w.source),
        w.records,
        crate::format::or_dash(w.sensors),
        crate::format::or_dash(w.window),
        results.repeat
    );
    let mut columns = stage_columns();
    columns.push(("pipeline", Align::Right));
    columns.push(("vs best", Align::Right));
    columns.extend(MEMORY_COLUMNS);
    let mut table = Table::new(&columns);
    let fastest = figures::fastest(results);
    for l in &results.layouts {
        let mut row = vec![l.layout.clone()];
        match (&l.timing, fastest) {
            (Some(t), Some(fastest)) => {
                row.extend(Stage::ALL.iter().map(|&s| {
                    let i = figures::stage(t, s.name());
                    plus_minus(i.median, i.spread())
                }));
                row.extend(pipeline_cells(t, fastest));
            }
            _ => row.extend(std::iter::repeat_n("-".to_owned(), Stage::ALL.len() + 2)),
        }
        row.extend(memory_cells(l.memory.as_ref()));
        table.row(row);
    }
    out.push_str(&table.render());
    if let Some((_, t)) = results.timed().next() {
        let _ = writeln!(
            out,
            "aggregates: bit-identical across all {} timed layouts (kept {}, checksum {})",
            results.timed().count(),
            crate::format::or_dash(t.kept),
            crate::format::or_dash(t.checksum)
        );
    }
    out.push_str(&memory_notes(results));
    out.push_str(&costs(results));
    if let Some(why) = super::sweep_too_short(results) {
        let _ = writeln!(out, "as the data grows: {why}");
    } else if results.sweep.is_some() {
        let _ = writeln!(
            out,
            "as the data grows (the report has each size's ranking):"
        );
        for sentence in crate::analysis::sweep::guide_sentences(results) {
            let _ = writeln!(out, "  {sentence}");
        }
    }
    out
}

/// The `pipeline` and `vs best` cells of a timed layout: its pipeline time ± its interval,
/// and its pipeline over the fastest layout's, round by round, with that ratio's interval.
pub(crate) fn pipeline_cells(t: &Timing, fastest: &Timing) -> [String; 2] {
    let i = figures::pipeline(t);
    let r = figures::pipeline_ratio(t, fastest);
    [
        plus_minus(i.median, i.spread()),
        if r.lower == r.upper {
            ratio_x(r.median)
        } else {
            format!("{} ({:.2}–{:.2})", ratio_x(r.median), r.lower, r.upper)
        },
    ]
}

/// Peak live bytes per record in each phase, and where the dhat profiles went.
fn memory_notes(results: &Results) -> String {
    let mut out = String::new();
    let profiled: Vec<(&LayoutRun, &MemorySummary)> = results.profiled().collect();
    if profiled.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "\nheap peak per record by phase, requested bytes (reserved in parentheses):"
    );
    let mut table = Table::new(&stage_columns());
    for (l, memory) in &profiled {
        let mut row = vec![l.layout.clone()];
        row.extend(Stage::ALL.iter().map(|&stage| {
            let phase = &memory.phases[stage];
            match phase.reserved_bytes_per_record {
                Some(reserved) => format!("{:.1} ({reserved:.1})", phase.bytes_per_record),
                None => one_decimal(phase.bytes_per_record),
            }
        }));
        table.row(row);
    }
    out.push_str(&table.render());
    let files: Vec<&str> = profiled
        .iter()
        .filter_map(|(_, m)| m.profile.as_deref())
        .collect();
    if let Some(first) = files.first() {
        let dir = std::path::Path::new(first)
            .parent()
            .map_or_else(|| ".".to_owned(), |d| d.display().to_string());
        let _ = writeln!(
            out,
            "dhat profiles: {} file(s) in {}/ — open them in DHAT's viewer \
             (/usr/libexec/valgrind/dh_view.html)",
            files.len(),
            crate::format::one_line(&dir)
        );
    }
    out
}

/// The deterministic costs (SPEC §7): what was measured on what, then per layout the
/// estimated cycles per record of each stage and the whole run's four figures per record,
/// and one line per stage on what makes its fastest layout fast. Just the note when
/// costs were left out; nothing when they were not asked for.
fn costs(results: &Results) -> String {
    let mut out = String::new();
    let Some(setup) = costs::setup(results) else {
        if let Some(note) = &results.costs_note {
            let _ = writeln!(out, "\n{}", crate::format::one_line(note));
        }
        return out;
    };
    let _ = writeln!(
        out,
        "\ncosts: callgrind, {}; per record: est. cycles by stage, then the whole run's \
         (ingest to drop) instructions, D1 and LL misses and est. cycles",
        setup.describe()
    );
    let mut columns = stage_columns();
    columns.extend([
        ("instr", Align::Right),
        ("D1 miss", Align::Right),
        ("LL miss", Align::Right),
        ("cycles", Align::Right),
    ]);
    let mut table = Table::new(&columns);
    for (l, c) in costs::measured(results) {
        let mut row = vec![l.layout.clone()];
        row.extend(Stage::ALL.iter().map(|s| {
            c.stages
                .get(s.name())
                .map_or_else(|| "-".to_owned(), |x| per_record(x.per_record.est_cycles))
        }));
        let w = &c.whole_run.per_record;
        row.extend([
            per_record(w.instructions),
            per_record(w.d1_misses),
            per_record(w.ll_misses),
            per_record(w.est_cycles),
        ]);
        table.row(row);
    }
    out.push_str(&table.render());
    let lines = costs::headline(results);
    if !lines.is_empty() {
        let _ = writeln!(
            out,
            "why the fastest are fast (callgrind's counts, against the slowest layout with a \
             fixed schema):"
        );
        for line in lines {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

/// What `inspect` prints for one layout's types.
pub(crate) fn inspect(layout: &str, types: &[TypeInfo]) -> String {
    let mut out = String::new();
    for ty in types {
        let _ = writeln!(
            out,
            "{layout} — {}: size {} B, align {}, padding {} B, {:.2} per 64-byte cache line",
            ty.name,
            ty.size,
            ty.align,
            ty.padding(),
            ty.per_cache_line()
        );
        let mut table = Table::new(&[
            ("field", Align::Left),
            ("offset", Align::Right),
            ("size", Align::Right),
            ("padding after", Align::Right),
        ]);
        for f in &ty.fields {
            table.row(vec![
                f.name.clone(),
                f.offset.to_string(),
                f.size.to_string(),
                f.padding_after.to_string(),
            ]);
        }
        out.push_str(&table.render());
        let straddling = ty.straddling_fields();
        if !straddling.is_empty() {
            let _ = writeln!(
                out,
                "in an array, these fields straddle a cache line for some elements: {}",
                straddling.join(", ")
            );
        }
        out.push('\n');
    }
    out
}
