//! The parts the `Option` kind is made of: the validity bitmap of a `soa` column, the
//! validity byte of an `aosoa` block, and the presence byte of a `packed` value without a
//! niche.

use std::fmt::{self, Debug};

/// A value behind a presence byte, for the `packed` row of an `Option` whose type has no
/// niche: `1 + size_of::<P>()` bytes, no padding.
#[derive(Clone, Copy, Default, PartialEq)]
#[repr(C, packed)]
pub struct Present<P: Copy> {
    some: u8,
    value: P,
}

impl<P: Copy + Default> Present<P> {
    /// `Some(value)` or `None`, packed.
    #[inline(always)]
    pub fn new(value: Option<P>) -> Self {
        match value {
            Some(value) => Present { some: 1, value },
            None => Present::default(),
        }
    }

    /// The value, if present.
    #[inline(always)]
    pub fn get(self) -> Option<P> {
        (self.some != 0).then_some(self.value)
    }
}

impl<P: Copy + Default + Debug> Debug for Present<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}

/// One validity bit per record, 64 to a word (Arrow's validity buffer). `words` always holds
/// `len.div_ceil(64)` words, which `get_unchecked` relies on.
#[derive(Clone, Default)]
pub struct Bitmap {
    words: Vec<u64>,
    len: usize,
}

impl Bitmap {
    /// Bit `i`.
    ///
    /// # Panics
    ///
    /// If `i >= self.len()`.
    #[inline(always)]
    pub fn get(&self, i: usize) -> bool {
        if i >= self.len {
            out_of_range(i, self.len);
        }
        // SAFETY: `i < self.len`, checked just above.
        unsafe { self.get_unchecked(i) }
    }

    /// Bit `i`, without a check.
    ///
    /// # Safety
    ///
    /// `i < self.len()`.
    #[inline(always)]
    pub(super) unsafe fn get_unchecked(&self, i: usize) -> bool {
        debug_assert!(i < self.len, "bit {i} of {}", self.len);
        // SAFETY: `words` holds `len.div_ceil(64)` words (`push` adds one as `len` passes a
        // multiple of 64, `truncate` cuts to that count, nothing else changes either), and
        // the caller guarantees `i < len`, so `i / 64 < words.len()`.
        let word = unsafe { *self.words.get_unchecked(i / 64) };
        word >> (i % 64) & 1 != 0
    }

    /// Sets bit `i`.
    #[inline(always)]
    pub fn set(&mut self, i: usize, bit: bool) {
        assert!(i < self.len, "bit {i} of {}", self.len);
        let (word, mask) = (&mut self.words[i / 64], 1u64 << (i % 64));
        *word = if bit { *word | mask } else { *word & !mask };
    }

    /// Appends a bit.
    #[inline(always)]
    pub fn push(&mut self, bit: bool) {
        if self.len % 64 == 0 {
            self.words.push(0);
        }
        self.len += 1;
        self.set(self.len - 1, bit);
    }

    /// Keeps the first `len` bits.
    pub fn truncate(&mut self, len: usize) {
        if len < self.len {
            self.len = len;
            self.words.truncate(len.div_ceil(64));
            if let Some(last) = self.words.last_mut().filter(|_| len % 64 != 0) {
                *last &= (1u64 << (len % 64)) - 1;
            }
        }
    }

    /// Room for `additional` more bits.
    pub fn reserve(&mut self, additional: usize) {
        let words = (self.len + additional).div_ceil(64);
        self.words
            .reserve_exact(words.saturating_sub(self.words.len()));
    }

    /// How many bits.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it has no bit.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// The panic of an index past the end, out of line and taking its figures by value, so that
/// the check in a loop is one compare and a branch never taken (`assert!`'s message borrows
/// the index, which kept it in memory every iteration).
#[cold]
#[inline(never)]
#[track_caller]
fn out_of_range(i: usize, len: usize) -> ! {
    panic!("bit {i} of {len}")
}

impl Debug for Bitmap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ones = self
            .words
            .iter()
            .map(|w| w.count_ones() as usize)
            .sum::<usize>();
        write!(f, "Bitmap({} bits, {ones} set)", self.len)
    }
}

/// A `soa` column of an `Option`: the validity bits and the inner type's column, equally
/// long (every method of the `Option` kind keeps them so; a scalar's getter relies on it).
#[derive(Debug, Default)]
pub struct OptColumn<C> {
    /// Whether each record's value is `Some`.
    pub(super) valid: Bitmap,
    /// The values; a blank one under every `None`.
    pub(super) values: C,
}

/// An `aosoa` block's lanes of an `Option`: a validity byte (one bit per lane) and the
/// inner type's lanes.
#[derive(Debug, Default)]
pub struct OptLanes<L> {
    /// Bit `lane` is set when that lane is `Some`.
    pub valid: u8,
    /// The values; a blank one under every `None`.
    pub values: L,
}

impl<L> OptLanes<L> {
    #[inline(always)]
    pub(super) fn bit(&self, lane: usize) -> bool {
        self.valid >> lane & 1 != 0
    }
    #[inline(always)]
    pub(super) fn set_bit(&mut self, lane: usize, bit: bool) {
        self.valid = if bit {
            self.valid | 1 << lane
        } else {
            self.valid & !(1 << lane)
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::own::kind::Scalar;

    #[test]
    fn bitmap_pushes_sets_and_truncates() {
        let mut bits = Bitmap::default();
        for i in 0..130 {
            bits.push(i % 3 == 0);
        }
        assert_eq!(bits.len(), 130);
        assert!(bits.get(129) && !bits.get(128));
        bits.set(128, true);
        assert!(bits.get(128));
        bits.truncate(65);
        assert_eq!(bits.len(), 65);
        bits.push(true);
        assert!(bits.get(65) && bits.get(63) && !bits.get(64));
    }

    #[test]
    fn present_is_one_byte_more_and_niches_add_none() {
        assert_eq!(std::mem::size_of::<Present<f64>>(), 9);
        assert_eq!(Present::new(Some(2.5f64)).get(), Some(2.5));
        assert_eq!(Present::<u16>::new(None).get(), None);
        assert_eq!(std::mem::size_of::<<bool as Scalar>::PackedOpt>(), 1);
        assert_eq!(
            <bool as Scalar>::unpack_opt(<bool as Scalar>::pack_opt(None)),
            None
        );
        assert_eq!(
            <char as Scalar>::unpack_opt(<char as Scalar>::pack_opt(Some('x'))),
            Some('x')
        );
        assert_eq!(
            <char as Scalar>::unpack_opt(<char as Scalar>::pack_opt(None)),
            None
        );
    }
}
