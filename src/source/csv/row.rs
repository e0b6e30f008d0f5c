//! One data row of the CSV source, checked field by field: the reading it holds, or which
//! field is wrong and what was expected.

use std::io::Read;

use super::records::{RecordInfo, Records, MAX_RECORD_BYTES};
use super::HEADER;
use crate::error::excerpt;
use crate::hash::FixedMap;
use crate::record::{check_sensor_id, Reading, Unit, MAX_ID_LEN};

/// A bad row: which field (if one) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RowError {
    pub(super) field: Option<&'static str>,
    pub(super) problem: String,
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
pub(super) fn too_long() -> String {
    format!(
        "longer than {MAX_RECORD_BYTES} bytes; a reading is at most {MAX_RECORD_BYTES} bytes \
         (a sensor id of at most {MAX_ID_LEN} bytes, two numbers and a unit), so this is not a \
         CSV file of readings or a quote is left open"
    )
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

pub(super) fn parse_row<'r, R: Read>(
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
