//! The proposed layout of a user's record (SPEC §10): which fields the harness groups
//! together and how it holds each, what that measured against the best fixed layouts in the
//! same paired rounds, why, and the attributes that make the derive generate it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::own::Plan;

/// The proposal, under `proposal` in `results.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    /// The groups, each its fields in row order.
    pub groups: Vec<Vec<String>>,
    /// Per field with a decision beyond its group: `intern u8`, `u16` (kept narrower),
    /// `cold`, joined by `, `.
    pub fields: BTreeMap<String, String>,
    /// The Rust to paste: each field with its `#[record(…)]` attribute.
    pub attributes: String,
    /// The proposal's weighted total time per record over the workloads, paired round by
    /// round, over that of the best single fixed layout (named).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_vs_best_fixed: Option<VsFixed>,
    /// Per workload, its time over that of the best fixed layout for it.
    pub workloads: BTreeMap<String, WorkloadVs>,
    /// The layout proposed: `proposed`, or the fixed layout when no candidate beat it.
    pub layout: String,
    /// How the proposal was made (`by workload`, `hot/cold`, …).
    pub candidate: String,
    /// The names of the groups, in the order of `groups`.
    pub group_names: Vec<String>,
    /// The plan the `proposed` layout was built from.
    pub plan: Plan,
    /// Bytes per record the `proposed` store held (requested), when the heap was profiled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_per_record: Option<f64>,
    /// One sentence per decision: the access, co-access and data figures behind it.
    pub why: Vec<String>,
    /// The candidates screened, with their weighted first-pass time per record.
    pub screened: Vec<Screened>,
    /// Each workload's weight in the total.
    pub weights: BTreeMap<String, f64>,
    /// What was minimised: `time`, `bytes`, or both.
    pub objective: String,
    /// The compiled `grouped` layout against `proposed`, when the record has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compiled: Option<CompiledVs>,
}

/// A ratio to a fixed layout, with its paired interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VsFixed {
    /// The fixed layout.
    pub layout: String,
    /// Median of the round-by-round ratios.
    pub median: f64,
    /// Lower end of its interval.
    pub low: f64,
    /// Upper end of its interval.
    pub high: f64,
}

/// One workload's figure in a proposal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkloadVs {
    /// Its time over that of the best fixed layout for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vs_best_fixed: Option<VsFixed>,
}

/// One screened candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Screened {
    /// Its name.
    pub candidate: String,
    /// Weighted first-pass time per record over the workloads, in the short screening pass.
    pub ns_per_record: f64,
    /// Its row bytes per record (the groups' strides summed).
    pub row_bytes: f64,
}

/// The compiled `grouped` layout's weighted total over the runtime `proposed` one's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompiledVs {
    /// `grouped` over `proposed`, paired round by round.
    pub vs_proposed: VsFixed,
    /// Whether the compiled layout kept the measured gain (level or better).
    pub kept: bool,
}
