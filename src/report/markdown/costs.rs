//! The deterministic costs section (SPEC §7): callgrind's counts per stage for every layout,
//! and the sentences `crate::analysis::costs` computes from them and the times to say why
//! the fast layouts are fast.

use std::fmt::Write;

use crate::analysis::costs::{gaps, headline, measured, setup, FIT, LEVEL, MODEL_LEVEL, SHARE};
use crate::format::per_record;
use crate::model::costs::{Costs, CostsPerRecord};
use crate::model::Results;

use super::text::{chart_marker, table};

/// One figure's table: its caption, the figure, and how its cells read.
type Figure = (&'static str, fn(&CostsPerRecord) -> f64, fn(f64) -> String);

/// The four figures of SPEC §7.
const FIGURES: [Figure; 4] = [
    ("Instructions", |c| c.instructions, per_record),
    (
        "D1 misses (data reads and writes)",
        |c| c.d1_misses,
        per_record,
    ),
    (
        "LL misses (data reads and writes)",
        |c| c.ll_misses,
        per_record,
    ),
    ("Estimated cycles", |c| c.est_cycles, per_record),
];

/// `## Deterministic costs`: what was measured on what, one table per figure, the chart,
/// and why the fast layouts are fast; or why there are no costs.
pub(crate) fn section(out: &mut String, data: &Results) {
    let _ = writeln!(out, "## Deterministic costs\n");
    let Some(setup) = setup(data) else {
        let why = data.costs_note.as_deref().map_or_else(
            || {
                "No layout's costs were measured (`run --costs`, or `compare` with valgrind \
                 installed, measures them)"
                    .to_owned()
            },
            super::escape,
        );
        let _ = writeln!(out, "{why}.\n");
        return;
    };
    let _ = writeln!(
        out,
        "Counted by callgrind's simulated CPU (valgrind `--tool=callgrind --cache-sim=yes`), \
         each layout once more in a process of its own, on {}, 64-byte lines. Unlike the \
         times above, these counts come out the same on every run of the same build. \
         *Estimated cycles* are valgrind's cost model as iai-callgrind and gungraun use it: \
         L1 hits + 5 × LL hits + 35 × RAM hits. Figures per record ingested; *drop* frees the \
         store; *whole run* is everything from the start of ingest to the end of the drop.\n",
        setup.describe()
    );
    let layouts: Vec<(&str, &Costs)> = measured(data)
        .map(|(l, c)| (l.layout.as_str(), c))
        .collect();
    let stages: Vec<&str> = layouts[0].1.stages.names().collect();
    let mut header = vec!["layout"];
    header.extend(&stages);
    header.extend(["drop", "whole run"]);
    for (caption, pick, cell) in FIGURES {
        let _ = writeln!(out, "{caption} per record:\n");
        let rows: Vec<Vec<String>> = layouts
            .iter()
            .map(|(name, c)| {
                let mut row = vec![format!("`{name}`")];
                row.extend(stages.iter().map(|s| {
                    c.stages
                        .get(s)
                        .map_or("—".to_owned(), |span| cell(pick(&span.per_record)))
                }));
                row.push(cell(pick(&c.drop.per_record)));
                row.push(cell(pick(&c.whole_run.per_record)));
                row
            })
            .collect();
        table(out, &header, &rows);
    }
    let _ = writeln!(out, "{}\n", chart_marker("costs"));
    why(out, data);
}

/// `### Why the fast layouts are fast`: the rule, then one sentence per comparison.
fn why(out: &mut String, data: &Results) {
    let gaps = gaps(data);
    if gaps.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Why the fast layouts are fast\n");
    let _ = writeln!(
        out,
        "Each stage's fastest layout (median time) against the slowest with costs — and, when \
         that one keeps a run-time schema, against the slowest with a fixed one. The estimated \
         cycles split exactly into what they pay for: *instructions* (one cycle per \
         instruction and per data access), *D1 misses* (4 more each) and *LL misses* (30 more \
         again); a count named as accounting for the gap saves at least {:.0} % of the cycles \
         the fast layout saves. Gaps under {LEVEL}× in time are level; where the model puts \
         the two within {MODEL_LEVEL}×, the counts do not explain the gap; where its ratio \
         falls short of the measured one (paired round by round) by more than {FIT}×, they \
         explain only part, and a miss count whose ratio reaches the measured one is named \
         (the model charges misses fixed costs). Times and counts come from different runs \
         (the counts at the size above).\n",
        SHARE * 100.0,
    );
    for gap in &gaps {
        let _ = writeln!(out, "- {}.", gap.sentence());
    }
    out.push('\n');
}

/// `### Why the fastest are fast` in the decision guide: one short line per stage that has
/// a gap, or nothing without costs.
pub(crate) fn guide(out: &mut String, data: &Results) {
    let lines = headline(data);
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Why the fastest are fast\n");
    let _ = writeln!(
        out,
        "*What makes the fastest layout of each stage fast?* — callgrind's counts against \
         those of the slowest layout with a fixed schema (see *Deterministic costs*).\n"
    );
    for line in lines {
        let _ = writeln!(out, "- {line}.");
    }
    out.push('\n');
}
