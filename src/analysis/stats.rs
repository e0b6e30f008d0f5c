//! Statistics over paired rounds: medians with distribution-free confidence intervals, and
//! ratios between layouts computed round by round.
//!
//! Every round runs every layout once, so round `k` of two layouts saw the same machine: a
//! disturbance that slows round `k` slows both, and the ratio of their round-`k` times
//! cancels it. A layout's figure is the median over rounds; its interval comes from order
//! statistics (no assumption about the distribution of times, which on a shared machine is
//! anything but normal). With `n` rounds, the interval between the `j`-th smallest and the
//! `j`-th largest value holds the true median with probability `1 − 2·P(B ≤ j − 1)`,
//! `B ~ Binomial(n, ½)`; the narrowest such interval of at least 95 % is used, or the full
//! range (and its lower confidence, stated) when there are too few rounds for 95 %.

/// A median and its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Interval {
    /// The median.
    pub median: f64,
    /// The interval's lower end.
    pub lower: f64,
    /// The interval's upper end.
    pub upper: f64,
    /// The probability that the interval holds the true median (0 with one value).
    pub confidence: f64,
}

/// The confidence the intervals aim for.
pub(crate) const CONFIDENCE: f64 = 0.95;

impl Interval {
    /// A single figure with no interval (one round, or an exact count).
    pub(crate) fn exact(x: f64) -> Interval {
        Interval {
            median: x,
            lower: x,
            upper: x,
            confidence: 0.0,
        }
    }

    /// Half the interval's width around the median, the larger side (for `±` in tables).
    pub(crate) fn spread(&self) -> f64 {
        (self.upper - self.median).max(self.median - self.lower)
    }
}

/// P(B ≤ k) for B ~ Binomial(n, ½).
fn binomial_cdf_half(n: usize, k: usize) -> f64 {
    let mut term = 0.5f64.powi(n as i32); // C(n, 0) / 2ⁿ
    let mut sum = term;
    for i in 1..=k.min(n) {
        term *= (n + 1 - i) as f64 / i as f64;
        sum += term;
    }
    sum
}

/// The median of `values` and its distribution-free confidence interval; `None` for none.
pub(crate) fn median_interval(values: &[f64]) -> Option<Interval> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    if n == 1 {
        return Some(Interval::exact(median));
    }
    // The largest j (1-based) whose interval still reaches the target confidence.
    let coverage = |j: usize| 1.0 - 2.0 * binomial_cdf_half(n, j - 1);
    let mut j = 1;
    while j < n / 2 && coverage(j + 1) >= CONFIDENCE {
        j += 1;
    }
    Some(Interval {
        median,
        lower: sorted[j - 1],
        upper: sorted[n - j],
        confidence: coverage(j),
    })
}

/// The ratio `a / b` round by round (paired: `a[k]` and `b[k]` ran in the same round), as
/// a median with its interval; `None` when there is no round with both.
pub(crate) fn paired_ratio(a: &[f64], b: &[f64]) -> Option<Interval> {
    let ratios: Vec<f64> = a
        .iter()
        .zip(b)
        .filter(|(_, &y)| y > 0.0)
        .map(|(&x, &y)| x / y)
        .collect();
    median_interval(&ratios)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_statistics_give_the_textbook_intervals() {
        // n = 9: the 2nd and 8th values hold the median with 96.1 %.
        let nine: Vec<f64> = (1..=9).map(f64::from).collect();
        let i = median_interval(&nine).unwrap();
        assert_eq!((i.median, i.lower, i.upper), (5.0, 2.0, 8.0));
        assert!((i.confidence - 0.9609).abs() < 1e-3, "{}", i.confidence);
        // n = 5: even the full range is only 93.75 %, and says so.
        let five = median_interval(&[3.0, 1.0, 2.0, 5.0, 4.0]).unwrap();
        assert_eq!((five.median, five.lower, five.upper), (3.0, 1.0, 5.0));
        assert!((five.confidence - 0.9375).abs() < 1e-9);
        // One value: no interval.
        assert_eq!(median_interval(&[7.0]).unwrap().confidence, 0.0);
        assert!(median_interval(&[]).is_none());
    }

    #[test]
    fn paired_ratios_cancel_what_hits_both() {
        // Round 3 was disturbed (everything 3× slower): the ratio does not move.
        let a = [2.0, 2.0, 6.0, 2.0, 2.0, 2.0, 2.0];
        let b = [1.0, 1.0, 3.0, 1.0, 1.0, 1.0, 1.0];
        let r = paired_ratio(&a, &b).unwrap();
        assert_eq!((r.median, r.lower, r.upper), (2.0, 2.0, 2.0));
        assert!(r.lower > 1.0);
        // Unpaired medians would have mixed the disturbance into both figures' spread.
        assert_eq!(median_interval(&a).unwrap().upper, 6.0);
    }
}
