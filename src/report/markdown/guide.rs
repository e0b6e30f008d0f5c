//! The decision guide section: each profile's ranking and verdict, from `crate::analysis`.

use std::fmt::Write;

use crate::analysis::guide::{Advice, UNRANKED};

use super::text::capitalise;

pub(crate) fn guide(out: &mut String, advice: &[Advice], data: &crate::model::Results) {
    let _ = writeln!(out, "## Decision guide\n");
    let _ = writeln!(
        out,
        "Each profile ranks the layouts by a figure measured above (lower is better); the \
         ranking is recomputed whenever the report is, so it follows the numbers.\n"
    );
    for advice in advice {
        let _ = writeln!(out, "### {}\n", capitalise(&advice.profile));
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
                let _ = writeln!(out, "**{}.**\n", capitalise(UNRANKED));
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
    let size = crate::analysis::sweep::guide_sentences(data);
    if !size.is_empty() {
        let _ = writeln!(
            out,
            "### As the data grows
"
        );
        let _ = writeln!(
            out,
            "*Does the leader change when the data outgrows the caches?* — each stage's clear \
             leader at each measured size (see *Where the lead flips*).\n"
        );
        for sentence in size {
            let _ = writeln!(out, "- {}.", capitalise(&sentence));
        }
        out.push('\n');
    }
    super::costs::guide(out, data);
}
