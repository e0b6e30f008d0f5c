//! The CSV source: `sensor_id,timestamp,value,unit`, one reading per line, strictly checked.
//!
//! Every way a row can be wrong is reported with the file, the line, the field and what was
//! expected. With `skip_invalid`, bad rows are counted and left out instead, and the result
//! is exactly that of the same file without them (a row's unit only registers once the whole
//! row is valid, so a skipped row never decides a sensor's unit).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::PathBuf;

use crate::error::{excerpt, InputError, Location, StreamError};
use crate::hash::FixedMap;
use crate::record::{check_sensor_id, Reading, Unit};
use crate::source::{Source, Streamed};

/// The one accepted header.
pub const HEADER: [&str; 4] = ["sensor_id", "timestamp", "value", "unit"];

/// Readings from a CSV file.
#[derive(Debug)]
pub struct CsvSource {
    path: PathBuf,
    skip_invalid: bool,
}

/// A bad row: which field (if one) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RowError {
    field: Option<&'static str>,
    problem: String,
}

impl RowError {
    fn field(field: &'static str, problem: String) -> Self {
        RowError {
            field: Some(field),
            problem,
        }
    }
}

impl CsvSource {
    /// A source reading `path`; with `skip_invalid`, bad rows are skipped and counted.
    pub fn new(path: PathBuf, skip_invalid: bool) -> Self {
        CsvSource { path, skip_invalid }
    }

    fn error(&self, line: u64, field: Option<&'static str>, problem: String) -> InputError {
        InputError {
            location: Location::Line {
                file: self.path.clone(),
                line,
            },
            field,
            problem,
        }
    }

    /// Streams the readings of any reader; `stream` calls this on the opened file.
    pub fn stream_from<R, E, F>(&self, input: R, mut sink: F) -> Result<Streamed, StreamError<E>>
    where
        R: Read,
        F: FnMut(&Reading<'_>) -> Result<(), E>,
    {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        let mut row = csv::ByteRecord::new();
        let read = |reader: &mut csv::Reader<R>, row: &mut csv::ByteRecord| {
            reader.read_byte_record(row).map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                self.error(line, None, format!("cannot read: {e}"))
            })
        };

        if !read(&mut reader, &mut row)? {
            return Err(self
                .error(
                    1,
                    None,
                    format!(
                        "expected the header {:?}, found an empty file",
                        HEADER.join(",")
                    ),
                )
                .into());
        }
        self.check_header(&row)?;

        let mut units: FixedMap<Box<str>, (Unit, u64)> = FixedMap::default();
        let mut streamed = Streamed::default();
        while read(&mut reader, &mut row)? {
            let line = row.position().map_or(0, |p| p.line());
            match parse_row(&row, &units) {
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

    fn check_header(&self, row: &csv::ByteRecord) -> Result<(), InputError> {
        let line = row.position().map_or(1, |p| p.line());
        let fields: Vec<&[u8]> = row.iter().collect();
        let mut ok = fields.len() == HEADER.len();
        for (i, (found, expected)) in fields.iter().zip(HEADER).enumerate() {
            // Spreadsheet exports often start with a UTF-8 byte-order mark; it is not data.
            let found = if i == 0 {
                found.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(found)
            } else {
                found
            };
            ok &= found == expected.as_bytes();
        }
        if ok {
            return Ok(());
        }
        let found: Vec<String> = fields
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect();
        Err(self.error(
            line,
            None,
            format!(
                "expected the header {:?}, found {}",
                HEADER.join(","),
                excerpt(&found.join(","))
            ),
        ))
    }
}

fn utf8<'r>(bytes: &'r [u8], field: &'static str) -> Result<&'r str, RowError> {
    std::str::from_utf8(bytes).map_err(|e| {
        RowError::field(
            field,
            format!(
                "expected UTF-8 text, found a byte that is not UTF-8 at byte {}",
                e.valid_up_to()
            ),
        )
    })
}

fn parse_row<'r>(
    row: &'r csv::ByteRecord,
    units: &FixedMap<Box<str>, (Unit, u64)>,
) -> Result<Reading<'r>, RowError> {
    if row.len() != HEADER.len() {
        return Err(RowError {
            field: None,
            problem: format!(
                "expected 4 fields ({}), found {}",
                HEADER.join(","),
                row.len()
            ),
        });
    }
    let sensor_id = utf8(&row[0], "sensor_id")?;
    let timestamp = utf8(&row[1], "timestamp")?;
    let value = utf8(&row[2], "value")?;
    let unit = utf8(&row[3], "unit")?;

    check_sensor_id(sensor_id)
        .map_err(|e| RowError::field("sensor_id", format!("{e} in {}", excerpt(sensor_id))))?;
    let timestamp = match timestamp.parse::<f64>() {
        Ok(t) if t.is_finite() => t,
        _ => {
            return Err(RowError::field(
                "timestamp",
                format!(
                    "expected a finite number of seconds since the Unix epoch, found {}",
                    excerpt(timestamp)
                ),
            ))
        }
    };
    let value = value.parse::<f64>().map_err(|_| {
        RowError::field(
            "value",
            format!(
                "expected a number (NaN, inf and -inf are allowed), found {}",
                excerpt(value)
            ),
        )
    })?;
    let unit = unit
        .parse::<Unit>()
        .map_err(|e| RowError::field("unit", format!("{e}, found {}", excerpt(unit))))?;
    if let Some(&(first, since)) = units.get(sensor_id) {
        if first != unit {
            return Err(RowError::field(
                "unit",
                format!(
                    "sensor {sensor_id} has unit {first} since line {since}; a sensor keeps one unit, found {unit}"
                ),
            ));
        }
    }
    Ok(Reading {
        sensor_id,
        timestamp,
        value,
        unit,
    })
}

impl Source for CsvSource {
    fn expected_records(&self) -> usize {
        0
    }

    fn stream<E, F>(&mut self, sink: F) -> Result<Streamed, StreamError<E>>
    where
        F: FnMut(&Reading<'_>) -> Result<(), E>,
    {
        let file = File::open(&self.path).map_err(|e| InputError {
            location: Location::File(self.path.clone()),
            field: None,
            problem: format!("cannot open: {e}"),
        })?;
        self.stream_from(BufReader::with_capacity(64 * 1024, file), sink)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Rows = Vec<(String, f64, f64, Unit)>;

    fn collect(text: &[u8], skip: bool) -> Result<(Rows, Streamed), String> {
        let source = CsvSource::new("t.csv".into(), skip);
        let mut rows = Vec::new();
        source
            .stream_from(text, |r| -> Result<(), std::convert::Infallible> {
                rows.push((r.sensor_id.to_owned(), r.timestamp, r.value, r.unit));
                Ok(())
            })
            .map(|s| (rows, s))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn reads_valid_rows_including_non_finite_values() {
        let text = b"sensor_id,timestamp,value,unit\nA,1,21.5,C\nB,2,NaN,%\nA,3,-inf,C\n";
        let (rows, streamed) = collect(text, false).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0], ("A".into(), 1.0, 21.5, Unit::Celsius));
        assert!(rows[1].2.is_nan());
        assert_eq!(rows[2].2, f64::NEG_INFINITY);
        assert_eq!(streamed.records, 3);
    }

    #[test]
    fn every_bad_row_names_line_and_field() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "t.csv: line 1: expected the header"),
            (
                b"id,timestamp,value,unit\n",
                "t.csv: line 1: expected the header",
            ),
            (
                b"sensor_id,timestamp,value,unit\nA,1,2\n",
                "line 2: expected 4 fields",
            ),
            (
                b"sensor_id,timestamp,value,unit\nA,1,2,C,x\n",
                "line 2: expected 4 fields",
            ),
            (
                b"sensor_id,timestamp,value,unit\nA,x,2,C\n",
                "line 2: field `timestamp`",
            ),
            (
                b"sensor_id,timestamp,value,unit\nA,inf,2,C\n",
                "line 2: field `timestamp`",
            ),
            (
                b"sensor_id,timestamp,value,unit\nA,1,abc,C\n",
                "line 2: field `value`",
            ),
            (
                b"sensor_id,timestamp,value,unit\nA,1,2,K\n",
                "line 2: field `unit`",
            ),
            (
                b"sensor_id,timestamp,value,unit\n,1,2,C\n",
                "line 2: field `sensor_id`",
            ),
            (
                b"sensor_id,timestamp,value,unit\na b,1,2,C\n",
                "line 2: field `sensor_id`",
            ),
            (
                b"sensor_id,timestamp,value,unit\n\xff,1,2,C\n",
                "line 2: field `sensor_id`: expected UTF-8",
            ),
            (
                b"sensor_id,timestamp,value,unit\nA,1,2,C\nA,2,3,%\n",
                "line 3: field `unit`: sensor A has unit C since line 2",
            ),
        ];
        for (text, expected) in cases {
            let err = collect(text, false).unwrap_err();
            assert!(
                err.contains(expected),
                "{err:?} should contain {expected:?}"
            );
            assert!(!err.contains('\n'));
        }
        let long = format!("sensor_id,timestamp,value,unit\n{},1,2,C\n", "x".repeat(33));
        let err = collect(long.as_bytes(), false).unwrap_err();
        assert!(err.contains("at most 32 bytes, found 33"), "{err}");
    }

    #[test]
    fn skipping_gives_the_file_without_the_bad_rows() {
        let dirty = b"sensor_id,timestamp,value,unit\nA,1,2,C\nB,x,1,C\nA,2,3,%\nA,3,4,C\n";
        let clean = b"sensor_id,timestamp,value,unit\nA,1,2,C\nA,3,4,C\n";
        let (dirty_rows, streamed) = collect(dirty, true).unwrap();
        let (clean_rows, _) = collect(clean, true).unwrap();
        assert_eq!(dirty_rows, clean_rows);
        assert_eq!(streamed.skipped, 2);
        assert!(streamed.first_skipped.unwrap().contains("line 3"));
    }

    #[test]
    fn a_skipped_row_never_decides_a_unit() {
        let text = b"sensor_id,timestamp,value,unit\nA,bad,2,%\nA,1,2,C\n";
        let (rows, streamed) = collect(text, true).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(streamed.skipped, 1);
    }

    #[test]
    fn header_may_carry_a_byte_order_mark() {
        let text = b"\xEF\xBB\xBFsensor_id,timestamp,value,unit\nA,1,2,C\n";
        assert_eq!(collect(text, false).unwrap().0.len(), 1);
    }
}
