//! The two string kinds: a plain `String` (its own heap block in most layouts, a
//! [`TextSpan`] into the field's [`TextBuf`] in `packed`) and an interned one
//! ([`Interned<I>`]: an id plus the field's intern table in the compact layouts), and what
//! they share everywhere else.

use std::fmt::Debug;
use std::ptr::NonNull;

use bumpalo::Bump;

use super::dynamic::wrong_dyn;
use super::{Kind, Leaf, Observer, Overflow, Value, LANES};
use crate::intern::{InternId, Interner};

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

/// The text buffer of the `packed` layout's plain strings, one per field: rows hold
/// [`TextSpan`]s into it. Like an arena it only grows as strings are dropped or
/// overwritten; `dead` counts the bytes no row points at, and when they are more than half
/// the store moves the live text into a fresh buffer.
#[derive(Debug, Clone, Default)]
pub struct TextBuf {
    /// The text.
    pub text: String,
    /// Bytes of `text` no row points at any more.
    pub dead: usize,
}

impl TextBuf {
    /// Appends `x`, returning where it is.
    #[inline]
    fn push(&mut self, x: &str) -> Result<TextSpan, Overflow> {
        let offset = self.text.len();
        if offset + x.len() > TEXT_LIMIT {
            return Err(Overflow::Buffer { limit: TEXT_LIMIT });
        }
        self.text.push_str(x);
        Ok(TextSpan {
            offset: offset as u32,
            len: x.len() as u32,
        })
    }

    /// The text at `span`.
    #[inline(always)]
    pub fn get(&self, span: TextSpan) -> &str {
        let start = span.offset as usize;
        &self.text[start..start + span.len as usize]
    }

    /// Whether more than half of the buffer is dead.
    #[inline(always)]
    fn compact_due(&self) -> bool {
        self.dead > 0 && self.dead > self.text.len() / 2
    }

    /// Takes the text out, leaving a buffer with room for the live part.
    fn compact_begin(&mut self) -> TextBuf {
        let live = self.text.len() - self.dead;
        std::mem::replace(
            self,
            TextBuf {
                text: String::with_capacity(live),
                dead: 0,
            },
        )
    }

    /// Moves the text at `span` from `old` into this buffer, and points `span` there.
    #[inline]
    fn relocate(&mut self, span: &mut TextSpan, old: &TextBuf) {
        let offset = self.text.len() as u32;
        self.text.push_str(old.get(*span));
        span.offset = offset;
    }
}

/// The text buffer holds at most this many bytes: offsets are `u32`, and `u32::MAX` is the
/// `None` of an `Option<String>`'s span.
pub const TEXT_LIMIT: usize = u32::MAX as usize - 1;

/// What the two string kinds share: the user's struct, the arena, the dynamic value and the
/// data they tell an observer.
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
        fn blank_slot() -> ArenaStr {
            ArenaStr::default()
        }
        #[inline]
        fn slot(x: &str, _: Option<ArenaStr>, bump: &Bump, _: &mut Self::Table) -> ArenaStr {
            ArenaStr::new_in(bump, x)
        }
        #[inline(always)]
        unsafe fn slot_ref<'a>(slot: &'a ArenaStr, _: &'a Self::Table) -> &'a str {
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
        #[inline]
        fn observe(x: &str, leaf: usize, observer: &mut dyn Observer) {
            observer.text(leaf, x);
            observer.heap(leaf, x.len());
        }
    };
}

/// A plain `String`: a `String` in `soa` columns and `aosoa` lanes (its text a heap block of
/// its own), a [`TextSpan`] into the field's [`TextBuf`] in `packed`.
impl Kind for String {
    super::leaf_access!();
    string_kind_common!();
    type Table = TextBuf;
    type Column = Vec<String>;
    type Lanes = [String; LANES];
    type Packed = TextSpan;

    #[inline(always)]
    fn col_get<'a>(col: &'a Vec<String>, i: usize, _: &'a TextBuf) -> &'a str {
        &col[i]
    }
    #[inline]
    fn col_set(col: &mut Vec<String>, i: usize, x: &str, _: &mut TextBuf) -> Result<(), Overflow> {
        Self::assign(&mut col[i], x);
        Ok(())
    }
    #[inline(always)]
    fn lane_get<'a>(lanes: &'a [String; LANES], lane: usize, _: &'a TextBuf) -> &'a str {
        &lanes[lane]
    }
    #[inline]
    fn lane_set(
        lanes: &mut [String; LANES],
        lane: usize,
        x: &str,
        _: &mut TextBuf,
    ) -> Result<(), Overflow> {
        Self::assign(&mut lanes[lane], x);
        Ok(())
    }
    #[inline(always)]
    fn unpack(packed: TextSpan, table: &TextBuf) -> &str {
        table.get(packed)
    }
    #[inline]
    fn pack(x: &str, old: Option<TextSpan>, table: &mut TextBuf) -> Result<TextSpan, Overflow> {
        let span = table.push(x)?;
        if let Some(old) = old {
            table.dead += old.len as usize;
        }
        Ok(span)
    }
}

impl Leaf for String {
    #[inline]
    fn col_reserve(col: &mut Vec<String>, additional: usize) {
        col.reserve_exact(additional);
    }
    #[inline]
    fn col_push(col: &mut Vec<String>, value: String, _: &mut TextBuf) -> Result<(), Overflow> {
        col.push(value);
        Ok(())
    }
    #[inline]
    fn col_move(col: &mut Vec<String>, from: usize, to: usize) {
        col.swap(from, to);
    }
    #[inline]
    fn col_truncate(col: &mut Vec<String>, len: usize) {
        col.truncate(len);
    }
    fn col_parts(name: &str) -> Vec<(String, usize)> {
        vec![(format!("{name}: String"), std::mem::size_of::<String>())]
    }
    #[inline]
    fn lane_put(
        lanes: &mut [String; LANES],
        lane: usize,
        value: String,
        _: &mut TextBuf,
    ) -> Result<(), Overflow> {
        lanes[lane] = value;
        Ok(())
    }
    #[inline]
    fn lane_move(lanes: &mut [String; LANES], from: usize, to: usize) {
        lanes.swap(from, to);
    }
    #[inline]
    fn lane_move_to(src: &mut [String; LANES], from: usize, dst: &mut [String; LANES], to: usize) {
        std::mem::swap(&mut src[from], &mut dst[to]);
    }
    #[inline]
    fn lane_clear(lanes: &mut [String; LANES], from: usize) {
        for lane in &mut lanes[from..] {
            *lane = String::new();
        }
    }
    #[inline]
    fn packed_release(packed: TextSpan, table: &mut TextBuf) {
        table.dead += packed.len as usize;
    }
    #[inline]
    fn packed_compact(packed: &mut TextSpan, old: &TextBuf, table: &mut TextBuf) {
        table.relocate(packed, old);
    }
    #[inline(always)]
    fn compact_due(table: &TextBuf) -> bool {
        table.compact_due()
    }
    fn compact_begin(table: &mut TextBuf) -> TextBuf {
        table.compact_begin()
    }
    #[inline(always)]
    #[allow(clippy::extra_unused_lifetimes)]
    fn as_text<'a: 'a>(x: &'a str) -> Option<&'a str> {
        Some(x)
    }
    #[inline(always)]
    fn text_ref(text: &str) -> Option<&str> {
        Some(text)
    }
}

/// The marker kind of a `String` field interned into ids of type `I`
/// (`#[record(intern = u16)]`): an id in `soa`, `packed` and `aosoa`, each distinct text once
/// in the field's intern table.
#[derive(Debug, Clone, Copy, Default)]
pub struct Interned<I>(std::marker::PhantomData<I>);

impl<I: InternId + Debug + Default + 'static> Kind for Interned<I> {
    super::leaf_access!();
    string_kind_common!();
    type Table = Interner<I>;
    type Column = Vec<I>;
    type Lanes = [I; LANES];
    type Packed = I;

    #[inline(always)]
    fn col_get<'a>(col: &'a Vec<I>, i: usize, table: &'a Interner<I>) -> &'a str {
        table.name(col[i])
    }
    #[inline]
    fn col_set(
        col: &mut Vec<I>,
        i: usize,
        x: &str,
        table: &mut Interner<I>,
    ) -> Result<(), Overflow> {
        col[i] = table.intern(x).map_err(Overflow::Intern)?;
        Ok(())
    }
    #[inline(always)]
    fn lane_get<'a>(lanes: &'a [I; LANES], lane: usize, table: &'a Interner<I>) -> &'a str {
        table.name(lanes[lane])
    }
    #[inline]
    fn lane_set(
        lanes: &mut [I; LANES],
        lane: usize,
        x: &str,
        table: &mut Interner<I>,
    ) -> Result<(), Overflow> {
        lanes[lane] = table.intern(x).map_err(Overflow::Intern)?;
        Ok(())
    }
    #[inline(always)]
    fn unpack(packed: I, table: &Interner<I>) -> &str {
        table.name(packed)
    }
    #[inline]
    fn pack(x: &str, _: Option<I>, table: &mut Interner<I>) -> Result<I, Overflow> {
        table.intern(x).map_err(Overflow::Intern)
    }
}

impl<I: InternId + Debug + Default + 'static> Leaf for Interned<I> {
    #[inline]
    fn col_reserve(col: &mut Vec<I>, additional: usize) {
        col.reserve_exact(additional);
    }
    #[inline]
    fn col_push(col: &mut Vec<I>, value: String, table: &mut Interner<I>) -> Result<(), Overflow> {
        col.push(table.intern(&value).map_err(Overflow::Intern)?);
        Ok(())
    }
    #[inline(always)]
    fn col_move(col: &mut Vec<I>, from: usize, to: usize) {
        col[to] = col[from];
    }
    #[inline]
    fn col_truncate(col: &mut Vec<I>, len: usize) {
        col.truncate(len);
    }
    fn col_parts(name: &str) -> Vec<(String, usize)> {
        vec![(
            format!("{name}: {}", I::TYPE_NAME),
            std::mem::size_of::<I>(),
        )]
    }
    #[inline]
    fn lane_put(
        lanes: &mut [I; LANES],
        lane: usize,
        value: String,
        table: &mut Interner<I>,
    ) -> Result<(), Overflow> {
        lanes[lane] = table.intern(&value).map_err(Overflow::Intern)?;
        Ok(())
    }
    super::copy_lanes!([I; LANES]; I::default());
}
