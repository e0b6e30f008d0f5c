//! How a layout reaches one field of the user's record: [`Field<R>`], which the derive
//! implements once per field as a projection into each of the record's generated parts,
//! [`Nested`], which reaches a field of a flattened record through the outer one, the
//! visitors that walk the fields (or the leaves) in order, and the short names of each
//! field's types.

use super::{Flat, FlatRecord, Kind, Leaf, Value};
use crate::own::kind::dynamic::FieldMap;
use crate::own::Record;

/// The type in the user's struct of field `F` of `R`.
pub type Val<R, F> = <<F as Field<R>>::Kind as Kind>::Value;
/// What reading field `F` of `R` returns.
pub type Ref<'a, R, F> = <<F as Field<R>>::Kind as Kind>::Ref<'a>;
/// The side table of field `F` of `R`.
pub type Table<R, F> = <<F as Field<R>>::Kind as Kind>::Table;
/// The `soa` column of field `F` of `R`.
pub type Column<R, F> = <<F as Field<R>>::Kind as Kind>::Column;
/// The `aosoa` lanes of field `F` of `R`.
pub type Lanes<R, F> = <<F as Field<R>>::Kind as Kind>::Lanes;
/// The `packed` form of field `F` of `R`.
pub type Packed<R, F> = <<F as Field<R>>::Kind as Kind>::Packed;
/// The `arena` slot of field `F` of `R`.
pub type Slot<R, F> = <<F as Field<R>>::Kind as Kind>::Slot;

/// The marker of field number `N` (in declaration order) of a record.
#[derive(Debug, Clone, Copy, Default)]
pub struct FieldNo<const N: usize>;

/// Field `B` of the record that field `A` flattens (`#[record(flatten)]`): `pos.lat` is
/// `Nested<FieldNo<pos>, FieldNo<lat>>`, and nests further the same way.
#[derive(Debug, Clone, Copy, Default)]
pub struct Nested<A, B>(std::marker::PhantomData<(A, B)>);

/// One field of record `R`: its kind, and where it is inside each of the record's parts.
/// Implemented by `#[derive(Record)]` for [`FieldNo<N>`] and by [`Nested`]; every method is
/// one projection.
pub trait Field<R: Record>: 'static {
    /// The field's first leaf: its index among the record's leaf fields, where a flattened
    /// record's fields each count.
    const LEAF: usize;
    /// The field's name (within its own record).
    const NAME: &'static str;
    /// How the field is stored.
    type Kind: Kind;

    /// The field's path from the record: its name, or `pos.lat` for field `lat` of a
    /// flattened field `pos`.
    fn path() -> String {
        Self::NAME.to_owned()
    }
    /// The field in the user's struct (`aos`, `boxed`).
    fn of(record: &R) -> &Val<R, Self>;
    /// The same, mutably.
    fn of_mut(record: &mut R) -> &mut Val<R, Self>;
    /// Its `soa` column.
    fn column(columns: &R::Columns) -> &Column<R, Self>;
    /// The same, mutably.
    fn column_mut(columns: &mut R::Columns) -> &mut Column<R, Self>;
    /// Its side table.
    fn table(tables: &R::Tables) -> &Table<R, Self>;
    /// The same, mutably.
    fn table_mut(tables: &mut R::Tables) -> &mut Table<R, Self>;
    /// Its value in a `packed` row (by value: packed fields cannot be borrowed).
    fn packed(row: &R::Packed) -> Packed<R, Self>;
    /// Writes its value in a `packed` row.
    fn set_packed(row: &mut R::Packed, value: Packed<R, Self>);
    /// Its slot in an `arena` row.
    fn slot(row: &R::ArenaRow) -> &Slot<R, Self>;
    /// The same, mutably.
    fn slot_mut(row: &mut R::ArenaRow) -> &mut Slot<R, Self>;
    /// Its lanes in an `aosoa` block.
    fn lanes(block: &R::Block) -> &Lanes<R, Self>;
    /// The same, mutably.
    fn lanes_mut(block: &mut R::Block) -> &mut Lanes<R, Self>;
    /// The field of record `index` of a `hot_cold` store: in its hot or its cold part
    /// (indexing only the array it is in).
    fn hot_cold<'a>(hot: &'a [R::Hot], cold: &'a [R::Cold], index: usize) -> &'a Val<R, Self>;
    /// The same, mutably.
    fn hot_cold_mut<'a>(
        hot: &'a mut [R::Hot],
        cold: &'a mut [R::Cold],
        index: usize,
    ) -> &'a mut Val<R, Self>;
    /// Its value in a `heap_map` record.
    fn dynamic(map: &FieldMap) -> &Value;
    /// The same, mutably.
    fn dynamic_mut(map: &mut FieldMap) -> &mut Value;
}

impl<R, P, A, B> Field<R> for Nested<A, B>
where
    R: Record,
    P: FlatRecord,
    A: Field<R, Kind = Flat<P>>,
    B: Field<P>,
{
    const LEAF: usize = A::LEAF + B::LEAF;
    const NAME: &'static str = B::NAME;
    type Kind = B::Kind;

    fn path() -> String {
        format!("{}.{}", A::path(), B::path())
    }

    #[inline(always)]
    fn of(record: &R) -> &Val<R, Self> {
        B::of(A::of(record))
    }
    #[inline(always)]
    fn of_mut(record: &mut R) -> &mut Val<R, Self> {
        B::of_mut(A::of_mut(record))
    }
    #[inline(always)]
    fn column(columns: &R::Columns) -> &Column<R, Self> {
        B::column(A::column(columns))
    }
    #[inline(always)]
    fn column_mut(columns: &mut R::Columns) -> &mut Column<R, Self> {
        B::column_mut(A::column_mut(columns))
    }
    #[inline(always)]
    fn table(tables: &R::Tables) -> &Table<R, Self> {
        B::table(A::table(tables))
    }
    #[inline(always)]
    fn table_mut(tables: &mut R::Tables) -> &mut Table<R, Self> {
        B::table_mut(A::table_mut(tables))
    }
    #[inline(always)]
    fn packed(row: &R::Packed) -> Packed<R, Self> {
        B::packed(&A::packed(row))
    }
    #[inline(always)]
    fn set_packed(row: &mut R::Packed, value: Packed<R, Self>) {
        let mut inner = A::packed(row);
        B::set_packed(&mut inner, value);
        A::set_packed(row, inner);
    }
    #[inline(always)]
    fn slot(row: &R::ArenaRow) -> &Slot<R, Self> {
        B::slot(A::slot(row))
    }
    #[inline(always)]
    fn slot_mut(row: &mut R::ArenaRow) -> &mut Slot<R, Self> {
        B::slot_mut(A::slot_mut(row))
    }
    #[inline(always)]
    fn lanes(block: &R::Block) -> &Lanes<R, Self> {
        B::lanes(A::lanes(block))
    }
    #[inline(always)]
    fn lanes_mut(block: &mut R::Block) -> &mut Lanes<R, Self> {
        B::lanes_mut(A::lanes_mut(block))
    }
    #[inline(always)]
    fn hot_cold<'a>(hot: &'a [R::Hot], cold: &'a [R::Cold], index: usize) -> &'a Val<R, Self> {
        B::of(A::hot_cold(hot, cold, index))
    }
    #[inline(always)]
    fn hot_cold_mut<'a>(
        hot: &'a mut [R::Hot],
        cold: &'a mut [R::Cold],
        index: usize,
    ) -> &'a mut Val<R, Self> {
        B::of_mut(A::hot_cold_mut(hot, cold, index))
    }
    #[inline(always)]
    fn dynamic(map: &FieldMap) -> &Value {
        B::dynamic(A::dynamic(map).map())
    }
    #[inline(always)]
    fn dynamic_mut(map: &mut FieldMap) -> &mut Value {
        B::dynamic_mut(A::dynamic_mut(map).map_mut())
    }
}

/// Something done once per field of `R`, with the field's type in hand.
pub trait FieldVisitor<R: Record> {
    /// Called once per field, in declaration order.
    fn visit<F: Field<R>>(&mut self);
}

/// Something done once per leaf field of `R` (a flattened record's fields each count, the
/// flattened field itself does not), with the field's type in hand.
pub trait LeafVisitor<R: Record> {
    /// Called once per leaf, in declaration order.
    fn visit<F: Field<R>>(&mut self)
    where
        F::Kind: Leaf;
}

/// Where [`Record::build`](crate::Record) takes each field's value from.
pub trait FieldSource<R: Record> {
    /// The value of field `F`.
    fn take<F: Field<R>>(&mut self) -> Val<R, F>;
}

/// Where [`Record::scatter`](crate::Record) puts each field's value.
pub trait FieldSink<R: Record> {
    /// Field `F`'s value, moved.
    fn put<F: Field<R>>(&mut self, value: Val<R, F>);
}

/// Where [`Record::scatter_leaves`](crate::Record) puts each leaf's value.
pub trait LeafSink<R: Record> {
    /// Leaf `F`'s value, moved.
    fn put<F: Field<R>>(&mut self, value: Val<R, F>)
    where
        F::Kind: Leaf;
}

/// A [`LeafVisitor`] of the outer record `R`, handed the leaves of the record its field `A`
/// flattens (what the derive's `each_leaf` does for a `#[record(flatten)]` field).
pub struct NestedVisitor<'v, R, A, V>(pub &'v mut V, pub std::marker::PhantomData<(R, A)>);

impl<R, P, A, V> LeafVisitor<P> for NestedVisitor<'_, R, A, V>
where
    R: Record,
    P: FlatRecord,
    A: Field<R, Kind = Flat<P>>,
    V: LeafVisitor<R>,
{
    #[inline(always)]
    fn visit<B: Field<P>>(&mut self)
    where
        B::Kind: Leaf,
    {
        self.0.visit::<Nested<A, B>>();
    }
}

/// The same for a [`LeafSink`].
pub struct NestedSink<'v, R, A, S>(pub &'v mut S, pub std::marker::PhantomData<(R, A)>);

impl<R, P, A, S> LeafSink<P> for NestedSink<'_, R, A, S>
where
    R: Record,
    P: FlatRecord,
    A: Field<R, Kind = Flat<P>>,
    S: LeafSink<R>,
{
    #[inline(always)]
    fn put<B: Field<P>>(&mut self, value: Val<P, B>)
    where
        B::Kind: Leaf,
    {
        self.0.put::<Nested<A, B>>(value);
    }
}

/// The parts of a record a layout may be built of, for [`Record`]'s part descriptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The user's struct.
    Record,
    /// The `packed` row.
    Packed,
    /// The `arena` row.
    ArenaRow,
    /// The hot part of a `hot_cold` record.
    Hot,
    /// The cold part of a `hot_cold` record.
    Cold,
    /// An `aosoa` block.
    Block,
}
