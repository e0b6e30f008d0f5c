//! The CSV source: `sensor_id,timestamp,value,unit`, one reading per line, strictly checked.
//!
//! Every way a row can be wrong is reported with the file, the line, the field and what was
//! expected. The line is the line of the file (1-based) whatever the line ends (`\n`,
//! `\r\n` or `\r`) and however many blank lines come before; a row whose quoted field spans
//! lines is named by the line it starts on. With `skip_invalid`, bad rows are counted and
//! left out instead, and the result is exactly that of the same file without them (a row's
//! unit only registers once the whole row is valid, so a skipped row never decides a
//! sensor's unit). Whatever the bytes, reading takes bounded memory: no row (or header) may
//! be longer than [`MAX_RECORD_BYTES`].
//!
//! This file is the source and its header check; `records.rs` frames the bytes into
//! located records, and `row.rs` turns one record into a reading or says what is wrong.

pub(crate) mod records;
mod row;

use std::io::Read;
use std::path::PathBuf;

use self::records::{Buffers, RecordInfo, Records, KEPT_FIELDS};
use self::row::{parse_row, too_long};
use crate::error::{excerpt, InputError, Location, StreamError};
use crate::hash::FixedMap;
use crate::record::{Reading, Unit};
use crate::source::file::{self, Fingerprint};
use crate::source::{Source, Streamed};

pub use self::records::MAX_RECORD_BYTES;

/// The one accepted header.
pub const HEADER: [&str; 4] = ["sensor_id", "timestamp", "value", "unit"];

/// Readings from a CSV file.
///
/// What it allocates to read — two 64 KiB buffers — it allocates when it is made and keeps
/// until it is dropped, so that a heap measurement of a layout's ingest, which starts after
/// the source is made, counts what the store allocates and holds, not the source's buffers
/// (as the generator's sensor names are made with it).
#[derive(Debug)]
pub struct CsvSource {
    path: PathBuf,
    skip_invalid: bool,
    expected: Option<Fingerprint>,
    /// The buffers [`Source::stream`] reads in (taken while it reads).
    buffers: Option<Buffers>,
    /// The most readings the file can hold, for the store's size hint (0: unknown).
    rows: u64,
}

impl CsvSource {
    /// A source reading `path`; with `skip_invalid`, bad rows are skipped and counted.
    pub fn new(path: PathBuf, skip_invalid: bool) -> Self {
        CsvSource {
            path,
            skip_invalid,
            expected: None,
            buffers: Some(Buffers::new()),
            rows: 0,
        }
    }

    /// The same source, telling a store it will hold at most `rows` readings (what
    /// [`Source::expected_records`] says; see [`crate::source::SourceSpec::open`], which
    /// counts the file's lines).
    pub fn with_rows(self, rows: u64) -> Self {
        CsvSource { rows, ..self }
    }

    /// The same source, refusing to read the file unless it still has `fingerprint` when it
    /// is opened and after it is read (see [`crate::source::SourceSpec::prepare`]).
    pub fn expecting(self, fingerprint: Fingerprint) -> Self {
        CsvSource {
            expected: Some(fingerprint),
            ..self
        }
    }

    fn error(&self, line: u64, field: Option<&'static str>, problem: String) -> InputError {
        InputError {
            location: Location::Line {
                file: self.path.clone(),
                line,
            },
            field: field.map(Into::into),
            problem,
        }
    }

    /// Streams the readings of any reader (in buffers of its own).
    pub fn stream_from<R, E, F>(&self, input: R, sink: F) -> Result<Streamed, StreamError<E>>
    where
        R: Read,
        F: FnMut(&Reading<'_>) -> Result<(), E>,
    {
        self.read(&mut Records::new(input), sink)
    }

    /// Streams the readings `records` frames.
    fn read<R, E, F>(
        &self,
        records: &mut Records<R>,
        mut sink: F,
    ) -> Result<Streamed, StreamError<E>>
    where
        R: Read,
        F: FnMut(&Reading<'_>) -> Result<(), E>,
    {
        let next = |records: &mut Records<R>| {
            records
                .next()
                .map_err(|e| self.error(records.line(), None, format!("cannot read: {e}")))
        };

        let Some(header) = next(records)? else {
            let found = if records.read_any() {
                "only blank lines"
            } else {
                "an empty file"
            };
            return Err(self
                .error(
                    1,
                    None,
                    format!("expected the header {:?}, found {found}", HEADER.join(",")),
                )
                .into());
        };
        self.check_header(records, header)?;

        let mut units: FixedMap<Box<str>, (Unit, u64)> = FixedMap::default();
        let mut streamed = Streamed::default();
        while let Some(info) = next(records)? {
            let line = info.line;
            match parse_row(records, info, &units) {
                Ok(reading) => {
                    if !units.contains_key(reading.sensor_id) {
                        units.insert(reading.sensor_id.into(), (reading.unit, line));
                    }
                    sink(&reading).map_err(|error| StreamError::Sink {
                        location: Location::Line {
                            file: self.path.clone(),
                            line,
                        },
                        error,
                    })?;
                    streamed.records += 1;
                }
                Err(bad) => {
                    let error = self.error(line, bad.field, bad.problem);
                    if !self.skip_invalid {
                        return Err(error.into());
                    }
                    streamed.skipped += 1;
                    streamed
                        .first_skipped
                        .get_or_insert_with(|| error.to_string());
                }
            }
        }
        streamed.sensors = units.len() as u64;
        Ok(streamed)
    }

    fn check_header<R: Read>(
        &self,
        records: &Records<R>,
        header: RecordInfo,
    ) -> Result<(), InputError> {
        if header.too_long {
            return Err(self.error(header.line, None, too_long()));
        }
        let kept = (header.fields as usize).min(KEPT_FIELDS);
        if header.fields == HEADER.len() as u64
            && (0..kept).all(|i| records.field(i) == HEADER[i].as_bytes())
        {
            return Ok(());
        }
        let mut found: Vec<String> = (0..kept)
            .map(|i| String::from_utf8_lossy(records.field(i)).into_owned())
            .collect();
        if header.fields > kept as u64 {
            found.push(format!("… ({} fields)", header.fields));
        }
        Err(self.error(
            header.line,
            None,
            format!(
                "expected the header {:?}, found {}",
                HEADER.join(","),
                excerpt(&found.join(","))
            ),
        ))
    }
}

impl Source for CsvSource {
    fn expected_records(&self) -> usize {
        usize::try_from(self.rows).unwrap_or(usize::MAX)
    }

    fn stream<E, F>(&mut self, sink: F) -> Result<Streamed, StreamError<E>>
    where
        F: FnMut(&Reading<'_>) -> Result<(), E>,
    {
        let (file, opened) = file::open(&self.path, self.expected.as_ref())?;
        let buffers = self.buffers.take().unwrap_or_else(Buffers::new);
        let mut records = Records::with_buffers(&file, buffers);
        let streamed = self.read(&mut records, sink);
        self.buffers = Some(records.into_buffers());
        // A file written while it was read explains any error better than the error does.
        file::check_open(&self.path, &file, self.expected.as_ref().unwrap_or(&opened))?;
        streamed
    }
}

#[cfg(test)]
mod tests;
