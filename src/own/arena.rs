//! `arena` — records and their strings bump-allocated in one `bumpalo::Bump`.
//!
//! Allocation is a pointer bump into large chunks and the whole arena is freed at once,
//! which suits short-lived batches. Nothing is freed early: records that `retain` drops,
//! and strings a setter replaces, stay in the arena until the store goes. The store is a
//! `Vec` of pointers into the arena, so access still chases a pointer per record (like
//! `boxed`, without the allocator's per-block cost).
//!
//! A row is the record's generated `<Name>ArenaRow`: scalars as themselves, strings and
//! lists as pointers to their bytes in the same arena, an opaque value as an index into a
//! `Vec` beside the rows (the arena could not run its destructor). The arena and the pointers into it live in one
//! struct, which references cannot express (a self-referential borrow), so the pointers are
//! raw; every `unsafe` block is here, with its `SAFETY` argument, and
//! `tests/unsafe_own_arena.rs` walks each of them under valgrind in CI.

use std::fmt;
use std::ptr::NonNull;

use bumpalo::Bump;

use crate::inspect::TypeInfo;
use crate::own::kind::{Field, Kind, Leaf, LeafSink, LeafVisitor, Part, Ref, Val};
use crate::own::{record_at, store_impl, Record, Row, Store, StoreError};

pub(crate) const NAME: &str = "arena";

/// Pointers, in store order, to rows that live in `bump`, and the side tables (where the
/// values of opaque fields live, indexed by their slots).
///
/// Invariant: every pointer in `rows` was returned by `self.bump`, which is never reset, so
/// each stays valid for as long as `self` lives; every string and list slot in those rows
/// was made from `self.bump` too (or points at static memory). Each row is a distinct
/// allocation, so a `&mut` to one aliases no other. Rows are `Copy` (the derive makes them
/// so), so the arena need not run a destructor for any of them.
pub struct Arena<R: Record> {
    rows: Vec<NonNull<R::ArenaRow>>,
    bump: Bump,
    tables: R::Tables,
}

store_impl!(Default for Arena { rows, bump, tables });

impl<R: Record> fmt::Debug for Arena<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Arena")
            .field("rows", &self.rows.len())
            .field("arena_bytes", &self.bump.allocated_bytes())
            .finish()
    }
}

impl<R: Record> Arena<R> {
    /// Bytes the arena has taken from the allocator (its chunks), freed records included.
    pub fn arena_bytes(&self) -> usize {
        self.bump.allocated_bytes()
    }
}

/// One row of an [`Arena`] and its tables, borrowed from the store for `'a`. Only the store
/// makes one (the fields are private), from its own rows: that is what makes reading its
/// strings sound.
#[doc(hidden)]
pub struct ArenaAt<'a, R: Record>(&'a R::ArenaRow, &'a R::Tables);

impl<R: Record> Clone for ArenaAt<'_, R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R: Record> Copy for ArenaAt<'_, R> {}

/// Copies one record's leaves into a row, strings and lists into the arena.
struct FillRow<'a, R: Record> {
    row: R::ArenaRow,
    bump: &'a Bump,
    tables: &'a mut R::Tables,
}

impl<R: Record> LeafSink<R> for FillRow<'_, R> {
    #[inline(always)]
    fn put<F: Field<R>>(&mut self, value: Val<R, F>)
    where
        F::Kind: Leaf,
    {
        let table = F::table_mut(self.tables);
        *F::slot_mut(&mut self.row) =
            F::Kind::slot(F::Kind::as_ref(&value), None, self.bump, table);
    }
}

/// A row is dropped: the values it has in the tables are dead (the arena keeps its bytes).
struct Release<'a, R: Record> {
    row: &'a R::ArenaRow,
    tables: &'a mut R::Tables,
}

impl<R: Record> LeafVisitor<R> for Release<'_, R> {
    #[inline(always)]
    fn visit<F: Field<R>>(&mut self)
    where
        F::Kind: Leaf,
    {
        F::Kind::slot_release(*F::slot(self.row), F::table_mut(self.tables));
    }
}

/// Moves the live part of every table that is more than half dead into a fresh one.
struct Compact<'a, R: Record> {
    rows: &'a mut [NonNull<R::ArenaRow>],
    tables: &'a mut R::Tables,
}

impl<R: Record> LeafVisitor<R> for Compact<'_, R> {
    #[inline(always)]
    fn visit<F: Field<R>>(&mut self)
    where
        F::Kind: Leaf,
    {
        let table = F::table_mut(self.tables);
        if F::Kind::compact_due(table) {
            let old = F::Kind::compact_begin(table);
            for ptr in self.rows.iter_mut() {
                // SAFETY: each pointer points to a live row of the store's arena (struct
                // invariant), a distinct allocation, and the store is borrowed mutably.
                let row = unsafe { ptr.as_mut() };
                F::Kind::slot_compact(F::slot_mut(row), &old, table);
            }
        }
    }
}

impl<R: Record> Arena<R> {
    fn compact(&mut self) {
        R::each_leaf(&mut Compact::<R> {
            rows: &mut self.rows,
            tables: &mut self.tables,
        });
    }
}

impl<R: Record> Store<R> for Arena<R> {
    const NAME: &'static str = NAME;
    const SUMMARY: &'static str =
        "records and their strings bump-allocated in a bumpalo::Bump, a Vec of pointers";

    fn with_capacity(records: usize) -> Self {
        Arena {
            rows: Vec::with_capacity(records),
            bump: Bump::new(),
            tables: R::Tables::default(),
        }
    }

    #[inline]
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn push(&mut self, record: R) -> Result<(), StoreError> {
        let mut fill = FillRow::<R> {
            row: R::ArenaRow::default(),
            bump: &self.bump,
            tables: &mut self.tables,
        };
        record.scatter_leaves(&mut fill);
        let row = self.bump.alloc(fill.row);
        self.rows.push(NonNull::from(row));
        Ok(())
    }

    fn get(&self, index: usize) -> R {
        record_at::<R, Self>(self.__at(index))
    }

    fn retain<K: FnMut(&Row<'_, R, Self>) -> bool>(&mut self, mut keep: K) {
        // Dropped rows stay in the arena: a bump allocator cannot free one block.
        let mut kept = 0;
        for index in 0..self.rows.len() {
            let ptr = self.rows[index];
            // SAFETY: `ptr` points to a live row in `self.bump` (struct invariant), which
            // outlives this loop; nothing writes to the row meanwhile (`keep` only reads).
            let row = unsafe { ptr.as_ref() };
            if keep(&Row::new(ArenaAt(row, &self.tables))) {
                self.rows[kept] = ptr;
                kept += 1;
            } else {
                R::each_leaf(&mut Release::<R> {
                    row,
                    tables: &mut self.tables,
                });
            }
        }
        self.rows.truncate(kept);
        self.compact();
    }

    fn types() -> Vec<TypeInfo> {
        vec![R::part_info(Part::ArenaRow)]
    }

    type At<'a> = ArenaAt<'a, R>;

    #[inline(always)]
    fn __at(&self, index: usize) -> ArenaAt<'_, R> {
        // SAFETY: the pointer came from `self.rows`, so it points to a live, initialised row
        // in `self.bump` (struct invariant); `&self` keeps the arena alive for the returned
        // borrow, and no `&mut` to the row exists while `&self` is borrowed.
        ArenaAt(unsafe { self.rows[index].as_ref() }, &self.tables)
    }

    #[inline(always)]
    fn __read_at<'a, F: Field<R>>(at: ArenaAt<'a, R>) -> Ref<'a, R, F>
    where
        Self: 'a,
    {
        // SAFETY: an `ArenaAt<'a>` is made only by this store, from one of its own rows and
        // borrowing the store for `'a`; the row's string slots were made from the store's
        // arena (or are the static empty string), and the arena is never reset, so it lives
        // for all of `'a`.
        unsafe { F::Kind::slot_ref(F::slot(at.0), F::table(at.1)) }
    }

    #[inline(always)]
    fn __write<F: Field<R>>(&mut self, index: usize, value: Ref<'_, R, F>) {
        let mut ptr = self.rows[index];
        // SAFETY: `ptr` points to a live row in `self.bump` (struct invariant); `&mut self`
        // is exclusive and each row is its own allocation, so this `&mut` is unique. The
        // replaced string (if any) stays in the arena, unreferenced.
        let row = unsafe { ptr.as_mut() };
        let slot = F::slot_mut(row);
        *slot = F::Kind::slot(
            value,
            Some(*slot),
            &self.bump,
            F::table_mut(&mut self.tables),
        );
        self.compact();
    }
}
