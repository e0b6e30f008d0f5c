//! The words of [`super`]: each gap as a full explanation for the report and as one short
//! line for the decision guide and the terminal, every figure in it computed.

use super::{Cause, Fit, Gap, Verdict, ALMOST_NONE, LEVEL, NEAR};
use crate::format::{per_record, times};

impl Gap<'_> {
    /// `Among layouts with a fixed schema, ` when the slow side is the slowest of those:
    /// every sentence starts with it.
    fn among(&self) -> &'static str {
        if self.fixed_schema {
            "Among layouts with a fixed schema, "
        } else {
            ""
        }
    }

    /// `` `soa` runs `rolling` 7.9× faster than `boxed` ``.
    fn lead(&self) -> String {
        format!("{}{}", self.among(), self.bare_lead())
    }

    /// [`Gap::lead`] without the fixed-schema opening.
    fn bare_lead(&self) -> String {
        format!(
            "`{}` runs `{}` {} faster than `{}`",
            self.fast.layout,
            self.stage,
            times(self.time_ratio()),
            self.slow.layout
        )
    }

    /// The counts side by side: `executes 7.2× fewer instructions (40 vs 288 per record),
    /// misses D1 8.5× less often (0.290 vs 2.47 per record) and …`.
    fn counts(&self) -> String {
        let (f, s) = (&self.fast.counts, &self.slow.counts);
        let mut clauses = vec![instructions(f.instructions, s.instructions)];
        clauses.extend(misses("D1", f.d1_misses, s.d1_misses, self.slow.layout));
        clauses.extend(misses("LL", f.ll_misses, s.ll_misses, self.slow.layout));
        join(&clauses)
    }

    /// `LL misses (241× fewer)`, `LL misses (almost none against 0.126 per record)`.
    fn fewer(&self, cause: Cause) -> String {
        let (f, s) = (
            cause.count(&self.fast.counts),
            cause.count(&self.slow.counts),
        );
        let how = if f == 0.0 {
            format!("none against {} per record", per_record(s))
        } else if s / f >= ALMOST_NONE {
            format!("almost none against {} per record", per_record(s))
        } else {
            format!("{} fewer", times(s / f))
        };
        format!("{} ({how})", cause.name())
    }

    /// What the miss count [`Gap::reaching`] finds adds to a gap the model leaves short.
    fn beyond_the_model(&self) -> String {
        match self.reaching() {
            Some(c) => format!(
                "of the counts, {} reach the measured ratio, and the model's fixed {} cycles \
                 per {} may well undercharge them",
                self.fewer(c),
                if c == Cause::LlMisses { 35 } else { 5 },
                if c == Cause::LlMisses {
                    "trip to RAM"
                } else {
                    "first-level miss"
                },
            ),
            None => "no count reaches the measured ratio, so the rest is timing noise or what \
                     callgrind does not simulate (branch prediction, prefetching, instructions \
                     retired per cycle)"
                .to_owned(),
        }
    }

    /// The whole explanation, one or two sentences (no final full stop).
    pub(crate) fn sentence(&self) -> String {
        let (f, s) = (&self.fast, &self.slow);
        let ns = format!(
            "({} vs {} ns per record)",
            per_record(f.ns),
            per_record(s.ns)
        );
        let cycles = format!(
            "{} vs {}",
            per_record(f.parts.total()),
            per_record(s.parts.total())
        );
        let (m, t) = (self.model_ratio(), self.time_ratio());
        match self.verdict() {
            Verdict::Level => format!(
                "{}`{}` and `{}`, the fastest and the slowest at `{}`, are within {} of each \
                 other {ns}: no gap to explain",
                self.among(),
                f.layout,
                s.layout,
                self.stage,
                times(LEVEL)
            ),
            Verdict::Unexplained => {
                let model = if m >= 1.0 {
                    format!("the model puts them within {} of each other", times(m))
                } else {
                    format!(
                        "the model charges `{}` {} as much",
                        f.layout,
                        times(1.0 / m)
                    )
                };
                format!(
                    "{} {ns}, yet it {}: {model} ({cycles} estimated cycles per record), so \
                     the gap is not in the model's cycles; {}",
                    self.lead(),
                    self.counts(),
                    self.beyond_the_model()
                )
            }
            Verdict::Explained {
                causes,
                against,
                fit,
            } => {
                let named: Vec<String> = causes
                    .iter()
                    .enumerate()
                    .map(|(i, (c, share))| {
                        let verb = if i == 0 { " account for" } else { "" };
                        format!("fewer {}{verb} {:.0} %", c.name(), share * 100.0)
                    })
                    .collect();
                let back: Vec<String> = against
                    .iter()
                    .map(|(c, share)| {
                        format!("more {} give back {:.0} %", c.name(), -share * 100.0)
                    })
                    .collect();
                let back = if back.is_empty() {
                    String::new()
                } else {
                    format!(", while {}", join(&back))
                };
                let fit = match fit {
                    Fit::Close => format!(" (the model's ratio: {})", times(m)),
                    Fit::Short => format!(
                        ". The model's {} falls well short of the measured {}; {}",
                        times(m),
                        times(t),
                        self.beyond_the_model()
                    ),
                    Fit::Above => format!(
                        ". The model's {} is well above the measured {}: the real CPU \
                         does better than its one cycle per instruction and fixed miss charges",
                        times(m),
                        times(t)
                    ),
                };
                format!(
                    "{} {ns}: it {}. Of the {} estimated cycles per record it saves \
                     ({cycles}), {}{back}{fit}",
                    self.lead(),
                    self.counts(),
                    per_record(self.saved()),
                    join(&named)
                )
            }
        }
    }

    /// One line for the decision guide and the terminal: the gap and the counts that
    /// account for it, and a miss count that may carry what the model leaves short when it
    /// is not among them; `None` when the stage is level. Unlike [`Gap::sentence`] it does
    /// not say whether the comparison is among fixed schemas: [`super::headline`] says that once.
    pub(crate) fn short(&self) -> Option<String> {
        // The text, and the causes already named (`None`: the model leaves the gap open).
        let (text, named) = match self.verdict() {
            Verdict::Level => return None,
            Verdict::Unexplained => (
                format!(
                    "{}, which the model's cycles do not explain ({})",
                    self.bare_lead(),
                    times(self.model_ratio())
                ),
                Some(Vec::new()),
            ),
            Verdict::Explained { causes, fit, .. } => {
                let fewer: Vec<String> = causes.iter().map(|&(c, _)| self.fewer(c)).collect();
                let named: Vec<Cause> = causes.iter().map(|&(c, _)| c).collect();
                (
                    format!("{}, by fewer {}", self.bare_lead(), join(&fewer)),
                    (fit == Fit::Short).then_some(named),
                )
            }
        };
        let rest = named.and_then(|named| self.reaching().filter(|c| !named.contains(c)));
        Some(match rest {
            Some(c) => format!("{text}; {} may carry the rest", self.fewer(c)),
            None => text,
        })
    }
}

/// `executes 7.2× fewer instructions (40 vs 288 per record)`.
fn instructions(fast: f64, slow: f64) -> String {
    let values = format!("({} vs {} per record)", per_record(fast), per_record(slow));
    if fast > 0.0 && slow / fast >= NEAR {
        format!(
            "executes {} fewer instructions {values}",
            times(slow / fast)
        )
    } else if slow > 0.0 && fast / slow >= NEAR {
        format!("executes {} more instructions {values}", times(fast / slow))
    } else {
        format!("executes about as many instructions {values}")
    }
}

/// `misses D1 8.5× less often (0.290 vs 2.47 per record)`, `almost never misses LL (…)`;
/// `None` when neither misses.
fn misses(cache: &str, fast: f64, slow: f64, slow_layout: &str) -> Option<String> {
    let values = format!("({} vs {} per record)", per_record(fast), per_record(slow));
    Some(if fast == 0.0 && slow == 0.0 {
        return None;
    } else if fast == 0.0 {
        format!(
            "never misses {cache} (`{slow_layout}`: {} per record)",
            per_record(slow)
        )
    } else if slow == 0.0 {
        format!(
            "misses {cache} {} times per record where `{slow_layout}` never does",
            per_record(fast)
        )
    } else if slow / fast >= ALMOST_NONE {
        format!("almost never misses {cache} {values}")
    } else if slow / fast >= NEAR {
        format!("misses {cache} {} less often {values}", times(slow / fast))
    } else if fast / slow >= NEAR {
        format!("misses {cache} {} more often {values}", times(fast / slow))
    } else {
        format!("misses {cache} about as often {values}")
    })
}

/// `a`, `a and b`, `a, b and c`.
fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
