//! What `compare --sweep` planned, and how long it took.

use serde::{Deserialize, Serialize};

use crate::units::Bytes;

/// The sweep's plan and its cost, saved so that the report can say how far each layout went
/// and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSection {
    /// The data size each layout's largest point aims at: four times the last-level cache.
    pub target_bytes: Bytes,
    /// Per layout, how far it went.
    pub layouts: Vec<SweepReach>,
    /// The sweep's wall time as estimated before it started, seconds.
    pub estimated_seconds: f64,
    /// The whole run's wall time (the compare at the workload's size included), seconds.
    pub elapsed_seconds: f64,
}

/// How far one layout went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepReach {
    /// The layout.
    pub layout: String,
    /// Its largest size, records.
    pub records: u64,
    /// Peak heap bytes per record measured on the calibration run, which set its sizes.
    pub bytes_per_record: f64,
    /// Why it stops short of the target (memory, or `--sweep-max-records`), if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short: Option<String>,
}
