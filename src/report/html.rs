//! `index.html`: the Markdown report rendered to one self-contained page (inline CSS, inline
//! SVG charts, no scripts, nothing fetched from the network). The page opens with the answer:
//! the decision guide's recommendation for each workload profile, in the report's own words,
//! before the first table (`scripts/check-html.sh` looks at it in a headless browser).

use anyhow::Result;
use pulldown_cmark::{html, Options, Parser};

use crate::model::Results;
use crate::report::markdown::{chart_marker, render as markdown};
use crate::report::{charts, Exporter};

/// The HTML exporter.
#[derive(Debug, Clone, Copy)]
pub struct Html;

const STYLE: &str = "
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em;
       color: #222; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th { background: #f3f3f3; }
td:first-child, th:first-child { text-align: left; }
code { background: #f5f5f5; padding: 0 0.2em; }
figure { margin: 1em 0; }
svg { max-width: 100%; height: auto; }
.answer { background: #f4f8f5; border-left: 4px solid #2a7a4a; padding: 0.2em 1em; margin: 1em 0; }
";

impl Exporter for Html {
    fn file_name(&self) -> &'static str {
        "index.html"
    }

    fn render(&self, data: &Results) -> Result<Vec<u8>> {
        let charts = [
            ("bytes_per_record", charts::bytes_per_record(data)?),
            ("stage_throughput", charts::stage_throughput(data)?),
            ("costs", charts::costs(data)?),
            ("scaling", charts::scaling(data)?),
            ("scaling_by_layout", charts::scaling_by_layout(data)?),
        ];
        Ok(page(&markdown(data), &charts).into_bytes())
    }
}

/// One self-contained page: [`answer`] first, then `markdown` rendered, each chart's SVG in
/// place of its marker.
pub(crate) fn page(markdown: &str, charts: &[(&str, Option<String>)]) -> String {
    let mut body = String::new();
    html::push_html(&mut body, Parser::new_ext(markdown, Options::ENABLE_TABLES));
    let answer = answer(markdown);
    if !answer.is_empty() {
        let mut section = String::from("<section class=\"answer\">\n");
        html::push_html(&mut section, Parser::new_ext(&answer, Options::empty()));
        section.push_str("</section>\n");
        // After the title and the opening paragraphs, before the first section (the
        // machine's table).
        let at = body.find("<h2>").unwrap_or(body.len());
        body.insert_str(at, &section);
    }
    for (name, svg) in charts {
        let figure = svg
            .as_ref()
            .map_or(String::new(), |svg| format!("<figure>{svg}</figure>"));
        body = body.replace(&chart_marker(name), &figure);
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>layoutlab report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )
}

/// The answer the page opens with, as Markdown: under `## The answer`, one item per profile
/// of the report's `## Decision guide` — its `###` heading and the bold verdict beneath it,
/// word for word — and the proposed layout's bold line, for a record of one's own. Empty
/// when the report has no decision guide (a merged report) or no profile in it has a
/// verdict.
fn answer(markdown: &str) -> String {
    let mut items = Vec::new();
    let mut in_guide = false;
    let mut profile = None;
    let mut proposal = None;
    for line in markdown.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            in_guide = heading == "Decision guide";
            profile = (heading == "Proposed layout").then_some("Proposed layout");
        } else if profile == Some("Proposed layout") && line.starts_with("**Proposal:") {
            proposal = line.strip_prefix("**").and_then(|l| l.strip_suffix("**"));
        } else if !in_guide {
        } else if let Some(heading) = line.strip_prefix("### ") {
            profile = Some(heading);
        } else if let Some(verdict) = line.strip_prefix("**").and_then(|l| l.strip_suffix("**")) {
            if let Some(p) = profile.take() {
                items.push(format!("- **{p}**: {verdict}"));
            }
        }
    }
    if items.is_empty() {
        return String::new();
    }
    if let Some(proposal) = proposal {
        items.push(format!("- **Proposed layout**: {proposal}"));
    }
    format!(
        "## The answer\n\nThe decision guide's recommendation for each workload profile; the \
         rankings and the tables behind them follow.\n\n{}\n",
        items.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_opens_with_each_profiles_verdict_before_any_table() {
        let markdown = "# r\n\nintro\n\n## Machine\n\n| a |\n| --- |\n| 1 |\n\n\
                        ## Decision guide\n\nwhy\n\n### Full scans\n\n*q* — ranked.\n\n\
                        **Recommendation: choose `soa`.**\n\n1. `soa` — 1\n\n\
                        ### As the data grows\n\n- a sentence.\n";
        let html = page(markdown, &[]);
        let verdict = html
            .find("Recommendation: choose <code>soa</code>.")
            .unwrap();
        assert!(verdict < html.find("<table").unwrap(), "{html}");
        assert!(html.contains("<strong>Full scans</strong>"));
        assert!(!html[..html.find("<table").unwrap()].contains("As the data grows"));
        assert_eq!(
            page("# merged\n\n## Machines\n", &[])
                .matches("answer")
                .count(),
            1
        );
    }
}
