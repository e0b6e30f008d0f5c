//! The list kind: `Vec<T>` and `Box<[T]>` of a scalar.
//!
//! The compact layouts (`soa`, `packed`, `aosoa`) keep every record's elements in one values
//! buffer per field and a [`Span`] per record, a `u32` offset and a `u32` length into it:
//! Arrow's *ListView* layout rather than its *List* (one offset per record plus one, a
//! record's end being the next one's start). The 4 more bytes a record buy setters that
//! change a list's length in amortised O(1): the new elements go to the end of the buffer
//! and the old ones are dead, where List's offsets would shift every later record. A
//! `Vec<u32>` of average length k costs these layouts 4k bytes plus the 8-byte span a
//! record, never a 24-byte `Vec` and a heap block of its own; the buffer grows as a `Vec`
//! does, by doubling, so its capacity is up to twice the elements (the stores cannot reserve
//! it: a size hint counts records, not elements). Dead elements (from `retain` and from
//! setters) are counted; once they are more than half the buffer the store moves the live
//! ones into a fresh buffer, so the waste stays bounded.
//!
//! `aos`, `boxed` and `hot_cold` keep the `Vec` itself (a heap block per record); `arena`
//! copies the elements into its bump arena; `heap_map` holds the `Vec` as one object.

use std::fmt::{self, Debug};
use std::ptr::NonNull;

use bumpalo::Bump;

use super::dynamic::wrong_dyn;
use super::scalar::short_type_name;
use super::{Kind, Leaf, Observer, Overflow, Scalar, Value, LANES};

/// A list field's type in the user's struct: `Vec<T>` or `Box<[T]>`.
pub trait ListValue: Clone + Debug + PartialEq + 'static {
    /// The element type.
    type Item: Scalar;
    /// The elements.
    fn as_slice(&self) -> &[Self::Item];
    /// A list of these elements.
    fn from_slice(x: &[Self::Item]) -> Self;
    /// Overwrites the list (a `Vec` keeps its buffer where it can).
    fn assign(&mut self, x: &[Self::Item]);
}

impl<T: Scalar> ListValue for Vec<T> {
    type Item = T;
    #[inline(always)]
    fn as_slice(&self) -> &[T] {
        self
    }
    #[inline]
    fn from_slice(x: &[T]) -> Self {
        x.to_vec()
    }
    #[inline]
    fn assign(&mut self, x: &[T]) {
        self.clear();
        self.extend_from_slice(x);
    }
}

impl<T: Scalar> ListValue for Box<[T]> {
    type Item = T;
    #[inline(always)]
    fn as_slice(&self) -> &[T] {
        self
    }
    #[inline]
    fn from_slice(x: &[T]) -> Self {
        x.into()
    }
    #[inline]
    fn assign(&mut self, x: &[T]) {
        if self.len() == x.len() {
            self.copy_from_slice(x);
        } else {
            *self = x.into();
        }
    }
}

/// The marker kind of a list field of type `V` (`Vec<T>` or `Box<[T]>`).
#[derive(Debug, Clone, Copy, Default)]
pub struct List<V>(std::marker::PhantomData<V>);

/// Where one record's elements are in its field's values buffer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Span {
    /// Index of the first element.
    pub offset: u32,
    /// Number of elements.
    pub len: u32,
}

/// A list field's values buffer in the compact layouts, and the elements in it no record
/// points at any more.
#[derive(Debug, Clone)]
pub struct ListBuf<T> {
    /// Every record's elements, one after another.
    pub values: Vec<T>,
    /// Elements of `values` no span points at.
    pub dead: usize,
}

impl<T> Default for ListBuf<T> {
    fn default() -> Self {
        ListBuf {
            values: Vec::new(),
            dead: 0,
        }
    }
}

/// The buffer holds at most this many elements (offsets are `u32`).
const LIST_LIMIT: usize = u32::MAX as usize;

impl<T: Copy> ListBuf<T> {
    /// The elements at `span`.
    #[inline(always)]
    pub fn get(&self, span: Span) -> &[T] {
        let start = span.offset as usize;
        &self.values[start..start + span.len as usize]
    }

    /// Appends `x`, returning where it is.
    #[inline]
    pub fn push(&mut self, x: &[T]) -> Result<Span, Overflow> {
        let offset = self.values.len();
        if offset + x.len() > LIST_LIMIT {
            return Err(Overflow::Buffer { limit: LIST_LIMIT });
        }
        self.values.extend_from_slice(x);
        Ok(Span {
            offset: offset as u32,
            len: x.len() as u32,
        })
    }

    /// Replaces the elements at `span` with `x`: in place when they fit (the rest of the old
    /// place is dead), else at the end (all of the old place is dead).
    #[inline]
    pub fn replace(&mut self, span: &mut Span, x: &[T]) -> Result<(), Overflow> {
        if x.len() <= span.len as usize {
            let start = span.offset as usize;
            self.values[start..start + x.len()].copy_from_slice(x);
            self.dead += span.len as usize - x.len();
            span.len = x.len() as u32;
        } else {
            let new = self.push(x)?;
            self.dead += span.len as usize;
            *span = new;
        }
        Ok(())
    }

    /// Whether more than half the buffer is dead.
    #[inline(always)]
    pub fn compact_due(&self) -> bool {
        self.dead > 0 && self.dead > self.values.len() / 2
    }

    /// Takes the elements out, leaving a buffer with room for the live ones.
    pub fn compact_begin(&mut self) -> ListBuf<T> {
        let live = self.values.len() - self.dead;
        std::mem::replace(
            self,
            ListBuf {
                values: Vec::with_capacity(live),
                dead: 0,
            },
        )
    }

    /// Moves the elements at `span` from `old` into this buffer and points `span` there.
    #[inline]
    pub fn relocate(&mut self, span: &mut Span, old: &ListBuf<T>) {
        let offset = self.values.len() as u32;
        self.values.extend_from_slice(old.get(*span));
        span.offset = offset;
    }
}

/// A list inside an `arena` store's bump arena: a raw pointer, valid as long as the arena
/// that made it. Reading it is `unsafe` ([`Kind::slot_ref`]); only the arena layout does.
pub struct ArenaSlice<T>(NonNull<[T]>);

impl<T> Clone for ArenaSlice<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for ArenaSlice<T> {}

impl<T: Copy> ArenaSlice<T> {
    /// Copies `x` into `bump`.
    #[inline]
    pub(crate) fn new_in(bump: &Bump, x: &[T]) -> Self {
        ArenaSlice(NonNull::from(bump.alloc_slice_copy(x)))
    }

    /// Fills a slice of `bump` from `items`.
    #[inline]
    pub(crate) fn fill_in(bump: &Bump, items: impl ExactSizeIterator<Item = T>) -> Self {
        ArenaSlice(NonNull::from(bump.alloc_slice_fill_iter(items)))
    }

    /// The elements.
    ///
    /// # Safety
    ///
    /// The arena that made this slice must be alive and not reset for all of `'a`.
    #[inline(always)]
    pub(crate) unsafe fn get<'a>(self) -> &'a [T] {
        // SAFETY: the caller guarantees the arena outlives 'a; the elements are never
        // written after `alloc_slice_copy` copied them.
        unsafe { self.0.as_ref() }
    }
}

impl<T> Default for ArenaSlice<T> {
    /// The empty list, pointing at static memory (so a fresh row is always readable).
    fn default() -> Self {
        ArenaSlice(NonNull::from(&[][..]))
    }
}

impl<T> Debug for ArenaSlice<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The arena may be gone: show where the elements are, never the elements.
        write!(
            f,
            "ArenaSlice({:p}, {} elements)",
            self.0.as_ptr() as *const T,
            self.0.len()
        )
    }
}

impl<V: ListValue> Kind for List<V> {
    super::leaf_access!();
    type Value = V;
    type Ref<'a> = &'a [V::Item];
    type Table = ListBuf<V::Item>;
    type Column = Vec<Span>;
    type Lanes = [Span; LANES];
    type Packed = Span;
    type Slot = ArenaSlice<V::Item>;

    #[inline(always)]
    fn as_ref(value: &V) -> &[V::Item] {
        value.as_slice()
    }
    #[inline]
    fn assign(value: &mut V, x: &[V::Item]) {
        value.assign(x);
    }
    #[inline]
    fn to_value(x: &[V::Item]) -> V {
        V::from_slice(x)
    }
    #[inline(always)]
    fn col_get<'a>(col: &'a Vec<Span>, i: usize, table: &'a Self::Table) -> &'a [V::Item] {
        table.get(col[i])
    }
    #[inline]
    fn col_set(
        col: &mut Vec<Span>,
        i: usize,
        x: &[V::Item],
        table: &mut Self::Table,
    ) -> Result<(), Overflow> {
        table.replace(&mut col[i], x)
    }
    #[inline(always)]
    fn lane_get<'a>(
        lanes: &'a [Span; LANES],
        lane: usize,
        table: &'a Self::Table,
    ) -> &'a [V::Item] {
        table.get(lanes[lane])
    }
    #[inline]
    fn lane_set(
        lanes: &mut [Span; LANES],
        lane: usize,
        x: &[V::Item],
        table: &mut Self::Table,
    ) -> Result<(), Overflow> {
        table.replace(&mut lanes[lane], x)
    }
    #[inline(always)]
    fn unpack(packed: Span, table: &Self::Table) -> &[V::Item] {
        table.get(packed)
    }
    #[inline]
    fn pack(x: &[V::Item], old: Option<Span>, table: &mut Self::Table) -> Result<Span, Overflow> {
        match old {
            Some(mut span) => {
                table.replace(&mut span, x)?;
                Ok(span)
            }
            None => table.push(x),
        }
    }
    #[inline(always)]
    fn blank_slot() -> Self::Slot {
        ArenaSlice::default()
    }
    #[inline]
    fn slot(x: &[V::Item], _: Option<Self::Slot>, bump: &Bump, _: &mut Self::Table) -> Self::Slot {
        ArenaSlice::new_in(bump, x)
    }
    #[inline(always)]
    unsafe fn slot_ref<'a>(slot: &'a Self::Slot, _: &'a Self::Table) -> &'a [V::Item] {
        // SAFETY: forwarded from the caller (see `Kind::slot_ref`).
        unsafe { slot.get() }
    }
    #[inline]
    fn to_dyn(x: &[V::Item]) -> Value {
        Value::Object(Box::new(V::from_slice(x)))
    }
    #[inline]
    fn into_dyn(value: V) -> Value {
        Value::Object(Box::new(value))
    }
    #[inline]
    fn from_dyn(value: &Value) -> &[V::Item] {
        match value {
            Value::Object(_) => value.object::<V>().as_slice(),
            other => wrong_dyn(other),
        }
    }
    #[inline]
    fn observe(x: &[V::Item], leaf: usize, observer: &mut dyn Observer) {
        observer.len(leaf, x.len());
        observer.heap(leaf, std::mem::size_of_val(x));
        for v in x {
            if let Some(int) = v.as_int() {
                observer.int(leaf, int);
            }
        }
    }
}

impl<V: ListValue> Leaf for List<V> {
    #[inline]
    fn col_reserve(col: &mut Vec<Span>, additional: usize) {
        col.reserve_exact(additional);
    }
    #[inline]
    fn col_push(col: &mut Vec<Span>, value: V, table: &mut Self::Table) -> Result<(), Overflow> {
        col.push(table.push(value.as_slice())?);
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
    #[inline(always)]
    fn col_release(col: &Vec<Span>, i: usize, table: &mut Self::Table) {
        table.dead += col[i].len as usize;
    }
    #[inline]
    fn col_compact(col: &mut Vec<Span>, i: usize, old: &Self::Table, table: &mut Self::Table) {
        table.relocate(&mut col[i], old);
    }
    fn col_parts(name: &str) -> Vec<(String, usize)> {
        let item = short_type_name(std::any::type_name::<V::Item>());
        vec![(
            format!("{name}: span (u32 offset, u32 len) into one Vec<{item}> of every record's elements"),
            std::mem::size_of::<Span>(),
        )]
    }
    #[inline]
    fn lane_put(
        lanes: &mut [Span; LANES],
        lane: usize,
        value: V,
        table: &mut Self::Table,
    ) -> Result<(), Overflow> {
        lanes[lane] = table.push(value.as_slice())?;
        Ok(())
    }
    super::copy_lanes!([Span; LANES]; Span::default());
    #[inline(always)]
    fn lane_release(lanes: &[Span; LANES], lane: usize, table: &mut Self::Table) {
        table.dead += lanes[lane].len as usize;
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
    #[inline(always)]
    fn packed_release(packed: Span, table: &mut Self::Table) {
        table.dead += packed.len as usize;
    }
    #[inline]
    fn packed_compact(packed: &mut Span, old: &Self::Table, table: &mut Self::Table) {
        table.relocate(packed, old);
    }
    #[inline(always)]
    fn compact_due(table: &Self::Table) -> bool {
        table.compact_due()
    }
    fn compact_begin(table: &mut Self::Table) -> Self::Table {
        table.compact_begin()
    }
}
