//! layoutlab: one logical record — a sensor reading — in several memory layouts, pushed
//! through one generic pipeline and measured for time and heap, side by side.
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

pub mod error;
pub mod hash;
pub mod inspect;
pub mod intern;
pub mod layouts;
pub mod measure;
pub mod model;
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

#[doc(hidden)]
pub use cli::run as run_cli;
#[doc(hidden)]
pub use session::builtin::HEAP_CHILD_COMMAND;

/// Not part of the API: what the binary and the `unsafe` tests (run under valgrind) reach.
#[doc(hidden)]
pub mod __private {
    pub use crate::interrupt::kill;

    /// Runs `program` as a profiling child is run (own process group, parent-death signal,
    /// time limit, capped output) and returns its stdout or why it failed.
    pub fn run_child(
        program: &str,
        args: &[&str],
        timeout: std::time::Duration,
    ) -> Result<Vec<u8>, String> {
        crate::measure::children::run(&crate::measure::children::ChildCommand {
            program: program.into(),
            args: args.iter().map(Into::into).collect(),
            env: Vec::new(),
            timeout,
        })
        .map_err(|e| e.to_string())
    }
}
