//! The docs kept true by a test (issue 20): the README and every page of `docs/` are read as
//! a newcomer would follow them.
//!
//! - Every `layoutlab …` and `cargo run --release -- …` command in a shell or YAML code
//!   block is given to the real binary with `--help` appended: clap parses every argument
//!   before `--help` — flag names, values and their parsers — and then prints help instead
//!   of measuring, so a renamed flag or a bad value in the docs fails here in milliseconds.
//!   (What clap checks only after the last argument — required flags, conflicts — is not
//!   checked.)
//! - Every relative link between pages resolves to a file, and an `#anchor` into a Markdown
//!   file to one of its headings.
//! - Every figure quoted from a report is still in it: a quote follows a line
//!   `<!-- quoted-from: reports/REPORT.md -->` and is a Markdown table (each row must be a
//!   row of a table in the report with the same cells under the same headers; the quote may
//!   leave columns and rows out), a `>` block quote or a fenced block (each line must be a
//!   line of the report). The section around the quote must name the machine and the date
//!   the report's *Machine* table records.
//! - Each guide page opens with the question it answers, and the README stays short.
//!
//! Nothing here measures: it runs in well under a second once the binary is built.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The most lines the README may have: short, with its two complete bench files (the second,
/// with every field kind, added 20 lines).
const README_MAX_LINES: usize = 320;

/// Code-block languages whose lines are commands a reader would type (or CI would run).
const COMMAND_BLOCKS: &[&str] = &["", "sh", "bash", "shell", "console", "yaml", "yml"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A Markdown file of the docs: its path (relative to the repository) and lines.
struct Page {
    path: PathBuf,
    lines: Vec<String>,
}

impl Page {
    fn read(path: PathBuf) -> Page {
        let text = std::fs::read_to_string(root().join(&path))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Page {
            path,
            lines: text.lines().map(str::to_owned).collect(),
        }
    }

    /// `path:line` for a zero-based line index.
    fn at(&self, index: usize) -> String {
        format!("{}:{}", self.path.display(), index + 1)
    }

    /// For each line, the language of the fenced code block it is inside (`None` outside
    /// one; the fence lines themselves count as inside).
    fn fences(&self) -> Vec<Option<String>> {
        let mut open: Option<(String, String)> = None; // (fence, language)
        self.lines
            .iter()
            .map(|line| {
                let t = line.trim_start();
                let fence: String = t.chars().take_while(|&c| c == '`' || c == '~').collect();
                match &open {
                    Some((f, lang)) => {
                        let lang = lang.clone();
                        if fence.len() >= f.len() && fence.starts_with(&f[..1]) && t.trim() == fence
                        {
                            open = None;
                        }
                        Some(lang)
                    }
                    None if fence.len() >= 3 => {
                        let lang = t[fence.len()..].trim().to_owned();
                        open = Some((fence, lang.clone()));
                        Some(lang)
                    }
                    None => None,
                }
            })
            .collect()
    }
}

/// README.md and every page of docs/.
fn pages() -> Vec<Page> {
    let mut paths = vec![PathBuf::from("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/ exists")
        .map(|e| e.expect("docs/ is readable").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| Path::new("docs").join(p.file_name().unwrap()))
        .collect();
    docs.sort();
    paths.extend(docs);
    paths.into_iter().map(Page::read).collect()
}

/// Splits a shell line into words, keeping quoted strings whole (without their quotes).
/// Operators (`|`, `>`, `&&`, `;`, …) become words of their own; a `#` word starts a
/// comment.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                quoted = true;
                for d in chars.by_ref() {
                    if d == c {
                        break;
                    }
                    word.push(d);
                }
            }
            c if c.is_whitespace() => {
                if !word.is_empty() || quoted {
                    words.push(std::mem::take(&mut word));
                }
                quoted = false;
            }
            '|' | '>' | '<' | ';' | '&' => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                words.push(c.to_string());
                quoted = false;
            }
            '#' if word.is_empty() && !quoted => break,
            c => word.push(c),
        }
    }
    if !word.is_empty() || quoted {
        words.push(word);
    }
    words
}

fn is_operator(word: &str) -> bool {
    matches!(word, "|" | ">" | "<" | ";" | "&")
}

/// The arguments of each layoutlab command in a shell line: after a `layoutlab` word (or a
/// path ending in `/layoutlab`), or after `--` of `cargo run … --`. A quoted word that holds
/// a command (`bencher run … "cargo run --release -- compare …"`) is searched too.
fn commands(line: &str) -> Vec<Vec<String>> {
    let words = shell_words(line);
    let mut found = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let rest = if w == "layoutlab" || w.ends_with("/layoutlab") {
            Some(i + 1)
        } else if w == "cargo" && words.get(i + 1).is_some_and(|n| n == "run") {
            words[i..]
                .iter()
                .take_while(|w| !is_operator(w))
                .position(|w| w == "--")
                .map(|p| i + p + 1)
        } else {
            None
        };
        if let Some(start) = rest {
            let args: Vec<String> = words[start..]
                .iter()
                .take_while(|w| !is_operator(w))
                .cloned()
                .collect();
            found.push(args);
        }
        if w.contains(' ') {
            found.extend(commands(w));
        }
    }
    found
}

/// Every command line in the pages' command blocks, with where it is; lines ending in `\`
/// are joined with the next.
fn documented_commands() -> Vec<(String, Vec<String>)> {
    let mut all = Vec::new();
    for page in pages() {
        let fences = page.fences();
        let mut i = 0;
        while i < page.lines.len() {
            let start = i;
            let mut line = page.lines[i].clone();
            let in_block = fences[i]
                .as_deref()
                .is_some_and(|lang| COMMAND_BLOCKS.contains(&lang));
            while line.ends_with('\\') && i + 1 < page.lines.len() {
                line.pop();
                i += 1;
                line.push(' ');
                line.push_str(&page.lines[i]);
            }
            i += 1;
            if !in_block || line.trim_start().starts_with("```") {
                continue;
            }
            for args in commands(&line) {
                all.push((page.at(start), args));
            }
        }
    }
    all
}

#[test]
fn every_documented_command_parses() {
    let commands = documented_commands();
    assert!(
        commands.len() >= 10,
        "found only {} layoutlab command lines in the docs: {commands:?}",
        commands.len()
    );
    let mut bad = Vec::new();
    for (at, args) in &commands {
        let mut argv = args.clone();
        if !argv
            .iter()
            .any(|a| a == "--help" || a == "-h" || a == "--version")
        {
            argv.push("--help".to_owned());
        }
        let out = Command::new(env!("CARGO_BIN_EXE_layoutlab"))
            .args(&argv)
            .output()
            .expect("the layoutlab binary runs");
        if !out.status.success() || !out.stderr.is_empty() {
            bad.push(format!(
                "{at}: `layoutlab {}` does not parse: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
    }
    assert!(bad.is_empty(), "\n{}\n", bad.join("\n"));
}

/// GitHub's anchor for a heading: lower case, punctuation but `-` and `_` dropped, spaces
/// as `-`; a repeated heading gets `-1`, `-2`, ….
fn anchors(page: &Page) -> Vec<String> {
    let fences = page.fences();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for (line, fence) in page.lines.iter().zip(&fences) {
        if fence.is_some() || !line.starts_with('#') {
            continue;
        }
        let text = line.trim_start_matches('#').trim();
        let slug: String = text
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        let n = seen.entry(slug.clone()).or_insert(0);
        out.push(if *n == 0 {
            slug.clone()
        } else {
            format!("{slug}-{n}")
        });
        *n += 1;
    }
    out
}

/// The destinations of the inline Markdown links `[text](dest)` in a line.
fn links(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("](") {
        let after = &rest[i + 2..];
        let Some(end) = after.find(')') else { break };
        out.push(after[..end].trim().to_owned());
        rest = &after[end..];
    }
    out
}

/// A line with its inline code spans removed, so that `a [b](c)` inside backticks is text.
fn without_code(line: &str) -> String {
    line.split('`').step_by(2).collect::<Vec<_>>().join("")
}

#[test]
fn every_link_between_pages_resolves() {
    let pages = pages();
    let mut bad = Vec::new();
    let mut checked = 0;
    for page in &pages {
        let fences = page.fences();
        for (i, line) in page.lines.iter().enumerate() {
            if fences[i].is_some() {
                continue;
            }
            for dest in links(&without_code(line)) {
                if dest.contains("://") || dest.starts_with("mailto:") {
                    continue;
                }
                checked += 1;
                let (file, anchor) = match dest.split_once('#') {
                    Some((f, a)) => (f, Some(a)),
                    None => (dest.as_str(), None),
                };
                let dir = page.path.parent().unwrap_or(Path::new(""));
                let target = if file.is_empty() {
                    page.path.clone()
                } else {
                    dir.join(file)
                };
                if !root().join(&target).exists() {
                    bad.push(format!("{}: link to `{dest}`: no such file", page.at(i)));
                    continue;
                }
                let Some(anchor) = anchor else { continue };
                if target.extension().is_some_and(|e| e == "md") {
                    let known = anchors(&Page::read(normalise(&target)));
                    if !known.iter().any(|a| a == anchor) {
                        bad.push(format!(
                            "{}: link to `{dest}`: no heading `#{anchor}` in {} (it has: {})",
                            page.at(i),
                            target.display(),
                            known.join(", ")
                        ));
                    }
                }
            }
        }
    }
    assert!(checked >= 20, "only {checked} relative links found");
    assert!(bad.is_empty(), "\n{}\n", bad.join("\n"));
}

/// `docs/../reports/REPORT.md` as `reports/REPORT.md`.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The cells of a Markdown table row.
fn cells(line: &str) -> Vec<String> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    t.split('|').map(|c| c.trim().to_owned()).collect()
}

fn is_separator(line: &str) -> bool {
    cells(line)
        .iter()
        .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
}

/// A Markdown table: its header and data rows.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// The table whose header is `lines[start]`, and the index after its last row.
fn table_at(lines: &[String], start: usize) -> (Table, usize) {
    let header = cells(&lines[start]);
    let mut rows = Vec::new();
    let mut i = start + 1;
    while i < lines.len() && lines[i].trim_start().starts_with('|') {
        if !is_separator(&lines[i]) {
            rows.push(cells(&lines[i]));
        }
        i += 1;
    }
    (Table { header, rows }, i)
}

/// Every table of a report.
fn tables(lines: &[String]) -> Vec<Table> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_start().starts_with('|') {
            let (table, next) = table_at(lines, i);
            out.push(table);
            i = next;
        } else {
            i += 1;
        }
    }
    out
}

/// Whether some table of the report has `row`'s cells under `header`'s columns.
fn report_has_row(report: &[Table], header: &[String], row: &[String]) -> bool {
    report.iter().any(|t| {
        let Some(columns): Option<Vec<usize>> = header
            .iter()
            .map(|h| t.header.iter().position(|c| c == h))
            .collect()
        else {
            return false;
        };
        t.rows.iter().any(|r| {
            columns
                .iter()
                .zip(row)
                .all(|(&c, cell)| r.get(c).is_some_and(|x| x == cell))
        })
    })
}

/// The machine (CPU) and the date (`YYYY-MM-DD`) a report's *Machine* table records.
fn machine_and_date(lines: &[String]) -> Option<(String, String)> {
    tables(lines).into_iter().find_map(|t| {
        let cpu = t.header.iter().position(|h| h == "CPU")?;
        let date = t.header.iter().position(|h| h.starts_with("date"))?;
        let row = t.rows.first()?;
        Some((
            row.get(cpu)?.clone(),
            row.get(date)?.chars().take(10).collect(),
        ))
    })
}

const QUOTE_MARKER: &str = "<!-- quoted-from: ";

#[test]
fn every_quoted_figure_is_in_the_report_it_cites() {
    let mut bad = Vec::new();
    let mut quotes = 0;
    for page in pages() {
        let fences = page.fences();
        for (i, line) in page.lines.iter().enumerate() {
            let Some(source) = line
                .trim()
                .strip_prefix(QUOTE_MARKER)
                .and_then(|r| r.strip_suffix("-->"))
                .map(str::trim)
            else {
                continue;
            };
            if fences[i].is_some() {
                continue;
            }
            quotes += 1;
            let Ok(text) = std::fs::read_to_string(root().join(source)) else {
                bad.push(format!(
                    "{}: quotes `{source}`, which does not exist",
                    page.at(i)
                ));
                continue;
            };
            let report: Vec<String> = text.lines().map(str::to_owned).collect();
            bad.extend(provenance(&page, i, source, &report));
            let Some(first) = (i + 1..page.lines.len()).find(|&j| !page.lines[j].trim().is_empty())
            else {
                bad.push(format!(
                    "{}: a quote marker with nothing after it",
                    page.at(i)
                ));
                continue;
            };
            let start = page.lines[first].trim_start();
            if start.starts_with('|') {
                let (quoted, _) = table_at(&page.lines, first);
                let all = tables(&report);
                for (k, row) in quoted.rows.iter().enumerate() {
                    if !report_has_row(&all, &quoted.header, row) {
                        bad.push(format!(
                            "{}: row `{}` is not in {source} (no table there has these cells \
                             under the columns {:?})",
                            page.at(first + 2 + k),
                            row.join(" | "),
                            quoted.header
                        ));
                    }
                }
            } else {
                let fenced = start.starts_with("```");
                let mut j = if fenced { first + 1 } else { first };
                while j < page.lines.len() {
                    let l = page.lines[j].trim();
                    let quoted = if fenced {
                        if l.starts_with("```") {
                            break;
                        }
                        l
                    } else if let Some(q) = l.strip_prefix('>') {
                        q.trim()
                    } else if start.starts_with('>') {
                        break;
                    } else {
                        bad.push(format!(
                            "{}: a quote is a table, a `>` block or a fenced block",
                            page.at(j)
                        ));
                        break;
                    };
                    if !quoted.is_empty() && !report.iter().any(|r| r.trim() == quoted) {
                        bad.push(format!(
                            "{}: `{quoted}` is not a line of {source}",
                            page.at(j)
                        ));
                    }
                    j += 1;
                }
            }
        }
    }
    assert!(quotes >= 3, "only {quotes} quotes found");
    assert!(bad.is_empty(), "\n{}\n", bad.join("\n"));
}

/// A complaint unless the section holding the quote at `marker` (from its heading on) names
/// the machine and the date the report records.
fn provenance(page: &Page, marker: usize, source: &str, report: &[String]) -> Option<String> {
    let Some((cpu, date)) = machine_and_date(report) else {
        return Some(format!(
            "{}: {source} has no Machine table naming its CPU and date",
            page.at(marker)
        ));
    };
    let heading = (0..marker)
        .rev()
        .find(|&j| page.lines[j].starts_with('#'))
        .unwrap_or(0);
    let section = page.lines[heading..marker].join(" ");
    (!(section.contains(&cpu) && section.contains(&date))).then(|| {
        format!(
            "{}: a quote from {source} in a section that does not name its machine and date \
             (`{cpu}`, `{date}`)",
            page.at(marker)
        )
    })
}

#[test]
fn each_guide_page_opens_with_its_question_and_the_readme_stays_short() {
    let mut bad = Vec::new();
    for page in pages() {
        if page.path == Path::new("README.md") {
            let n = page.lines.len();
            if n > README_MAX_LINES {
                bad.push(format!(
                    "README.md: {n} lines, more than {README_MAX_LINES}"
                ));
            }
            continue;
        }
        let mut lines = page
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        match lines.next() {
            Some((_, title)) if title.starts_with("# ") => {}
            _ => bad.push(format!("{}: does not open with a `# ` title", page.at(0))),
        }
        if let Some((i, first)) = lines.next() {
            if !first.trim().trim_end_matches('*').ends_with('?') {
                bad.push(format!(
                    "{}: the line after the title should be the question the page answers",
                    page.at(i)
                ));
            }
        }
    }
    assert!(bad.is_empty(), "\n{}\n", bad.join("\n"));
}

#[test]
fn the_command_finder_finds_what_a_reader_would_type() {
    assert_eq!(
        commands("cargo run --release -- compare --records 100 > out.txt # note"),
        vec![vec!["compare", "--records", "100"]]
    );
    assert_eq!(
        commands(r#"bencher run --file b.json "cargo run --release -- compare --out x""#),
        vec![vec!["compare", "--out", "x"]]
    );
    assert_eq!(
        commands("valgrind --tool=massif target/release/layoutlab run --layout boxed | head"),
        vec![vec!["run", "--layout", "boxed"]]
    );
    assert!(commands("cargo bench --bench trades -- --quick").is_empty());
    assert!(commands("layoutlab: error: data.csv: line 7").is_empty());
}

/// The README's picture is the committed report's own heap chart, cut out of its page by
/// `scripts/sample-figure.py`: regenerating the report and not the picture fails here.
#[test]
fn the_readme_picture_is_the_reports_chart() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains("](reports/heap-per-record.svg)"),
        "the README shows reports/heap-per-record.svg"
    );
    let page = std::fs::read_to_string(root().join("reports/index.html")).unwrap();
    let svg = std::fs::read_to_string(root().join("reports/heap-per-record.svg")).unwrap();
    let svg = svg.strip_suffix('\n').unwrap_or(&svg);
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    assert!(svg.contains("Peak heap per record"), "the heap chart");
    assert!(
        page.contains(svg),
        "reports/heap-per-record.svg is not the chart in reports/index.html: run \
         scripts/sample-figure.py reports/index.html reports/heap-per-record.svg"
    );
}
