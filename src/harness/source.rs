//! Where a harness's records come from: a deterministic generator closure, or a CSV file
//! read through serde. Both stream: each record goes straight into the store being built,
//! so the heap measured while building is the layout's, not a copy of the input's.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{excerpt, InputError, Location};
use crate::own::{Record, StoreError};

/// Why a store could not be built from the source.
#[derive(Debug, thiserror::Error)]
pub(crate) enum IngestError {
    /// The input is bad (a CSV row that does not deserialize).
    #[error(transparent)]
    Input(#[from] InputError),
    /// The layout cannot hold a record (an interned field out of ids).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads every record of a CSV file into a sink (made where `R: DeserializeOwned` is known).
type CsvReader<R> =
    fn(&Path, u64, &mut dyn FnMut(R) -> Result<(), StoreError>) -> Result<u64, IngestError>;

/// A harness's source of records.
pub(crate) enum RecordSource<R> {
    /// `records` records made by `make(i)`, `i` in `0..records`.
    Generated(Arc<dyn Fn(u64) -> R + Send + Sync>),
    /// The rows of a CSV file with a header naming the record's fields.
    Csv {
        /// The file.
        path: PathBuf,
        /// Its reader.
        read: CsvReader<R>,
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
        }
    }
}

impl<R: Record> RecordSource<R> {
    /// Hands the first `records` records to `sink`, in order; returns how many there were
    /// (a CSV file may hold fewer: all of them then).
    pub(crate) fn stream(
        &self,
        records: u64,
        sink: &mut dyn FnMut(R) -> Result<(), StoreError>,
    ) -> Result<u64, IngestError> {
        match self {
            RecordSource::Generated(make) => {
                for i in 0..records {
                    sink(make(i))?;
                }
                Ok(records)
            }
            RecordSource::Csv { path, read } => read(path, records, sink),
        }
    }

    /// How many records a store built from this source should reserve room for (a file
    /// cannot tell before it is read).
    pub(crate) fn expected(&self, records: u64) -> usize {
        match self {
            RecordSource::Generated(_) => usize::try_from(records).unwrap_or(usize::MAX),
            RecordSource::Csv { .. } => 0,
        }
    }

    /// `"generated"` or the file's path, as reports name the workload.
    pub(crate) fn label(&self) -> String {
        match self {
            RecordSource::Generated(_) => "generated".to_owned(),
            RecordSource::Csv { path, .. } => path.display().to_string(),
        }
    }
}

/// Reads `path` as CSV with a header, one record per row, into `sink`: at most `limit`
/// records. Every bad row is an error naming the file, the line, the field and what was
/// expected, as the built-in CSV source does.
pub(crate) fn read_csv<R: Record + serde::de::DeserializeOwned>(
    path: &Path,
    limit: u64,
    sink: &mut dyn FnMut(R) -> Result<(), StoreError>,
) -> Result<u64, IngestError> {
    let error = |line: u64, field: Option<&'static str>, problem: String| InputError {
        location: if line == 0 {
            Location::File(path.to_path_buf())
        } else {
            Location::Line {
                file: path.to_path_buf(),
                line,
            }
        },
        field,
        problem,
    };
    let file =
        std::fs::File::open(path).map_err(|e| error(0, None, format!("cannot open: {e}")))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(std::io::BufReader::with_capacity(64 * 1024, file));
    let headers = reader
        .headers()
        .map_err(|e| error(1, None, format!("cannot read the header: {e}")))?
        .clone();
    let fields = R::SCHEMA.fields;
    let expected: Vec<&str> = fields.iter().map(|f| f.name).collect();
    let found: Vec<&str> = headers.iter().collect();
    if found != expected {
        return Err(error(
            1,
            None,
            format!(
                "expected the header {:?} (the fields of {}), found {}",
                expected.join(","),
                R::SCHEMA.name,
                excerpt(&found.join(","))
            ),
        )
        .into());
    }
    let mut count = 0;
    let mut row = csv::StringRecord::new();
    while count < limit {
        let read = reader.read_record(&mut row).map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            error(line, None, format!("cannot read: {e}"))
        })?;
        if !read {
            break;
        }
        let line = row.position().map_or(0, |p| p.line());
        let record: R = row.deserialize(Some(&headers)).map_err(|e| {
            let field = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => err
                    .field()
                    .and_then(|i| fields.get(usize::try_from(i).ok()?))
                    .map(|f| f.name),
                _ => None,
            };
            let problem = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => {
                    let ty = field
                        .and_then(|name| R::SCHEMA.field(name))
                        .map_or_else(String::new, |f| format!("expected {}: ", f.ty));
                    format!("{ty}{}", err.kind())
                }
                _ => e.to_string(),
            };
            error(line, field, problem)
        })?;
        sink(record)?;
        count += 1;
    }
    Ok(count)
}
