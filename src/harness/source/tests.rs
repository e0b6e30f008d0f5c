//! The file sources on records with every field kind of issue 18: what they read is what a
//! generator would make, and each bad line or row is one exact message naming the file, the
//! line, the field's path and what was expected.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{read_csv, read_jsonl, IngestError};
use crate::{Record, Scalar};

include!("../../../tests/fixtures/place.rs");

/// Every kind JSON Lines reads: `Option`s, an array, lists, `Vec<String>`, a flattened record
/// two levels deep.
#[derive(Record, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Full {
    pub id: u64,
    pub score: Option<f64>,
    #[record(intern = u8)]
    pub note: Option<String>,
    pub side: Option<Side>,
    pub rgb: [u8; 3],
    pub samples: Vec<u32>,
    pub weights: Box<[f32]>,
    pub tags: Vec<String>,
    #[record(flatten)]
    pub place: Place,
}

/// Every kind that fits a CSV cell, a flattened record two levels deep among them.
#[derive(Record, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cells {
    pub id: u64,
    pub score: Option<f64>,
    pub note: Option<String>,
    pub label: String,
    pub side: Option<Side>,
    pub big: u128,
    #[record(flatten)]
    pub place: Place,
}

/// A record whose author wants to hear about keys it does not have.
#[derive(Record, Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Strict {
    pub id: u32,
    #[record(flatten)]
    pub geo: Geo,
}

/// Only a list does not fit a cell.
#[derive(Record, Clone, Debug, PartialEq, Deserialize)]
pub struct Tagged {
    pub id: u32,
    pub tags: Vec<String>,
}

fn place(i: u64) -> Place {
    Place {
        geo: Geo {
            lat: i as f64 * 0.25 - 3.0,
            lon: 1.0 / (i as f64 + 3.0),
        },
        alt: (i % 3 != 0).then(|| i as i32 - 7),
        name: ["", "north", "Zürich, \"old\" town"][(i % 3) as usize].to_owned(),
    }
}

fn full(i: u64) -> Full {
    Full {
        id: i,
        score: (i % 4 != 1).then(|| i as f64 / 7.0),
        note: [None, Some(String::new()), Some("n\u{e9}e".to_owned())][(i % 3) as usize].clone(),
        side: [None, Some(Side::Buy), Some(Side::Sell)][(i % 3) as usize],
        rgb: [i as u8, 255, (i * 7) as u8],
        samples: (0..i % 5).map(|k| (k * i) as u32).collect(),
        weights: (0..i % 3).map(|k| k as f32 * 0.1).collect(),
        tags: (0..i % 4).map(|k| format!("t{k}")).collect(),
        place: place(i),
    }
}

fn temp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("layoutlab-source-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

type Reader<R> = fn(
    &Path,
    u64,
    &mut dyn FnMut(R) -> Result<(), crate::own::StoreError>,
) -> Result<u64, IngestError>;

fn read<R>(read: Reader<R>, path: &Path, limit: u64) -> Result<Vec<R>, String> {
    let mut out = Vec::new();
    read(path, limit, &mut |r| {
        out.push(r);
        Ok(())
    })
    .map_err(|e| e.into_anyhow().to_string())?;
    Ok(out)
}

/// The error reading `bytes` as the file `name`, with the file's path as `{file}`.
fn error<R: std::fmt::Debug>(reader: Reader<R>, name: &str, bytes: &[u8]) -> String {
    let path = temp(name, bytes);
    let e = read(reader, &path, u64::MAX).expect_err(name);
    e.replace(&path.display().to_string(), "{file}")
}

#[test]
fn jsonl_reads_every_kind_as_the_generator_made_it() {
    let made: Vec<Full> = (0..40).map(full).collect();
    let mut text = "\u{feff}".to_owned();
    for (i, r) in made.iter().enumerate() {
        text += &serde_json::to_string(r).unwrap();
        // CRLF and LF line ends, blank lines between records, no line end after the last.
        match i % 4 {
            _ if i + 1 == made.len() => {}
            0 => text += "\r\n",
            1 => text += "\n\n  \t\n",
            _ => text += "\n",
        }
    }
    let path = temp("full.jsonl", text.as_bytes());
    assert_eq!(read(read_jsonl::<Full>, &path, u64::MAX).unwrap(), made);
    // At most `limit` records, in order.
    assert_eq!(read(read_jsonl::<Full>, &path, 3).unwrap(), made[..3]);
}

#[test]
fn jsonl_takes_null_or_a_missing_key_as_none_and_ignores_unknown_keys() {
    let line = r#"{"id":7,"score":null,"side":null,"rgb":[1,2,3],"samples":[],"weights":[],
        "tags":["a"],"colour":"red","place":{"geo":{"lat":1.5,"lon":-2,"x":[1]},"alt":null,
        "name":""}}"#
        .replace('\n', "");
    let path = temp("none.jsonl", line.as_bytes());
    let got = read(read_jsonl::<Full>, &path, u64::MAX).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].score, &got[0].note, got[0].side),
        (None, &None, None)
    );
    assert_eq!(got[0].place.geo.lon, -2.0);
    assert_eq!(
        error(
            read_jsonl::<Strict>,
            "strict.jsonl",
            b"{\"id\":1,\"geo\":{\"lat\":1,\"lon\":2}}\n{\"id\":1,\"alt\":3,\"geo\":{}}\n"
        ),
        "{file}: line 2: field `alt`: unknown field, expected `id` or `geo`"
    );
}

#[test]
fn each_bad_jsonl_line_names_its_line_and_field_path() {
    let good = serde_json::to_string(&full(2)).unwrap();
    let with = |from: &str, to: &str| {
        assert!(good.contains(from), "{from} not in {good}");
        format!("{good}\n{}\n", good.replacen(from, to, 1))
    };
    // serde_json's columns count bytes, from 1.
    let after = format!(
        "{{file}}: line 2: more after the record at column {}: one JSON object per line",
        good.len() + 2
    );
    let cases: Vec<(String, &str)> = vec![
        (
            with(r#""lat":-2.5"#, r#""lat":"north""#),
            "{file}: line 2: field `place.geo.lat`: invalid type: string \"north\", expected f64",
        ),
        (
            with(r#","lon":0.2"#, ""),
            "{file}: line 2: field `place.geo.lon`: missing: expected f64",
        ),
        (
            with(r#""id":2,"#, ""),
            "{file}: line 2: field `id`: missing: expected u64",
        ),
        (
            with(r#""tags":["t0","t1"]"#, r#""tags":["t0",2]"#),
            "{file}: line 2: field `tags[1]`: invalid type: integer `2`, expected a string",
        ),
        (
            with(r#""rgb":[2,255,14]"#, r#""rgb":[2,255,300]"#),
            "{file}: line 2: field `rgb[2]`: invalid value: integer `300`, expected u8",
        ),
        (
            with(r#""rgb":[2,255,14]"#, r#""rgb":[2,255]"#),
            "{file}: line 2: field `rgb`: invalid length 2, expected an array of length 3",
        ),
        (
            with(r#""side":"Sell""#, r#""side":"Bid""#),
            "{file}: line 2: field `side`: unknown variant `Bid`, expected `Buy` or `Sell`",
        ),
        (
            format!("{good}\n{{\"id\":1,\n"),
            "{file}: line 2: not valid JSON at column 8: EOF while parsing a value",
        ),
        (format!("{good}\n{good} {{}}\n"), &after),
        (
            format!("{good}\n\"text\"\n"),
            "{file}: line 2: invalid type: string \"text\", expected struct Full",
        ),
        (
            format!("{good}\n42\n"),
            "{file}: line 2: invalid type: integer `42`, expected struct Full",
        ),
        (
            format!("{good}\nnull\n"),
            "{file}: line 2: invalid type: null, expected struct Full",
        ),
        (
            format!("{good}\nhello\n"),
            "{file}: line 2: not valid JSON at column 1: expected value",
        ),
        (
            String::new(),
            "{file}: no records: the file is empty; at least one line of Full is needed to \
             measure",
        ),
        (
            "\n  \r\n\n".to_owned(),
            "{file}: no records: the file has only blank lines; at least one line of Full is \
             needed to measure",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(
            error(read_jsonl::<Full>, "bad.jsonl", text.as_bytes()),
            expected,
            "{text}"
        );
    }
}

#[test]
fn a_jsonl_line_that_is_not_utf8_or_too_long_is_refused_after_a_bounded_read() {
    let good = serde_json::to_string(&full(1)).unwrap();
    let mut bytes = format!("{good}\n\n{{\"id\":1,\"place\":\"").into_bytes();
    bytes.extend_from_slice(b"\xff\"}\n");
    assert_eq!(
        error(read_jsonl::<Full>, "utf8.jsonl", &bytes),
        "{file}: line 3: expected UTF-8 text, found a byte that is not UTF-8 at column 18"
    );
    // A line of 4 MiB: refused once 1 MiB of it is read, naming its line.
    let mut long = format!("{good}\n").into_bytes();
    long.resize(long.len() + (4 << 20), b' ');
    assert_eq!(
        error(read_jsonl::<Full>, "long.jsonl", &long),
        "{file}: line 2: longer than 1048576 bytes; not a record of Full (one JSON object per \
         line)"
    );
    let dir = temp("dir.jsonl", b"").with_file_name("a-directory.jsonl");
    std::fs::create_dir_all(&dir).unwrap();
    let e = read(read_jsonl::<Full>, &dir, 1).unwrap_err();
    assert!(
        e.ends_with("not a regular file (a directory): expected a JSON Lines file"),
        "{e}"
    );
}

fn cells(i: u64) -> Cells {
    Cells {
        id: i,
        score: (i % 2 == 0).then_some(i as f64 + 0.5),
        // CSV cannot tell `Some("")` from `None`: an empty cell is `None`.
        note: (i % 3 != 0).then(|| format!("note {i}")),
        label: if i % 2 == 0 {
            String::new()
        } else {
            "x,y".to_owned()
        },
        side: [None, Some(Side::Buy), Some(Side::Sell)][(i % 3) as usize],
        big: u128::MAX - u128::from(i),
        place: place(i),
    }
}

/// One CSV row of `r`, quoting every text cell.
fn row(r: &Cells) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let opt = |v: Option<String>| v.unwrap_or_default();
    [
        r.id.to_string(),
        opt(r.score.map(|s| s.to_string())),
        opt(r.note.as_deref().map(q)),
        q(&r.label),
        opt(r.side.map(|s| format!("{s:?}"))),
        r.big.to_string(),
        r.place.geo.lat.to_string(),
        r.place.geo.lon.to_string(),
        opt(r.place.alt.map(|a| a.to_string())),
        q(&r.place.name),
    ]
    .join(",")
}

const CELLS_HEADER: &str = "id,score,note,label,side,big,place.geo.lat,place.geo.lon,place.alt,\
                            place.name";

#[test]
fn csv_reads_options_as_empty_cells_and_flattened_fields_as_dotted_columns() {
    let made: Vec<Cells> = (0..30).map(cells).collect();
    let mut text = format!("{CELLS_HEADER}\r\n");
    for r in &made {
        text += &row(r);
        text += "\r\n";
    }
    let path = temp("cells.csv", text.as_bytes());
    assert_eq!(read(read_csv::<Cells>, &path, u64::MAX).unwrap(), made);
    // A flat record reads as it always did: NaN, hex integers, an empty `String`.
    let flat = temp("geo.csv", b"lat,lon\nNaN,-inf\n");
    let geo = read(read_csv::<Geo>, &flat, u64::MAX).unwrap();
    assert!(geo[0].lat.is_nan() && geo[0].lon == f64::NEG_INFINITY);
}

#[test]
fn each_bad_csv_row_names_its_line_and_field_path() {
    let good = row(&cells(4));
    let with = |from: &str, to: &str| {
        assert!(good.contains(from), "{from} not in {good}");
        format!("{CELLS_HEADER}\n{good}\n{}\n", good.replacen(from, to, 1))
    };
    let cases: Vec<(String, &str)> = vec![
        (
            with(",-2,", ",north,"),
            "{file}: line 3: field `place.geo.lat`: expected f64, found \"north\" (invalid float \
             literal)",
        ),
        (
            with("4.5", "x"),
            "{file}: line 3: field `score`: expected f64 or an empty cell (None), found \"x\" \
             (invalid float literal)",
        ),
        (
            with(",Buy,", ",Bid,"),
            "{file}: line 3: field `side`: unknown variant `Bid`, expected `Buy` or `Sell`",
        ),
        (
            with(",-3,", ",-3.5,"),
            "{file}: line 3: field `place.alt`: expected i32 or an empty cell (None), found \
             \"-3.5\" (invalid digit found in string)",
        ),
        (
            with("4,", ","),
            "{file}: line 3: field `id`: expected u64, found an empty cell (cannot parse \
             integer from empty string)",
        ),
        (
            with(",\"\"", ""),
            "{file}: line 3: expected 10 fields (id,score,note,label,side,big,place.geo.lat,\
             place.geo.lon,place.alt,place.name), found 9",
        ),
        (
            good.replace("4,", "4\n"),
            "{file}: line 1: expected the header \"id,score,note,label,side,big,place.geo.lat,\
             place.geo.lon,place.alt,place.name\" (the fields of Cells), found \"4\"",
        ),
        (
            format!("{CELLS_HEADER}\n"),
            "{file}: line 2: no records after the header: at least one row of Cells is needed \
             to measure",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(
            error(read_csv::<Cells>, "bad.csv", text.as_bytes()),
            expected,
            "{text}"
        );
    }
}

#[test]
fn csv_refuses_a_record_with_a_field_that_does_not_fit_a_cell_and_points_to_jsonl() {
    // Whatever the file holds: the header could not name the field.
    assert_eq!(
        error(read_csv::<Tagged>, "tagged.csv", b"id,tags\n1,a\n"),
        "{file}: field `tags`: Vec<String> (a list) does not fit a CSV cell; read Tagged from a \
         JSON Lines file with .jsonl(path) instead"
    );
    assert_eq!(
        error(read_csv::<Full>, "full.csv", b""),
        "{file}: field `rgb`: [u8; 3] (an array) does not fit a CSV cell; read Full from a JSON \
         Lines file with .jsonl(path) instead"
    );
}
