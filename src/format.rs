//! Every number layoutlab prints, formatted in one place, so a figure reads the same in the
//! terminal, the Markdown and the charts.

/// A per-record figure (a time, a byte or instruction count): at least three significant
/// digits — `0.587`, `1.14`, `12.3`, `1234` — and `0` for none.
pub(crate) fn per_record(x: f64) -> String {
    if x == 0.0 {
        return "0".to_owned();
    }
    let decimals = significant_decimals(x);
    format!("{x:.decimals$}")
}

/// Decimals that give `x` three significant digits, none from 100: from the exponent of `x`
/// rounded to three digits, so 9.996 counts as 10.0 and the power-of-ten edges are exact.
fn significant_decimals(x: f64) -> usize {
    decimals_for(x, 2)
}

/// Decimals that show the first significant digit of `spread` (`0.012` → 2), none from 1.
fn first_digit_decimals(spread: f64) -> usize {
    decimals_for(spread, 0)
}

/// The decimals that keep `digits` digits after the first significant one of `x`.
fn decimals_for(x: f64, digits: usize) -> usize {
    if x == 0.0 || !x.is_finite() {
        return 0;
    }
    let scientific = format!("{:.digits$e}", x.abs());
    let exponent: i64 = scientific
        .rsplit('e')
        .next()
        .and_then(|e| e.parse().ok())
        .unwrap_or(0);
    usize::try_from(digits as i64 - exponent).unwrap_or(0)
}

/// The decimals of a figure printed with an interval of half-width `spread`: the figure's
/// three significant digits, or more until the interval's first digit shows (never `±0.0`).
fn interval_decimals(median: f64, spread: f64) -> usize {
    significant_decimals(median).max(first_digit_decimals(spread))
}

/// A per-record figure with its interval, figure and bounds to the same decimals:
/// `6.42 (6.31–6.60)`, `0.587 (0.575–0.599)`; just the figure when the interval is a point
/// (one round, or an exact count).
pub(crate) fn per_record_range(median: f64, lower: f64, upper: f64) -> String {
    if lower == upper {
        return per_record(median);
    }
    let d = interval_decimals(median, (upper - median).max(median - lower));
    format!("{median:.d$} ({lower:.d$}–{upper:.d$})")
}

/// A figure with the larger half-width of its interval, both to the same decimals:
/// `0.587±0.012`, `8.31±0.23`, `618.0±0.3` (terminal tables); just the figure when the
/// interval is a point.
pub(crate) fn plus_minus(median: f64, spread: f64) -> String {
    if spread > 0.0 {
        let d = interval_decimals(median, spread);
        format!("{median:.d$}±{spread:.d$}")
    } else {
        per_record(median)
    }
}

/// A ratio with its interval: `1.09× (1.05–1.12)`; just the ratio when the interval is a
/// point.
pub(crate) fn ratio_range(median: f64, lower: f64, upper: f64) -> String {
    if lower == upper {
        ratio(median)
    } else {
        format!("{} ({lower:.2}–{upper:.2})", ratio(median))
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
        per_record(x)
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
    fn per_record_figures_keep_three_significant_digits() {
        assert_eq!(per_record(1234.4), "1234");
        assert_eq!(per_record(510.2), "510");
        assert_eq!(per_record(35.04), "35.0");
        assert_eq!(per_record(12.34), "12.3");
        assert_eq!(per_record(1.14), "1.14");
        assert_eq!(per_record(0.5871), "0.587");
        assert_eq!(per_record(0.006451), "0.00645");
        assert_eq!(per_record(0.1), "0.100");
        assert_eq!(per_record(0.0), "0");
        // Rounding up to the next power of ten keeps three digits, not four.
        assert_eq!(per_record(9.996), "10.0");
        assert_eq!(per_record(0.9996), "1.00");
        assert_eq!(per_record(99.96), "100");
    }

    #[test]
    fn intervals_print_to_the_figures_decimals_and_never_as_zero() {
        assert_eq!(plus_minus(0.5871, 0.0123), "0.587±0.012");
        assert_eq!(plus_minus(8.31, 0.23), "8.31±0.23");
        assert_eq!(plus_minus(627.0, 17.0), "627±17");
        // A spread below the figure's last digit gets the decimals of its first digit.
        assert_eq!(plus_minus(2.04, 0.004), "2.040±0.004");
        assert_eq!(plus_minus(618.2, 0.3), "618.2±0.3");
        assert_eq!(plus_minus(1.7, 0.0), "1.70");
        for (median, spread) in [(2.0, 0.049), (1.7, 0.0004), (1234.0, 0.06), (0.01, 1e-5)] {
            let shown = plus_minus(median, spread);
            let (_, interval) = shown.split_once('±').unwrap();
            assert!(
                interval.chars().any(|c| ('1'..='9').contains(&c)),
                "{shown}"
            );
        }
        assert_eq!(per_record_range(6.423, 6.31, 6.6), "6.42 (6.31–6.60)");
        assert_eq!(per_record_range(10.2, 9.96, 10.5), "10.2 (10.0–10.5)");
        assert_eq!(per_record_range(0.587, 0.575, 0.599), "0.587 (0.575–0.599)");
        assert_eq!(per_record_range(20.1, 20.08, 20.11), "20.10 (20.08–20.11)");
        assert_eq!(per_record_range(35.04, 35.04, 35.04), "35.0");
        assert_eq!(ratio_range(1.094, 1.051, 1.123), "1.09× (1.05–1.12)");
        assert_eq!(ratio_range(1.0, 1.0, 1.0), "1.00×");
    }

    #[test]
    fn counts_and_ratios_read_at_a_glance() {
        assert_eq!(times(7.94), "7.9×");
        assert_eq!(times(16.4), "16×");
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
