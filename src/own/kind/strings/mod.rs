//! The kind of a list of strings: `Vec<String>`, its elements plain or interned
//! (`#[record(intern = u16)]` on the field interns each element).
//!
//! The compact layouts keep a [`Span`] per record into one buffer of items per field, each
//! item a [`TextSpan`] into the field's text buffer (or an id into its intern table): Arrow's
//! list of strings (offsets into offsets into bytes), with the spans of [`super::list`] for
//! the same reason. `aos`, `boxed`, `hot_cold` hold the `Vec<String>` itself (a block per
//! record and one per string); `arena` copies the strings and a slice of pointers to them
//! into the arena; `heap_map` holds the `Vec` as one object. A getter returns a [`Strs`]:
//! the strings as `&str`, with `len()`, indexing and iteration, whatever the layout.

mod view;

use std::fmt::{self, Debug};

use bumpalo::Bump;

use self::view::Repr;
pub use self::view::Strs;

use super::dynamic::wrong_dyn;
use super::{
    ArenaSlice, ArenaStr, Interned, Kind, Leaf, ListBuf, Observer, Overflow, Span, TextBuf,
    TextSpan, Value, LANES,
};
use crate::intern::Interner;

/// The marker kind of a `Vec<String>` field whose elements are stored as kind `K` (`String`
/// or [`Interned<I>`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct StrList<K>(std::marker::PhantomData<K>);

/// How the elements of a list of strings are stored in the compact layouts: as an item
/// (a text span, an id) with a table (the text, the intern table) beside them.
pub trait StrText: 'static {
    /// One element.
    type Item: Copy + Default + Debug;
    /// What the elements point into.
    type Inner: Default + Debug + Clone;
    /// Stores one element.
    fn push(x: &str, inner: &mut Self::Inner) -> Result<Self::Item, Overflow>;
    /// The elements of one record, as a getter returns them.
    fn strs<'a>(items: &'a [Self::Item], inner: &'a Self::Inner) -> Strs<'a>;
    /// An element is dropped: its text is dead.
    #[inline(always)]
    fn release(_item: Self::Item, _inner: &mut Self::Inner) {}
    /// Whether the inner table should be compacted.
    #[inline(always)]
    fn due(_inner: &Self::Inner) -> bool {
        false
    }
    /// Takes what can be compacted out of the inner table (nothing, for ids).
    #[inline(always)]
    fn begin(_inner: &mut Self::Inner) -> Self::Inner {
        Self::Inner::default()
    }
    /// Moves an element's text from `old` into `inner`.
    #[inline(always)]
    fn relocate(_item: &mut Self::Item, _old: &Self::Inner, _inner: &mut Self::Inner) {}
}

impl StrText for String {
    type Item = TextSpan;
    type Inner = TextBuf;
    #[inline]
    fn push(x: &str, inner: &mut TextBuf) -> Result<TextSpan, Overflow> {
        <String as Kind>::pack(x, None, inner)
    }
    #[inline(always)]
    fn strs<'a>(items: &'a [TextSpan], inner: &'a TextBuf) -> Strs<'a> {
        Strs(Repr::Spans(items, inner))
    }
    #[inline]
    fn release(item: TextSpan, inner: &mut TextBuf) {
        <String as Leaf>::packed_release(item, inner);
    }
    #[inline(always)]
    fn due(inner: &TextBuf) -> bool {
        <String as Leaf>::compact_due(inner)
    }
    #[inline]
    fn begin(inner: &mut TextBuf) -> TextBuf {
        <String as Leaf>::compact_begin(inner)
    }
    #[inline]
    fn relocate(item: &mut TextSpan, old: &TextBuf, inner: &mut TextBuf) {
        <String as Leaf>::packed_compact(item, old, inner);
    }
}

/// `StrText` for interned elements of each id width, each with its [`Strs`] variant.
macro_rules! interned_strs {
    ($($id:ty => $variant:ident),*) => {$(
        impl StrText for Interned<$id> {
            type Item = $id;
            type Inner = Interner<$id>;
            #[inline]
            fn push(x: &str, inner: &mut Interner<$id>) -> Result<$id, Overflow> {
                inner.intern(x).map_err(Overflow::Intern)
            }
            #[inline(always)]
            fn strs<'a>(items: &'a [$id], inner: &'a Interner<$id>) -> Strs<'a> {
                Strs(Repr::$variant(items, inner))
            }
        }
    )*};
}

interned_strs!(u8 => Ids8, u16 => Ids16, u32 => Ids32);

/// A list-of-strings field's buffers in the compact layouts: every record's items, one after
/// another, and what the items point into.
pub struct StrListBuf<K: StrText> {
    /// The items.
    pub items: ListBuf<K::Item>,
    /// The text or intern table.
    pub inner: K::Inner,
}

impl<K: StrText> Default for StrListBuf<K> {
    fn default() -> Self {
        StrListBuf {
            items: ListBuf::default(),
            inner: K::Inner::default(),
        }
    }
}

impl<K: StrText> Clone for StrListBuf<K> {
    fn clone(&self) -> Self {
        StrListBuf {
            items: self.items.clone(),
            inner: self.inner.clone(),
        }
    }
}

impl<K: StrText> Debug for StrListBuf<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StrListBuf")
            .field("items", &self.items)
            .field("inner", &self.inner)
            .finish()
    }
}

impl<K: StrText> StrListBuf<K> {
    #[inline]
    fn get(&self, span: Span) -> Strs<'_> {
        K::strs(self.items.get(span), &self.inner)
    }

    fn push(&mut self, strs: impl Iterator<Item = impl AsRef<str>>) -> Result<Span, Overflow> {
        let offset = self.items.values.len();
        for s in strs {
            match K::push(s.as_ref(), &mut self.inner) {
                Ok(item) => self.items.values.push(item),
                Err(overflow) => {
                    self.items.values.truncate(offset);
                    return Err(overflow);
                }
            }
        }
        if self.items.values.len() > u32::MAX as usize {
            return Err(Overflow::Buffer {
                limit: u32::MAX as usize,
            });
        }
        Ok(Span {
            offset: offset as u32,
            len: (self.items.values.len() - offset) as u32,
        })
    }

    fn release(&mut self, span: Span) {
        for &item in self.items.get(span) {
            K::release(item, &mut self.inner);
        }
        self.items.dead += span.len as usize;
    }

    fn replace(&mut self, span: &mut Span, x: Strs<'_>) -> Result<(), Overflow> {
        let new = self.push(x.iter())?;
        self.release(*span);
        *span = new;
        Ok(())
    }

    fn relocate(&mut self, span: &mut Span, old: &StrListBuf<K>) {
        let offset = self.items.values.len() as u32;
        for &item in old.items.get(*span) {
            let mut item = item;
            K::relocate(&mut item, &old.inner, &mut self.inner);
            self.items.values.push(item);
        }
        span.offset = offset;
    }
}

impl<K: StrText> Kind for StrList<K> {
    crate::own::kind::leaf_access!();
    type Value = Vec<String>;
    type Ref<'a> = Strs<'a>;
    type Table = StrListBuf<K>;
    type Column = Vec<Span>;
    type Lanes = [Span; LANES];
    type Packed = Span;
    type Slot = ArenaSlice<ArenaStr>;

    #[inline(always)]
    fn as_ref(value: &Vec<String>) -> Strs<'_> {
        Strs(Repr::Owned(value))
    }
    fn assign(value: &mut Vec<String>, x: Strs<'_>) {
        // Keeps the strings' buffers where there are as many strings as before.
        value.truncate(x.len());
        for (k, s) in x.iter().enumerate() {
            match value.get_mut(k) {
                Some(v) => {
                    v.clear();
                    v.push_str(s);
                }
                None => value.push(s.to_owned()),
            }
        }
    }
    #[inline]
    fn to_value(x: Strs<'_>) -> Vec<String> {
        x.to_vec()
    }
    #[inline]
    fn col_get<'a>(col: &'a Vec<Span>, i: usize, table: &'a Self::Table) -> Strs<'a> {
        table.get(col[i])
    }
    #[inline]
    fn col_set(
        col: &mut Vec<Span>,
        i: usize,
        x: Strs<'_>,
        table: &mut Self::Table,
    ) -> Result<(), Overflow> {
        table.replace(&mut col[i], x)
    }
    #[inline]
    fn lane_get<'a>(lanes: &'a [Span; LANES], lane: usize, table: &'a Self::Table) -> Strs<'a> {
        table.get(lanes[lane])
    }
    #[inline]
    fn lane_set(
        lanes: &mut [Span; LANES],
        lane: usize,
        x: Strs<'_>,
        table: &mut Self::Table,
    ) -> Result<(), Overflow> {
        table.replace(&mut lanes[lane], x)
    }
    #[inline]
    fn unpack(packed: Span, table: &Self::Table) -> Strs<'_> {
        table.get(packed)
    }
    #[inline]
    fn pack(x: Strs<'_>, old: Option<Span>, table: &mut Self::Table) -> Result<Span, Overflow> {
        match old {
            Some(mut span) => {
                table.replace(&mut span, x)?;
                Ok(span)
            }
            None => table.push(x.iter()),
        }
    }
    #[inline(always)]
    fn blank_slot() -> Self::Slot {
        ArenaSlice::default()
    }
    #[inline]
    fn slot(x: Strs<'_>, _: Option<Self::Slot>, bump: &Bump, _: &mut Self::Table) -> Self::Slot {
        ArenaSlice::fill_in(bump, x.iter().map(|s| ArenaStr::new_in(bump, s)))
    }
    #[inline]
    unsafe fn slot_ref<'a>(slot: &'a Self::Slot, _: &'a Self::Table) -> Strs<'a> {
        // SAFETY: forwarded from the caller (see `Kind::slot_ref`): the pointers and the
        // strings they point at were made from the same arena, alive for 'a.
        Strs(Repr::Arena(unsafe { slot.get() }))
    }
    #[inline]
    fn to_dyn(x: Strs<'_>) -> Value {
        Value::Object(Box::new(x.to_vec()))
    }
    #[inline]
    fn into_dyn(value: Vec<String>) -> Value {
        Value::Object(Box::new(value))
    }
    #[inline]
    fn from_dyn(value: &Value) -> Strs<'_> {
        match value {
            Value::Object(_) => Strs(Repr::Owned(value.object::<Vec<String>>())),
            other => wrong_dyn(other),
        }
    }
    fn observe(x: Strs<'_>, leaf: usize, observer: &mut dyn Observer) {
        observer.len(leaf, x.len());
        let mut heap = x.len() * std::mem::size_of::<String>();
        for s in x.iter() {
            observer.text(leaf, s);
            heap += s.len();
        }
        observer.heap(leaf, heap);
    }
}

impl<K: StrText> Leaf for StrList<K> {
    #[inline]
    fn col_reserve(col: &mut Vec<Span>, additional: usize) {
        col.reserve_exact(additional);
    }
    #[inline]
    fn col_push(
        col: &mut Vec<Span>,
        value: Vec<String>,
        table: &mut Self::Table,
    ) -> Result<(), Overflow> {
        col.push(table.push(value.iter())?);
        Ok(())
    }
    #[inline(always)]
    fn col_move(col: &mut Vec<Span>, from: usize, to: usize) {
        col[to] = col[from];
    }
    #[inline(always)]
    fn col_truncate(col: &mut Vec<Span>, len: usize) {
        col.truncate(len);
    }
    #[inline]
    fn col_release(col: &Vec<Span>, i: usize, table: &mut Self::Table) {
        table.release(col[i]);
    }
    #[inline]
    fn col_compact(col: &mut Vec<Span>, i: usize, old: &Self::Table, table: &mut Self::Table) {
        table.relocate(&mut col[i], old);
    }
    fn col_parts(name: &str) -> Vec<(String, usize)> {
        vec![(
            format!("{name}: span (u32 offset, u32 len) into one buffer of every record's strings"),
            std::mem::size_of::<Span>(),
        )]
    }
    #[inline]
    fn lane_put(
        lanes: &mut [Span; LANES],
        lane: usize,
        value: Vec<String>,
        table: &mut Self::Table,
    ) -> Result<(), Overflow> {
        lanes[lane] = table.push(value.iter())?;
        Ok(())
    }
    crate::own::kind::copy_lanes!([Span; LANES]; Span::default());
    #[inline]
    fn lane_release(lanes: &[Span; LANES], lane: usize, table: &mut Self::Table) {
        table.release(lanes[lane]);
    }
    #[inline]
    fn lane_compact(
        lanes: &mut [Span; LANES],
        lane: usize,
        old: &Self::Table,
        table: &mut Self::Table,
    ) {
        table.relocate(&mut lanes[lane], old);
    }
    #[inline]
    fn packed_release(packed: Span, table: &mut Self::Table) {
        table.release(packed);
    }
    #[inline]
    fn packed_compact(packed: &mut Span, old: &Self::Table, table: &mut Self::Table) {
        table.relocate(packed, old);
    }
    #[inline(always)]
    fn compact_due(table: &Self::Table) -> bool {
        table.items.compact_due() || K::due(&table.inner)
    }
    fn compact_begin(table: &mut Self::Table) -> Self::Table {
        StrListBuf {
            items: table.items.compact_begin(),
            inner: K::begin(&mut table.inner),
        }
    }
}
