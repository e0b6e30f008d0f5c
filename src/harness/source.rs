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
/// records. It reads as the built-in CSV source does — a regular file only, in bounded
/// memory, counting the file's own lines — and every bad row is an error naming the file,
/// the line, the field and what was expected.
pub(crate) fn read_csv<R: Record + serde::de::DeserializeOwned>(
    path: &Path,
    limit: u64,
    sink: &mut dyn FnMut(R) -> Result<(), StoreError>,
) -> Result<u64, IngestError> {
    use crate::source::csv::records::{Records, KEPT_FIELDS};
    let error = |line: u64, field: Option<&'static str>, problem: String| InputError {
        location: Location::Line {
            file: path.to_path_buf(),
            line,
        },
        field: field.map(Into::into),
        problem,
    };
    let (file, _) = crate::source::file::open(path, None)?;
    let mut records = Records::new(std::io::BufReader::with_capacity(64 * 1024, file));
    let fields = R::SCHEMA.fields;
    let expected: Vec<&str> = fields.iter().map(|f| f.name).collect();
    if fields.len() > KEPT_FIELDS {
        return Err(error(
            1,
            None,
            format!("records of more than {KEPT_FIELDS} fields cannot be read from CSV"),
        )
        .into());
    }
    let next = |records: &mut Records<_>| {
        let line = records.line();
        records
            .next()
            .map_err(|e| error(line, None, format!("cannot read: {e}")))
    };
    let row = |records: &Records<_>, n: u64| -> Vec<String> {
        (0..n as usize)
            .map(|i| String::from_utf8_lossy(records.field(i)).into_owned())
            .collect()
    };
    let header = match next(&mut records)? {
        Some(h) if !h.too_long => row(&records, h.fields.min(KEPT_FIELDS as u64)),
        Some(h) => return Err(error(h.line, None, "the header is too long".to_owned()).into()),
        None => {
            return Err(error(
                1,
                None,
                format!(
                    "expected the header {:?}, found an empty file",
                    expected.join(",")
                ),
            )
            .into())
        }
    };
    if header
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}'))
        .ne(expected.iter().copied())
    {
        return Err(error(
            1,
            None,
            format!(
                "expected the header {:?} (the fields of {}), found {}",
                expected.join(","),
                R::SCHEMA.name,
                excerpt(&header.join(","))
            ),
        )
        .into());
    }
    let headers = csv::StringRecord::from(header);
    let mut count = 0;
    while count < limit {
        let Some(info) = next(&mut records)? else {
            break;
        };
        if info.too_long {
            return Err(error(
                info.line,
                None,
                format!(
                    "longer than {} bytes; not a record of {}",
                    crate::source::csv::MAX_RECORD_BYTES,
                    R::SCHEMA.name
                ),
            )
            .into());
        }
        if info.fields != fields.len() as u64 {
            return Err(error(
                info.line,
                None,
                format!(
                    "expected {} fields ({}), found {}",
                    fields.len(),
                    expected.join(","),
                    info.fields
                ),
            )
            .into());
        }
        let mut values = Vec::with_capacity(fields.len());
        for (i, f) in fields.iter().enumerate() {
            let text = std::str::from_utf8(records.field(i)).map_err(|e| {
                error(
                    info.line,
                    Some(f.name),
                    format!(
                        "expected UTF-8 text, found a byte that is not at byte {}",
                        e.valid_up_to()
                    ),
                )
            })?;
            values.push(text);
        }
        let record: R = csv::StringRecord::from(values)
            .deserialize(Some(&headers))
            .map_err(|e| {
                let field = match e.kind() {
                    csv::ErrorKind::Deserialize { err, .. } => err
                        .field()
                        .and_then(|i| fields.get(usize::try_from(i).ok()?)),
                    _ => None,
                };
                let problem = match (e.kind(), field) {
                    (csv::ErrorKind::Deserialize { err, .. }, Some(f)) => {
                        format!("expected {}, {}", f.ty, err.kind())
                    }
                    _ => e.to_string(),
                };
                error(info.line, field.map(|f| f.name), problem)
            })?;
        sink(record)?;
        count += 1;
    }
    if count == 0 && limit > 0 {
        // A header and no rows would be measured as zero records: every figure per record
        // a division by zero, and a report that looks like a result.
        return Err(error(
            records.line(),
            None,
            format!(
                "no records after the header: at least one row of {} is needed to measure",
                R::SCHEMA.name
            ),
        )
        .into());
    }
    Ok(count)
}
