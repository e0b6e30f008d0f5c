//! Exporters: each output format is one file here behind the [`Exporter`] trait, which only
//! turns [`Results`] into bytes; [`write_report`] does the file I/O.
//!
//! What `--out DIR` may hold: anything. layoutlab writes only its own files into it
//! ([`exporters`]' file names), each to a temporary name beside it and renamed into place,
//! so an interrupted run leaves every file either the old one or the new one, never half
//! written, and never touches a file that is not its own. A temporary file left by a run
//! that was killed is removed by the next run.

pub(crate) mod bmf;
pub(crate) mod brief;
pub(crate) mod charts;
pub(crate) mod html;
pub(crate) mod markdown;
pub(crate) mod merged;
pub(crate) mod run_json;
pub(crate) mod table;
pub(crate) mod terminal;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::error::{InputError, Location, UsageError};
use crate::interrupt::PathGuard;
use crate::model::{Results, FORMAT};

/// One output format: turns the results into the bytes of one file.
pub(crate) trait Exporter {
    /// The file's name inside the report directory.
    fn file_name(&self) -> &'static str;
    /// The file's contents. The same results must give the same bytes.
    fn render(&self, results: &Results) -> Result<Vec<u8>>;
}

/// Every exporter of the report directory, in the order files are written.
pub(crate) fn exporters() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(ResultsJson),
        Box::new(markdown::Markdown),
        Box::new(html::Html),
        Box::new(bmf::Bmf),
    ]
}

/// The name of the saved-results file in a report directory.
pub(crate) const RESULTS_FILE: &str = "results.json";

/// `results.json`: the results themselves, from which `report` rebuilds everything.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ResultsJson;

impl Exporter for ResultsJson {
    fn file_name(&self) -> &'static str {
        RESULTS_FILE
    }

    fn render(&self, results: &Results) -> Result<Vec<u8>> {
        let mut bytes = serde_json::to_vec_pretty(results)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}

/// Reads saved results from a `results.json` file.
///
/// # Errors
///
/// An [`InputError`] (bad input: exit status 2) if the file cannot be read, is not JSON, or
/// is not a layoutlab results file of a format this version reads.
pub(crate) fn load(path: &Path) -> Result<Results, InputError> {
    let bad = |problem: String| InputError {
        location: Location::File(path.to_path_buf()),
        field: None,
        problem,
    };
    let bytes = std::fs::read(path).map_err(|e| bad(format!("cannot read: {e}")))?;
    let results: Results = serde_json::from_slice(&bytes).map_err(|e| {
        bad(format!(
            "not a layoutlab results file ({e}); `layoutlab compare` writes one"
        ))
    })?;
    if results.format > FORMAT {
        return Err(bad(format!(
            "has results format {}, this layoutlab reads formats up to {FORMAT}",
            results.format
        )));
    }
    Ok(results)
}

/// What `compare` and `report` print of the built-in pipeline's results before the
/// recommendations: the wide tables, or with `brief` only the headline.
pub(crate) fn terminal_view(results: &Results, brief: bool) -> String {
    if brief {
        brief::headline(results)
    } else {
        terminal::compare(results)
    }
}

/// Why a `compare --sweep` says nothing about where a lead flips, when it measured too few
/// sizes (a small `--sweep-max-records`): without this the terminal printed a heading with
/// nothing under it and the report left the sweep out without a word.
pub(crate) fn sweep_too_short(results: &Results) -> Option<String> {
    results.sweep.as_ref()?;
    if crate::analysis::sweep::measured(results) {
        return None;
    }
    let sizes: std::collections::BTreeSet<u64> = results
        .scaling
        .iter()
        .filter(|p| !p.runs.is_empty())
        .map(|p| p.records)
        .collect();
    let shown: Vec<String> = sizes.iter().map(|&n| crate::format::thousands(n)).collect();
    let measured = match shown.as_slice() {
        [] => "no size".to_owned(),
        [one] => format!("1 size ({one} records)"),
        more => format!("{} sizes ({} records)", more.len(), more.join(", ")),
    };
    Some(format!(
        "the sweep measured {measured}; where a lead flips needs 3 or more, so raise \
         --sweep-max-records (sizes go 1, 2, 5 per decade from 1 000 records)"
    ))
}

/// Checks, before anything is measured, that `dir` can hold a report: it is a directory (or
/// can be made one) and a file can be written in it.
///
/// # Errors
///
/// A [`UsageError`] (exit 2) naming the path and what is wrong.
pub(crate) fn check_writable(dir: &Path) -> Result<()> {
    let shown = crate::format::one_line(&dir.display().to_string());
    if dir.exists() && !dir.is_dir() {
        return Err(UsageError(format!(
            "--out {shown}: not a directory; give a directory for the report's files"
        ))
        .into());
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| UsageError(format!("--out {shown}: cannot create the directory: {e}")))?;
    let probe = dir.join(format!(".layoutlab-probe-{}", std::process::id()));
    let _guard = PathGuard::new(&probe);
    std::fs::write(&probe, b"")
        .map_err(|e| UsageError(format!("--out {shown}: cannot write there: {e}")))?;
    std::fs::remove_file(&probe).ok();
    Ok(())
}

/// The temporary name of `file` while this process writes it.
fn temporary(file: &Path) -> PathBuf {
    let name = file
        .file_name()
        .map_or_else(Default::default, |n| n.to_string_lossy().into_owned());
    file.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Removes temporary files that runs killed before they could clean up left in `dir`
/// (their process is gone); files of running processes and every other file stay.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((own, pid)) = name.strip_prefix('.').and_then(|n| n.rsplit_once(".tmp-")) else {
            continue;
        };
        let ours = exporters().iter().any(|e| e.file_name() == own);
        if let (true, Ok(pid)) = (ours, pid.parse::<u32>()) {
            if !crate::interrupt::alive(pid) {
                std::fs::remove_file(entry.path()).ok();
            }
        }
    }
}

/// Writes one file atomically: to a temporary name beside it, then renamed into place.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = temporary(path);
    let _guard = PathGuard::new(&tmp);
    let written = std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .with_context(|| {
            format!(
                "cannot write {}",
                crate::format::one_line(&path.display().to_string())
            )
        });
    if written.is_err() {
        std::fs::remove_file(&tmp).ok();
    }
    written
}

/// Renders every exporter's file and writes each into `dir` atomically; returns the files
/// written. Files in `dir` that are not the report's are left alone; a symbolic link to a
/// directory is written through.
///
/// # Errors
///
/// If a file cannot be rendered or written.
pub(crate) fn write_report(dir: &Path, results: &Results) -> Result<Vec<PathBuf>> {
    check_writable(dir)?;
    remove_stale_temporaries(dir);
    let rendered: Vec<(PathBuf, Vec<u8>)> = exporters()
        .iter()
        .map(|e| {
            e.render(results)
                .with_context(|| format!("rendering {}", e.file_name()))
                .map(|bytes| (dir.join(e.file_name()), bytes))
        })
        .collect::<Result<_>>()?;
    for (path, bytes) in &rendered {
        write_atomically(path, bytes)?;
    }
    Ok(rendered.into_iter().map(|(path, _)| path).collect())
}
