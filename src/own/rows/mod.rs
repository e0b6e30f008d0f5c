//! The engine of the grouped layouts: a record's leaf fields split into groups, each group
//! one array of byte rows, each leaf at a byte offset of its group's row in its packed form
//! (the `packed` layout's, so text and lists live in the same side tables). `grouped` (the
//! compiled layout, from `#[record(group = "…")]`) knows every leaf's place at compile time,
//! so its reads fold to fixed offsets; `proposed` (the harness's proposal) learns them from a
//! plan when it is built, and may also keep an integer narrower than its type or intern a
//! plain `String` itself. Both are [`Rows`] with their own [`Places`].
//!
//! A row is bytes, so a leaf is read with an unaligned load of its packed type (`bytes.rs`,
//! and the fast paths of `Rows::read` and `Rows::write`, each `unsafe` with its `SAFETY`
//! argument, walked under valgrind by `tests/unsafe_rows.rs`); `place.rs` says where each
//! leaf is.

mod bytes;
mod place;

use self::bytes::{fits, read_int, read_raw, write_int, write_raw};
pub use self::place::{packed_offsets, place_units, Place, Places, Repr, Unit, MAX_GROUPS};
use crate::intern::{Full, Interner};
use crate::own::kind::{Field, Kind, Leaf, LeafSink, LeafVisitor, Overflow, Ref, Val};
use crate::own::{Record, StoreError};

/// The rows of a grouped layout, the leaves' side tables, and the intern tables of the
/// leaves it interns itself.
pub struct Rows<R: Record, P> {
    pub(crate) places: P,
    groups: [Vec<u8>; MAX_GROUPS],
    tables: R::Tables,
    interners: Vec<Option<Interner<u32>>>,
    len: usize,
}

impl<R: Record, P: Places> Rows<R, P> {
    /// An empty store with these places, with room for `records` records.
    pub(crate) fn new(places: P, records: usize) -> Self {
        assert!(
            places.strides().len() <= MAX_GROUPS,
            "a grouped layout has at most {MAX_GROUPS} groups"
        );
        let groups = std::array::from_fn(|g| {
            places
                .strides()
                .get(g)
                .map_or_else(Vec::new, |s| Vec::with_capacity(s * records))
        });
        let leaves = R::SCHEMA.leaves();
        for (leaf, schema) in leaves.iter().enumerate() {
            let place = places.place(leaf);
            let size = match place.repr {
                Repr::Packed => schema.field.packed_size,
                Repr::Narrow { bytes, .. } | Repr::Intern { bytes } => usize::from(bytes),
            };
            assert!(
                place.group < places.strides().len()
                    && place.offset + size <= places.strides()[place.group],
                "leaf `{}` of `{}` is placed past its group's row",
                schema.path,
                R::SCHEMA.name
            );
        }
        let interners = (0..R::LEAVES)
            .map(|leaf| {
                matches!(places.place(leaf).repr, Repr::Intern { .. }).then(Interner::default)
            })
            .collect();
        Rows {
            places,
            groups,
            tables: R::Tables::default(),
            interners,
            len: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Where leaf `F` of record `index` starts, in its group.
    #[inline(always)]
    fn start<F: Field<R>>(&self, index: usize) -> (Place, usize) {
        let place = self.places.place(F::LEAF);
        let stride = self.places.strides()[place.group];
        (place, index * stride + place.offset)
    }

    /// Reads leaf `F` of record `index`.
    #[inline(always)]
    pub(crate) fn read<F: Field<R>>(&self, index: usize) -> Ref<'_, R, F>
    where
        F::Kind: Leaf,
    {
        assert!(
            index < self.len,
            "index {index} out of {} records",
            self.len
        );
        let place = self.places.place(F::LEAF);
        let stride = self.places.strides()[place.group];
        let at = index * stride + place.offset;
        let table = F::table(&self.tables);
        if place.repr == Repr::Packed {
            // SAFETY: `index < len`, every group holds `len * stride` bytes (push adds a
            // row of `stride` bytes to each, retain keeps whole rows) and a leaf's packed
            // bytes end within its row (`Rows::new` checked `offset + size <= stride`), so
            // the read is in bounds; the bytes were written as this leaf's packed type (see
            // `read_raw`).
            let packed = unsafe {
                std::ptr::read_unaligned(
                    self.groups[place.group]
                        .as_ptr()
                        .add(at)
                        .cast::<<F::Kind as Kind>::Packed>(),
                )
            };
            return F::Kind::unpack(packed, table);
        }
        let row = &self.groups[place.group];
        match place.repr {
            Repr::Narrow { bytes, signed } => {
                let packed = F::Kind::int_packed(read_int(row, at, bytes, signed));
                F::Kind::unpack(
                    packed.expect("a narrowed leaf holds an integer of its type"),
                    table,
                )
            }
            Repr::Intern { bytes } => {
                let id = read_int(row, at, bytes, false) as usize;
                let interner = self.interners[F::LEAF]
                    .as_ref()
                    .expect("an interned leaf has a table");
                F::Kind::text_ref(interner.name_at(id)).expect("an interned leaf is a String")
            }
            Repr::Packed => unreachable!("read above"),
        }
    }

    /// Writes leaf `F` of record `index` (`fresh`: its row was just pushed, nothing to release).
    pub(crate) fn write<F: Field<R>>(
        &mut self,
        index: usize,
        x: Ref<'_, R, F>,
        fresh: bool,
    ) -> Result<(), Overflow>
    where
        F::Kind: Leaf,
    {
        let (place, start) = self.start::<F>(index);
        let table = F::table_mut(&mut self.tables);
        if place.repr == Repr::Packed {
            assert!(
                index < self.len + usize::from(fresh),
                "index {index} out of {} records",
                self.len
            );
            let at = self.groups[place.group].as_mut_ptr();
            // SAFETY: as in `read`: the row of record `index` exists (a fresh one was pushed
            // before its leaves are written) and the leaf's bytes end within it.
            let old = (!fresh).then(|| unsafe {
                std::ptr::read_unaligned(at.add(start).cast::<<F::Kind as Kind>::Packed>())
            });
            let packed = F::Kind::pack(x, old, table)?;
            // SAFETY: the same bytes, written as the leaf's packed type.
            unsafe {
                std::ptr::write_unaligned(at.add(start).cast::<<F::Kind as Kind>::Packed>(), packed)
            };
            return Ok(());
        }
        let row = &mut self.groups[place.group];
        match place.repr {
            Repr::Packed => unreachable!("written above"),
            Repr::Narrow { bytes, signed } => {
                let value = F::Kind::packed_int(F::Kind::pack(x, None, table)?)
                    .expect("a narrowed leaf is an integer");
                if !fits(value, bytes, signed) {
                    return Err(Overflow::Narrow {
                        value,
                        bytes,
                        signed,
                    });
                }
                write_int(row, start, bytes, value);
            }
            Repr::Intern { bytes } => {
                let text = F::Kind::as_text(x).expect("an interned leaf is a String");
                let interner = self.interners[F::LEAF]
                    .as_mut()
                    .expect("an interned leaf has a table");
                let id = crate::intern::InternId::index(
                    interner.intern(text).map_err(Overflow::Intern)?,
                );
                if id >> (8 * u32::from(bytes)) != 0 {
                    return Err(Overflow::Intern(Full {
                        capacity: 1 << (8 * u32::from(bytes)),
                        type_name: ["", "u8", "u16", "", "u32"][bytes as usize],
                    }));
                }
                write_int(row, start, bytes, id as i128);
            }
        }
        Ok(())
    }

    /// Appends a record, leaf by leaf.
    pub(crate) fn push(&mut self, record: R, layout: &'static str) -> Result<(), StoreError> {
        for (group, stride) in self.groups.iter_mut().zip(self.places.strides()) {
            group.resize(group.len() + stride, 0);
        }
        let index = self.len;
        let mut put = PutLeaves {
            rows: self,
            index,
            layout,
            failed: None,
        };
        record.scatter_leaves(&mut put);
        if let Some(error) = put.failed {
            // The leaves written before the failing one left dead bytes in the tables.
            let len = self.len;
            self.release(len);
            for (group, stride) in self.groups.iter_mut().zip(self.places.strides()) {
                group.truncate(len * stride);
            }
            return Err(error);
        }
        self.len += 1;
        Ok(())
    }

    /// Record `index` is dropped: its leaves' buffer space is dead.
    fn release(&mut self, index: usize) {
        R::each_leaf(&mut Release { rows: self, index });
    }

    /// Keeps the records `keep` says yes to, in order. Runs of kept records move with one
    /// copy per group.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&Self, usize) -> bool) {
        let (mut kept, mut run) = (0, 0);
        for index in 0..self.len {
            if !keep(self, index) {
                self.move_rows(run..index, kept);
                kept += index - run;
                run = index + 1;
                self.release(index);
            }
        }
        self.move_rows(run..self.len, kept);
        kept += self.len - run;
        for (group, stride) in self.groups.iter_mut().zip(self.places.strides()) {
            group.truncate(kept * stride);
        }
        self.len = kept;
        self.compact();
    }

    /// Moves the rows of records `from` to start at record `to` (`to <= from.start`).
    fn move_rows(&mut self, from: std::ops::Range<usize>, to: usize) {
        if from.is_empty() || from.start == to {
            return;
        }
        for (group, &stride) in self.groups.iter_mut().zip(self.places.strides()) {
            group.copy_within(from.start * stride..from.end * stride, to * stride);
        }
    }

    /// Compacts leaf `F`'s buffer if more than half of it is dead (after a setter).
    #[inline(always)]
    pub(crate) fn compact_leaf<F: Field<R>>(&mut self)
    where
        F::Kind: Leaf,
    {
        if F::Kind::compact_due(F::table(&self.tables)) {
            Compact { rows: self }.visit::<F>();
        }
    }

    /// Moves the live part of every buffer that is more than half dead into a fresh one.
    pub(crate) fn compact(&mut self) {
        R::each_leaf(&mut Compact { rows: self });
    }
}

/// Writes a pushed record's leaves.
struct PutLeaves<'a, R: Record, P> {
    rows: &'a mut Rows<R, P>,
    index: usize,
    layout: &'static str,
    failed: Option<StoreError>,
}

impl<R: Record, P: Places> LeafSink<R> for PutLeaves<'_, R, P> {
    #[inline(always)]
    fn put<F: Field<R>>(&mut self, value: Val<R, F>)
    where
        F::Kind: Leaf,
    {
        if self.failed.is_none() {
            if let Err(overflow) = self
                .rows
                .write::<F>(self.index, F::Kind::as_ref(&value), true)
            {
                self.failed = Some(StoreError::new::<R, F>(self.layout, overflow));
            }
        }
    }
}

struct Release<'a, R: Record, P> {
    rows: &'a mut Rows<R, P>,
    index: usize,
}

impl<R: Record, P: Places> LeafVisitor<R> for Release<'_, R, P> {
    #[inline(always)]
    fn visit<F: Field<R>>(&mut self)
    where
        F::Kind: Leaf,
    {
        let (place, start) = self.rows.start::<F>(self.index);
        if place.repr == Repr::Packed {
            let packed = read_raw(&self.rows.groups[place.group], start);
            F::Kind::packed_release(packed, F::table_mut(&mut self.rows.tables));
        }
    }
}

struct Compact<'a, R: Record, P> {
    rows: &'a mut Rows<R, P>,
}

impl<R: Record, P: Places> LeafVisitor<R> for Compact<'_, R, P> {
    #[inline(always)]
    fn visit<F: Field<R>>(&mut self)
    where
        F::Kind: Leaf,
    {
        let table = F::table_mut(&mut self.rows.tables);
        // The kind's check first: it is a constant `false` for most kinds.
        if !F::Kind::compact_due(table) || self.rows.places.place(F::LEAF).repr != Repr::Packed {
            return;
        }
        let old = F::Kind::compact_begin(table);
        for index in 0..self.rows.len {
            let (place, start) = self.rows.start::<F>(index);
            let row = &mut self.rows.groups[place.group];
            let mut packed: <F::Kind as Kind>::Packed = read_raw(row, start);
            F::Kind::packed_compact(&mut packed, &old, F::table_mut(&mut self.rows.tables));
            write_raw(row, start, packed);
        }
    }
}

impl<R: Record, P: std::fmt::Debug> std::fmt::Debug for Rows<R, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rows")
            .field("places", &self.places)
            .field(
                "bytes",
                &self.groups.iter().map(Vec::len).collect::<Vec<_>>(),
            )
            .field("tables", &self.tables)
            .field("len", &self.len)
            .finish()
    }
}
