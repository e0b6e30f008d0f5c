//! Every number layoutlab prints, formatted in one place, so a figure reads the same in the
//! terminal, the Markdown and the charts.

/// A per-record figure in reports: no decimals from 100, one from 10, two below.
pub(crate) fn per_record(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

/// A per-record figure with its interval: `6.42 (6.31–6.60)`; just the figure when the
/// interval is a point (one round, or an exact count).
pub(crate) fn per_record_range(median: f64, lower: f64, upper: f64) -> String {
    with_interval(median, lower, upper, per_record, per_record)
}

/// A figure with the larger half-width of its interval: `6.4±0.2` (terminal tables).
pub(crate) fn plus_minus(median: f64, spread: f64) -> String {
    if spread > 0.0 {
        format!("{median:.1}±{spread:.1}")
    } else {
        format!("{median:.1}")
    }
}

/// A ratio with its interval: `1.09× (1.05–1.12)`.
pub(crate) fn ratio_range(median: f64, lower: f64, upper: f64) -> String {
    with_interval(median, lower, upper, ratio, |x| format!("{x:.2}"))
}

/// `median (lower–upper)`, the median written by `figure` and the bounds by `bound`; just
/// the median when the interval is a point.
fn with_interval(
    median: f64,
    lower: f64,
    upper: f64,
    figure: fn(f64) -> String,
    bound: fn(f64) -> String,
) -> String {
    if lower == upper {
        figure(median)
    } else {
        format!("{} ({}–{})", figure(median), bound(lower), bound(upper))
    }
}

/// A figure that may be missing: `—` then.
pub(crate) fn or_dash<T: std::fmt::Display>(x: Option<T>) -> String {
    x.map_or_else(|| "—".to_owned(), |x| x.to_string())
}

/// A figure that can be far below 1 (allocations per record): three significant digits
/// below 1 (`0.000540`, not `0.00`), so that "a handful per million records" stays visible;
/// two decimals from 1.
pub(crate) fn small(x: f64) -> String {
    if x == 0.0 || x >= 1.0 || !x.is_finite() {
        format!("{x:.2}")
    } else {
        let decimals = (-x.log10()).floor() as usize + 3;
        format!("{x:.decimals$}")
    }
}

/// One decimal, as the terminal tables print times and bytes per record.
pub(crate) fn one_decimal(x: f64) -> String {
    format!("{x:.1}")
}

/// A ratio to the best (`1.09x` in the terminal).
pub(crate) fn ratio_x(x: f64) -> String {
    format!("{x:.2}x")
}

/// A ratio to the best in reports (`1.09×`).
pub(crate) fn ratio(x: f64) -> String {
    format!("{x:.2}×")
}

/// How many times one figure is another, in sentences: `7.9×` below 10, `16×` from 10
/// (the explanations of deterministic costs).
pub(crate) fn times(x: f64) -> String {
    if x >= 10.0 {
        format!("{x:.0}×")
    } else {
        format!("{x:.1}×")
    }
}

/// A count per record that may be far below 1 (cache misses): `0` for none, three
/// significant digits below 1 (`0.00645`), as [`per_record`] from 1.
pub(crate) fn count_per_record(x: f64) -> String {
    if x == 0.0 {
        "0".to_owned()
    } else if x < 1.0 {
        let decimals = (2.0 - x.log10().floor()) as usize;
        format!("{x:.decimals$}")
    } else {
        per_record(x)
    }
}

/// A path or name for a one-line message: as is when it is plain text, escaped (like Rust's
/// `{:?}`, without the quotes) when it holds control characters such as a newline, so an
/// error stays one line whatever the file is called.
pub(crate) fn one_line(text: &str) -> String {
    if text.chars().any(char::is_control) {
        let quoted = format!("{text:?}");
        quoted[1..quoted.len() - 1].to_owned()
    } else {
        text.to_owned()
    }
}

/// `40 000`: a record count with its digits in groups of three, as the reports write them.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// Names in backticks, as prose: `` `a` ``, `` `a` and `b` ``, `` `a`, `b` and `c` ``.
pub(crate) fn code_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_lists_read_as_prose() {
        assert_eq!(code_list(&[]), "");
        assert_eq!(code_list(&["a"]), "`a`");
        assert_eq!(code_list(&["a", "b"]), "`a` and `b`");
        assert_eq!(code_list(&["a", "b", "c"]), "`a`, `b` and `c`");
    }

    #[test]
    fn small_figures_keep_three_significant_digits() {
        assert_eq!(small(9.0047), "9.00");
        assert_eq!(small(0.00054), "0.000540");
        assert_eq!(small(0.0123), "0.0123");
        assert_eq!(small(0.5), "0.500");
        assert_eq!(small(0.0), "0.00");
    }

    #[test]
    fn per_record_decimals_follow_magnitude_and_intervals_show_their_bounds() {
        assert_eq!(per_record(510.2), "510");
        assert_eq!(per_record(35.04), "35.0");
        assert_eq!(per_record(1.234), "1.23");
        // With an interval, unless it is a point.
        assert_eq!(per_record_range(6.423, 6.31, 6.6), "6.42 (6.31–6.60)");
        assert_eq!(per_record_range(35.04, 35.04, 35.04), "35.0");
        assert_eq!(ratio_range(1.094, 1.051, 1.123), "1.09× (1.05–1.12)");
        assert_eq!(ratio_range(1.0, 1.0, 1.0), "1.00×");
    }

    #[test]
    fn counts_and_ratios_read_at_a_glance() {
        assert_eq!(times(7.94), "7.9×");
        assert_eq!(times(16.4), "16×");
        assert_eq!(count_per_record(0.0), "0");
        assert_eq!(count_per_record(0.006451), "0.00645");
        assert_eq!(count_per_record(0.1), "0.100");
        assert_eq!(count_per_record(0.5), "0.500");
        assert_eq!(count_per_record(2.8), "2.80");
        assert_eq!(count_per_record(133.2), "133");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(1_000_000), "1 000 000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(40_000), "40 000");
    }

    #[test]
    fn one_line_escapes_control_characters_only() {
        assert_eq!(one_line("data.csv"), "data.csv");
        assert_eq!(one_line("a\nb.csv"), "a\\nb.csv");
        assert_eq!(one_line("é.csv"), "é.csv");
    }
}
