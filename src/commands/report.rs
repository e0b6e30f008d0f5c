//! `layoutlab report`: the report files rebuilt from a saved `results.json`, with criterion's
//! estimates folded in when benches have run.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::{emit, file_list};
use crate::error::UsageError;
use crate::format::one_line;
use crate::report::{self, brief, RESULTS_FILE};

/// `report`'s arguments.
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// The report directory holding results.json; the report's own files in it are
    /// rewritten, nothing else [default: reports, or reports/merged with --merge].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Put results.json files of several machines side by side in one report (REPORT.md and
    /// index.html in --out): which layout wins where, per figure. The files must have
    /// measured the same workload.
    #[arg(long, value_name = "FILE", num_args = 2.., conflicts_with = "criterion")]
    merge: Vec<PathBuf>,
    /// criterion's output directory; its estimates replace the saved ones when present.
    #[arg(long, value_name = "DIR", default_value = "target/criterion")]
    criterion: PathBuf,
    /// Print only the headline and the decision guide's recommendations, in 100 columns,
    /// instead of `compare`'s wide tables (the built-in pipeline's results).
    #[arg(long, conflicts_with = "merge")]
    brief: bool,
}

/// Runs the command.
pub(crate) fn run(args: &ReportArgs) -> Result<()> {
    if !args.merge.is_empty() {
        return merge(args);
    }
    let dir = &args.out.clone().unwrap_or_else(|| PathBuf::from("reports"));
    let source = dir.join(RESULTS_FILE);
    let mut results = report::load(&source)?;
    let estimates = crate::import::criterion::load(&args.criterion)?;
    if !estimates.is_empty() {
        results.criterion = estimates;
    }
    let written = report::write_report(dir, &results)?;
    let width = args.brief.then_some(brief::WIDTH);
    let mut out = String::new();
    if results.record.is_none() {
        // What `compare` printed, from the saved results, and the same recommendations.
        out.push_str(&report::terminal_view(&results, args.brief));
        out.push_str(&brief::recommendations(&results, width));
    }
    out.push_str(&brief::fit(
        &format!(
            "report rebuilt from {} ({} criterion estimates): {}",
            crate::format::one_line(&source.display().to_string()),
            results.criterion.len(),
            file_list(&written)
        ),
        width,
    ));
    emit(out.as_bytes())
}

/// `report --merge`: several machines' results side by side.
fn merge(args: &ReportArgs) -> Result<()> {
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join("merged"));
    let results = args
        .merge
        .iter()
        .map(|path| Ok((one_line(&path.display().to_string()), report::load(path)?)))
        .collect::<Result<Vec<_>>>()?;
    same_file_twice(&args.merge)?;
    crate::analysis::merge::check_same(&results).map_err(|e| UsageError(e.to_string()))?;
    report::check_writable(&out)?;
    let markdown = crate::report::merged::markdown(&results);
    let html = crate::report::html::page(&markdown, &[]);
    let written = [("REPORT.md", markdown), ("index.html", html)]
        .into_iter()
        .map(|(name, text)| {
            let path = out.join(name);
            report::write_atomically(&path, text.as_bytes()).map(|()| path)
        })
        .collect::<Result<Vec<_>>>()?;
    emit(
        format!(
            "merged {} results: {}\n",
            results.len(),
            file_list(&written)
        )
        .as_bytes(),
    )
}

/// Refuses a file given twice (under any name): the report would show one machine as two.
fn same_file_twice(paths: &[PathBuf]) -> Result<()> {
    let mut seen: Vec<(PathBuf, &PathBuf)> = Vec::new();
    for path in paths {
        // Every file has been read already, so it exists; a failure here is only odd.
        let Ok(real) = std::fs::canonicalize(path) else {
            continue;
        };
        if let Some((_, first)) = seen.iter().find(|(r, _)| *r == real) {
            return Err(UsageError(format!(
                "--merge: {} and {} are the same file; give one results.json per machine",
                one_line(&first.display().to_string()),
                one_line(&path.display().to_string())
            ))
            .into());
        }
        seen.push((real, path));
    }
    Ok(())
}
