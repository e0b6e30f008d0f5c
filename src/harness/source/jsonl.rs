//! A user's record from JSON Lines: one JSON object per line, read with serde_json into the
//! record's own `Deserialize` — a flattened record is a nested object, `None` is `null` (or
//! a missing key), an array or a list is a JSON array, an opaque field whatever its
//! `Deserialize` reads.
//!
//! Lines are read one at a time into one buffer, never the whole file: a line longer than
//! [`MAX_LINE_BYTES`] is an error once that much is read, so a file without line ends costs a
//! bounded read, not all memory. Line ends are `\n` or `\r\n` (the last line may have none);
//! a byte-order mark at the start is skipped, and so are blank lines (whitespace only), as
//! the CSV reader skips them — a trailing empty line is what editors write, not a record.
//! Every line counts, so the line an error names is the line of the file. Keys the record
//! does not have are ignored, as serde does unless the struct says
//! `#[serde(deny_unknown_fields)]`.

use std::io::{self, BufRead};
use std::path::Path;

use serde_json::error::Category;

use super::{at_file, at_line, field_path, shorten, IngestError};
use crate::own::{Record, Schema, StoreError};

/// Longest line accepted, in bytes, not counting its line end. Far more than CSV's 64 KiB: a
/// JSON record repeats its keys and carries its lists inline. Still a bound: the buffer
/// never grows past it.
pub(crate) const MAX_LINE_BYTES: usize = 1 << 20;

/// What [`Lines::next`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    /// Line `n` (1-based) is in the buffer.
    Line(u64),
    /// Line `n` is longer than [`MAX_LINE_BYTES`]; it was not read to its end.
    TooLong(u64),
    /// The end of the input.
    End,
}

/// The lines of a byte stream, each read into one reused buffer.
struct Lines<R> {
    input: R,
    buf: Vec<u8>,
    /// The number of the next line.
    line: u64,
}

impl<R: BufRead> Lines<R> {
    fn new(input: R) -> Self {
        Lines {
            input,
            buf: Vec::new(),
            line: 1,
        }
    }

    /// Reads the next line into the buffer (without its line end).
    fn next(&mut self) -> io::Result<Next> {
        self.buf.clear();
        let number = self.line;
        let mut any = false;
        loop {
            let available = match self.input.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                // A last line without a line end is a line.
                return Ok(if any { Next::Line(number) } else { Next::End });
            }
            any = true;
            let end = available.iter().position(|&b| b == b'\n');
            let take = end.unwrap_or(available.len());
            if self.buf.len() + take > MAX_LINE_BYTES {
                return Ok(Next::TooLong(number));
            }
            self.buf.extend_from_slice(&available[..take]);
            self.input.consume(take + usize::from(end.is_some()));
            if end.is_some() {
                self.line += 1;
                return Ok(Next::Line(number));
            }
        }
    }

    /// The line just read, without a `\r` before its `\n` or the byte-order mark that may
    /// start a file.
    fn text(&self, number: u64) -> &[u8] {
        let mut text = self.buf.strip_suffix(b"\r").unwrap_or(&self.buf);
        if number == 1 {
            text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
        }
        text
    }
}

/// Reads `path` as JSON Lines, one record per line, into `sink`: at most `limit` records.
pub(crate) fn read_jsonl<R: Record + serde::de::DeserializeOwned>(
    path: &Path,
    limit: u64,
    sink: &mut dyn FnMut(R) -> Result<(), StoreError>,
) -> Result<u64, IngestError> {
    let name = R::SCHEMA.name;
    let file = super::open(path, "a JSON Lines file")?;
    let mut lines = Lines::new(io::BufReader::with_capacity(64 * 1024, file));
    let (mut count, mut blank) = (0, 0);
    while count < limit {
        let line = match lines.next() {
            Ok(Next::Line(n)) => n,
            Ok(Next::End) => break,
            Ok(Next::TooLong(n)) => {
                return Err(at_line(
                    path,
                    n,
                    None,
                    format!(
                        "longer than {MAX_LINE_BYTES} bytes; not a record of {name} (one JSON \
                         object per line)"
                    ),
                )
                .into())
            }
            Err(e) => {
                return Err(at_line(path, lines.line, None, format!("cannot read: {e}")).into())
            }
        };
        let bytes = lines.text(line);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            blank += 1;
            continue;
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            at_line(
                path,
                line,
                None,
                format!(
                    "expected UTF-8 text, found a byte that is not UTF-8 at column {}",
                    e.valid_up_to() + 1
                ),
            )
        })?;
        let record =
            parse::<R>(text).map_err(|(field, problem)| at_line(path, line, field, problem))?;
        sink(record)?;
        count += 1;
    }
    if count == 0 && limit > 0 {
        // Zero records would be measured as a report of zeros that looks like a result.
        let found = if blank == 0 {
            "the file is empty"
        } else {
            "the file has only blank lines"
        };
        return Err(at_file(
            path,
            format!("no records: {found}; at least one line of {name} is needed to measure"),
        )
        .into());
    }
    Ok(count)
}

/// One line's record, or the path of the field at fault (if one is) and what is wrong.
fn parse<R: Record + serde::de::DeserializeOwned>(
    text: &str,
) -> Result<R, (Option<String>, String)> {
    let mut de = serde_json::Deserializer::from_str(text);
    let record: R = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let field = field_path(e.path());
        problem(R::SCHEMA, field, e.inner())
    })?;
    // One record per line: anything after it is a second value or garbage.
    de.end().map_err(|e| {
        (
            None,
            format!(
                "more after the record at column {}: one JSON object per line",
                e.column()
            ),
        )
    })?;
    Ok(record)
}

/// The field at fault and what is wrong, from serde_json's error at `field`: its message
/// without the position (`line 1` of a one-line document says nothing), the column kept for
/// malformed JSON, and a missing key named by its full path with the type it should hold.
fn problem(
    schema: &Schema,
    field: Option<String>,
    e: &serde_json::Error,
) -> (Option<String>, String) {
    let message = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    let message = message.strip_suffix(&position).unwrap_or(&message);
    match e.classify() {
        Category::Syntax | Category::Eof => (
            field,
            shorten(format!(
                "not valid JSON at column {}: {message}",
                e.column()
            )),
        ),
        Category::Io => (field, format!("cannot read: {message}")),
        Category::Data => {
            let named = |prefix: &str| {
                let name = message.strip_prefix(prefix)?;
                let (name, rest) = name.split_once('`')?;
                let path = match &field {
                    Some(parent) => format!("{parent}.{name}"),
                    None => name.to_owned(),
                };
                Some((path, rest))
            };
            if let Some((path, "")) = named("missing field `") {
                let problem = match type_at(schema, &path) {
                    Some(ty) => format!("missing: expected {ty}"),
                    None => "missing".to_owned(),
                };
                return (Some(path), problem);
            }
            // serde_path_to_error's path already ends at an unknown key: it was read.
            if let Some(rest) = message.strip_prefix("unknown field `") {
                let rest = rest.split_once("`, ").map_or("", |(_, rest)| rest);
                return (field, shorten(format!("unknown field, {rest}")));
            }
            (field, shorten(message.to_owned()))
        }
    }
}

/// The type, as written in the struct, of the field at `path` (`place.geo.lat`).
fn type_at(schema: &Schema, path: &str) -> Option<&'static str> {
    let (first, rest) = match path.split_once('.') {
        Some((first, rest)) => (first, Some(rest)),
        None => (path, None),
    };
    let field = schema.field(first)?;
    match (rest, field.nested) {
        (None, _) => Some(field.ty),
        (Some(rest), Some(nested)) => type_at(nested, rest),
        (Some(_), None) => None,
    }
}
