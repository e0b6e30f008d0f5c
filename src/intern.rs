//! Sensor-id interning for the compact layouts: each distinct id text gets a dense integer.
//!
//! The table is part of the layout that owns it, so its bytes show up in that layout's heap
//! figures: a compact record is only as small as its record plus its share of this table.

use crate::hash::FixedMap;

/// An integer type that can serve as a dense id.
pub trait InternId: Copy {
    /// The id type's name, for error messages.
    const TYPE_NAME: &'static str;
    /// How many distinct ids the type holds.
    const CAPACITY: usize;
    /// The id for `index`, which is below [`Self::CAPACITY`].
    fn from_index(index: usize) -> Self;
    /// The index this id stands for.
    fn index(self) -> usize;
}

/// `InternId` for unsigned integers: the id is the index, narrowed (the interner checks the
/// capacity before it makes an id, so the narrowing never wraps).
macro_rules! intern_ids {
    ($($ty:ident),*) => {$(
        impl InternId for $ty {
            const TYPE_NAME: &'static str = stringify!($ty);
            const CAPACITY: usize = 1 << $ty::BITS;
            #[inline]
            fn from_index(index: usize) -> Self {
                debug_assert!(index < Self::CAPACITY);
                index as $ty
            }
            #[inline]
            fn index(self) -> usize {
                self as usize
            }
        }
    )*};
}

intern_ids!(u8, u16, u32);

const _: () = assert!(<u8 as InternId>::CAPACITY == 256 && <u16 as InternId>::CAPACITY == 65_536);
const _: () = assert!(<u32 as InternId>::CAPACITY == 1 << 32);

/// The id type holds no more distinct ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full {
    /// How many ids the type holds.
    pub capacity: usize,
    /// The id type's name.
    pub type_name: &'static str,
}

/// A two-way map between sensor-id text and dense ids of type `I`.
///
/// # Examples
///
/// ```
/// use layoutlab::intern::Interner;
/// let mut ids = Interner::<u16>::default();
/// let a = ids.intern("A").unwrap();
/// assert_eq!(ids.intern("B").unwrap(), 1);
/// assert_eq!(ids.intern("A").unwrap(), a);
/// assert_eq!(ids.name(a), "A");
/// assert_eq!(ids.name_at(1), "B");
/// ```
#[derive(Debug, Clone)]
pub struct Interner<I> {
    by_name: FixedMap<Box<str>, I>,
    names: Vec<Box<str>>,
}

impl<I> Default for Interner<I> {
    fn default() -> Self {
        Interner {
            by_name: FixedMap::default(),
            names: Vec::new(),
        }
    }
}

impl<I: InternId> Interner<I> {
    /// The id of `name`, adding it if it is new.
    #[inline]
    pub fn intern(&mut self, name: &str) -> Result<I, Full> {
        if let Some(&id) = self.by_name.get(name) {
            return Ok(id);
        }
        let index = self.names.len();
        if index >= I::CAPACITY {
            return Err(Full {
                capacity: I::CAPACITY,
                type_name: I::TYPE_NAME,
            });
        }
        let id = I::from_index(index);
        self.by_name.insert(name.into(), id);
        self.names.push(name.into());
        Ok(id)
    }

    /// The text of `id`.
    ///
    /// # Panics
    ///
    /// If `id` was not made by this interner.
    #[inline]
    pub fn name(&self, id: I) -> &str {
        &self.names[id.index()]
    }

    /// The text of the id whose [`InternId::index`] is `index`: for callers that carry ids
    /// in a wider integer than `I` (the pipeline's `u32` sensor keys), with no narrowing
    /// cast that could wrap.
    ///
    /// # Panics
    ///
    /// If `index >= self.len()`.
    #[inline]
    pub fn name_at(&self, index: usize) -> &str {
        &self.names[index]
    }

    /// How many distinct ids exist.
    #[inline]
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether no id exists yet.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn u16_runs_out_after_65536_ids() {
        let mut ids = Interner::<u16>::default();
        for i in 0..u16::CAPACITY {
            assert_eq!(ids.intern(&i.to_string()).unwrap().index(), i);
        }
        assert_eq!(ids.intern("0").unwrap(), 0, "existing ids still resolve");
        assert_eq!(
            ids.intern("new"),
            Err(Full {
                capacity: 65536,
                type_name: "u16"
            })
        );
        assert_eq!(ids.len(), 65536);
    }
}
