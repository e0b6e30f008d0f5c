//! The report of several machines: the same workload measured on each, their figures side by
//! side, and which layout wins where (`layoutlab report --merge`).

use std::fmt::Write;

use crate::analysis::merge::{self, Winner};
use crate::format::per_record;
use crate::model::Results;
use crate::report::markdown::escape;
use crate::units::Bytes;

/// The merged report as Markdown; `results` are `(label, results)`, one per machine.
pub(crate) fn markdown(results: &[(String, Results)]) -> String {
    let mut out = String::new();
    let Some((_, first)) = results.first() else {
        return out;
    };
    let w = &first.workload;
    let what = match &first.record {
        Some(r) => format!("`{}` records", escape(&r.name)),
        None => "sensor readings through the pipeline".to_owned(),
    };
    let _ = writeln!(out, "# layoutlab report: {} machines\n", results.len());
    let _ = writeln!(
        out,
        "The same workload — {} {what} ({}) — measured on each machine below; for every figure \
         of the decision guide, which layout wins where. A layout that wins on one CPU may lose \
         on another: rows marked *flips* are those.\n",
        w.records,
        escape(&w.source)
    );
    let _ = writeln!(out, "## Machines\n");
    let _ = writeln!(
        out,
        "| results | CPU | cores | memory | OS | rustc | layoutlab | date (UTC) |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    for (label, r) in results {
        let m = &r.machine;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} ({}) | {} |",
            escape(label),
            escape(&m.cpu),
            m.cores,
            Bytes(m.memory_bytes),
            escape(&m.os),
            escape(&m.rustc),
            m.layoutlab,
            m.commit,
            m.date
        );
    }
    out.push('\n');
    let figures = merge::across(results);
    let _ = writeln!(out, "## Who wins where\n");
    let mut header = String::from("| figure |");
    let mut rule = String::from("| --- |");
    for (label, _) in results {
        let _ = write!(header, " {} |", escape(label));
        rule.push_str(" --- |");
    }
    let _ = writeln!(out, "{header} the lead |\n{rule} --- |");
    for f in &figures {
        let mut row = format!("| {} |", escape(&f.figure));
        for winner in &f.winners {
            let _ = write!(row, " {winner} |");
        }
        let flips = if f.flips() {
            " *flips* |"
        } else {
            " the same |"
        };
        let _ = writeln!(out, "{row}{flips}");
    }
    out.push('\n');
    for f in &figures {
        let _ = writeln!(out, "### {}\n", escape(&f.figure));
        let _ = writeln!(out, "{}, per machine (the winner in bold):\n", f.metric);
        let _ = writeln!(
            out,
            "| layout |{}",
            results
                .iter()
                .map(|(l, _)| format!(" {} |", escape(l)))
                .collect::<String>()
        );
        let _ = writeln!(out, "| --- |{}", " --- |".repeat(results.len()));
        for (layout, values) in &f.values {
            let mut row = format!("| `{layout}` |");
            for (k, v) in values.iter().enumerate() {
                let leads =
                    matches!(&f.winners[k], Winner::Layout(l) | Winner::Level(l, _) if l == layout);
                let cell = v.map_or("—".to_owned(), per_record);
                let _ = write!(
                    row,
                    " {} |",
                    if leads { format!("**{cell}**") } else { cell }
                );
            }
            let _ = writeln!(out, "{row}");
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "## Reproduce\n\nRun the same `layoutlab compare` (or bench file) on each machine, then \
         `layoutlab report --merge A/results.json B/results.json …` writes this report."
    );
    out
}
