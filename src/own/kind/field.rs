//! How a layout reaches one field of the user's record: [`Field<R>`], which the derive
//! implements once per field as a projection into each of the record's generated parts, the
//! visitors that walk the fields in order, and the short names of each field's types.

use super::{Kind, LANES};
use crate::own::Record;

/// The type in the user's struct of field `F` of `R`.
pub type Val<R, F> = <<F as Field<R>>::Kind as Kind>::Value;
/// What reading field `F` of `R` returns.
pub type Ref<'a, R, F> = <<F as Field<R>>::Kind as Kind>::Ref<'a>;
/// The side table of field `F` of `R`.
pub type Table<R, F> = <<F as Field<R>>::Kind as Kind>::Table;
/// A `soa` element / `aosoa` lane of field `F` of `R`.
pub type Elem<R, F> = <<F as Field<R>>::Kind as Kind>::Elem;
/// The `packed` form of field `F` of `R`.
pub type Packed<R, F> = <<F as Field<R>>::Kind as Kind>::Packed;
/// The `arena` slot of field `F` of `R`.
pub type Slot<R, F> = <<F as Field<R>>::Kind as Kind>::Slot;

/// The marker of field number `N` (in declaration order) of a record.
#[derive(Debug, Clone, Copy, Default)]
pub struct FieldNo<const N: usize>;

/// One field of record `R`: its kind, and where it is inside each of the record's parts.
/// Implemented by `#[derive(Record)]` for [`FieldNo<N>`]; every method is one projection.
pub trait Field<R: Record>: 'static {
    /// The field's index in declaration order.
    const INDEX: usize;
    /// The field's name.
    const NAME: &'static str;
    /// How the field is stored.
    type Kind: Kind;

    /// The field in the user's struct (`aos`, `boxed`).
    fn of(record: &R) -> &Val<R, Self>;
    /// The same, mutably.
    fn of_mut(record: &mut R) -> &mut Val<R, Self>;
    /// Its `soa` column.
    fn column(columns: &R::Columns) -> &Vec<Elem<R, Self>>;
    /// The same, mutably.
    fn column_mut(columns: &mut R::Columns) -> &mut Vec<Elem<R, Self>>;
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
    fn lanes(block: &R::Block) -> &[Elem<R, Self>; LANES];
    /// The same, mutably.
    fn lanes_mut(block: &mut R::Block) -> &mut [Elem<R, Self>; LANES];
    /// The field of record `index` of a `hot_cold` store: in its hot or its cold part
    /// (indexing only the array it is in).
    fn hot_cold<'a>(hot: &'a [R::Hot], cold: &'a [R::Cold], index: usize) -> &'a Val<R, Self>;
    /// The same, mutably.
    fn hot_cold_mut<'a>(
        hot: &'a mut [R::Hot],
        cold: &'a mut [R::Cold],
        index: usize,
    ) -> &'a mut Val<R, Self>;
}

/// Something done once per field of `R`, with the field's type in hand.
pub trait FieldVisitor<R: Record> {
    /// Called once per field, in declaration order.
    fn visit<F: Field<R>>(&mut self);
}

/// Where [`Record::build`](crate::Record) takes each field's value from.
pub trait FieldSource<R: Record> {
    /// The value of field `F`.
    fn take<F: Field<R>>(&mut self) -> Val<R, F>;
}

/// Where [`Record::scatter`](crate::Record) puts each field's value.
pub trait FieldSink<R: Record> {
    /// Field `F`'s value; the sink may take it (leaving a `String` empty) or copy it.
    fn put<F: Field<R>>(&mut self, value: &mut Val<R, F>);
}

/// The side table of a field with none: `()`, mutably, without allocating (a box of a
/// zero-sized value allocates nothing).
#[inline(always)]
pub fn no_table() -> &'static mut () {
    Box::leak(Box::new(()))
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
