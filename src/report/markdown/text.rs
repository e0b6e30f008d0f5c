//! Markdown building blocks shared by the report's sections: tables, escaping, chart
//! markers.

/// Where the HTML exporter puts a chart: a line `<!-- chart:NAME -->` in the Markdown.
pub(crate) fn chart_marker(name: &str) -> String {
    format!("<!-- chart:{name} -->")
}

/// Escapes text so Markdown shows it as written (summaries hold `<`, `_`, `|`, `*`).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '_' | '*' | '|' | '`' | '[' | ']' | '\\' | '#' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// `text` as a code span, shown literally: a code span prints a backslash escape as it is,
/// so only a `|` is escaped (GitHub's tables would end the cell there even inside a span),
/// and the fence is longer than any run of backticks inside.
pub(crate) fn code(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let body = text.replace('|', "\\|").replace(['\n', '\r'], " ");
    let pad = if body.starts_with('`') || body.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

pub(crate) fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
    out.push_str(&line(
        &header.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>(),
    ));
    out.push_str(&line(
        &header.iter().map(|_| "---".to_owned()).collect::<Vec<_>>(),
    ));
    for row in rows {
        out.push_str(&line(row));
    }
    out.push('\n');
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::code;

    #[test]
    fn a_code_span_shows_its_text_as_written() {
        assert_eq!(code("failed_latency"), "`failed_latency`");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("x`y"), "``x`y``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("two\nlines"), "`two lines`");
    }
}
