//! The Python reference rows: `scripts/python_baseline.py` runs the same pipeline with dict,
//! plain-class and `__slots__` records, and reports tracemalloc's peak and time per stage.
//!
//! The script is compiled into the binary, so `compare` can run it from anywhere; when
//! `python3` is missing the rows are skipped with a note instead of failing the report.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::pipeline::Aggregates;

/// The script's source, as committed in `scripts/`.
pub const SCRIPT: &str = include_str!("../../scripts/python_baseline.py");

/// The Python part of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PythonSection {
    /// The script ran.
    Measured {
        /// The Python version.
        python: String,
        /// Records the script ran on (may be fewer than the Rust workload: Python is slow).
        records: u64,
        /// Whether its aggregates were bit-identical to Rust's on the same records.
        agrees_with_rust: bool,
        /// One row per Python record layout.
        rows: Vec<PythonRow>,
    },
    /// The script did not run, and why.
    Skipped {
        /// Why (no python3, a file input too large, the script failed…).
        reason: String,
    },
}

/// One Python layout's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PythonRow {
    /// `python_dict`, `python_class` or `python_slots`.
    pub layout: String,
    /// What it is.
    pub summary: String,
    /// Records ingested.
    pub records: u64,
    /// Wall-clock ns per stage (untraced run).
    pub timing_ns: BTreeMap<String, u64>,
    /// tracemalloc's peak over the traced run.
    pub peak_bytes: u64,
    /// `peak_bytes / records`.
    pub bytes_per_record: f64,
    /// Live Python heap blocks per record after ingest (tracemalloc).
    pub live_blocks_per_record: f64,
}

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
pub fn run(csv: &Path, window: usize, rust: &Aggregates) -> Result<PythonSection> {
    let dir = csv.parent().unwrap_or(Path::new("."));
    let script = dir.join("python_baseline.py");
    std::fs::write(&script, SCRIPT)
        .with_context(|| format!("cannot write {}", script.display()))?;
    let output = match Command::new("python3")
        .arg(&script)
        .arg(csv)
        .args(["--window", &window.to_string()])
        .output()
    {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(PythonSection::Skipped {
                reason: "python3 is not installed".to_owned(),
            })
        }
        Err(e) => return Err(e).context("cannot start python3"),
    };
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
