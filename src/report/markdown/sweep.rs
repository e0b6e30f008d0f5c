//! The report's section on size: how far the sweep went, the shape of each layout's curve,
//! and each stage's ranking at every size — all from `crate::analysis::sweep`.

use std::fmt::Write;

use crate::analysis::sweep;
use crate::format::{per_record, thousands};
use crate::model::Results;
use crate::units::Bytes;

use super::text::{chart_marker, table};

/// `## Where the lead flips`, when the results hold enough sizes with their rounds.
pub(crate) fn section(out: &mut String, data: &Results) {
    if let Some(why) = crate::report::sweep_too_short(data) {
        let _ = writeln!(out, "## Where the lead flips\n\nNot measured: {why}.\n");
        return;
    }
    if !sweep::measured(data) {
        return;
    }
    let _ = writeln!(out, "## Where the lead flips\n");
    let sizes: std::collections::BTreeSet<u64> = data.scaling.iter().map(|p| p.records).collect();
    let (first, last) = (
        sizes.first().copied().unwrap_or(0),
        sizes.last().copied().unwrap_or(0),
    );
    let _ = write!(
        out,
        "Every stage timed at {} sizes from {} to {} records, in rounds of its own at each size \
         (every layout once per round, in a rotated order). A size's leader is *clear* when the \
         runner-up is at least {:.0} % slower, round by round, at {:.0} % confidence or more \
         (the paired ratio's interval); sizes without a clear leader never decide a \
         crossover. ",
        sizes.len(),
        thousands(first),
        thousands(last),
        (sweep::MIN_LEAD - 1.0) * 100.0,
        sweep::MIN_CONFIDENCE * 100.0,
    );
    match &data.sweep {
        Some(s) => {
            let _ = writeln!(
                out,
                "Each layout went up to {} of data ({} × the {} last-level cache) in its own \
                 bytes/record; the sweep was estimated at {} before it started and the whole \
                 run took {}.\n",
                Bytes(s.target_bytes.0),
                crate::session::sweep::TIMES_LLC,
                data.machine
                    .last_level_cache()
                    .map_or("(unreported)".to_owned(), |c| c.size.to_string()),
                crate::session::sweep::minutes(s.estimated_seconds),
                crate::session::sweep::minutes(s.elapsed_seconds),
            );
            let rows: Vec<Vec<String>> = s
                .layouts
                .iter()
                .map(|r| {
                    vec![
                        format!("`{}`", r.layout),
                        per_record(r.bytes_per_record),
                        thousands(r.records),
                        Bytes((r.records as f64 * r.bytes_per_record) as u64).to_string(),
                        r.short
                            .clone()
                            .unwrap_or_else(|| "reaches the target".to_owned()),
                    ]
                })
                .collect();
            table(
                out,
                &[
                    "layout",
                    "bytes/record (calibration)",
                    "largest size (records)",
                    "its data",
                    "how far",
                ],
                &rows,
            );
        }
        None => out.push_str("\n\n"),
    }
    out.push('\n');

    let _ = writeln!(out, "### The shape of each curve\n");
    for l in &data.layouts {
        if let Some(s) = sweep::shape(data, &l.layout, "pipeline") {
            let _ = writeln!(out, "- {s}.");
        }
    }
    out.push('\n');
    let _ = writeln!(out, "{}\n", chart_marker("scaling_by_layout"));

    let _ = writeln!(
        out,
        "### Ranking at each size\n\nMedian ns/record, fastest first; *lead* is the leader's \
         paired ratio to the runner-up with its interval.\n"
    );
    for figure in sweep::figures(data) {
        let _ = writeln!(out, "#### `{figure}`\n");
        for sentence in sweep::guide_sentences_for(data, &figure) {
            let _ = writeln!(
                out,
                "{}.\n",
                crate::report::markdown::text::capitalise(&sentence)
            );
        }
        let rows: Vec<Vec<String>> = sweep::rankings(data, &figure)
            .iter()
            .map(|r| {
                let order: Vec<String> = r
                    .ranked
                    .iter()
                    .map(|(l, i)| format!("`{l}` {}", per_record(i.median)))
                    .collect();
                vec![
                    thousands(r.records),
                    order.join(" · "),
                    r.lead.as_ref().map_or("—".to_owned(), |lead| {
                        format!(
                            "{} {}",
                            crate::format::ratio_range(lead.median, lead.lower, lead.upper),
                            if r.clear { "clear" } else { "not clear" }
                        )
                    }),
                ]
            })
            .collect();
        table(
            out,
            &["records", "ranking, fastest first (ns/record)", "lead"],
            &rows,
        );
    }
}
