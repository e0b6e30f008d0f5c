//! The decision guide's words: whether a profile has a winner, and the one sentence that
//! says so (the same in `REPORT.md`, `index.html` and on the terminal).

use super::guide::Advice;

/// The least confidence of a timing interval that may name a winner: 5 rounds give 94 %
/// (their full range), 3 rounds only 75 %, too little to tell a difference from noise.
const MIN_CONFIDENCE: f64 = 0.9;

impl Advice {
    /// Whether the best and the runner-up cannot be told apart: a layout is level with the
    /// best (see [`Advice::level_with`]), or the timings have too narrow an interval or none
    /// at all (a single round says nothing about noise).
    pub(crate) fn level(&self) -> bool {
        !self.level_with.is_empty()
            || self
                .runner_up
                .is_some_and(|r| !self.exact && r.confidence < MIN_CONFIDENCE)
    }

    /// The one-sentence recommendation, or `None` when nothing could be ranked.
    pub(crate) fn verdict(&self) -> Option<String> {
        let best = self.ranking.first()?;
        let (Some(next), Some(r)) = (self.ranking.get(1), self.runner_up) else {
            return Some(format!("choose `{}`", best.layout));
        };
        let interval = if r.confidence > 0.0 {
            format!(
                ", {:.0} % interval {:.2}–{:.2}",
                r.confidence * 100.0,
                r.lower,
                r.upper
            )
        } else {
            String::new()
        };
        let undecided = !self.exact && r.confidence < MIN_CONFIDENCE;
        Some(if undecided {
            let why = if r.confidence > 0.0 {
                format!("{interval}: too few rounds for a 90 % interval")
            } else {
                " with no interval (one round, or results saved without rounds)".to_owned()
            };
            format!(
                "`{}` was fastest, {:.2}× ahead of `{}` on {}{why}, so no winner is named; run \
                 more rounds (9 give a 96 % interval)",
                best.layout, r.median, next.layout, self.metric
            )
        } else if self.level() {
            let band = percent(self.band);
            let level: Vec<&str> = self.level_with.iter().map(|(l, _)| l.as_str()).collect();
            let all = if level.len() > 1 { "all " } else { "" };
            let within = match self.level_with.first() {
                Some((first, r)) if !self.exact => {
                    let others = if level.len() > 1 {
                        format!("; the others' intervals reach within {band} of the best too")
                    } else {
                        String::new()
                    };
                    let reaches = if r.confidence == 0.0 {
                        format!(", within {band}")
                    } else {
                        format!(
                            ", {:.0} % interval {:.2}–{:.2}, which {}",
                            r.confidence * 100.0,
                            r.lower,
                            r.upper,
                            if r.lower <= 1.0 {
                                "includes 1".to_owned()
                            } else {
                                format!("reaches within {band}")
                            }
                        )
                    };
                    format!(
                        "`{first}` {:.2}× on {}{reaches}{others}",
                        r.median, self.metric
                    )
                }
                _ => format!("{all}within {band} on {}", self.metric),
            };
            format!(
                "choose `{}`, level with {} ({within}); the full ranking decides the rest",
                best.layout,
                crate::format::code_list(&level)
            )
        } else {
            format!(
                "choose `{}` ({:.2}× better than `{}`, the next best, on {}{interval})",
                best.layout, r.median, next.layout, self.metric
            )
        })
    }
}

/// A band around the best as a percentage: `1.03` is `3 %`, `1.005` is `0.5 %`.
fn percent(band: f64) -> String {
    let p = (band - 1.0) * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{p:.0} %")
    } else {
        format!("{p:.1} %")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn bands_read_as_percentages() {
        assert_eq!(super::percent(1.03), "3 %");
        assert_eq!(super::percent(1.005), "0.5 %");
        assert_eq!(super::percent(1.25), "25 %");
    }
}
