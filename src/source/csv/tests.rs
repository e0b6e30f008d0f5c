//! The CSV source's tests: every way a file or a row can be wrong, and the line an error
//! names whatever the line ends.

use super::records::KEPT_FIELDS;
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
