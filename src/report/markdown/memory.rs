//! The heap section: whole-run figures and peaks and allocations per phase.

use std::fmt::Write;

use crate::format::per_record;
use crate::model::Results;

use super::text::table;

pub(crate) fn memory(out: &mut String, data: &Results) {
    let _ = writeln!(out, "## Heap\n");
    let profiled: Vec<_> = data.profiled().collect();
    if profiled.is_empty() {
        let _ = writeln!(
            out,
            "No layout was profiled: the run skipped heap profiling (`--no-memory`), or the \
             failures below say why each layout could not be.\n"
        );
        return;
    }
    let _ = writeln!(
        out,
        "Whole run, counted as dhat counts in a process of its own per layout. *Requested* bytes are what \
         the program asked the allocator for; *reserved* bytes are what glibc really set aside \
         for those blocks (`malloc_usable_size`: size classes and alignment), which is what \
         the process pays in RSS.\n"
    );
    let rows: Vec<Vec<String>> = profiled
        .iter()
        .map(|(l, m)| {
            vec![
                format!("`{}`", l.layout),
                m.peak_bytes.to_string(),
                per_record(m.bytes_per_record),
                m.reserved_bytes_per_record.map_or("—".into(), per_record),
                m.allocations.to_string(),
                crate::format::small(m.allocations_per_record),
                m.total_bytes.to_string(),
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
    // The phases are the pipeline's stages, or a user's ingest and workloads.
    let phases: Vec<String> = profiled[0].1.phases.names().map(str::to_owned).collect();
    let mut header = vec!["layout"];
    header.extend(phases.iter().map(String::as_str));
    let rows: Vec<Vec<String>> = profiled
        .iter()
        .map(|(l, m)| {
            let mut row = vec![format!("`{}`", l.layout)];
            row.extend(phases.iter().map(|phase| {
                let Some(p) = m.phases.get(phase) else {
                    return "—".to_owned();
                };
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
            row.extend(phases.iter().map(|phase| {
                m.phases.get(phase).map_or("—".to_owned(), |p| {
                    crate::format::small(p.allocations_per_record)
                })
            }));
            row
        })
        .collect();
    table(out, &header, &rows);
}
