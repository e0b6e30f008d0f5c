//! The regression gate (SPEC §8): a saved `results.json` of a reviewed run against a new
//! one of the same workload, layout by layout, and every figure that got worse by more than
//! its limit. It is what lets CI refuse a change that makes a layout hold more bytes per
//! record, allocate more often or execute more (simulated) instructions.
//!
//! By default only figures that repeat exactly from run to run of one workload are gated:
//! dhat's heap figures and callgrind's counts. Wall time moves with the machine's load, so
//! it is gated only when asked, and then never on one sample: each side's median has a
//! confidence interval over its rounds ([`super::stats`]), and time regressed only when the
//! current interval starts above the end of the baseline's by more than the limit.
//!
//! Everything here is pure: two [`Results`] and the [`Limits`] in, an [`Outcome`] (or a
//! [`GateError`] when the files cannot be compared) out; `commands::check` does the files,
//! the printing and the exit status.

mod limits;
mod outcome;

use std::collections::BTreeSet;

pub(crate) use self::limits::{Figure, Limits, Rule};
pub(crate) use self::outcome::{Outcome, Regression, Worse};
use super::figures;
use super::merge::workload_difference;
use crate::model::costs::{Costs, StageCosts};
use crate::model::{Failure, FailureKind, LayoutRun, Results, Timing};

/// Why two results cannot be compared (exit status 2: nothing was judged).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum GateError {
    /// The files measured different workloads (or a user's different records).
    #[error(
        "the baseline and the current results measured different workloads ({0}); the gate \
         compares runs of one workload"
    )]
    DifferentWorkloads(String),
    /// One layout's costs were measured on other records or other simulated caches.
    #[error(
        "the costs of `{layout}` were measured {what}; costs compare only when measured on \
         the same records with the same simulated caches"
    )]
    DifferentCosts {
        /// The layout.
        layout: String,
        /// What differs.
        what: String,
    },
    /// The baseline holds no layout: nothing to hold the current results to, and passing
    /// would wave any change through.
    #[error(
        "the baseline holds no layout to hold the current results to; give a results.json \
         written by `layoutlab compare`"
    )]
    EmptyBaseline,
    /// A `FIGURE.SPAN=TOL` names a span neither file has.
    #[error("--limit {rule}: no span `{span}` in either file; {figure} has {known}")]
    UnknownSpan {
        /// The rule as given.
        rule: String,
        /// The span it names.
        span: String,
        /// Its figure.
        figure: Figure,
        /// The spans the files have.
        known: String,
    },
}

/// Compares `current` with `baseline`, layout by layout, under `limits`.
///
/// # Errors
///
/// [`GateError`] when the two cannot be compared: different workloads, costs measured
/// differently, a `--limit` naming a span neither file has.
pub(crate) fn compare(
    baseline: &Results,
    current: &Results,
    limits: &Limits,
) -> Result<Outcome, GateError> {
    if let Some(what) = workload_difference(baseline, current) {
        return Err(GateError::DifferentWorkloads(what));
    }
    if baseline.layouts.is_empty() {
        return Err(GateError::EmptyBaseline);
    }
    check_spans(baseline, current, limits)?;
    let mut gate = Gate {
        limits,
        outcome: Outcome::default(),
    };
    for b in &baseline.layouts {
        match current.layouts.iter().find(|c| c.layout == b.layout) {
            Some(c) => gate.layout(b, c)?,
            None => gate.outcome.regressions.push(Regression::Missing {
                layout: b.layout.clone(),
            }),
        }
    }
    gate.outcome.only_current = current
        .layouts
        .iter()
        .filter(|c| !baseline.layouts.iter().any(|b| b.layout == c.layout))
        .map(|c| c.layout.clone())
        .collect();
    Ok(gate.outcome)
}

/// The costs' spans judged: each stage, and the whole run.
fn cost_spans(costs: &Costs) -> impl Iterator<Item = (&str, &StageCosts)> {
    costs
        .stages
        .iter()
        .chain(std::iter::once(("whole_run", &costs.whole_run)))
}

/// The name of the time span of the stages after ingest.
const PIPELINE: &str = "pipeline";

/// Checks that every `FIGURE.SPAN` rule names a span one of the files has (when either
/// file has the figure at all: a rule for costs nobody measured is not wrong, just idle).
fn check_spans(baseline: &Results, current: &Results, limits: &Limits) -> Result<(), GateError> {
    let layouts = || baseline.layouts.iter().chain(&current.layouts);
    for rule in &limits.rules {
        let Some(span) = &rule.span else { continue };
        let known: BTreeSet<&str> = match rule.figure {
            Figure::Time => layouts()
                .filter_map(|l| l.timing.as_ref())
                .flat_map(|t| t.best.names().chain([PIPELINE]))
                .collect(),
            _ => layouts()
                .filter_map(|l| l.costs.as_ref())
                .flat_map(|c| cost_spans(c).map(|(name, _)| name))
                .collect(),
        };
        if !known.is_empty() && !known.contains(span.as_str()) {
            return Err(GateError::UnknownSpan {
                rule: rule.to_string(),
                span: span.clone(),
                figure: rule.figure,
                known: known.into_iter().collect::<Vec<_>>().join(", "),
            });
        }
    }
    Ok(())
}

/// What the summary says of figures one file lacks.
const NOT_IN_BASELINE: &str = "not compared: missing from the baseline";
const NOT_IN_CURRENT: &str = "not compared: missing from the current results";
const IN_NEITHER: &str = "not compared: measured in neither file";

/// What it is when the current results lack figures the baseline has.
#[derive(Debug, Clone, Copy)]
enum Loss {
    /// A regression line (heap figures and timings are always measured).
    Regression,
    /// A note in the summary (costs, which need valgrind).
    Note,
    /// Nothing more: a new failure's line already said why.
    Told,
}

/// The comparison under way.
struct Gate<'a> {
    limits: &'a Limits,
    outcome: Outcome,
}

impl Gate<'_> {
    /// Notes for the summary that `subject` of `layout` was not compared or judged; `why`
    /// is the rest of the sentence (`not compared: missing from the baseline`).
    fn note(&mut self, layout: &str, subject: &str, why: &str) {
        self.outcome
            .not_compared
            .entry((subject.to_owned(), why.to_owned()))
            .or_default()
            .push(layout.to_owned());
    }

    /// Both files' `what` of `layout`, or `None` after saying why not: a note when the
    /// baseline lacks it, and `loss` says what it is when only the current results lack it.
    fn both<'r, T>(
        &mut self,
        layout: &str,
        what: &'static str,
        (old, new): (Option<&'r T>, Option<&'r T>),
        loss: Loss,
    ) -> Option<(&'r T, &'r T)> {
        match (old, new, loss) {
            (Some(old), Some(new), _) => return Some((old, new)),
            (Some(_), None, Loss::Regression) => {
                self.outcome.regressions.push(Regression::Lost {
                    layout: layout.to_owned(),
                    what,
                });
            }
            (Some(_), None, Loss::Note) => self.note(layout, what, NOT_IN_CURRENT),
            (Some(_), None, Loss::Told) => {}
            (None, Some(_), _) => self.note(layout, what, NOT_IN_BASELINE),
            (None, None, _) => self.note(layout, what, IN_NEITHER),
        }
        None
    }

    /// Judges one figure of one layout, when it has a limit.
    fn judge(&mut self, layout: &str, figure: Figure, span: Option<&str>, old: f64, new: f64) {
        let Some(limit) = self.limits.get(figure, span) else {
            return;
        };
        self.outcome.figures.insert(figure.label(span));
        let change = limit.change(old, new);
        if change > limit.tolerance() {
            self.outcome.regressions.push(Regression::Worse(Worse {
                layout: layout.to_owned(),
                figure,
                span: span.map(str::to_owned),
                baseline: old,
                current: new,
                change,
                limit,
                intervals: None,
            }));
        } else if change < -limit.tolerance() {
            self.outcome.improved += 1;
        }
    }

    /// Every figure of one layout in both files.
    fn layout(&mut self, b: &LayoutRun, c: &LayoutRun) -> Result<(), GateError> {
        self.outcome.layouts += 1;
        let new_failures: Vec<&Failure> = c
            .errors
            .iter()
            .filter(|f| !b.errors.iter().any(|old| old.kind == f.kind))
            .collect();
        for failure in &new_failures {
            self.outcome.regressions.push(Regression::Failed {
                layout: c.layout.clone(),
                failure: (*failure).clone(),
            });
        }
        // A failure already explains figures it left out; one line for it is enough.
        let failed = !new_failures.is_empty();
        self.memory(b, c, failed);
        self.costs(b, c)?;
        self.time(b, c, failed);
        Ok(())
    }

    fn memory(&mut self, b: &LayoutRun, c: &LayoutRun, failed: bool) {
        let layout = b.layout.as_str();
        let loss = if failed { Loss::Told } else { Loss::Regression };
        let sides = (b.memory.as_ref(), c.memory.as_ref());
        let Some((bm, cm)) = self.both(layout, "heap figures", sides, loss) else {
            return;
        };
        self.judge(
            layout,
            Figure::BytesPerRecord,
            None,
            bm.bytes_per_record,
            cm.bytes_per_record,
        );
        match (bm.reserved_bytes_per_record, cm.reserved_bytes_per_record) {
            (Some(old), Some(new)) => {
                self.judge(layout, Figure::ReservedBytesPerRecord, None, old, new);
            }
            (old, _) => {
                let why = if old.is_some() {
                    NOT_IN_CURRENT
                } else {
                    NOT_IN_BASELINE
                };
                self.note(layout, Figure::ReservedBytesPerRecord.name(), why);
            }
        }
        self.judge(
            layout,
            Figure::Allocations,
            None,
            bm.allocations as f64,
            cm.allocations as f64,
        );
    }

    fn costs(&mut self, b: &LayoutRun, c: &LayoutRun) -> Result<(), GateError> {
        let layout = b.layout.as_str();
        // Costs need valgrind, which a machine may lack: a note, unless they failed.
        let loss = match c.failure(FailureKind::Costs) {
            Some(_) => Loss::Told,
            None => Loss::Note,
        };
        let sides = (b.costs.as_ref(), c.costs.as_ref());
        let Some((bc, cc)) = self.both(layout, "costs", sides, loss) else {
            return Ok(());
        };
        // 0 records: a file of a version that did not say.
        if bc.records != 0 && cc.records != 0 && bc.records != cc.records {
            return Err(GateError::DifferentCosts {
                layout: layout.to_owned(),
                what: format!(
                    "on {} records in the baseline and {} in the current results",
                    bc.records, cc.records
                ),
            });
        }
        if bc.caches != cc.caches {
            return Err(GateError::DifferentCosts {
                layout: layout.to_owned(),
                what: format!(
                    "with other simulated caches ({} in the baseline, {} in the current \
                     results)",
                    bc.caches, cc.caches
                ),
            });
        }
        for (span, old) in cost_spans(bc) {
            let new = if span == "whole_run" {
                Some(&cc.whole_run)
            } else {
                cc.stages.get(span)
            };
            let Some(new) = new else {
                self.note(layout, &format!("costs.{span}"), NOT_IN_CURRENT);
                continue;
            };
            let (old, new) = (old.per_record, new.per_record);
            self.judge(
                layout,
                Figure::Instructions,
                Some(span),
                old.instructions,
                new.instructions,
            );
            self.judge(
                layout,
                Figure::EstCycles,
                Some(span),
                old.est_cycles,
                new.est_cycles,
            );
        }
        Ok(())
    }

    /// Time, per stage and for the pipeline, on the medians' intervals; only when a rule
    /// asks for it.
    fn time(&mut self, b: &LayoutRun, c: &LayoutRun, failed: bool) {
        if !self.limits.gates_time() {
            return;
        }
        let layout = b.layout.as_str();
        let loss = if failed { Loss::Told } else { Loss::Regression };
        let sides = (b.timing.as_ref(), c.timing.as_ref());
        let Some((bt, ct)) = self.both(layout, "timings", sides, loss) else {
            return;
        };
        let few = |t: &Timing| t.runs.len() < 2;
        let why = match (few(bt), few(ct)) {
            (false, false) => None,
            (true, false) => Some("fewer than 2 rounds in the baseline"),
            (false, true) => Some("fewer than 2 rounds in the current results"),
            (true, true) => Some("fewer than 2 rounds in either file"),
        };
        if let Some(why) = why {
            return self.note(
                layout,
                "time",
                &format!("cannot be judged: {why}, so no interval to judge on"),
            );
        }
        let spans = bt.best.names().chain([PIPELINE]);
        for span in spans {
            let Some(limit) = self.limits.get(Figure::Time, Some(span)) else {
                continue;
            };
            let (old, new) = if span == PIPELINE {
                (figures::pipeline(bt), figures::pipeline(ct))
            } else if ct.best.get(span).is_some() {
                (figures::stage(bt, span), figures::stage(ct, span))
            } else {
                self.note(layout, &format!("time.{span}"), NOT_IN_CURRENT);
                continue;
            };
            self.outcome.figures.insert(Figure::Time.label(Some(span)));
            let change = limit.change(old.upper, new.lower);
            if change > limit.tolerance() {
                self.outcome.regressions.push(Regression::Worse(Worse {
                    layout: layout.to_owned(),
                    figure: Figure::Time,
                    span: Some(span.to_owned()),
                    baseline: old.median,
                    current: new.median,
                    change,
                    limit,
                    intervals: Some((old, new)),
                }));
            } else if limit.change(old.lower, new.upper) < -limit.tolerance() {
                self.outcome.improved += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests;
