//! The two string kinds: a plain `String` (its own heap block in most layouts, a
//! [`TextSpan`] into one buffer in `packed`) and an interned one ([`Interned<I>`]: an id plus
//! the field's intern table in the compact layouts), and what they share everywhere else.

use std::fmt::Debug;
use std::ptr::NonNull;

use bumpalo::Bump;

use super::{wrong_dyn, Interned, Kind, Overflow, Value};
use crate::intern::{Full, InternId, Interner};

/// Where a `packed` row's plain `String` lives: `len` bytes at `offset` in the store's text
/// buffer. 8 bytes in the row instead of a 24-byte `String` and a heap block of its own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(C)]
pub struct TextSpan {
    /// Byte offset in the text buffer.
    pub offset: u32,
    /// Length in bytes.
    pub len: u32,
}

/// A string inside an `arena` store's bump arena: a raw pointer, valid as long as the arena
/// that made it. Reading it is `unsafe` ([`Kind::slot_ref`]); only the arena layout does.
#[derive(Clone, Copy)]
pub struct ArenaStr(NonNull<str>);

impl ArenaStr {
    /// Copies `text` into `bump`.
    #[inline]
    pub(crate) fn new_in(bump: &Bump, text: &str) -> ArenaStr {
        ArenaStr(NonNull::from(bump.alloc_str(text)))
    }

    /// The text.
    ///
    /// # Safety
    ///
    /// The arena that made this string must be alive and not reset for all of `'a`.
    #[inline]
    pub(crate) unsafe fn get<'a>(self) -> &'a str {
        // SAFETY: the caller guarantees the arena outlives 'a; the text is never written
        // after `alloc_str` copied it.
        unsafe { self.0.as_ref() }
    }
}

impl Default for ArenaStr {
    /// The empty string, pointing at static memory (so a fresh row is always readable).
    fn default() -> Self {
        ArenaStr(NonNull::from(""))
    }
}

impl Debug for ArenaStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The arena may be gone: show where the text is, never the text.
        let bytes = self.0.as_ptr() as *const [u8];
        write!(f, "ArenaStr({bytes:p}, {} bytes)", bytes.len())
    }
}

/// What the two string kinds share outside the compact layouts.
macro_rules! string_kind_common {
    () => {
        type Value = String;
        type Ref<'a> = &'a str;
        type Slot = ArenaStr;

        #[inline(always)]
        fn as_ref(value: &String) -> &str {
            value
        }
        #[inline]
        fn assign(value: &mut String, x: &str) {
            value.clear();
            value.push_str(x);
        }
        #[inline]
        fn to_value(x: &str) -> String {
            x.to_owned()
        }
        #[inline]
        fn take(value: &mut String) -> String {
            std::mem::take(value)
        }
        #[inline]
        fn blank_value() -> String {
            String::new()
        }
        #[inline]
        fn blank_slot() -> ArenaStr {
            ArenaStr::default()
        }
        #[inline]
        fn slot(x: &str, bump: &Bump) -> ArenaStr {
            ArenaStr::new_in(bump, x)
        }
        #[inline(always)]
        unsafe fn slot_ref(slot: &ArenaStr) -> &str {
            // SAFETY: forwarded from the caller (see `Kind::slot_ref`).
            unsafe { slot.get() }
        }
        #[inline]
        fn to_dyn(x: &str) -> Value {
            Value::Text(x.to_owned())
        }
        #[inline]
        fn into_dyn(value: String) -> Value {
            Value::Text(value)
        }
        #[inline]
        fn from_dyn(value: &Value) -> &str {
            match value {
                Value::Text(s) => s,
                other => wrong_dyn(other),
            }
        }
    };
}

/// The text buffer of a `packed` store holds at most this many bytes (offsets are `u32`).
pub const TEXT_LIMIT: usize = u32::MAX as usize;

impl Kind for String {
    string_kind_common!();
    type Table = ();
    type Elem = String;
    type Packed = TextSpan;

    #[inline]
    fn elem(value: String, _: &mut ()) -> Result<String, Full> {
        Ok(value)
    }
    #[inline]
    fn assign_elem(elem: &mut String, x: &str, _: &mut ()) -> Result<(), Full> {
        Self::assign(elem, x);
        Ok(())
    }
    #[inline(always)]
    fn elem_ref<'a>(elem: &'a String, _: &'a ()) -> &'a str {
        elem
    }
    #[inline]
    fn move_elem(src: &mut String, dst: &mut String) {
        std::mem::swap(src, dst);
    }
    #[inline]
    fn blank_elem() -> String {
        String::new()
    }
    #[inline]
    fn pack(x: &str, _: &mut (), text: &mut String) -> Result<TextSpan, Overflow> {
        let offset = text.len();
        if offset + x.len() > TEXT_LIMIT {
            return Err(Overflow::Text { limit: TEXT_LIMIT });
        }
        text.push_str(x);
        Ok(TextSpan {
            offset: offset as u32,
            len: x.len() as u32,
        })
    }
    #[inline]
    fn unpack<'a>(packed: TextSpan, _: &'a (), text: &'a str) -> &'a str {
        let start = packed.offset as usize;
        &text[start..start + packed.len as usize]
    }
    #[inline]
    fn text_len(packed: TextSpan) -> usize {
        packed.len as usize
    }
    #[inline]
    fn move_text(packed: &mut TextSpan, old: &str, new: &mut String) {
        let offset = new.len() as u32;
        new.push_str(Self::unpack(*packed, &(), old));
        packed.offset = offset;
    }
}

impl<I: InternId + Debug + Default + 'static> Kind for Interned<I> {
    string_kind_common!();
    type Table = Interner<I>;
    type Elem = I;
    type Packed = I;

    #[inline]
    fn elem(value: String, table: &mut Interner<I>) -> Result<I, Full> {
        table.intern(&value)
    }
    #[inline]
    fn assign_elem(elem: &mut I, x: &str, table: &mut Interner<I>) -> Result<(), Full> {
        *elem = table.intern(x)?;
        Ok(())
    }
    #[inline(always)]
    fn elem_ref<'a>(elem: &'a I, table: &'a Interner<I>) -> &'a str {
        table.name(*elem)
    }
    #[inline(always)]
    fn move_elem(src: &mut I, dst: &mut I) {
        *dst = *src;
    }
    #[inline]
    fn blank_elem() -> I {
        I::default()
    }
    #[inline]
    fn pack(x: &str, table: &mut Interner<I>, _: &mut String) -> Result<I, Overflow> {
        table.intern(x).map_err(Overflow::Intern)
    }
    #[inline(always)]
    fn unpack<'a>(packed: I, table: &'a Interner<I>, _: &'a str) -> &'a str {
        table.name(packed)
    }
}
