//! The results model: what every run measures, whatever it ran — the built-in pipeline or a
//! user's own record — and what every output is rendered from.
//!
//! `run`, `compare` and `report` all produce or load one [`Results`]; the terminal tables,
//! `run --json`, `REPORT.md`, `index.html`, `results.json` and `bencher.json` are exporters
//! of it. Field names are a public contract (SPEC §6): keys are added, never renamed or
//! removed, and a `results.json` written by an earlier layoutlab still loads. Keys this
//! version does not know are kept (`extra`) and written back unchanged.

pub mod costs;
mod failure;
mod memory;
mod per_stage;
mod proposal;
mod record;
mod sweep;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::inspect::TypeInfo;
use crate::pipeline::{Aggregates, SensorStats};
use crate::units::{Bytes, Nanos};

pub use self::failure::{Failure, FailureKind};
pub use self::memory::{MemorySummary, PhaseMemory};
pub(crate) use self::per_stage::best_of;
pub use self::per_stage::PerStage;
pub use self::proposal::{CompiledVs, Proposal, Screened, VsFixed, WorkloadVs};
pub use self::record::{
    IntRange, ListStats, OptionStats, RecordField, RecordSection, StringStats, WorkloadAccess,
};
pub use self::sweep::{SweepReach, SweepSection};

/// The version of the saved-results format; bumped when a field changes meaning. Files of
/// every earlier format still load.
pub const FORMAT: u32 = 1;

/// Keys of a JSON object this version does not know, kept so that a rewrite loses nothing.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// Everything one run measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// The saved-results format ([`FORMAT`]).
    pub format: u32,
    /// Where and with what the measurements were taken.
    pub machine: Machine,
    /// The workload every layout ran.
    pub workload: Workload,
    /// Timed rounds: each round runs every layout once.
    pub repeat: usize,
    /// One entry per layout, in registry order, failed ones included.
    pub layouts: Vec<LayoutRun>,
    /// Time and memory at several sizes, for scaling curves.
    #[serde(default)]
    pub scaling: Vec<ScalePoint>,
    /// Why the layouts have no deterministic costs, when they were not measured (no
    /// valgrind, an input too large).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub costs_note: Option<String>,
    /// `compare --sweep`'s plan: how far each layout went.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<SweepSection>,
    /// The Python reference rows, or why they are missing.
    #[serde(default = "PythonSection::not_run")]
    pub python: PythonSection,
    /// criterion's estimates, when `cargo bench` has run.
    #[serde(default)]
    pub criterion: Vec<CriterionEstimate>,
    /// A user's own record: its schema, workloads, field accesses and strings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<RecordSection>,
    /// The layout proposed for a user's record and its workloads (SPEC §10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal: Option<Proposal>,
    /// Keys this version does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The workload every layout in a run ingested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    /// `"generated"` or the input file's path.
    pub source: String,
    /// Readings the source yielded (after skipping bad rows).
    pub records: u64,
    /// Distinct sensor ids among those readings (the built-in reading only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensors: Option<u64>,
    /// The rolling window (the built-in pipeline only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<usize>,
    /// The generator's seed; `null` for a file.
    pub seed: Option<u64>,
    /// Bad rows skipped with `--skip-invalid` (0 otherwise).
    pub skipped: u64,
}

/// One layout's measurements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayoutRun {
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
    /// Deterministic costs from callgrind, if measured (SPEC §7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub costs: Option<costs::Costs>,
    /// What failed for this layout; the other layouts are still reported.
    #[serde(default)]
    pub errors: Vec<Failure>,
    /// The full aggregates of the timed run (what `run --json` prints per sensor); not saved.
    #[serde(skip)]
    pub aggregates: Option<Aggregates>,
    /// Keys this version does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl LayoutRun {
    /// The first failure of `kind`, if any.
    pub fn failure(&self, kind: FailureKind) -> Option<&Failure> {
        self.errors.iter().find(|f| f.kind == kind)
    }
}

/// A layout's timed results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// Records ingested.
    pub records: u64,
    /// Records kept by the filter (the built-in pipeline only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept: Option<u64>,
    /// The pipeline's checksum, identical across layouts (the built-in pipeline only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<f64>,
    /// What each of a user's workloads returned (its `Debug` text, shortened): identical
    /// across layouts.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub outputs: BTreeMap<String, String>,
    /// The best time per stage over the runs.
    pub best: PerStage<Nanos>,
    /// Every run's time per stage, for the spread.
    pub runs: Vec<PerStage<Nanos>>,
    /// The best time to drop the store.
    pub drop: Nanos,
    /// Random reads by index: how many.
    pub access_reads: u64,
    /// Random reads by index: the best total time.
    pub access: Nanos,
    /// The time to drop the store in each round (in the order of `runs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drops: Vec<Nanos>,
    /// The time of the `access_reads` random reads in each round.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accesses: Vec<Nanos>,
    /// The warm regime, round by round (in the order of `runs`): for each workload that
    /// leaves its store as it found it, the median of the passes after the first over the
    /// same store. `runs` holds the first passes, each on a freshly built store; a workload
    /// that changes its store has a first pass only, and no key here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warm: Vec<PerStage<Nanos>>,
    /// Keys this version does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Timing {
    /// filter + normalize + rolling + aggregate: the best time of each stage after ingest,
    /// summed (the pipeline proper, independent of how the source is read).
    pub fn best_pipeline(&self) -> Nanos {
        Nanos(self.best.iter().skip(1).map(|(_, t)| t.0).sum())
    }

    /// Every stage's best time, summed.
    pub fn best_total(&self) -> Nanos {
        Nanos(self.best.values().map(|t| t.0).sum())
    }

    /// The warm regime as a timing of its own (`runs` the warm rounds, `best` their
    /// minimum), so that every figure and ratio of the first passes applies to it; `None`
    /// when no workload was timed warm.
    pub fn warm_view(&self) -> Option<Timing> {
        if self.warm.iter().all(PerStage::is_empty) {
            return None;
        }
        Some(Timing {
            best: best_of(&self.warm),
            runs: self.warm.clone(),
            warm: Vec::new(),
            drops: Vec::new(),
            accesses: Vec::new(),
            access_reads: 0,
            access: Nanos(0),
            ..self.clone()
        })
    }

    /// filter + normalize + rolling + aggregate in each round.
    pub fn pipeline_runs(&self) -> Vec<Nanos> {
        self.runs
            .iter()
            .map(|r| Nanos(r.values().skip(1).map(|t| t.0).sum()))
            .collect()
    }
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
    pub peak_bytes: Option<Bytes>,
    /// Every round's time per stage at this size.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runs: Vec<PerStage<Nanos>>,
}

/// The machine and build a set of results came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    /// The CPU model name.
    pub cpu: String,
    /// Logical cores available to the process.
    pub cores: usize,
    /// Total memory, in bytes (0 if unknown).
    pub memory_bytes: u64,
    /// The operating system and kernel.
    pub os: String,
    /// The compiler that built layoutlab.
    pub rustc: String,
    /// layoutlab's version.
    pub layoutlab: String,
    /// The git commit layoutlab was built from, with `-dirty` for uncommitted changes.
    pub commit: String,
    /// When the measurements were taken, RFC 3339 UTC.
    pub date: String,
    /// The CPU's caches as the OS reports them (empty where it does not).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caches: Vec<Cache>,
}

/// One CPU cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cache {
    /// 1, 2, 3…
    pub level: u8,
    /// `Data`, `Instruction` or `Unified`.
    pub kind: String,
    /// Its size.
    pub size: Bytes,
}

impl Machine {
    /// The last-level cache (the largest data or unified one), if known.
    pub fn last_level_cache(&self) -> Option<&Cache> {
        self.caches
            .iter()
            .filter(|c| c.kind != "Instruction")
            .max_by_key(|c| (c.level, c.size))
    }

    /// The data caches (data and unified), smallest first, as `L1d 48.0 KiB` labels.
    pub fn data_caches(&self) -> Vec<(String, Bytes)> {
        let mut caches: Vec<&Cache> = self
            .caches
            .iter()
            .filter(|c| c.kind != "Instruction")
            .collect();
        caches.sort_by_key(|c| (c.level, c.size));
        caches
            .into_iter()
            .map(|c| {
                let suffix = if c.kind == "Data" { "d" } else { "" };
                (format!("L{}{suffix}", c.level), c.size)
            })
            .collect()
    }
}

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

impl PythonSection {
    /// The section of a run that did not ask for Python.
    pub fn not_run() -> PythonSection {
        PythonSection::Skipped {
            reason: "not run".to_owned(),
        }
    }
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

/// criterion's estimate of one benchmark, per record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionEstimate {
    /// The stage (the bench group): ingest, filter, …, end_to_end.
    pub stage: String,
    /// The layout.
    pub layout: String,
    /// Records per iteration.
    pub records: u64,
    /// Mean time per record, in nanoseconds.
    pub mean_ns: f64,
    /// Lower bound of the mean's confidence interval, ns per record.
    pub lower_ns: f64,
    /// Upper bound of the mean's confidence interval, ns per record.
    pub upper_ns: f64,
    /// The interval's confidence level (e.g. 0.95).
    pub confidence: f64,
}

impl Results {
    /// The layouts that have timings.
    pub fn timed(&self) -> impl Iterator<Item = (&LayoutRun, &Timing)> {
        self.layouts
            .iter()
            .filter_map(|l| l.timing.as_ref().map(|t| (l, t)))
    }

    /// The layouts that have heap figures.
    pub fn profiled(&self) -> impl Iterator<Item = (&LayoutRun, &MemorySummary)> {
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

    /// The layouts whose measurements failed (the command then exits 1 after printing
    /// everything that did work); a layout that cannot hold the input is not among them.
    pub fn failed_measurements(&self) -> Vec<&str> {
        self.layouts
            .iter()
            .filter(|l| l.errors.iter().any(|f| f.kind.is_measurement()))
            .map(|l| l.layout.as_str())
            .collect()
    }
}

/// The per-sensor aggregates of a layout's run, as `run --json` prints them.
pub fn sensors(run: &LayoutRun) -> &[SensorStats] {
    run.aggregates.as_ref().map_or(&[], |a| &a.sensors)
}
