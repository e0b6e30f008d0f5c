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
