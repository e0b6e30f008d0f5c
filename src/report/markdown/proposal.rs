//! `## Proposed layout`: the layout the harness proposes for a user's record and its
//! workloads — its groups and representations, what it measured against the best fixed
//! layouts in the same paired rounds, why, and the attributes to paste.

use std::fmt::Write;

use crate::analysis::figures;
use crate::format::{per_record, per_record_range, ratio_range};
use crate::model::{Proposal, Results, VsFixed};

use super::text::{code, table};

/// `0.93× `packed` (0.90–0.97)`.
pub(crate) fn versus(v: &VsFixed) -> String {
    format!("{} `{}`", ratio_range(v.median, v.low, v.high), v.layout)
}

/// The headline: what is proposed, and what it measured.
pub(crate) fn headline(p: &Proposal) -> String {
    let total = p.total_vs_best_fixed.as_ref();
    if p.layout != crate::analysis::proposal::PROPOSED {
        return format!(
            "no candidate beat `{}` over these workloads: the proposal is `{}` itself",
            p.layout, p.layout
        );
    }
    let groups: Vec<String> = p
        .group_names
        .iter()
        .zip(&p.groups)
        .map(|(name, fields)| {
            let fields: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
            format!("`{name}` ({})", fields.join(", "))
        })
        .collect();
    format!(
        "{} groups — {}; weighted time {} of the best single fixed layout{}",
        groups.len(),
        groups.join(", "),
        total.map_or("(not timed)".to_owned(), versus),
        p.bytes_per_record
            .map_or(String::new(), |b| format!(", {} B/record", per_record(b)))
    )
}

/// The section.
pub(crate) fn section(out: &mut String, data: &Results) {
    let Some(p) = &data.proposal else {
        return;
    };
    let _ = writeln!(out, "## Proposed layout\n");
    let _ = writeln!(
        out,
        "From the workloads' field accesses and co-accesses (a counting run of each) and what the \
         data held, layoutlab made {} candidate layouts, screened them in a short timing pass, \
         and ran the best (`{}`, objective: {}) as the `proposed` layout in the same paired \
         rounds as every fixed layout, with the same output check.\n",
        p.screened.len(),
        p.candidate,
        p.objective
    );
    let _ = writeln!(out, "**Proposal: {}.**\n", headline(p));
    let proposed = data
        .layouts
        .iter()
        .find(|l| l.layout == crate::analysis::proposal::PROPOSED)
        .and_then(|l| l.timing.as_ref());
    let rows: Vec<Vec<String>> = p
        .weights
        .iter()
        .map(|(w, weight)| {
            let vs = p.workloads.get(w).and_then(|x| x.vs_best_fixed.as_ref());
            vec![
                code(w),
                format!("{weight}"),
                proposed.map_or("—".to_owned(), |t| {
                    let i = figures::stage(t, w);
                    per_record_range(i.median, i.lower, i.upper)
                }),
                vs.map_or("—".to_owned(), |v| ratio_range(v.median, v.low, v.high)),
                vs.map_or("—".to_owned(), |v| code(&v.layout)),
            ]
        })
        .collect();
    table(
        out,
        &[
            "workload",
            "weight",
            "`proposed` ns/record (first pass)",
            "vs the best fixed layout for it",
            "best fixed layout",
        ],
        &rows,
    );
    if let Some(t) = &p.total_vs_best_fixed {
        let _ = writeln!(
            out,
            "Weighted total over the workloads, paired round by round: {} — the best single \
             fixed layout over all of them.\n",
            versus(t)
        );
    }
    let _ = writeln!(out, "Why:\n");
    for line in &p.why {
        let _ = writeln!(out, "- {line}");
    }
    out.push('\n');
    if !p.fields.is_empty() || !p.groups.is_empty() {
        let _ = writeln!(
            out,
            "To adopt it, give the record's fields these attributes (with your own visibility \
             and doc comments): the derive then generates the proposal as the compiled \
             `grouped` layout, and the next run measures it beside `proposed`.\n"
        );
        let _ = writeln!(out, "```rust\n{}```\n", p.attributes);
    }
    if let Some(c) = &p.compiled {
        let _ = writeln!(
            out,
            "The compiled `grouped` layout took {} of `proposed`'s weighted time: {}.\n",
            ratio_range(c.vs_proposed.median, c.vs_proposed.low, c.vs_proposed.high),
            if c.kept {
                "it kept the measured gain"
            } else {
                "it did not keep the measured gain this run"
            }
        );
    }
}
