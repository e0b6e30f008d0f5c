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

pub(crate) mod records;

use std::io::Read;
use std::path::PathBuf;

use self::records::{RecordInfo, Records, KEPT_FIELDS};
use crate::error::{excerpt, InputError, Location, StreamError};
use crate::hash::FixedMap;
use crate::record::{check_sensor_id, Reading, Unit, MAX_ID_LEN};
use crate::source::file::{self, Fingerprint};
use crate::source::{Source, Streamed};

pub use self::records::MAX_RECORD_BYTES;

/// The one accepted header.
pub const HEADER: [&str; 4] = ["sensor_id", "timestamp", "value", "unit"];

/// Readings from a CSV file.
#[derive(Debug)]
pub struct CsvSource {
    path: PathBuf,
    skip_invalid: bool,
    expected: Option<Fingerprint>,
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

/// Why a record longer than [`MAX_RECORD_BYTES`] is refused.
fn too_long() -> String {
    format!(
        "longer than {MAX_RECORD_BYTES} bytes; a reading is at most {MAX_RECORD_BYTES} bytes \
         (a sensor id of at most {MAX_ID_LEN} bytes, two numbers and a unit), so this is not a \
         CSV file of readings or a quote is left open"
    )
}

impl CsvSource {
    /// A source reading `path`; with `skip_invalid`, bad rows are skipped and counted.
    pub fn new(path: PathBuf, skip_invalid: bool) -> Self {
        CsvSource {
            path,
            skip_invalid,
            expected: None,
        }
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
        let mut records = Records::new(input);
        let next = |records: &mut Records<R>| {
            records
                .next()
                .map_err(|e| self.error(records.line(), None, format!("cannot read: {e}")))
        };

        let Some(header) = next(&mut records)? else {
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
        self.check_header(&records, header)?;

        let mut units: FixedMap<Box<str>, (Unit, u64)> = FixedMap::default();
        let mut streamed = Streamed::default();
        while let Some(info) = next(&mut records)? {
            let line = info.line;
            match parse_row(&records, info, &units) {
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

fn parse_row<'r, R: Read>(
    records: &'r Records<R>,
    info: RecordInfo,
    units: &FixedMap<Box<str>, (Unit, u64)>,
) -> Result<Reading<'r>, RowError> {
    if info.too_long {
        return Err(RowError {
            field: None,
            problem: too_long(),
        });
    }
    if info.fields != HEADER.len() as u64 {
        return Err(RowError {
            field: None,
            problem: format!(
                "expected 4 fields ({}), found {}",
                HEADER.join(","),
                info.fields
            ),
        });
    }
    let sensor_id = utf8(records.field(0), "sensor_id")?;
    let timestamp = utf8(records.field(1), "timestamp")?;
    let value = utf8(records.field(2), "value")?;
    let unit = utf8(records.field(3), "unit")?;

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
        let (file, opened) = file::open(&self.path, self.expected.as_ref())?;
        let streamed = self.stream_from(&file, sink);
        // A file written while it was read explains any error better than the error does.
        file::check_open(&self.path, &file, self.expected.as_ref().unwrap_or(&opened))?;
        streamed
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

    /// The line an error names, for `text` with `{}` standing for line ends of each kind.
    fn error_line(text: &str, skip: bool) -> Vec<(String, String)> {
        ["\n", "\r\n", "\r"]
            .into_iter()
            .map(|end| {
                let bytes = text.replace("{}", end);
                let message = if skip {
                    collect(bytes.as_bytes(), true)
                        .unwrap()
                        .1
                        .first_skipped
                        .unwrap()
                } else {
                    collect(bytes.as_bytes(), false).unwrap_err()
                };
                (format!("{end:?}"), message)
            })
            .collect()
    }

    #[test]
    fn errors_name_the_physical_line_whatever_the_line_ends() {
        let h = "sensor_id,timestamp,value,unit";
        let cases = [
            // Plain: the bad row is line 3.
            (
                format!("{h}{{}}A,1,2,C{{}}A,1,x,C{{}}"),
                "line 3: field `value`",
            ),
            // Blank lines before the header, between rows and at the end.
            (
                format!("{{}}{{}}{h}{{}}A,1,2,C{{}}{{}}{{}}A,1,x,C{{}}{{}}"),
                "line 7: field `value`",
            ),
            // A quoted field spanning lines: the row that starts on line 3 is the bad one.
            (
                format!("{h}{{}}A,1,2,C{{}}A,\"1{{}}2\",3,C{{}}B,1,x,C{{}}"),
                "line 3: field `timestamp`",
            ),
            // After such a row, lines still count.
            (
                format!("{h}{{}}A,1,2,\"C\"{{}}A,1,\"2\",C{{}}B,1,x,C{{}}"),
                "line 4: field `value`",
            ),
            (
                format!("{h}{{}}A,\"1\",\"x{{}}{{}}y\",C{{}}"),
                "line 2: field `value`",
            ),
            // A byte-order mark, then a blank line.
            (
                format!("\u{feff}{{}}{h}{{}}A,1,x,C{{}}"),
                "line 3: field `value`",
            ),
            // The header's own line.
            (
                "{}{}{}id,timestamp,value,unit{}".to_owned(),
                "line 4: expected the header",
            ),
            // Field counts.
            (format!("{h}{{}}{{}}A,1,2{{}}"), "line 3: expected 4 fields"),
        ];
        for (text, expected) in &cases {
            for (end, message) in error_line(text, false) {
                assert!(
                    message.contains(expected),
                    "{end}: {message:?} should contain {expected:?}"
                );
            }
            if !expected.contains("header") {
                for (end, message) in error_line(text, true) {
                    assert!(message.contains(expected), "{end}, skipping: {message:?}");
                }
            }
        }
    }

    #[test]
    fn only_blank_lines_are_not_a_header() {
        let err = collect(b"\n\r\n\n", false).unwrap_err();
        assert!(err.ends_with("found only blank lines"), "{err}");
    }

    #[test]
    fn an_overlong_header_or_row_is_an_error_naming_the_limit() {
        let expected = format!(
            "t.csv: line 1: longer than {MAX_RECORD_BYTES} bytes; a reading is at most \
             {MAX_RECORD_BYTES} bytes"
        );
        for header in [
            vec![0u8; 3 * MAX_RECORD_BYTES],
            format!("\"{}", "sensor_id\n".repeat(MAX_RECORD_BYTES)).into_bytes(),
        ] {
            let err = collect(&header, false).unwrap_err();
            assert!(err.starts_with(&expected), "{err}");
            assert!(!err.contains('\n'));
        }
        let mut text = b"sensor_id,timestamp,value,unit\n".to_vec();
        text.extend(std::iter::repeat_n(b'7', MAX_RECORD_BYTES + 1));
        text.extend(b"\nA,1,2,C\n");
        let err = collect(&text, false).unwrap_err();
        assert!(err.contains("line 2: longer than"), "{err}");
        // Skipped like any bad row; the rows after it are read.
        let (rows, streamed) = collect(&text, true).unwrap();
        assert_eq!((rows.len(), streamed.skipped), (1, 1));
        assert!(streamed
            .first_skipped
            .unwrap()
            .contains("line 2: longer than"));
    }

    #[test]
    fn a_bad_header_shows_what_it_found() {
        let err = collect(b"a,b,c,d,e,f,g,h,i,j\n", false).unwrap_err();
        assert!(err.contains("found \"a,b,c,d,e,f,g,h,i,j\""), "{err}");
        // A long header is shown cut short, on one line.
        let many: Vec<String> = (0..KEPT_FIELDS + 2).map(|i| format!("f{i}")).collect();
        let err = collect(format!("{}\n", many.join(",")).as_bytes(), false).unwrap_err();
        assert!(
            err.contains("found \"f0,f1,f2") && err.contains('…'),
            "{err}"
        );
        assert!(!err.contains('\n'));
    }
}
