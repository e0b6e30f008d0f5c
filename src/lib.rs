//! layoutlab: one logical record — a sensor reading — in several memory layouts, pushed
//! through one generic pipeline and measured for time and heap, side by side.
//!
//! The tree follows the data: [`record`] (the record and its rules) → [`source`] (generator
//! and CSV, streaming) → [`layouts`] (one file per layout, one trait, one registry) →
//! [`pipeline`] (the five stages, written once) → [`measure`] (time; heap) → [`results`]
//! (what `run --json` prints) → the command line in [`cli`].
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

pub mod cli;
pub mod compare;
pub mod error;
pub mod hash;
pub mod inspect;
pub mod intern;
pub mod layouts;
pub mod measure;
pub mod pipeline;
pub mod progress;
pub mod record;
pub mod report;
pub mod results;
pub mod runner;
pub mod source;
pub mod table;
