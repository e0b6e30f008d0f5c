//! Where a harness's records come from: a deterministic generator closure, a CSV file or a
//! JSON Lines file, the files read through serde. All three stream: each record goes straight
//! into the store being built, so the heap measured while building is the layout's, not a
//! copy of the input's.
//!
//! This file is the source and what its two file formats share (how a bad line is named);
//! `csv.rs` and `jsonl.rs` read one format each, and `row.rs` is the serde deserializer of
//! one CSV row, which nests a flattened record's `pos.lat` columns as serde expects them.

mod csv;
mod jsonl;
mod row;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{InputError, Location};
use crate::own::{Record, StoreError};

pub(crate) use self::csv::read_csv;
pub(crate) use self::jsonl::read_jsonl;

/// Why a store could not be built from the source.
#[derive(Debug, thiserror::Error)]
pub(crate) enum IngestError {
    /// The input is bad (a CSV row or a JSON line that does not deserialize).
    #[error(transparent)]
    Input(#[from] InputError),
    /// The layout cannot hold a record (an interned field out of ids).
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl IngestError {
    /// The error as `anyhow` sees it, with the cause [`crate::error::exit_code`] looks for
    /// in its chain (`transparent` alone would hide it).
    pub(crate) fn into_anyhow(self) -> anyhow::Error {
        match self {
            IngestError::Input(e) => e.into(),
            IngestError::Store(e) => e.into(),
        }
    }
}

/// Reads at most `limit` records of a file into a sink, returning how many it read (made
/// where `R: DeserializeOwned` is known, so that `RecordSource` needs no such bound).
type FileReader<R> =
    fn(&Path, u64, &mut dyn FnMut(R) -> Result<(), StoreError>) -> Result<u64, IngestError>;

/// A harness's source of records.
pub(crate) enum RecordSource<R> {
    /// `records` records made by `make(i)`, `i` in `0..records`.
    Generated(Arc<dyn Fn(u64) -> R + Send + Sync>),
    /// The rows of a CSV file with a header naming the record's leaf fields.
    Csv {
        /// The file.
        path: PathBuf,
        /// Its reader.
        read: FileReader<R>,
    },
    /// The lines of a JSON Lines file, one record (a JSON object) per line.
    Jsonl {
        /// The file.
        path: PathBuf,
        /// Its reader.
        read: FileReader<R>,
    },
}

impl<R> Clone for RecordSource<R> {
    fn clone(&self) -> Self {
        match self {
            RecordSource::Generated(f) => RecordSource::Generated(Arc::clone(f)),
            RecordSource::Csv { path, read } => RecordSource::Csv {
                path: path.clone(),
                read: *read,
            },
            RecordSource::Jsonl { path, read } => RecordSource::Jsonl {
                path: path.clone(),
                read: *read,
            },
        }
    }
}

impl<R: Record> RecordSource<R> {
    /// Hands the first `records` records to `sink`, in order; returns how many there were
    /// (a file may hold fewer: all of them then).
    pub(crate) fn stream(
        &self,
        records: u64,
        sink: &mut dyn FnMut(R) -> Result<(), StoreError>,
    ) -> Result<u64, IngestError> {
        match self {
            RecordSource::Generated(make) => {
                // A generator that panics is a bug in the bench file, like bad input: it
                // stops the run with the record it failed on (exit 2), not with Rust's panic
                // and a backtrace through layoutlab. `making` says whose panic it was.
                let making = std::cell::Cell::new(None);
                let made = super::panic::catch(|| {
                    for i in 0..records {
                        making.set(Some(i));
                        let record = make(i);
                        making.set(None);
                        sink(record)?;
                    }
                    Ok(records)
                });
                match (made, making.get()) {
                    (Ok(made), _) => made,
                    (Err(panic), Some(i)) => Err(InputError {
                        location: Location::Generated(i),
                        field: None,
                        problem: format!("the generator panicked: {panic}"),
                    }
                    .into()),
                    // Not the generator's: the store's, which the caller's catch reports.
                    (Err(panic), None) => panic!("{panic}"),
                }
            }
            RecordSource::Csv { path, read } | RecordSource::Jsonl { path, read } => {
                read(path, records, sink)
            }
        }
    }

    /// How many records a store built from this source should reserve room for (a file
    /// cannot tell before it is read).
    pub(crate) fn expected(&self, records: u64) -> usize {
        match self {
            RecordSource::Generated(_) => usize::try_from(records).unwrap_or(usize::MAX),
            RecordSource::Csv { .. } | RecordSource::Jsonl { .. } => 0,
        }
    }

    /// `"generated"` or the file's path, as reports name the workload.
    pub(crate) fn label(&self) -> String {
        match self {
            RecordSource::Generated(_) => "generated".to_owned(),
            RecordSource::Csv { path, .. } | RecordSource::Jsonl { path, .. } => {
                path.display().to_string()
            }
        }
    }
}

/// An error at `line` of `file`, in `field` when one is at fault.
fn at_line(file: &Path, line: u64, field: Option<String>, problem: String) -> InputError {
    InputError {
        location: Location::Line {
            file: file.to_path_buf(),
            line,
        },
        field: field.map(Into::into),
        problem,
    }
}

/// An error about the whole of `file`.
fn at_file(file: &Path, problem: String) -> InputError {
    InputError {
        location: Location::File(file.to_path_buf()),
        field: None,
        problem,
    }
}

/// Opens `path` as every input is opened (a regular file only: it is read once per layout
/// and per profiling process), saying which format was expected of a directory.
fn open(path: &Path, format: &str) -> Result<std::fs::File, InputError> {
    crate::source::file::open(path, None)
        .map(|(file, _)| file)
        .map_err(|mut e| {
            if let Some(kind) = e.problem.strip_suffix("expected a CSV file") {
                e.problem = format!("{kind}expected {format}");
            }
            e
        })
}

/// The field path serde was at when it failed (`place.geo.lat`, `tags[2]`), or `None` at
/// the record itself. A key that could not be read (malformed JSON) is left off: the path
/// then ends at the object it is in.
fn field_path(path: &serde_path_to_error::Path) -> Option<String> {
    let text = path.to_string();
    let mut known = text.as_str();
    while let Some(parent) = known.strip_suffix(".?") {
        known = parent;
    }
    (!matches!(known, "." | "?")).then(|| known.to_owned())
}

/// `message` cut to a length that fits one line of stderr: serde quotes a bad string whole,
/// and a bad value may be most of a megabyte-long line.
fn shorten(message: String) -> String {
    const MAX_CHARS: usize = 200;
    match message.char_indices().nth(MAX_CHARS) {
        None => message,
        Some((cut, _)) => format!("{}… ({} bytes)", &message[..cut], message.len()),
    }
}

#[cfg(test)]
mod tests;
