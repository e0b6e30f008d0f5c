//! The sections about the layouts themselves: their types, the Python baseline, failures.

use std::fmt::Write;

use crate::format::per_record;
use crate::model::{PythonSection, Results};
use crate::pipeline::Stage;

use super::text::{escape, table};

pub(crate) fn inspect(out: &mut String, data: &Results) {
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

pub(crate) fn python(out: &mut String, data: &Results) {
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

pub(crate) fn failures(out: &mut String, data: &Results) {
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
            let _ = writeln!(
                out,
                "- `{}`: {}",
                l.layout,
                escape(&e.to_string().replace('\n', " "))
            );
        }
    }
    out.push('\n');
}
