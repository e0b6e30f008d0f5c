//! What `compare` and `report` end with, and all that `--brief` prints: the headline (one row
//! per layout) and the decision guide's recommendation for each profile.
//!
//! The recommendations are [`Advice::verdict`], the sentence REPORT.md's *Decision guide*
//! prints under each profile, so the terminal and the report cannot say different things
//! about the same results.

use std::fmt::Write;

use crate::analysis::figures;
use crate::analysis::guide::{self, Advice, UNRANKED};
use crate::format::{one_decimal, or_dash};
use crate::model::Results;
use crate::report::table::{Align, Table};

/// The width `--brief` fits: a terminal of 100 columns.
pub(crate) const WIDTH: usize = 100;

/// The indent of a wrapped line's continuation.
const HANGING: &str = "    ";

/// The headline, in [`WIDTH`] columns: the workload, then per layout its pipeline time with
/// its interval, its pipeline over the fastest layout's, and its peak heap per record.
pub(crate) fn headline(results: &Results) -> String {
    let w = &results.workload;
    let mut out = wrap(
        &format!(
            "workload: {} — {} records, {} sensors, window {}; {} paired round(s)",
            crate::format::one_line(&w.source),
            w.records,
            or_dash(w.sensors),
            or_dash(w.window),
            results.repeat
        ),
        WIDTH,
    );
    out.push_str(&wrap(
        "pipeline: filter + normalize + rolling + aggregate, ns per record, median ± the wider \
         side of its 95 % interval; vs best: over the fastest's, round by round (interval in \
         parentheses); B/rec: peak heap bytes per record requested (as dhat counts)",
        WIDTH,
    ));
    let mut table = Table::new(&[
        ("layout", Align::Left),
        ("pipeline", Align::Right),
        ("vs best", Align::Right),
        ("B/rec", Align::Right),
    ]);
    let fastest = figures::fastest(results);
    for l in &results.layouts {
        let mut row = vec![l.layout.clone()];
        match (&l.timing, fastest) {
            (Some(t), Some(fastest)) => row.extend(super::terminal::pipeline_cells(t, fastest)),
            _ => row.extend(["-".to_owned(), "-".to_owned()]),
        }
        row.push(
            l.memory
                .as_ref()
                .map_or_else(|| "-".to_owned(), |m| one_decimal(m.bytes_per_record)),
        );
        table.row(row);
    }
    out.push_str(&table.render());
    out
}

/// The decision guide's recommendation for each profile, `profile: verdict`, one line each,
/// or wrapped to `width` columns.
pub(crate) fn recommendations(results: &Results, width: Option<usize>) -> String {
    let mut out = fit(
        "decision guide (REPORT.md ranks every layout under each profile, citing the figures):",
        width,
    );
    for advice in guide::advise(results) {
        out.push_str(&fit(&recommendation(&advice), width));
    }
    out
}

/// One line of text, wrapped to `width` columns when there is one.
pub(crate) fn fit(line: &str, width: Option<usize>) -> String {
    match width {
        Some(width) => wrap(line, width),
        None => format!("{line}\n"),
    }
}

/// `  profile: verdict`, in REPORT.md's words.
fn recommendation(advice: &Advice) -> String {
    format!(
        "  {}: {}",
        advice.profile,
        advice.verdict().as_deref().unwrap_or(UNRANKED)
    )
}

/// `text` broken at spaces into lines of at most `width` characters, each ending in `\n`,
/// continuations indented by [`HANGING`] under the line's own indent; a word longer than
/// the width (a long path) stays whole on a line of its own.
pub(crate) fn wrap(text: &str, width: usize) -> String {
    let indent: String = text.chars().take_while(|&c| c == ' ').collect();
    let next_indent = format!("{indent}{HANGING}");
    let mut out = String::new();
    let mut line = indent.clone();
    let mut empty = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let taken = line.chars().count();
        if !empty && taken + 1 + word.chars().count() > width {
            let _ = writeln!(out, "{line}");
            line.clone_from(&next_indent);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    let _ = writeln!(out, "{line}");
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrapping_breaks_at_spaces_and_keeps_long_words_whole() {
        assert_eq!(wrap("a bb ccc", 4), "a bb\n    ccc\n");
        assert_eq!(wrap("  a bb ccc", 6), "  a bb\n      ccc\n");
        assert_eq!(wrap("short", 100), "short\n");
        assert_eq!(
            wrap("report: /a/very/long/path x", 10),
            "report:\n    /a/very/long/path\n    x\n"
        );
        for line in wrap(&"word ".repeat(80), 100).lines() {
            assert!(line.chars().count() <= 100, "{line}");
        }
    }
}
