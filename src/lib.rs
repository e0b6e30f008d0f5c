//! layoutlab: one logical record — a sensor reading — in several memory layouts, pushed
//! through one generic pipeline and measured for time and heap, side by side.
//!
//! To measure your own record instead, derive [`Record`] on it and write workloads against
//! [`Store`]; see [`own`].
//!
//! The user guide is beside the code, in the repository's `docs/` folder — start at
//! `docs/README.md`, one page per question: the record and the pipeline, the layouts,
//! reading the report, memory, deterministic costs, the regression gate and CI, several
//! machines, your own record, adding a layout, the command line, reliability and the tree.
//! The README has the two commands, a sample from the committed report and the shortest
//! complete bench file for your own record.
//!
//! The tree follows the data: [`record`] (the record and its rules) → [`source`] (generator
//! and CSV, streaming) → [`layouts`] (one file per layout, one trait, one registry) →
//! [`pipeline`] (the five stages, written once) → [`measure`] (time; heap) → [`model`]
//! (the results every output is rendered from). Behind them, not public: the session that
//! runs a plan, the analysis that ranks layouts, the importers and the exporters, and the
//! command line.
//!
//! # Examples
//!
//! Run the whole pipeline over the `soa` layout on a small generated workload:
//!
//! ```
//! use layoutlab::layouts::Soa;
//! use layoutlab::pipeline::{self, DEFAULT_WINDOW};
//! use layoutlab::source::{Generator, GeneratorConfig};
//!
//! let mut source = Generator::new(GeneratorConfig { records: 1000, sensors: 8, seed: 1 });
//! let outcome = pipeline::run::<Soa, _, _>(&mut source, DEFAULT_WINDOW, &mut ()).unwrap();
//! assert_eq!(outcome.records, 1000);
//! assert!(outcome.aggregates.kept < 1000);
//! assert_eq!(outcome.aggregates.sensors.len(), 8);
//! ```

// Lets the derives' output (which names `::layoutlab::…`) compile inside this crate too.
extern crate self as layoutlab;

pub mod error;
pub mod harness;
pub mod hash;
pub mod inspect;
pub mod intern;
pub mod layouts;
pub mod measure;
pub mod model;
pub mod own;
pub mod pipeline;
pub mod record;
pub mod source;
pub mod units;

pub(crate) mod analysis;
mod cli;
pub(crate) mod commands;
pub(crate) mod format;
pub(crate) mod import;
pub(crate) mod interrupt;
pub(crate) mod progress;
pub(crate) mod report;
pub(crate) mod session;

pub use harness::{Harness, Optimize};
pub use layoutlab_derive::{Record, Scalar};
pub use own::{Record, Row, Scalar, Store, StoreError, StoreFn, Strs, Workload};

#[doc(hidden)]
pub use cli::run as run_cli;
#[doc(hidden)]
pub use session::builtin::HEAP_CHILD_COMMAND;

/// Not part of the API: what `#[derive(Record)]` and `#[derive(Scalar)]` generate code
/// against (it changes whenever the derives do), and what the binary and the `unsafe` tests
/// (run under valgrind) reach.
#[doc(hidden)]
pub mod __private {
    pub use crate::inspect::{FieldLayout, TypeInfo};
    pub use crate::intern::Interner;
    pub use crate::own::kind::scalar::{bad_code, enum_from_dyn, enum_to_dyn};
    pub use crate::own::kind::{
        dyn_field, dyn_field_mut, Array, Column, Field, FieldMap, FieldNo, FieldSink, FieldSource,
        FieldVisitor, Flat, Interned, Kind, Lanes, LeafSink, LeafVisitor, List, Narrow, Nested,
        NestedSink, NestedVisitor, Opaque, Opt, Packed, Part, Present, Ref, Slot, StrList, Table,
        Val, Value, LANES,
    };
    pub use crate::own::read_row;
    pub use crate::own::rows::{packed_offsets, place_units, Place, Unit};
    pub use crate::own::schema::{FieldKind, FieldSchema, InternWidth, Schema};
    pub use layoutlab_derive::finish_record;

    /// Compiles only for a type a record field may have: the derive's first check of each
    /// scalar field (and of an `Option`'s, an array's or a list's elements), at the type.
    pub fn field_type<T: crate::Scalar>() {}

    /// Compiles only for a type that derives `Record`: the check of a `#[record(flatten)]`
    /// field, at its type.
    pub fn record_type<T: crate::own::kind::FlatRecord>() {}

    /// Compiles only for a type an opaque field may have: the check of a
    /// `#[record(opaque)]` field, at its type.
    pub fn opaque_type<T: crate::own::kind::OpaqueValue>() {}

    /// The hot and cold parts of a record with no `#[record(cold)]` field: it has no
    /// `hot_cold` layout, and nothing of this type is ever made by a store.
    #[derive(Debug, Clone, Copy, Default)]
    pub struct NoCold;

    /// What splitting such a record into hot and cold parts does.
    ///
    /// # Panics
    ///
    /// Always: `HotCold::with_capacity` refuses such records before any record is pushed.
    #[cold]
    pub fn no_split<R>(_record: R) -> (NoCold, NoCold) {
        unreachable!("a record without #[record(cold)] fields has no hot_cold layout")
    }

    /// What the field projections into [`NoCold`] parts do.
    ///
    /// # Panics
    ///
    /// Always: `HotCold::with_capacity` refuses such records before any field is reached.
    #[cold]
    pub fn no_cold<T>() -> T {
        unreachable!("a record without #[record(cold)] fields has no hot_cold layout")
    }

    pub use crate::interrupt::kill;

    /// Runs `program` as a profiling child is run (own process group, parent-death signal,
    /// time limit, capped output) and returns its stdout or why it failed.
    pub fn run_child(
        program: &str,
        args: &[&str],
        timeout: std::time::Duration,
    ) -> Result<Vec<u8>, String> {
        crate::measure::children::run(&crate::measure::children::ChildCommand::new(
            program.into(),
            args.iter().map(Into::into).collect(),
            Vec::new(),
            timeout,
        ))
        .map_err(|e| e.to_string())
    }
}
