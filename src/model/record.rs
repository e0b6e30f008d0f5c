//! What a run of a user's own record adds to the results: the record's fields, which of
//! them each workload touches, and what its text fields hold — the evidence behind the
//! advice only a user's own data can give.

use crate::inspect::TypeInfo;

use serde::{Deserialize, Serialize};

/// What a run of a user's own record adds: the record, its workloads, which fields each
/// workload touches, and what its text fields hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordSection {
    /// The record type's name.
    pub name: String,
    /// Its fields, in declaration order.
    pub fields: Vec<RecordField>,
    /// The workloads, in the order they were added.
    pub workloads: Vec<String>,
    /// Per workload, reads and writes of every field (counted on one run).
    pub access: Vec<WorkloadAccess>,
    /// Per `String` field, what its values look like.
    pub strings: Vec<StringStats>,
    /// The size of the user's struct (`inspect`), with a padding-free order when it has one.
    pub record_type: TypeInfo,
    /// The cargo bench target that ran the harness (`trades` for `benches/trades.rs`), so the
    /// report can say which `cargo bench --bench …` reruns it; unknown when the harness ran
    /// outside a cargo bench binary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bench: Option<String>,
}

/// One field of a user's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordField {
    /// Its name.
    pub name: String,
    /// Its type as written.
    pub ty: String,
    /// Its size in the struct, bytes.
    pub size: usize,
    /// Its size in the `packed` row, bytes.
    pub packed_size: usize,
    /// The id type when interned (`"u16"`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intern: Option<String>,
    /// Whether it is `#[record(cold)]`.
    pub cold: bool,
}

/// Reads and writes of each field in one run of one workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkloadAccess {
    /// The workload.
    pub workload: String,
    /// Records it ran on.
    pub records: u64,
    /// Per field, in declaration order: `(reads, writes)`.
    pub fields: Vec<(u64, u64)>,
}

/// The values of one `String` field over the workload's records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StringStats {
    /// The field.
    pub field: String,
    /// Distinct values (counted up to [`StringStats::DISTINCT_CAP`]; `capped` says when more).
    pub distinct: u64,
    /// Whether there were more distinct values than were counted.
    pub capped: bool,
    /// Length in bytes: median, 99th percentile and largest.
    pub len_median: usize,
    /// See `len_median`.
    pub len_p99: usize,
    /// See `len_median`.
    pub len_max: usize,
    /// Average length in bytes.
    pub len_mean: f64,
}

impl StringStats {
    /// Most distinct values counted per field (beyond, no id width fits a table worth
    /// keeping anyway).
    pub const DISTINCT_CAP: u64 = 1 << 20;
}
