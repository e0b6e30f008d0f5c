//! Where readings come from: a deterministic generator or a CSV file.
//!
//! Both sources stream: they validate one reading at a time and hand it to a sink (the
//! layout's ingest), borrowing the id from their own buffer. No layout is ever given a
//! pre-built vector, so the heap measured during ingest is the layout's, not the source's.

pub mod csv;
pub mod generator;
pub mod replay;

use std::path::PathBuf;

use crate::error::StreamError;
use crate::record::Reading;

pub use self::csv::CsvSource;
pub use self::generator::{Generator, GeneratorConfig};

/// What a finished stream reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Streamed {
    /// Readings handed to the sink.
    pub records: u64,
    /// Distinct sensor ids among the readings handed to the sink.
    pub sensors: u64,
    /// Bad rows skipped (only with `--skip-invalid`).
    pub skipped: u64,
    /// The first skipped row's error, to show the user what was skipped.
    pub first_skipped: Option<String>,
}

/// A stream of readings.
pub trait Source {
    /// How many readings the source expects to yield, if it knows (0 otherwise). Layouts
    /// may reserve this much.
    fn expected_records(&self) -> usize;

    /// Validates and yields every reading, in order, to `sink`. Stops at the first error
    /// (a bad row unless skipping, or the sink's own error).
    fn stream<E, F>(&mut self, sink: F) -> Result<Streamed, StreamError<E>>
    where
        F: FnMut(&Reading<'_>) -> Result<(), E>;
}

/// How to make a source: the command line's source flags. Each run opens a fresh source, so
/// every layout ingests the same readings.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceSpec {
    /// The built-in generator.
    Generated(GeneratorConfig),
    /// A CSV file.
    Csv {
        /// The file.
        path: PathBuf,
        /// Skip and count bad rows instead of stopping.
        skip_invalid: bool,
    },
}

impl SourceSpec {
    /// A fresh source, positioned at the first reading.
    pub fn open(&self) -> AnySource {
        match self {
            SourceSpec::Generated(config) => AnySource::Generated(Generator::new(config.clone())),
            SourceSpec::Csv { path, skip_invalid } => {
                AnySource::Csv(CsvSource::new(path.clone(), *skip_invalid))
            }
        }
    }

    /// `"generated"` or the input path, as `run --json` reports it.
    pub fn label(&self) -> String {
        match self {
            SourceSpec::Generated(_) => "generated".to_owned(),
            SourceSpec::Csv { path, .. } => path.display().to_string(),
        }
    }
}

/// Either source, dispatched statically per arm.
#[derive(Debug)]
pub enum AnySource {
    /// The generator.
    Generated(Generator),
    /// A CSV file.
    Csv(CsvSource),
}

impl Source for AnySource {
    fn expected_records(&self) -> usize {
        match self {
            AnySource::Generated(g) => g.expected_records(),
            AnySource::Csv(c) => c.expected_records(),
        }
    }

    fn stream<E, F>(&mut self, sink: F) -> Result<Streamed, StreamError<E>>
    where
        F: FnMut(&Reading<'_>) -> Result<(), E>,
    {
        match self {
            AnySource::Generated(g) => g.stream(sink),
            AnySource::Csv(c) => c.stream(sink),
        }
    }
}
