//! `arena` — records and their strings bump-allocated in one `bumpalo::Bump`.
//!
//! Allocation is a pointer bump into large chunks and the whole arena is freed at once,
//! which suits short-lived batches. Nothing is freed early: records that `retain` drops,
//! and strings a setter replaces, stay in the arena until the store goes. The store is a
//! `Vec` of pointers into the arena, so access still chases a pointer per record (like
//! `boxed`, without the allocator's per-block cost).
//!
//! A row is the record's generated `<Name>ArenaRow`: scalars as themselves, strings as
//! pointers to text in the same arena. The arena and the pointers into it live in one
//! struct, which references cannot express (a self-referential borrow), so the pointers are
//! raw; every `unsafe` block is here, with its `SAFETY` argument, and
//! `tests/unsafe_own_arena.rs` walks each of them under valgrind in CI.

use std::fmt;
use std::ptr::NonNull;

use bumpalo::Bump;

use crate::inspect::TypeInfo;
use crate::own::kind::{Field, FieldSink, Kind, Part, Ref, Val};
use crate::own::{record_at, store_impl, Record, Row, Store, StoreError};

pub(crate) const NAME: &str = "arena";

/// Pointers, in store order, to rows that live in `bump`.
///
/// Invariant: every pointer in `rows` was returned by `self.bump`, which is never reset, so
/// each stays valid for as long as `self` lives; every string slot in those rows was made
/// from `self.bump` too (or points at static memory). Each row is a distinct allocation, so
/// a `&mut` to one aliases no other. Rows are `Copy` (the derive makes them so), so the
/// arena need not run a destructor for any of them.
pub struct Arena<R: Record> {
    rows: Vec<NonNull<R::ArenaRow>>,
    bump: Bump,
}

store_impl!(Default for Arena { rows, bump });

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

/// One row of an [`Arena`], borrowed from the store for `'a`. Only the store makes one
/// (the field is private), from its own rows: that is what makes reading its strings sound.
#[doc(hidden)]
pub struct ArenaAt<'a, R: Record>(&'a R::ArenaRow);

impl<R: Record> Clone for ArenaAt<'_, R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R: Record> Copy for ArenaAt<'_, R> {}

/// Copies one record's fields into a row, strings into the arena.
struct FillRow<'a, R: Record> {
    row: R::ArenaRow,
    bump: &'a Bump,
}

impl<R: Record> FieldSink<R> for FillRow<'_, R> {
    #[inline(always)]
    fn put<F: Field<R>>(&mut self, value: &mut Val<R, F>) {
        *F::slot_mut(&mut self.row) = F::Kind::slot(F::Kind::as_ref(value), self.bump);
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
        }
    }

    #[inline]
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn push(&mut self, record: R) -> Result<(), StoreError> {
        let mut fill = FillRow {
            row: R::ArenaRow::default(),
            bump: &self.bump,
        };
        record.scatter(&mut fill);
        let row = self.bump.alloc(fill.row);
        self.rows.push(NonNull::from(row));
        Ok(())
    }

    fn get(&self, index: usize) -> R {
        record_at::<R, Self>(self.__at(index))
    }

    fn retain<K: FnMut(&Row<'_, R, Self>) -> bool>(&mut self, mut keep: K) {
        // Dropped rows stay in the arena: a bump allocator cannot free one block.
        self.rows.retain(|row| {
            // SAFETY: `row` points to a live row in `self.bump` (struct invariant), which
            // outlives this call; nothing writes to the row meanwhile (`keep` only reads).
            let row = unsafe { row.as_ref() };
            keep(&Row::new(ArenaAt(row)))
        });
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
        ArenaAt(unsafe { self.rows[index].as_ref() })
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
        unsafe { F::Kind::slot_ref(F::slot(at.0)) }
    }

    #[inline(always)]
    fn __write<F: Field<R>>(&mut self, index: usize, value: Ref<'_, R, F>) {
        let mut ptr = self.rows[index];
        // SAFETY: `ptr` points to a live row in `self.bump` (struct invariant); `&mut self`
        // is exclusive and each row is its own allocation, so this `&mut` is unique. The
        // replaced string (if any) stays in the arena, unreferenced.
        let row = unsafe { ptr.as_mut() };
        *F::slot_mut(row) = F::Kind::slot(value, &self.bump);
    }
}
