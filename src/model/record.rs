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
    /// Per text field (a `String`, an `Option<String>`, the elements of a `Vec<String>`),
    /// what its values look like.
    pub strings: Vec<StringStats>,
    /// Per `Option` field, how many records hold `None`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<OptionStats>,
    /// Per list field (`Vec<T>`, `Box<[T]>`, `Vec<String>`), the lengths it held.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lists: Vec<ListStats>,
    /// Per integer field (and integer `Option`, array or list), the range of its values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ints: Vec<IntRange>,
    /// The size of the user's struct (`inspect`), with a padding-free order when it has one.
    pub record_type: TypeInfo,
    /// The cargo bench target that ran the harness (`trades` for `benches/trades.rs`), so the
    /// report can say which `cargo bench --bench …` reruns it; unknown when the harness ran
    /// outside a cargo bench binary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bench: Option<String>,
}

/// One leaf field of a user's record (a flattened record's fields each count, as
/// `pos.lat`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordField {
    /// Its path: `price`, or `pos.lat` for field `lat` of flattened field `pos`.
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
    /// Whether it is `#[record(cold)]` (itself or through its flattened field).
    pub cold: bool,
    /// What kind of value it holds (`f64` → `float`, `Option<f64>` → `option`; see
    /// `FieldKind`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// What an `Option`, array or list holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
}

/// How often an `Option` field was `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionStats {
    /// The field.
    pub field: String,
    /// Records seen.
    pub records: u64,
    /// Of them, `None`.
    pub none: u64,
    /// A value of the element type that no `Some` held (`i32::MIN`, `NaN`), which could
    /// stand for `None`; absent when every value occurred or the type has a niche.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentinel: Option<String>,
    /// Bytes of one value.
    #[serde(default)]
    pub value_bytes: usize,
    /// Whether the `packed` layout holds `None` in a niche of the value (no byte added).
    #[serde(default)]
    pub niche: bool,
}

/// The lengths of one list field's values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListStats {
    /// The field.
    pub field: String,
    /// Records seen.
    pub records: u64,
    /// Empty lists among them.
    pub empty: u64,
    /// Length in elements: median, 99th percentile and largest.
    pub len_median: usize,
    /// See `len_median`.
    pub len_p99: usize,
    /// See `len_median`.
    pub len_max: usize,
    /// Average length in elements.
    pub len_mean: f64,
    /// Bytes of one element.
    pub elem_bytes: usize,
}

/// The smallest and largest value of an integer field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntRange {
    /// The field.
    pub field: String,
    /// The smallest value seen.
    pub min: i128,
    /// The largest value seen.
    pub max: i128,
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
    /// Co-access: `(a, b, records)` for two fields `a < b` (indexes into `fields`) the
    /// workload reached for the same record in one pass, and for how many records.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coaccess: Vec<(usize, usize, u64)>,
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
