//! A leaf's bytes in a row: unaligned loads and stores of its packed type, and integers of
//! 1, 2, 4 or 8 bytes — the `unsafe` of the grouped layouts, each block with its `SAFETY`
//! argument, walked under valgrind by `tests/unsafe_rows.rs`.

use std::mem::size_of;

/// Reads a `T` at `start` of `row`.
///
/// # Panics
///
/// If the bytes run past the row.
#[inline(always)]
pub(super) fn read_raw<T: Copy>(row: &[u8], start: usize) -> T {
    let bytes = &row[start..start + size_of::<T>()];
    // SAFETY: `bytes` is in bounds (the slice above checks) and holds `size_of::<T>()`
    // bytes; a leaf's bytes are only ever written by `write_raw::<T>` with the same `T` (its
    // packed type, a padding-free plain value) at the same offset, or are the zeros of a
    // fresh row, which is never read before every leaf of it was written. An unaligned read
    // of those bytes gives back the value written.
    unsafe { std::ptr::read_unaligned(bytes.as_ptr().cast::<T>()) }
}

/// Writes `value` at `start` of `row`.
///
/// # Panics
///
/// If the bytes run past the row.
#[inline(always)]
pub(super) fn write_raw<T: Copy>(row: &mut [u8], start: usize, value: T) {
    let bytes = &mut row[start..start + size_of::<T>()];
    // SAFETY: `bytes` is in bounds and exclusively borrowed; `write_unaligned` needs no
    // alignment, and a packed type has no padding, so every byte written is initialised.
    unsafe { std::ptr::write_unaligned(bytes.as_mut_ptr().cast::<T>(), value) }
}

/// An integer in `bytes` little-endian bytes at `start`, sign-extended when `signed`: one
/// load of its width.
#[inline(always)]
pub(super) fn read_int(row: &[u8], start: usize, bytes: u8, signed: bool) -> i128 {
    macro_rules! load {
        ($u:ty, $i:ty) => {{
            let value: $u = read_raw(row, start);
            if signed {
                i128::from(<$u>::from_le(value) as $i)
            } else {
                i128::from(<$u>::from_le(value))
            }
        }};
    }
    match bytes {
        1 => load!(u8, i8),
        2 => load!(u16, i16),
        4 => load!(u32, i32),
        _ => load!(u64, i64),
    }
}

/// Writes the low `bytes` bytes of `value` at `start`, little-endian.
#[inline(always)]
pub(super) fn write_int(row: &mut [u8], start: usize, bytes: u8, value: i128) {
    match bytes {
        1 => write_raw(row, start, value as u8),
        2 => write_raw(row, start, (value as u16).to_le()),
        4 => write_raw(row, start, (value as u32).to_le()),
        _ => write_raw(row, start, (value as u64).to_le()),
    }
}

pub(super) fn fits(value: i128, bytes: u8, signed: bool) -> bool {
    let bits = 8 * u32::from(bytes);
    if signed {
        let half = 1i128 << (bits - 1);
        (-half..half).contains(&value)
    } else {
        (0..1i128 << bits).contains(&value)
    }
}
