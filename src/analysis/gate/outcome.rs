//! What the gate says: each regression as the one line it prints, and the summary line of a
//! check that passed. Numbers are shown with enough digits that the old and the new value,
//! and a change and its limit, never read the same.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::limits::{significant, Figure, Limit};
use crate::analysis::stats::Interval;
use crate::model::{Failure, FailureKind};

/// One regression: a line of the gate's output.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Regression {
    /// A figure rose by more than its limit.
    Worse(Worse),
    /// The layout is in the baseline and not in the current results.
    Missing {
        /// The layout.
        layout: String,
    },
    /// The layout failed in the current results in a way it did not in the baseline.
    Failed {
        /// The layout.
        layout: String,
        /// What failed.
        failure: Failure,
    },
    /// Figures the baseline has are missing from the current results, with no failure
    /// saying why.
    Lost {
        /// The layout.
        layout: String,
        /// Which figures (`heap figures`, `timings`).
        what: &'static str,
    },
}

/// A figure that rose by more than its limit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Worse {
    /// The layout.
    pub layout: String,
    /// The figure.
    pub figure: Figure,
    /// Its span, for a figure taken per span.
    pub span: Option<String>,
    /// The baseline's value (the median, for time).
    pub baseline: f64,
    /// The current value (the median, for time).
    pub current: f64,
    /// How far it rose, in the limit's terms (for time: from the end of the baseline's
    /// interval to the start of the current one).
    pub change: f64,
    /// The limit it broke.
    pub limit: Limit,
    /// For time: the baseline's and the current median's intervals.
    pub intervals: Option<(Interval, Interval)>,
}

impl fmt::Display for Regression {
    /// The exact line the gate prints: `soa: bytes_per_record 35.0 -> 36.2 (+3.4 %, limit
    /// +1 %)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Regression::Worse(w) => {
                let name = w.figure.label(w.span.as_deref());
                let change = w.limit.show_change(w.change);
                match &w.intervals {
                    None => {
                        let d = pair_decimals(w.baseline, w.current);
                        write!(
                            f,
                            "{}: {name} {} -> {} ({change}, limit {})",
                            w.layout,
                            fixed(w.baseline, d),
                            fixed(w.current, d),
                            w.limit
                        )
                    }
                    Some((b, c)) => {
                        // Times are never whole: every bound to the decimals of the least.
                        let least = significant(b.lower.min(c.lower));
                        let d = decimals_apart(w.baseline, w.current, least);
                        write!(
                            f,
                            "{}: {name} {} -> {} ns/record ({change} between intervals \
                             [{}, {}] and [{}, {}], limit {})",
                            w.layout,
                            fixed(w.baseline, d),
                            fixed(w.current, d),
                            fixed(b.lower, d),
                            fixed(b.upper, d),
                            fixed(c.lower, d),
                            fixed(c.upper, d),
                            w.limit
                        )
                    }
                }
            }
            Regression::Missing { layout } => {
                write!(f, "{layout}: missing from the current results")
            }
            Regression::Failed { layout, failure } => {
                let what = match failure.kind {
                    FailureKind::Capacity => "timed run failed",
                    FailureKind::Access => "random-read probe failed",
                    FailureKind::Heap => "heap profile failed",
                    FailureKind::Costs => "costs failed",
                    FailureKind::Mismatch => "gave a different output",
                    FailureKind::Panic => "a workload panicked",
                    FailureKind::Nondeterministic => "a workload is not deterministic",
                    FailureKind::Other => "failed",
                };
                write!(
                    f,
                    "{layout}: {what}: {}",
                    crate::format::one_line(&failure.message)
                )
            }
            Regression::Lost { layout, what } => {
                write!(f, "{layout}: {what} missing from the current results")
            }
        }
    }
}

/// Decimals for `a` and `b` side by side: none for two whole numbers (counts), else three
/// significant digits of the larger at least, and more until two different values read
/// differently.
pub(super) fn pair_decimals(a: f64, b: f64) -> usize {
    let whole = |x: f64| x.fract() == 0.0 && x.abs() < 1e15;
    if whole(a) && whole(b) {
        return 0;
    }
    decimals_apart(a, b, significant(a.abs().max(b.abs())))
}

/// `decimals`, or more until `a` and `b` read differently when they differ.
fn decimals_apart(a: f64, b: f64, mut decimals: usize) -> usize {
    while a != b && decimals < 12 && fixed(a, decimals) == fixed(b, decimals) {
        decimals += 1;
    }
    decimals
}

fn fixed(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}")
}

/// What the gate found: the regressions, and what the summary line says when there are
/// none.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Outcome {
    /// Every regression, layouts in the baseline's order.
    pub regressions: Vec<Regression>,
    /// Layouts in both files.
    pub layouts: usize,
    /// The figures judged in at least one layout (`bytes_per_record`,
    /// `instructions.filter`, …).
    pub figures: BTreeSet<String>,
    /// Judgements where the figure fell by more than its limit.
    pub improved: usize,
    /// What could not be compared or judged: (subject, what and why) → the layouts
    /// concerned.
    pub not_compared: BTreeMap<(String, String), Vec<String>>,
    /// Layouts only in the current results.
    pub only_current: Vec<String>,
}

impl Outcome {
    /// The one line printed when nothing regressed: `check: 12 layouts, 15 figures within
    /// limits against .ci/baseline.json (3 improved)`, then what was not compared.
    pub(crate) fn summary(&self, against: &str) -> String {
        let mut line = format!(
            "check: {} layouts, {} figures within limits against {against} ({} improved)",
            self.layouts,
            self.figures.len(),
            self.improved
        );
        for ((subject, why), layouts) in &self.not_compared {
            let whose = if layouts.len() == self.layouts {
                String::new()
            } else if layouts.len() <= 3 {
                format!(" of {}", layouts.join(", "))
            } else {
                format!(" of {} layouts", layouts.len())
            };
            line.push_str(&format!("; {subject}{whose} {why}"));
        }
        if !self.only_current.is_empty() {
            line.push_str(&format!(
                "; only in the current results: {}",
                self.only_current.join(", ")
            ));
        }
        line
    }

    /// The one line saying the gate failed: `2 regressions in 1 layout against …`.
    pub(crate) fn failure(&self, against: &str) -> String {
        let layouts: BTreeSet<&str> = self.regressions.iter().map(Regression::layout).collect();
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{} in {} against {against}",
            plural(self.regressions.len(), "regression", "regressions"),
            plural(layouts.len(), "layout", "layouts")
        )
    }
}

impl Regression {
    /// The layout the line is about.
    pub(crate) fn layout(&self) -> &str {
        match self {
            Regression::Worse(w) => &w.layout,
            Regression::Missing { layout }
            | Regression::Failed { layout, .. }
            | Regression::Lost { layout, .. } => layout,
        }
    }
}
