//! Proposing a layout for the user's record: the candidates of `analysis::proposal` screened
//! with a short timing pass each on the `proposed` layout — one first pass of every weighted
//! workload on a store of up to [`SCREEN_RECORDS`] records, then two more for the best
//! three — and the winner handed to the paired rounds, where it runs beside every fixed
//! layout and its gain is measured.

use std::collections::BTreeMap;

use anyhow::Result;

use super::runner::{Clock, Runner};
use super::source::RecordSource;
use crate::analysis::proposal::candidates::{candidates, units};
use crate::analysis::proposal::{Candidate, Chosen, PROPOSED};
use crate::model::{RecordSection, Screened};
use crate::own::rows::Repr;
use crate::own::Record;

impl<R: Record> super::Harness<R> {
    /// How much workload `name` counts in the proposal's objective: its time per record is
    /// multiplied by `weight` in the total (default 1 for every workload; 0 leaves it out).
    pub fn workload_weight(mut self, name: &str, weight: f64) -> Self {
        self.proposing.weights.push((name.to_owned(), weight));
        self
    }

    /// What the proposal minimises: [`Optimize::Time`] (the default), [`Optimize::Bytes`],
    /// or [`Optimize::Both`].
    pub fn optimize(mut self, optimize: Optimize) -> Self {
        self.proposing.optimize = optimize;
        self
    }

    /// Whether to propose a layout (default: yes, under `cargo bench`).
    pub fn propose(mut self, propose: bool) -> Self {
        self.proposing.enabled = propose;
        self
    }
}

/// Records of the screening stores (the rounds use every record).
const SCREEN_RECORDS: u64 = 250_000;

/// What the proposal minimises.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Optimize {
    /// The weighted time per record over the workloads (the default).
    #[default]
    Time,
    /// The bytes per record of the rows (then time).
    Bytes,
    /// Both: `time^(1 - bytes_weight) × bytes^bytes_weight`, each relative to the best
    /// candidate's; `bytes_weight` from 0 (time only) to 1 (bytes only).
    Both {
        /// How much the bytes count, 0 to 1.
        bytes_weight: f64,
    },
}

impl Optimize {
    fn describe(self) -> String {
        match self {
            Optimize::Time => "time".to_owned(),
            Optimize::Bytes => "bytes".to_owned(),
            Optimize::Both { bytes_weight } => {
                format!("time and bytes (bytes weight {bytes_weight:.2})")
            }
        }
    }
}

/// Bytes of one record in a plan's rows.
fn row_bytes<R: Record>(candidate: &Candidate) -> f64 {
    candidate
        .plan
        .groups
        .iter()
        .flat_map(|g| &g.fields)
        .map(|pf| {
            let f = R::SCHEMA
                .field(&pf.field)
                .expect("a candidate names the record's fields");
            match pf.repr {
                Repr::Packed => f.packed_size as f64,
                Repr::Narrow { bytes, .. } | Repr::Intern { bytes } => f64::from(bytes),
            }
        })
        .sum()
}

/// One screening pass of a candidate: its weighted first-pass time per record, or `None`
/// when a workload failed or panicked on it.
fn screen_once<R: Record>(
    candidate: &Candidate,
    workloads: &[Box<dyn Runner<R> + Send + Sync>],
    weights: &BTreeMap<String, f64>,
    source: &RecordSource<R>,
    records: u64,
) -> Option<f64> {
    let mut total = 0.0;
    for w in workloads {
        let Some(&weight) = weights.get(w.name()) else {
            continue;
        };
        let mut clock = Clock::default();
        let ran = super::panic::catch(|| {
            w.run_on(
                PROPOSED,
                source,
                records,
                Some(&candidate.plan),
                false,
                &mut clock,
            )
        });
        let ran = ran.ok()?.ok()?;
        total += weight * clock.work.0 as f64 / ran.records.max(1) as f64;
    }
    Some(total)
}

/// Screens every candidate and returns the winner, with why it was made as it is.
pub(crate) fn choose<R: Record>(
    section: &RecordSection,
    workloads: &[Box<dyn Runner<R> + Send + Sync>],
    weights: &BTreeMap<String, f64>,
    optimize: Optimize,
    source: &RecordSource<R>,
    records: u64,
) -> Result<Option<Chosen>> {
    if R::LEAVES > crate::own::proposed::MAX_LEAVES {
        eprintln!(
            "layoutlab: no proposal: `{}` has {} leaf fields, more than a runtime plan holds ({})",
            R::SCHEMA.name,
            R::LEAVES,
            crate::own::proposed::MAX_LEAVES
        );
        return Ok(None);
    }
    let candidates = candidates(section, weights);
    let records = records.min(SCREEN_RECORDS);
    let _pinned = crate::measure::pin::Pinned::here();
    let mut screened: Vec<(Candidate, f64, f64)> = candidates
        .into_iter()
        .filter_map(|c| {
            let time = screen_once(&c, workloads, weights, source, records)?;
            let bytes = row_bytes::<R>(&c);
            Some((c, time, bytes))
        })
        .collect();
    if screened.is_empty() {
        return Ok(None);
    }
    // The best three again, twice: the least of three passes each.
    let score = |screened: &[(Candidate, f64, f64)], i: usize| -> f64 {
        let min_t = screened
            .iter()
            .map(|s| s.1)
            .fold(f64::INFINITY, f64::min)
            .max(1e-9);
        let min_b = screened
            .iter()
            .map(|s| s.2)
            .fold(f64::INFINITY, f64::min)
            .max(1e-9);
        let (t, b) = (screened[i].1 / min_t, screened[i].2 / min_b);
        match optimize {
            Optimize::Time => t,
            Optimize::Bytes => b + t * 1e-6,
            Optimize::Both { bytes_weight } => {
                let x = bytes_weight.clamp(0.0, 1.0);
                t.powf(1.0 - x) * b.powf(x)
            }
        }
    };
    let mut order: Vec<usize> = (0..screened.len()).collect();
    order.sort_by(|&a, &b| score(&screened, a).total_cmp(&score(&screened, b)));
    for &i in order.iter().take(3) {
        for _ in 0..2 {
            if let Some(t) = screen_once(&screened[i].0, workloads, weights, source, records) {
                screened[i].1 = screened[i].1.min(t);
            }
        }
    }
    order.sort_by(|&a, &b| score(&screened, a).total_cmp(&score(&screened, b)));
    let winner = screened[order[0]].0.clone();
    let why = reasons(section, weights, &winner, &screened, order[0], records);
    Ok(Some(Chosen {
        screened: order
            .iter()
            .map(|&i| Screened {
                candidate: screened[i].0.name.clone(),
                ns_per_record: screened[i].1,
                row_bytes: screened[i].2,
            })
            .collect(),
        candidate: winner,
        weights: weights.clone(),
        objective: optimize.describe(),
        why,
    }))
}

/// One sentence per decision of the winner: each group and who reaches it, each
/// representation and the data behind it, and what the screening found.
fn reasons(
    section: &RecordSection,
    weights: &BTreeMap<String, f64>,
    winner: &Candidate,
    screened: &[(Candidate, f64, f64)],
    won: usize,
    records: u64,
) -> Vec<String> {
    let units = units(section);
    let mut why = Vec::new();
    for g in &winner.plan.groups {
        let members: Vec<&str> = g.fields.iter().map(|f| f.field.as_str()).collect();
        let leaves: Vec<usize> = units
            .iter()
            .filter(|u| members.contains(&u.name.as_str()))
            .flat_map(|u| u.leaves.clone())
            .collect();
        let reach: Vec<String> = section
            .access
            .iter()
            .filter(|a| weights.contains_key(&a.workload))
            .filter_map(|a| {
                let most = leaves
                    .iter()
                    .map(|&k| a.fields.get(k).map_or(0, |&(r, w)| r + w))
                    .max()
                    .unwrap_or(0);
                (most > 0).then(|| {
                    format!(
                        "`{}` ({:.0} % of records)",
                        a.workload,
                        100.0 * most.min(a.records) as f64 / a.records.max(1) as f64
                    )
                })
            })
            .collect();
        let fields = crate::format::code_list(&members);
        why.push(if reach.is_empty() {
            format!(
                "group `{}` holds {fields}: no workload reaches them, so no scan drags their bytes",
                g.name
            )
        } else {
            format!(
                "group `{}` holds {fields}: reached by {}",
                g.name,
                reach.join(" and ")
            )
        });
    }
    for pf in winner.plan.groups.iter().flat_map(|g| &g.fields) {
        if pf.repr != Repr::Packed {
            if let Some((_, reason)) = units
                .iter()
                .find(|u| u.name == pf.field)
                .and_then(|u| u.repr.clone())
            {
                why.push(reason);
            }
        }
    }
    let others: Vec<String> = screened
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != won)
        .map(|(_, (c, t, _))| format!("`{}` {}", c.name, crate::format::per_record(*t)))
        .collect();
    why.push(format!(
        "screened {} candidates on {records} records (one first pass of each workload, the best \
         three twice more): `{}` took {} ns per record (weighted), the others {}",
        screened.len(),
        winner.name,
        crate::format::per_record(screened[won].1),
        others.join(", ")
    ));
    why
}
