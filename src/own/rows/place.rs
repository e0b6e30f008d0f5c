//! Where each leaf of a grouped layout is: its group, its byte offset in the group's row and
//! how it is held; the compile-time computation the derive uses for `grouped`, and the
//! [`Places`] a store reads them from.

use serde::{Deserialize, Serialize};

/// How a leaf is held in its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "as")]
pub enum Repr {
    /// Its packed form (the `packed` layout's).
    Packed,
    /// An integer in fewer bytes than its type (two's complement, sign-extended when
    /// `signed`); a value that does not fit is an error naming the field.
    Narrow {
        /// Bytes kept.
        bytes: u8,
        /// Whether the type is signed.
        signed: bool,
    },
    /// A plain `String` as an id of `bytes` bytes into an intern table the store keeps.
    Intern {
        /// The id's bytes.
        bytes: u8,
    },
}

/// Where one leaf is: its group, its byte offset in the group's row, and how it is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// The group.
    pub group: usize,
    /// Bytes from the start of the row.
    pub offset: usize,
    /// How it is held.
    pub repr: Repr,
}

/// One top-level field of a record as a grouped layout places it: its group, its bytes in
/// the row, and the offsets of its leaves within them (`[0]` for a field that is a leaf).
#[derive(Debug, Clone, Copy)]
pub struct Unit {
    /// The group.
    pub group: usize,
    /// Its bytes in the row.
    pub size: usize,
    /// Each leaf's offset within the field's bytes.
    pub leaves: &'static [usize],
}

/// The places of `N` leaves and the strides of `G` groups, the units laid one after another
/// in each group in the order given (what the derive computes at compile time).
pub const fn place_units<const N: usize, const G: usize>(
    units: &[Unit],
) -> ([Place; N], [usize; G]) {
    let mut places = [Place {
        group: 0,
        offset: 0,
        repr: Repr::Packed,
    }; N];
    let mut strides = [0usize; G];
    let (mut u, mut k) = (0, 0);
    while u < units.len() {
        let unit = units[u];
        let mut m = 0;
        while m < unit.leaves.len() {
            places[k] = Place {
                group: unit.group,
                offset: strides[unit.group] + unit.leaves[m],
                repr: Repr::Packed,
            };
            k += 1;
            m += 1;
        }
        strides[unit.group] += unit.size;
        u += 1;
    }
    (places, strides)
}

/// The offsets of `N` leaves in a record's `packed` row: its fields one after another.
pub const fn packed_offsets<const N: usize>(units: &[Unit]) -> [usize; N] {
    let (places, _) = place_units::<N, 1>(units);
    let mut out = [0usize; N];
    let mut k = 0;
    while k < N {
        out[k] = places[k].offset;
        k += 1;
    }
    out
}

/// The most groups a grouped layout has: the rows' vectors sit in the store itself, so that
/// a scan's loads of where a group is are loop-invariant loads the compiler hoists.
pub const MAX_GROUPS: usize = 32;

/// Where a grouped layout keeps each leaf.
pub trait Places {
    /// The place of leaf `leaf`.
    fn place(&self, leaf: usize) -> Place;
    /// The bytes of one row of each group.
    fn strides(&self) -> &[usize];
}
