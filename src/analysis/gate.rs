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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use super::figures;
use super::merge::workload_difference;
use super::stats::Interval;
use crate::model::costs::{Costs, StageCosts};
use crate::model::{Failure, FailureKind, LayoutRun, Results, Timing};

/// A figure the gate can compare, by its name on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Figure {
    /// Peak requested heap bytes per record (dhat).
    BytesPerRecord,
    /// Peak reserved heap bytes per record (the allocator's size classes included).
    ReservedBytesPerRecord,
    /// Heap allocations over the whole run.
    Allocations,
    /// Simulated instructions per record, per span of the costs.
    Instructions,
    /// Estimated cycles per record (SPEC §7's model), per span of the costs.
    EstCycles,
    /// Wall time per record, per stage and for the pipeline (not gated unless asked).
    Time,
}

impl Figure {
    /// Every figure, in the order a layout's figures are judged and printed.
    pub(crate) const ALL: [Figure; 6] = [
        Figure::BytesPerRecord,
        Figure::ReservedBytesPerRecord,
        Figure::Allocations,
        Figure::Instructions,
        Figure::EstCycles,
        Figure::Time,
    ];

    /// The name on the command line and in regression lines.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Figure::BytesPerRecord => "bytes_per_record",
            Figure::ReservedBytesPerRecord => "reserved_bytes_per_record",
            Figure::Allocations => "allocations",
            Figure::Instructions => "instructions",
            Figure::EstCycles => "est_cycles",
            Figure::Time => "time",
        }
    }

    /// The limit when no `--limit` names the figure: 1 % for the heap figures, 2 % for the
    /// costs (SPEC §8), none for time.
    pub(crate) const fn default_limit(self) -> Option<Limit> {
        match self {
            Figure::BytesPerRecord | Figure::ReservedBytesPerRecord | Figure::Allocations => {
                Some(Limit::Percent(1.0))
            }
            Figure::Instructions | Figure::EstCycles => Some(Limit::Percent(2.0)),
            Figure::Time => None,
        }
    }

    /// Whether the figure is taken per span (stage), so that `FIGURE.SPAN=TOL` makes sense.
    const fn has_spans(self) -> bool {
        matches!(
            self,
            Figure::Instructions | Figure::EstCycles | Figure::Time
        )
    }

    /// The figure's name, with `.span` when it has one (`instructions.filter`).
    fn label(self, span: Option<&str>) -> String {
        match span {
            Some(span) => format!("{}.{span}", self.name()),
            None => self.name().to_owned(),
        }
    }
}

impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A `--limit` that cannot be used, saying why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct LimitError(String);

impl FromStr for Figure {
    type Err = LimitError;

    fn from_str(s: &str) -> Result<Figure, LimitError> {
        Figure::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Figure::ALL.iter().map(|f| f.name()).collect();
                LimitError(format!(
                    "unknown figure {}; the figures are {}",
                    crate::error::excerpt(s),
                    names.join(", ")
                ))
            })
    }
}

/// How much worse than the baseline a figure may get: a percentage of the baseline's value
/// (`5%`, `+5%`) or an amount in the figure's own unit (`+2`: two bytes per record, two
/// allocations, two nanoseconds per record). Never negative.
///
/// A figure regressed when it rose by more than the limit; it improved when it fell by more
/// than the limit (so noise within the limit counts as neither).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Limit {
    /// At most this many percent above the baseline.
    Percent(f64),
    /// At most this much above the baseline.
    Amount(f64),
}

impl Limit {
    /// The tolerance, in percent or in the figure's unit.
    const fn tolerance(self) -> f64 {
        match self {
            Limit::Percent(x) | Limit::Amount(x) => x,
        }
    }

    /// How far `current` lies above `baseline`, in this limit's terms (negative below). A
    /// rise from 0 is infinitely many percent: anything from nothing is a regression.
    fn change(self, baseline: f64, current: f64) -> f64 {
        match self {
            Limit::Amount(_) => current - baseline,
            Limit::Percent(_) if baseline == 0.0 => {
                if current == 0.0 {
                    0.0
                } else {
                    f64::INFINITY.copysign(current)
                }
            }
            Limit::Percent(_) => (current - baseline) / baseline.abs() * 100.0,
        }
    }

    /// `change` (from [`Limit::change`]) as a regression line prints it: one decimal of a
    /// percentage and three significant digits of an amount, and more when fewer would
    /// read as no more than the limit.
    fn show_change(self, change: f64) -> String {
        if change.is_infinite() {
            return "up from 0".to_owned();
        }
        let tolerance = self.tolerance();
        let mut decimals = match self {
            Limit::Percent(_) => 1,
            Limit::Amount(_) => significant(change),
        };
        while decimals < 9
            && format!("{change:.decimals$}")
                .parse::<f64>()
                .is_ok_and(|shown| shown <= tolerance)
        {
            decimals += 1;
        }
        match self {
            Limit::Percent(_) => format!("{change:+.decimals$} %"),
            Limit::Amount(_) => format!("{change:+.decimals$}"),
        }
    }
}

impl fmt::Display for Limit {
    /// `+1 %` or `+2`, as regression lines print the limit.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::Percent(x) => write!(f, "+{x} %"),
            Limit::Amount(x) => write!(f, "+{x}"),
        }
    }
}

impl FromStr for Limit {
    type Err = LimitError;

    /// `5%`, `+5%`, `5 %`, `0.5%`: a percentage; `2`, `+2`, `0.5`: an amount.
    fn from_str(s: &str) -> Result<Limit, LimitError> {
        let text = s.trim();
        let (number, percent) = match text.strip_suffix('%') {
            Some(number) => (number.trim_end(), true),
            None => (text, false),
        };
        let unsigned = number.strip_prefix('+').unwrap_or(number);
        let not_a_limit = || {
            LimitError(format!(
                "{} is not a limit: give a percentage (5%, +5%) or an amount (+2)",
                crate::error::excerpt(s)
            ))
        };
        // `parse` would take `inf` and `NaN`, and `+` again after the one stripped.
        if !unsigned
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | 'e' | 'E'))
        {
            return Err(not_a_limit());
        }
        let value: f64 = unsigned.parse().map_err(|_| not_a_limit())?;
        if value < 0.0 || unsigned.starts_with('-') {
            return Err(LimitError(format!(
                "{} is negative: a limit says how much worse a figure may get (0% allows \
                 no rise at all)",
                crate::error::excerpt(s)
            )));
        }
        if !value.is_finite() {
            return Err(not_a_limit());
        }
        Ok(if percent {
            Limit::Percent(value)
        } else {
            Limit::Amount(value)
        })
    }
}

/// One `--limit`: `FIGURE=TOL` for every span of a figure, or `FIGURE.SPAN=TOL` for one
/// (`instructions.filter=5%`, `time.pipeline=10%`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rule {
    /// The figure.
    pub figure: Figure,
    /// The one span it applies to, if only one.
    pub span: Option<String>,
    /// The limit.
    pub limit: Limit,
}

impl FromStr for Rule {
    type Err = LimitError;

    fn from_str(s: &str) -> Result<Rule, LimitError> {
        let (key, tolerance) = s.split_once('=').ok_or_else(|| {
            LimitError(format!(
                "{} is not FIGURE=TOL (like bytes_per_record=2% or instructions.filter=+5)",
                crate::error::excerpt(s)
            ))
        })?;
        let (name, span) = match key.trim().split_once('.') {
            Some((name, span)) => (name, Some(span)),
            None => (key.trim(), None),
        };
        let figure: Figure = name.parse()?;
        match span {
            Some(_) if !figure.has_spans() => {
                return Err(LimitError(format!(
                    "{figure} is a whole-run figure, with no spans such as {}",
                    crate::error::excerpt(key.trim())
                )))
            }
            Some("") => {
                return Err(LimitError(format!(
                    "{} names no span after the dot",
                    crate::error::excerpt(key.trim())
                )))
            }
            _ => {}
        }
        Ok(Rule {
            figure,
            span: span.map(str::to_owned),
            limit: tolerance.parse()?,
        })
    }
}

impl fmt::Display for Rule {
    /// The rule as it could have been written: `instructions.filter=5%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let limit = match self.limit {
            Limit::Percent(x) => format!("{x}%"),
            Limit::Amount(x) => format!("+{x}"),
        };
        write!(f, "{}={limit}", self.figure.label(self.span.as_deref()))
    }
}

/// The limits of a check: the defaults of SPEC §8, with the `--limit` rules over them. A
/// rule for one span beats one for the whole figure, and a later rule an earlier one.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Limits {
    rules: Vec<Rule>,
}

impl Limits {
    /// The defaults with `rules` over them.
    pub(crate) fn new(rules: Vec<Rule>) -> Limits {
        Limits { rules }
    }

    /// The limit of `figure` in `span` (`None` for a whole-run figure); `None` when the
    /// figure is not gated there.
    pub(crate) fn get(&self, figure: Figure, span: Option<&str>) -> Option<Limit> {
        let last = |span: Option<&str>| {
            self.rules
                .iter()
                .rev()
                .find(|r| r.figure == figure && r.span.as_deref() == span)
                .map(|r| r.limit)
        };
        span.and_then(|s| last(Some(s)))
            .or_else(|| last(None))
            .or(figure.default_limit())
    }

    /// Whether any rule asks for time to be gated.
    fn gates_time(&self) -> bool {
        self.rules.iter().any(|r| r.figure == Figure::Time)
    }
}

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

/// Decimals that give `x` at least three significant digits.
fn significant(x: f64) -> usize {
    if x == 0.0 || !x.is_finite() {
        return 0;
    }
    (2 - x.abs().log10().floor() as i64).clamp(0, 12) as usize
}

/// Decimals for `a` and `b` side by side: none for two whole numbers (counts), else three
/// significant digits of the larger at least, and more until two different values read
/// differently.
fn pair_decimals(a: f64, b: f64) -> usize {
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

/// The comparison under way.
struct Gate<'a> {
    limits: &'a Limits,
    outcome: Outcome,
}

impl Gate<'_> {
    /// Notes that `subject` of `layout` was not compared: `why` says so and why.
    fn note(&mut self, layout: &str, subject: &str, why: &str) {
        self.outcome
            .not_compared
            .entry((subject.to_owned(), why.to_owned()))
            .or_default()
            .push(layout.to_owned());
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
        let (bm, cm) = match (&b.memory, &c.memory) {
            (Some(bm), Some(cm)) => (bm, cm),
            (Some(_), None) => {
                if !failed {
                    self.outcome.regressions.push(Regression::Lost {
                        layout: layout.to_owned(),
                        what: "heap figures",
                    });
                }
                return;
            }
            (None, Some(_)) => return self.note(layout, "heap figures", NOT_IN_BASELINE),
            (None, None) => return self.note(layout, "heap figures", IN_NEITHER),
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
        let (bc, cc) = match (&b.costs, &c.costs) {
            (Some(bc), Some(cc)) => (bc, cc),
            (Some(_), None) => {
                // A costs failure is already a regression line.
                if c.failure(FailureKind::Costs).is_none() {
                    self.note(layout, "costs", NOT_IN_CURRENT);
                }
                return Ok(());
            }
            (None, Some(_)) => {
                self.note(layout, "costs", NOT_IN_BASELINE);
                return Ok(());
            }
            (None, None) => {
                self.note(layout, "costs", IN_NEITHER);
                return Ok(());
            }
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
        let (bt, ct) = match (&b.timing, &c.timing) {
            (Some(bt), Some(ct)) => (bt, ct),
            (Some(_), None) => {
                if !failed {
                    self.outcome.regressions.push(Regression::Lost {
                        layout: layout.to_owned(),
                        what: "timings",
                    });
                }
                return;
            }
            (None, Some(_)) => return self.note(layout, "time", NOT_IN_BASELINE),
            (None, None) => return self.note(layout, "time", IN_NEITHER),
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
