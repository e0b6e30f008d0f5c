//! What a check tolerates: the figures it knows, a limit's two kinds (a percentage or an
//! amount), the `--limit FIGURE[.SPAN]=TOL` rules and the defaults of SPEC §8 under them.

use std::fmt;
use std::str::FromStr;

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
    pub(super) fn label(self, span: Option<&str>) -> String {
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
    pub(super) const fn tolerance(self) -> f64 {
        match self {
            Limit::Percent(x) | Limit::Amount(x) => x,
        }
    }

    /// How far `current` lies above `baseline`, in this limit's terms (negative below). A
    /// rise from 0 is infinitely many percent: anything from nothing is a regression.
    pub(super) fn change(self, baseline: f64, current: f64) -> f64 {
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
    pub(super) fn show_change(self, change: f64) -> String {
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
    pub(super) rules: Vec<Rule>,
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
    pub(super) fn gates_time(&self) -> bool {
        self.rules.iter().any(|r| r.figure == Figure::Time)
    }
}

/// Decimals that give `x` at least three significant digits.
pub(super) fn significant(x: f64) -> usize {
    if x == 0.0 || !x.is_finite() {
        return 0;
    }
    (2 - x.abs().log10().floor() as i64).clamp(0, 12) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(rules: &[&str]) -> Limits {
        Limits::new(rules.iter().map(|r| r.parse().unwrap()).collect())
    }

    #[test]
    fn limits_parse_as_percentages_or_amounts() {
        let parse = |s: &str| s.parse::<Limit>();
        assert_eq!(parse("5%"), Ok(Limit::Percent(5.0)));
        assert_eq!(parse("+5%"), Ok(Limit::Percent(5.0)));
        assert_eq!(parse(" 2.5 %"), Ok(Limit::Percent(2.5)));
        assert_eq!(parse("0%"), Ok(Limit::Percent(0.0)));
        assert_eq!(parse("+2"), Ok(Limit::Amount(2.0)));
        assert_eq!(parse("0.5"), Ok(Limit::Amount(0.5)));
        for bad in [
            "abc",
            "",
            "%",
            "5%%",
            "++5",
            "inf",
            "NaN",
            "infinity%",
            "5 kB",
            "1,5%",
        ] {
            let e = parse(bad).unwrap_err().to_string();
            assert!(e.contains("is not a limit"), "{bad:?}: {e}");
        }
        for negative in ["-5%", "-0", "+-2"] {
            let e = parse(negative).unwrap_err().to_string();
            assert!(e.contains("negative"), "{negative:?}: {e}");
        }
        assert_eq!(Limit::Percent(1.0).to_string(), "+1 %");
        assert_eq!(Limit::Percent(2.5).to_string(), "+2.5 %");
        assert_eq!(Limit::Amount(2.0).to_string(), "+2");
    }

    #[test]
    fn rules_name_a_figure_and_maybe_a_span() {
        let rule: Rule = "bytes_per_record=2%".parse().unwrap();
        assert_eq!(
            rule,
            Rule {
                figure: Figure::BytesPerRecord,
                span: None,
                limit: Limit::Percent(2.0)
            }
        );
        let rule: Rule = "instructions.filter=+5".parse().unwrap();
        assert_eq!(rule.span.as_deref(), Some("filter"));
        assert_eq!(rule.to_string(), "instructions.filter=+5");
        assert_eq!("time=10%".parse::<Rule>().unwrap().figure, Figure::Time);

        let error = |s: &str| s.parse::<Rule>().unwrap_err().to_string();
        assert_eq!(
            error("bogus=1%"),
            "unknown figure \"bogus\"; the figures are bytes_per_record, \
             reserved_bytes_per_record, allocations, instructions, est_cycles, time"
        );
        assert!(error("bytes_per_record").contains("is not FIGURE=TOL"));
        assert!(error("bytes_per_record=abc").contains("\"abc\" is not a limit"));
        assert!(error("bytes_per_record.ingest=1%").contains("whole-run figure"));
        assert!(error("instructions.=1%").contains("names no span"));
        assert!(error("time=-10%").contains("negative"));
    }

    #[test]
    fn span_rules_beat_figure_rules_beat_defaults() {
        let l = limits(&[
            "instructions.filter=5%",
            "instructions=3%",
            "bytes_per_record=+2",
        ]);
        let get = |f, s| l.get(f, s);
        assert_eq!(
            get(Figure::Instructions, Some("filter")),
            Some(Limit::Percent(5.0))
        );
        assert_eq!(
            get(Figure::Instructions, Some("ingest")),
            Some(Limit::Percent(3.0))
        );
        assert_eq!(
            get(Figure::EstCycles, Some("filter")),
            Some(Limit::Percent(2.0))
        );
        assert_eq!(get(Figure::BytesPerRecord, None), Some(Limit::Amount(2.0)));
        assert_eq!(get(Figure::Allocations, None), Some(Limit::Percent(1.0)));
        assert_eq!(get(Figure::Time, Some("pipeline")), None);
        let later = limits(&["allocations=5%", "allocations=7%"]);
        assert_eq!(
            later.get(Figure::Allocations, None),
            Some(Limit::Percent(7.0))
        );
    }
}
