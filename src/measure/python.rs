//! The Python reference rows: `scripts/python_baseline.py` runs the same pipeline with dict,
//! plain-class and `__slots__` records, and reports tracemalloc's peak and time per stage.
//!
//! The script is compiled into the binary, so `compare` can run it from anywhere; when
//! `python3` is missing the rows are skipped with a note instead of failing the report. It
//! runs in two passes: the timed one alone, the traced one beside the profiling children.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::model::{PythonRow, PythonSection};
use crate::pipeline::Aggregates;

/// The script's source, as committed in `scripts/`.
pub(crate) const SCRIPT: &str = include_str!("../../scripts/python_baseline.py");

/// One pass of the script over the readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pass {
    /// Each layout's pipeline timed, nothing traced: run alone, as every timing is.
    Timed,
    /// Each layout's pipeline under tracemalloc: counts, not times, and most of the
    /// script's time, so it may run beside other counting work.
    Traced,
}

impl Pass {
    fn flag(self) -> &'static str {
        match self {
            Pass::Timed => "timed",
            Pass::Traced => "traced",
        }
    }
}

/// What one pass printed.
#[derive(Debug, Deserialize)]
pub(crate) struct ScriptOutput {
    python: String,
    results: Vec<ScriptResult>,
}

#[derive(Debug, Deserialize)]
struct ScriptResult {
    layout: String,
    summary: String,
    records: u64,
    kept: u64,
    checksum: f64,
    sensors: Vec<crate::pipeline::SensorStats>,
    timing_ns: Option<BTreeMap<String, u64>>,
    memory: Option<ScriptMemory>,
}

#[derive(Debug, Deserialize)]
struct ScriptMemory {
    peak_bytes: u64,
    bytes_per_record: f64,
    live_blocks_per_record: f64,
}

/// Runs one pass of the script on `csv` with `window`; `Ok(None)` when `python3` is not
/// installed.
pub(crate) fn run(csv: &Path, window: usize, pass: Pass) -> Result<Option<ScriptOutput>> {
    // The script goes to python3 on its standard input (`python3 - ARGS`): nothing is
    // written beside the user's file.
    let child = Command::new("python3")
        .arg("-")
        .arg(csv)
        .args(["--window", &window.to_string(), "--pass", pass.flag()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).context("cannot start python3"),
    };
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(SCRIPT.as_bytes())
            .context("cannot hand the script to python3")?;
    }
    let output = child.wait_with_output().context("python3 did not finish")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!(
            "python_baseline.py failed ({}): {}",
            output.status,
            stderr.lines().last().unwrap_or("")
        );
    }
    serde_json::from_slice(&output.stdout)
        .context("python_baseline.py printed bad JSON")
        .map(Some)
}

/// The Python rows from the timed pass's times and the traced pass's heap, each pass's
/// aggregates checked against `rust` (Rust's result on the same records).
pub(crate) fn section(
    timed: ScriptOutput,
    traced: ScriptOutput,
    rust: &Aggregates,
) -> Result<PythonSection> {
    let mut agrees = true;
    let mut records = 0;
    let mut rows = Vec::new();
    for t in timed.results {
        let Some(m) = traced.results.iter().find(|m| m.layout == t.layout) else {
            bail!("python_baseline.py's traced pass has no {}", t.layout);
        };
        for r in [&t, m] {
            agrees &= Aggregates {
                kept: r.kept,
                checksum: r.checksum,
                sensors: r.sensors.clone(),
            }
            .bit_identical(rust);
        }
        let (Some(timing_ns), Some(memory)) = (t.timing_ns, m.memory.as_ref()) else {
            bail!(
                "python_baseline.py left out the times or the heap of {}",
                t.layout
            );
        };
        records = t.records;
        rows.push(PythonRow {
            layout: t.layout,
            summary: t.summary,
            records: t.records,
            timing_ns,
            peak_bytes: memory.peak_bytes,
            bytes_per_record: memory.bytes_per_record,
            live_blocks_per_record: memory.live_blocks_per_record,
        });
    }
    Ok(PythonSection::Measured {
        python: timed.python,
        records,
        agrees_with_rust: agrees,
        rows,
    })
}
