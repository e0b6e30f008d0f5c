//! A user's record from CSV: a header of the record's leaf paths (`id,score,place.geo.lat`),
//! one record per row, every cell one leaf. It reads as the built-in CSV source does — a
//! regular file only, in bounded memory, counting the file's own lines, blank lines skipped —
//! and every bad row is an error naming the file, the line, the field's path and what was
//! expected.
//!
//! Only fields that fit a cell can be read: scalars, enums, `String`s, `Option`s of them (an
//! empty cell is `None`) and flattened records of those. A list, an array or an opaque field
//! does not; a record that has one is refused before any row is read, naming the field and
//! pointing to `.jsonl(path)`.

use std::path::Path;

use super::row::Row;
use super::{at_file, at_line, field_path, shorten, IngestError};
use crate::error::excerpt;
use crate::own::{FieldKind, LeafSchema, Record, StoreError};
use crate::source::csv::records::{Records, KEPT_FIELDS};

/// What a field of this kind is, when it does not fit a CSV cell.
fn misfit(kind: FieldKind) -> Option<&'static str> {
    match kind {
        FieldKind::Array => Some("an array"),
        FieldKind::List => Some("a list"),
        FieldKind::Opaque => Some("an opaque field"),
        _ => None,
    }
}

/// Refuses a record that CSV cannot hold, before the file is read: its header could not
/// name the field, whatever the file says.
fn check_fits<R: Record>(path: &Path, leaves: &[LeafSchema]) -> Result<(), IngestError> {
    let name = R::SCHEMA.name;
    if let Some((leaf, what)) = leaves.iter().find_map(|l| Some((l, misfit(l.field.kind)?))) {
        return Err(at_file(
            path,
            format!(
                "field `{}`: {} ({what}) does not fit a CSV cell; read {name} from a JSON Lines \
                 file with .jsonl(path) instead",
                leaf.path, leaf.field.ty
            ),
        )
        .into());
    }
    if leaves.len() > KEPT_FIELDS {
        return Err(at_file(
            path,
            format!(
                "{name} has {} fields (counting those of flattened records); CSV reads at most \
                 {KEPT_FIELDS}: read it from a JSON Lines file with .jsonl(path) instead",
                leaves.len()
            ),
        )
        .into());
    }
    Ok(())
}

/// Reads `path` as CSV with a header, one record per row, into `sink`: at most `limit`
/// records.
pub(crate) fn read_csv<R: Record + serde::de::DeserializeOwned>(
    path: &Path,
    limit: u64,
    sink: &mut dyn FnMut(R) -> Result<(), StoreError>,
) -> Result<u64, IngestError> {
    let leaves = R::SCHEMA.leaves();
    check_fits::<R>(path, &leaves)?;
    let expected: Vec<&str> = leaves.iter().map(|l| l.path.as_str()).collect();
    let error = |line: u64, field: Option<&str>, problem: String| {
        at_line(path, line, field.map(str::to_owned), problem)
    };
    let file = super::open(path, "a CSV file")?;
    let mut records = Records::new(std::io::BufReader::with_capacity(64 * 1024, file));
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
            let found = if records.read_any() {
                "only blank lines"
            } else {
                "an empty file"
            };
            return Err(error(
                1,
                None,
                format!(
                    "expected the header {:?}, found {found}",
                    expected.join(",")
                ),
            )
            .into());
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
        if info.fields != leaves.len() as u64 {
            return Err(error(
                info.line,
                None,
                format!(
                    "expected {} fields ({}), found {}",
                    leaves.len(),
                    expected.join(","),
                    info.fields
                ),
            )
            .into());
        }
        let mut cells = Vec::with_capacity(leaves.len());
        for (i, leaf) in leaves.iter().enumerate() {
            let text = std::str::from_utf8(records.field(i)).map_err(|e| {
                error(
                    info.line,
                    Some(&leaf.path),
                    format!(
                        "expected UTF-8 text, found a byte that is not UTF-8 at byte {}",
                        e.valid_up_to()
                    ),
                )
            })?;
            cells.push(text);
        }
        let record: R =
            serde_path_to_error::deserialize(Row::new(R::SCHEMA, &cells)).map_err(|e| {
                let field = field_path(e.path());
                error(
                    info.line,
                    field.as_deref(),
                    shorten(e.into_inner().to_string()),
                )
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
