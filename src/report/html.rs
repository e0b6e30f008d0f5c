//! `index.html`: the Markdown report rendered to one self-contained page (inline CSS, inline
//! SVG charts, no scripts, nothing fetched from the network).

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

/// One self-contained page: `markdown` rendered, each chart's SVG in place of its marker.
pub(crate) fn page(markdown: &str, charts: &[(&str, Option<String>)]) -> String {
    let mut body = String::new();
    html::push_html(&mut body, Parser::new_ext(markdown, Options::ENABLE_TABLES));
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
