//! The logical record every layout stores, and the rules a reading must follow.
//!
//! A reading is `sensor_id`, `timestamp`, `value` and `unit`; the pipeline derives
//! `normalized` and `rolling_avg`. This module owns the rules (which ids are legal, which
//! units exist and what range each allows) so that sources validate once and layouts never
//! have to.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest legal sensor id, in bytes.
pub const MAX_ID_LEN: usize = 32;

/// The bytes of information in one record when ids are interned into a `u16` and the unit
/// is a `u8`: 2 + 8 + 8 + 1 + 8 + 8. Compact layouts are judged against this floor.
pub const INFORMATION_BYTES: usize = 2 + 8 + 8 + 1 + 8 + 8;

/// The unit of a reading. A sensor keeps one unit for its whole life.
///
/// # Examples
///
/// ```
/// use layoutlab::record::Unit;
/// let unit: Unit = "hPa".parse().unwrap();
/// assert_eq!(unit.range(), (300.0, 1100.0));
/// assert!(unit.contains(1013.25));
/// assert!(!unit.contains(f64::NAN));
/// ```
///
/// It derives [`Scalar`](crate::Scalar), so a record of your own (`#[derive(Record)]`) can
/// hold a unit: a `u8` code in the compact layouts, its variant's name in `heap_map`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, crate::Scalar)]
#[repr(u8)]
pub enum Unit {
    /// Degrees Celsius, −40..125.
    Celsius = 0,
    /// Relative humidity in percent, 0..100.
    Percent = 1,
    /// Pressure in hectopascal, 300..1100.
    Hectopascal = 2,
    /// Illuminance in lux, 0..100 000.
    Lux = 3,
    /// Concentration in parts per million, 0..5000.
    Ppm = 4,
}

impl Unit {
    /// Every unit, in the order of their `u8` codes.
    pub const ALL: [Unit; 5] = [
        Unit::Celsius,
        Unit::Percent,
        Unit::Hectopascal,
        Unit::Lux,
        Unit::Ppm,
    ];

    /// The unit's symbol as it appears in CSV and JSON.
    pub const fn symbol(self) -> &'static str {
        match self {
            Unit::Celsius => "C",
            Unit::Percent => "%",
            Unit::Hectopascal => "hPa",
            Unit::Lux => "lux",
            Unit::Ppm => "ppm",
        }
    }

    /// The inclusive valid range `(lo, hi)` of a value in this unit.
    pub const fn range(self) -> (f64, f64) {
        match self {
            Unit::Celsius => (-40.0, 125.0),
            Unit::Percent => (0.0, 100.0),
            Unit::Hectopascal => (300.0, 1100.0),
            Unit::Lux => (0.0, 100_000.0),
            Unit::Ppm => (0.0, 5000.0),
        }
    }

    /// Whether `value` survives the filter: finite and inside the unit's range.
    #[inline]
    pub fn contains(self, value: f64) -> bool {
        let (lo, hi) = self.range();
        // NaN fails both comparisons; ±inf fails one of them.
        value >= lo && value <= hi
    }

    /// `(value - lo) / (hi - lo)` with the unit's range.
    #[inline]
    pub fn normalize(self, value: f64) -> f64 {
        let (lo, hi) = self.range();
        (value - lo) / (hi - lo)
    }

    /// The compact `u8` code used by packed layouts.
    #[inline]
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// The unit for a code made by [`Unit::code`], or `None` for any other byte.
    #[inline]
    pub const fn from_code(code: u8) -> Option<Unit> {
        match code {
            0 => Some(Unit::Celsius),
            1 => Some(Unit::Percent),
            2 => Some(Unit::Hectopascal),
            3 => Some(Unit::Lux),
            4 => Some(Unit::Ppm),
            _ => None,
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// The text was not one of the five unit symbols.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected one of C, %, hPa, lux, ppm")]
pub struct UnknownUnit;

impl FromStr for Unit {
    type Err = UnknownUnit;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Unit::ALL
            .into_iter()
            .find(|u| u.symbol() == s)
            .ok_or(UnknownUnit)
    }
}

impl Serialize for Unit {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.symbol())
    }
}

impl<'de> Deserialize<'de> for Unit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let symbol = String::deserialize(deserializer)?;
        symbol
            .parse()
            .map_err(|e| serde::de::Error::custom(format!("{e}, found {symbol:?}")))
    }
}

/// Why a sensor id is not legal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadSensorId {
    /// The id has no bytes.
    #[error("expected 1 to 32 bytes of A-Z a-z 0-9 _ - ., found an empty id")]
    Empty,
    /// The id is longer than [`MAX_ID_LEN`].
    #[error("expected at most 32 bytes, found {0}")]
    TooLong(usize),
    /// The id holds a byte outside `A-Z a-z 0-9 _ - .`.
    #[error("expected only A-Z a-z 0-9 _ - ., found {0:?} at byte {1}")]
    IllegalChar(char, usize),
}

/// Checks the id rule of SPEC §1: 1 to 32 bytes, each one of `A-Z a-z 0-9 _ - .`.
///
/// # Examples
///
/// ```
/// use layoutlab::record::{check_sensor_id, BadSensorId};
/// assert!(check_sensor_id("S001").is_ok());
/// assert_eq!(check_sensor_id(""), Err(BadSensorId::Empty));
/// assert!(check_sensor_id("a b").is_err());
/// ```
pub fn check_sensor_id(id: &str) -> Result<(), BadSensorId> {
    if id.is_empty() {
        return Err(BadSensorId::Empty);
    }
    if let Some((at, c)) = id
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    {
        return Err(BadSensorId::IllegalChar(c, at));
    }
    if id.len() > MAX_ID_LEN {
        return Err(BadSensorId::TooLong(id.len()));
    }
    Ok(())
}

/// One validated reading as a source yields it: the four input fields of the record.
///
/// Sources hand readings to a layout one at a time (they stream), borrowing the id from
/// their own buffer, so no layout is given a pre-built vector of records.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading<'a> {
    /// A legal sensor id (see [`check_sensor_id`]).
    pub sensor_id: &'a str,
    /// Seconds since the Unix epoch; finite.
    pub timestamp: f64,
    /// Any f64, including NaN and ±inf (the filter drops those).
    pub value: f64,
    /// The sensor's unit.
    pub unit: Unit,
}

/// A read-only view of one stored record, whatever the layout.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecordRef<'a> {
    /// The sensor id.
    pub sensor_id: &'a str,
    /// Seconds since the Unix epoch.
    pub timestamp: f64,
    /// The reading.
    pub value: f64,
    /// The unit of the reading.
    pub unit: Unit,
    /// Set by the normalize stage; 0.0 before it.
    pub normalized: f64,
    /// Set by the rolling stage; 0.0 before it.
    pub rolling_avg: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_round_trip_through_symbols_and_codes() {
        for unit in Unit::ALL {
            assert_eq!(unit.symbol().parse::<Unit>(), Ok(unit));
            assert_eq!(Unit::from_code(unit.code()), Some(unit));
        }
        assert_eq!("c".parse::<Unit>(), Err(UnknownUnit));
        assert_eq!(Unit::from_code(5), None);
    }

    #[test]
    fn ranges_are_inclusive_and_reject_non_finite() {
        assert!(Unit::Celsius.contains(-40.0));
        assert!(Unit::Celsius.contains(125.0));
        assert!(!Unit::Celsius.contains(125.000_000_1));
        assert!(!Unit::Lux.contains(f64::INFINITY));
        assert!(!Unit::Ppm.contains(f64::NEG_INFINITY));
        assert!(!Unit::Percent.contains(f64::NAN));
        assert_eq!(Unit::Hectopascal.normalize(300.0), 0.0);
        assert_eq!(Unit::Hectopascal.normalize(1100.0), 1.0);
    }

    #[test]
    fn sensor_id_rules() {
        assert!(check_sensor_id("a.b-c_D9").is_ok());
        assert!(check_sensor_id(&"x".repeat(32)).is_ok());
        assert_eq!(
            check_sensor_id(&"x".repeat(33)),
            Err(BadSensorId::TooLong(33))
        );
        assert_eq!(
            check_sensor_id("ab/c"),
            Err(BadSensorId::IllegalChar('/', 2))
        );
        assert_eq!(check_sensor_id("é"), Err(BadSensorId::IllegalChar('é', 0)));
    }
}
