//! The Python reference rows: `scripts/python_baseline.py` runs the same pipeline with dict,
//! plain-class and `__slots__` records, and reports tracemalloc's peak and time per stage.
//!
//! The script is compiled into the binary, so `compare` can run it from anywhere; when
//! `python3` is missing the rows are skipped with a note instead of failing the report.

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

#[derive(Deserialize)]
struct ScriptOutput {
    python: String,
    results: Vec<ScriptResult>,
}

#[derive(Deserialize)]
struct ScriptResult {
    layout: String,
    summary: String,
    records: u64,
    kept: u64,
    checksum: f64,
    sensors: Vec<crate::pipeline::SensorStats>,
    timing_ns: BTreeMap<String, u64>,
    memory: ScriptMemory,
}

#[derive(Deserialize)]
struct ScriptMemory {
    peak_bytes: u64,
    bytes_per_record: f64,
    live_blocks_per_record: f64,
}

/// Runs the script on `csv` with `window`, and checks each Python layout's aggregates
/// against `rust` (Rust's result on the same records).
pub(crate) fn run(csv: &Path, window: usize, rust: &Aggregates) -> Result<PythonSection> {
    // The script goes to python3 on its standard input (`python3 - ARGS`): nothing is
    // written beside the user's file.
    let child = Command::new("python3")
        .arg("-")
        .arg(csv)
        .args(["--window", &window.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(PythonSection::Skipped {
                reason: "python3 is not installed".to_owned(),
            })
        }
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
    let parsed: ScriptOutput =
        serde_json::from_slice(&output.stdout).context("python_baseline.py printed bad JSON")?;
    let mut agrees = true;
    let mut records = 0;
    let rows = parsed
        .results
        .into_iter()
        .map(|r| {
            let theirs = Aggregates {
                kept: r.kept,
                checksum: r.checksum,
                sensors: r.sensors,
            };
            agrees &= theirs.bit_identical(rust);
            records = r.records;
            PythonRow {
                layout: r.layout,
                summary: r.summary,
                records: r.records,
                timing_ns: r.timing_ns,
                peak_bytes: r.memory.peak_bytes,
                bytes_per_record: r.memory.bytes_per_record,
                live_blocks_per_record: r.memory.live_blocks_per_record,
            }
        })
        .collect();
    Ok(PythonSection::Measured {
        python: parsed.python,
        records,
        agrees_with_rust: agrees,
        rows,
    })
}
