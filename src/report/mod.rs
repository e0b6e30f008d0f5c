//! Reports: the saved results model, and one exporter per output file.
//!
//! `compare` measures and saves a [`ReportData`] (as `results.json`); every output file is
//! rendered from that value alone, so `report` can rebuild the same bytes later. Each
//! format is one file behind the [`Exporter`] trait, which only returns bytes;
//! [`write_report`] does the file I/O, into a temporary directory renamed into place at the
//! end, so an interrupted run never leaves a half-written report over the last good one.

pub mod bmf;
pub mod charts;
pub mod criterion;
pub mod guide;
pub mod html;
pub mod machine;
pub mod markdown;
pub mod python;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::inspect::TypeInfo;
use crate::measure::{Nanos, StageTimes};
use crate::results::{MemorySummary, Workload};

pub use self::criterion::CriterionEstimate;
pub use self::machine::Machine;
pub use self::python::PythonSection;

/// The version of the saved-results format; bumped when a field changes meaning.
pub const FORMAT: u32 = 1;

/// Everything a report shows, as measured by one `compare` run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportData {
    /// The saved-results format ([`FORMAT`]).
    pub format: u32,
    /// Where and with what the measurements were taken.
    pub machine: Machine,
    /// The workload every layout ran.
    pub workload: Workload,
    /// Timed runs per layout; times are the best of them.
    pub repeat: usize,
    /// One entry per registered layout, in registry order, including failed ones.
    pub layouts: Vec<LayoutReport>,
    /// Time and memory at several sizes, for scaling curves.
    #[serde(default)]
    pub scaling: Vec<ScalePoint>,
    /// The Python reference rows, or why they are missing.
    pub python: PythonSection,
    /// criterion's estimates, when `cargo bench` has run (attached by `report`/`compare`).
    #[serde(default)]
    pub criterion: Vec<CriterionEstimate>,
}

/// One layout's measurements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayoutReport {
    /// The registry name.
    pub layout: String,
    /// One line saying what the layout is.
    pub summary: String,
    /// Whether records can gain fields at run time.
    pub runtime_schema: bool,
    /// The layout's types (`inspect`).
    pub types: Vec<TypeInfo>,
    /// Timings, if the timed runs succeeded.
    pub timing: Option<Timing>,
    /// Heap figures, if profiling succeeded.
    pub memory: Option<MemorySummary>,
    /// What failed for this layout (shown in the report; the other layouts still are).
    #[serde(default)]
    pub errors: Vec<String>,
}

/// A layout's timed results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// Records ingested.
    pub records: u64,
    /// Records kept by the filter.
    pub kept: u64,
    /// The pipeline's checksum (identical across layouts).
    pub checksum: f64,
    /// The best time per stage over the runs.
    pub best: StageTimes,
    /// Every run, for the spread.
    pub runs: Vec<StageTimes>,
    /// The best time to drop the store.
    pub drop: Nanos,
    /// Random reads by index: how many.
    pub access_reads: u64,
    /// Random reads by index: the best total time.
    pub access: Nanos,
}

/// One layout at one size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScalePoint {
    /// The layout.
    pub layout: String,
    /// Records ingested.
    pub records: u64,
    /// Best filter + normalize + rolling + aggregate time.
    pub pipeline: Option<Nanos>,
    /// Best ingest time.
    pub ingest: Option<Nanos>,
    /// Peak heap bytes (requested).
    pub peak_bytes: Option<u64>,
}

impl ReportData {
    /// The layouts that have timings.
    pub fn timed(&self) -> impl Iterator<Item = (&LayoutReport, &Timing)> {
        self.layouts
            .iter()
            .filter_map(|l| l.timing.as_ref().map(|t| (l, t)))
    }

    /// The layouts that have heap figures.
    pub fn profiled(&self) -> impl Iterator<Item = (&LayoutReport, &MemorySummary)> {
        self.layouts
            .iter()
            .filter_map(|l| l.memory.as_ref().map(|m| (l, m)))
    }

    /// criterion's estimate for `stage/layout/records`, if loaded.
    pub fn criterion_estimate(
        &self,
        stage: &str,
        layout: &str,
        records: u64,
    ) -> Option<&CriterionEstimate> {
        self.criterion
            .iter()
            .find(|e| e.stage == stage && e.layout == layout && e.records == records)
    }
}

/// One output format: turns the data into the bytes of one file.
pub trait Exporter {
    /// The file's name inside the report directory.
    fn file_name(&self) -> &'static str;
    /// The file's contents. The same data must give the same bytes.
    fn render(&self, data: &ReportData) -> Result<Vec<u8>>;
}

/// Every exporter, in the order files are written.
pub fn exporters() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(ResultsJson),
        Box::new(markdown::Markdown),
        Box::new(html::Html),
        Box::new(bmf::Bmf),
    ]
}

/// `results.json`: the saved data itself, from which `report` rebuilds everything.
#[derive(Debug, Clone, Copy)]
pub struct ResultsJson;

/// The name of the saved-results file in a report directory.
pub const RESULTS_FILE: &str = "results.json";

impl Exporter for ResultsJson {
    fn file_name(&self) -> &'static str {
        RESULTS_FILE
    }

    fn render(&self, data: &ReportData) -> Result<Vec<u8>> {
        let mut bytes = serde_json::to_vec_pretty(data)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}

/// Reads saved results from a report directory's `results.json`.
pub fn load(dir: &Path) -> Result<ReportData> {
    let path = dir.join(RESULTS_FILE);
    let text = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let data: ReportData = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not a layoutlab results file", path.display()))?;
    anyhow::ensure!(
        data.format == FORMAT,
        "{} has results format {}, this layoutlab reads format {FORMAT}",
        path.display(),
        data.format
    );
    Ok(data)
}

/// Renders every exporter's file (plus `extra` files, such as heap profiles) into a
/// temporary directory beside `dir`, then swaps it into place. Returns the files written.
pub fn write_report(
    dir: &Path,
    data: &ReportData,
    extra: &[(PathBuf, Vec<u8>)],
) -> Result<Vec<PathBuf>> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".to_owned());
    let tmp = parent.join(format!(".tmp-{name}-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    std::fs::create_dir_all(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;

    let mut written = Vec::new();
    for exporter in exporters() {
        let bytes = exporter
            .render(data)
            .with_context(|| format!("rendering {}", exporter.file_name()))?;
        std::fs::write(tmp.join(exporter.file_name()), bytes)?;
        written.push(dir.join(exporter.file_name()));
    }
    for (relative, bytes) in extra {
        let path = tmp.join(relative);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        std::fs::write(&path, bytes)?;
        written.push(dir.join(relative));
    }

    // Swap: the old report is moved aside before the new one takes its name, and only
    // removed once the new one is in place.
    let old = parent.join(format!(".old-{name}-{}", std::process::id()));
    let had_old = dir.exists();
    if had_old {
        std::fs::rename(dir, &old)
            .with_context(|| format!("cannot move {} aside", dir.display()))?;
    }
    if let Err(e) = std::fs::rename(&tmp, dir) {
        if had_old {
            let _ = std::fs::rename(&old, dir);
        }
        return Err(e)
            .with_context(|| format!("cannot move the new report into {}", dir.display()));
    }
    if had_old {
        std::fs::remove_dir_all(&old).ok();
    }
    Ok(written)
}

/// Formats a per-record figure with a sensible number of decimals.
pub(crate) fn per_record(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}
