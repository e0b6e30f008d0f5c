//! Results from several machines side by side: the same workload measured on each, and for
//! every figure which layout wins on which machine — a layout that wins on one CPU may lose
//! on another.

use std::fmt;

use super::guide::{self, Advice};
use crate::format::one_line;
use crate::model::{Results, Workload};

/// Why results cannot be merged: they measured different workloads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{first} and {other} measured different workloads ({what}); merge only runs of the same workload")]
pub(crate) struct DifferentWorkloads {
    /// The first file.
    pub first: String,
    /// The file that differs.
    pub other: String,
    /// What differs.
    pub what: String,
}

/// An optional figure of a workload as a message shows it: the value, or `none` where the
/// workload has none (a file has no seed, a user's record no sensors or window).
fn shown<T: fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| "none".to_owned(), |v| v.to_string())
}

/// What differs between two workloads, if anything.
fn difference(a: &Workload, b: &Workload) -> Option<String> {
    let pairs: [(&str, String, String); 6] = [
        ("source", one_line(&a.source), one_line(&b.source)),
        ("records", a.records.to_string(), b.records.to_string()),
        ("sensors", shown(a.sensors), shown(b.sensors)),
        ("window", shown(a.window), shown(b.window)),
        ("seed", shown(a.seed), shown(b.seed)),
        ("skipped rows", a.skipped.to_string(), b.skipped.to_string()),
    ];
    pairs
        .into_iter()
        .find(|(_, x, y)| x != y)
        .map(|(what, x, y)| format!("{what} {x} against {y}"))
}

/// What differs between the workloads of two results (and, for a user's record, between
/// the records), if anything: `records 3000 against 4000`. The skipped rows count: a file
/// source that skipped other rows gave other readings.
pub(crate) fn workload_difference(a: &Results, b: &Results) -> Option<String> {
    let record = |r: &Results| {
        r.record.as_ref().map_or_else(
            || "the built-in reading".to_owned(),
            |s| format!("`{}`", one_line(&s.name)),
        )
    };
    difference(&a.workload, &b.workload).or_else(|| {
        (record(a) != record(b)).then(|| format!("record {} against {}", record(a), record(b)))
    })
}

/// Checks that every result measured the same workload (and, for a user's record, the same
/// record); `names` label the results in messages.
///
/// # Errors
///
/// [`DifferentWorkloads`] naming the first difference.
pub(crate) fn check_same(results: &[(String, Results)]) -> Result<(), DifferentWorkloads> {
    let Some((first_name, first)) = results.first() else {
        return Ok(());
    };
    for (name, other) in &results[1..] {
        if let Some(what) = workload_difference(first, other) {
            return Err(DifferentWorkloads {
                first: first_name.clone(),
                other: name.clone(),
                what,
            });
        }
    }
    Ok(())
}

/// One figure's winner on one machine.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Winner {
    /// One layout, ahead of the next beyond doubt.
    Layout(String),
    /// The best and the runner-up cannot be told apart (or too few rounds to say).
    Level(String, String),
    /// Nothing measured.
    None,
}

impl fmt::Display for Winner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Winner::Layout(l) => write!(f, "`{l}`"),
            Winner::Level(a, b) => write!(f, "`{a}` level with `{b}`"),
            Winner::None => f.write_str("—"),
        }
    }
}

impl Winner {
    fn of(advice: &Advice) -> Winner {
        match (advice.ranking.first(), advice.ranking.get(1)) {
            (None, _) => Winner::None,
            (Some(best), Some(next)) if advice.level() => {
                Winner::Level(best.layout.clone(), next.layout.clone())
            }
            (Some(best), _) => Winner::Layout(best.layout.clone()),
        }
    }

    /// The layout that leads (the best of a level pair too).
    fn leader(&self) -> Option<&str> {
        match self {
            Winner::Layout(l) | Winner::Level(l, _) => Some(l),
            Winner::None => None,
        }
    }
}

/// One figure compared across machines: its value per layout per machine and the winner on
/// each machine.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FigureAcross {
    /// The figure (a profile of the decision guide).
    pub figure: String,
    /// Its unit.
    pub metric: String,
    /// Per machine, the winner.
    pub winners: Vec<Winner>,
    /// Per layout, the value on each machine (the median; `None` where not measured).
    pub values: Vec<(String, Vec<Option<f64>>)>,
}

impl FigureAcross {
    /// Whether the leading layout is not the same on every machine that measured it.
    pub(crate) fn flips(&self) -> bool {
        let leaders: Vec<&str> = self.winners.iter().filter_map(Winner::leader).collect();
        leaders.windows(2).any(|w| w[0] != w[1])
    }
}

/// Every ranked figure of the decision guide, across the machines.
pub(crate) fn across(results: &[(String, Results)]) -> Vec<FigureAcross> {
    let guides: Vec<Vec<Advice>> = results
        .iter()
        .map(|(_, r)| match r.record {
            Some(_) => super::own::advise(r),
            None => guide::advise(r),
        })
        .collect();
    let Some(first) = guides.first() else {
        return Vec::new();
    };
    // Every layout of any file, in the order first met: a layout only one machine ran
    // still gets its row (dashes elsewhere) instead of vanishing.
    let mut layouts: Vec<String> = Vec::new();
    for l in results.iter().flat_map(|(_, r)| &r.layouts) {
        if !layouts.contains(&l.layout) {
            layouts.push(l.layout.clone());
        }
    }
    first
        .iter()
        .enumerate()
        .map(|(k, advice)| {
            let per_machine: Vec<Option<&Advice>> = guides.iter().map(|g| g.get(k)).collect();
            FigureAcross {
                figure: advice.profile.clone(),
                metric: advice.metric.clone(),
                winners: per_machine
                    .iter()
                    .map(|a| a.map_or(Winner::None, Winner::of))
                    .collect(),
                values: layouts
                    .iter()
                    .map(|layout| {
                        let values = per_machine
                            .iter()
                            .map(|a| {
                                a.and_then(|a| a.ranking.iter().find(|r| &r.layout == layout))
                                    .map(|r| r.score)
                            })
                            .collect();
                        (layout.clone(), values)
                    })
                    .collect(),
            }
        })
        .collect()
}
