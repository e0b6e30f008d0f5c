//! Units of measure as newtypes, so a byte count is never added to a nanosecond count.
//!
//! Both serialize as bare integers (`#[serde(transparent)]`), so the JSON stays as SPEC §6
//! shows it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A duration in nanoseconds.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Nanos(pub u64);

/// A number of bytes.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Bytes(pub u64);

/// Divides a total over items: 0 when there are no items.
fn per(total: u64, items: u64) -> f64 {
    if items == 0 {
        0.0
    } else {
        total as f64 / items as f64
    }
}

impl Nanos {
    /// Nanoseconds per item, or 0 when there are no items.
    pub fn per(self, items: u64) -> f64 {
        per(self.0, items)
    }

    /// The nanoseconds of a measured duration (saturating: no run lasts 584 years).
    pub fn from_duration(d: std::time::Duration) -> Nanos {
        Nanos(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
    }
}

impl Bytes {
    /// Bytes per item, or 0 when there are no items.
    pub fn per(self, items: u64) -> f64 {
        per(self.0, items)
    }
}

impl fmt::Display for Nanos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ns = self.0 as f64;
        if ns >= 1e9 {
            write!(f, "{:.2} s", ns / 1e9)
        } else if ns >= 1e6 {
            write!(f, "{:.2} ms", ns / 1e6)
        } else if ns >= 1e3 {
            write!(f, "{:.2} µs", ns / 1e3)
        } else {
            write!(f, "{} ns", self.0)
        }
    }
}

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const KIB: f64 = 1024.0;
        let b = self.0 as f64;
        if b >= KIB * KIB * KIB * KIB {
            write!(f, "{:.2} TiB", b / (KIB * KIB * KIB * KIB))
        } else if b >= KIB * KIB * KIB {
            write!(f, "{:.2} GiB", b / (KIB * KIB * KIB))
        } else if b >= KIB * KIB {
            write!(f, "{:.1} MiB", b / (KIB * KIB))
        } else if b >= KIB {
            write!(f, "{:.1} KiB", b / KIB)
        } else {
            write!(f, "{} B", self.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_print_readably() {
        assert_eq!(Nanos(1_500).to_string(), "1.50 µs");
        assert_eq!(Nanos(2_000_000_000).to_string(), "2.00 s");
        assert_eq!(Bytes(35 * 1024 * 1024).to_string(), "35.0 MiB");
        assert_eq!(Bytes(3 << 40).to_string(), "3.00 TiB");
        assert_eq!(Bytes(12).per(4), 3.0);
        assert_eq!(Bytes(12).per(0), 0.0);
    }
}
