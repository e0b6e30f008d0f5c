//! The flattened kind: `#[record(flatten)] pos: Pos`, where `Pos` itself derives `Record`.
//! Its fields become fields of the outer record in every layout, as soa_derive's
//! `#[nested_soa]` does: columns of the outer `soa` (`Pos`'s own generated columns, inside
//! the outer ones), bytes of the outer `packed` row (`Pos`'s packed row, inside the outer
//! one), lanes of the outer `aosoa` block, slots of the outer `arena` row; `aos`, `boxed` and
//! `hot_cold` keep the `Pos` value, and `heap_map` a map of its own inside the record's.
//!
//! A store reaches each field of `Pos` on its own ([`super::Nested`]): `pos_lat(i)` reads
//! only the `lat` column. Reading or writing the whole `pos(i)` goes through every field of
//! `Pos`, which is what this kind does.

use std::marker::PhantomData;

use bumpalo::Bump;

use super::dynamic::FieldMap;
use super::{
    Field, FieldSink, FieldSource, FieldVisitor, Kind, LeafStore, Nested, Observer, Overflow, Val,
    Value,
};
use crate::hash::FixedState;
use crate::own::Record;

/// The marker kind of a `#[record(flatten)]` field of record type `P`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Flat<P>(PhantomData<P>);

/// Builds a `P` reading each field with `read`.
struct Build<F>(F);

/// A field reader for [`Build`]: given the field, its value.
trait Read<P: Record> {
    fn read<F: Field<P>>(&mut self) -> Val<P, F>;
}

impl<P: Record, G: Read<P>> FieldSource<P> for Build<G> {
    #[inline(always)]
    fn take<F: Field<P>>(&mut self) -> Val<P, F> {
        self.0.read::<F>()
    }
}

/// Defines a [`Read`] over one part of `P` (`$part` names the part and table bindings).
macro_rules! reader {
    ($name:ident<$($lt:lifetime),*> { $($field:ident: $ty:ty),* } |$this:ident, $f:ident| $body:expr) => {
        struct $name<$($lt,)* P: Record> { $($field: $ty,)* }
        impl<$($lt,)* P: Record> Read<P> for $name<$($lt,)* P> {
            #[inline(always)]
            fn read<$f: Field<P>>(&mut self) -> Val<P, $f> {
                let $this = &*self;
                <$f::Kind as Kind>::to_value($body)
            }
        }
    };
}

reader!(FromColumns<'a> { cols: &'a P::Columns, i: usize, tables: &'a P::Tables }
    |s, F| F::Kind::col_get(F::column(s.cols), s.i, F::table(s.tables)));
reader!(FromLanes<'a> { block: &'a P::Block, lane: usize, tables: &'a P::Tables }
    |s, F| F::Kind::lane_get(F::lanes(s.block), s.lane, F::table(s.tables)));
reader!(FromPacked<'a> { row: P::Packed, tables: &'a P::Tables }
    |s, F| F::Kind::unpack(F::packed(&s.row), F::table(s.tables)));
reader!(FromMap<'a> { map: &'a FieldMap, record: PhantomData<P> }
    |s, F| F::Kind::from_dyn(F::dynamic(s.map)));

/// Reads an arena row (its `unsafe` is the caller's promise, see [`Kind::slot_ref`]).
struct FromSlots<'a, P: Record> {
    row: &'a P::ArenaRow,
    tables: &'a P::Tables,
}

impl<P: Record> Read<P> for FromSlots<'_, P> {
    #[inline(always)]
    fn read<F: Field<P>>(&mut self) -> Val<P, F> {
        // SAFETY: `Flat::slot_ref` was called with the promise that the row's slots point
        // into an arena alive for the borrow, which covers this read.
        F::Kind::to_value(unsafe { F::Kind::slot_ref(F::slot(self.row), F::table(self.tables)) })
    }
}

/// Writes each field of a `P` value into one part of `P`, stopping at the first that cannot
/// be stored (whose error names the field).
struct Write<'v, P, G> {
    value: &'v P,
    write: G,
    failed: Option<Overflow>,
}

/// A field writer for [`Write`].
trait Put<P: Record> {
    fn put<F: Field<P>>(&mut self, x: <F::Kind as Kind>::Ref<'_>) -> Result<(), Overflow>;
}

impl<P: Record, G: Put<P>> FieldVisitor<P> for Write<'_, P, G> {
    #[inline(always)]
    fn visit<F: Field<P>>(&mut self) {
        if self.failed.is_none() {
            let x = F::Kind::as_ref(F::of(self.value));
            if let Err(e) = self.write.put::<F>(x) {
                self.failed = Some(Overflow::In(F::NAME, Box::new(e)));
            }
        }
    }
}

impl<'v, P: Record, G: Put<P>> Write<'v, P, G> {
    fn run(value: &'v P, write: G) -> Result<G, Overflow> {
        let mut w = Write {
            value,
            write,
            failed: None,
        };
        P::each_field(&mut w);
        w.failed.map_or(Ok(w.write), Err)
    }
}

struct ToColumns<'a, P: Record> {
    cols: &'a mut P::Columns,
    i: usize,
    tables: &'a mut P::Tables,
}
impl<P: Record> Put<P> for ToColumns<'_, P> {
    #[inline(always)]
    fn put<F: Field<P>>(&mut self, x: <F::Kind as Kind>::Ref<'_>) -> Result<(), Overflow> {
        F::Kind::col_set(
            F::column_mut(self.cols),
            self.i,
            x,
            F::table_mut(self.tables),
        )
    }
}

struct ToLanes<'a, P: Record> {
    block: &'a mut P::Block,
    lane: usize,
    tables: &'a mut P::Tables,
}
impl<P: Record> Put<P> for ToLanes<'_, P> {
    #[inline(always)]
    fn put<F: Field<P>>(&mut self, x: <F::Kind as Kind>::Ref<'_>) -> Result<(), Overflow> {
        F::Kind::lane_set(
            F::lanes_mut(self.block),
            self.lane,
            x,
            F::table_mut(self.tables),
        )
    }
}

struct ToPacked<'a, P: Record> {
    row: P::Packed,
    old: Option<P::Packed>,
    tables: &'a mut P::Tables,
}
impl<P: Record> Put<P> for ToPacked<'_, P> {
    #[inline(always)]
    fn put<F: Field<P>>(&mut self, x: <F::Kind as Kind>::Ref<'_>) -> Result<(), Overflow> {
        let old = self.old.as_ref().map(F::packed);
        F::set_packed(
            &mut self.row,
            F::Kind::pack(x, old, F::table_mut(self.tables))?,
        );
        Ok(())
    }
}

struct ToSlots<'a, P: Record> {
    row: P::ArenaRow,
    old: Option<P::ArenaRow>,
    bump: &'a Bump,
    tables: &'a mut P::Tables,
}
impl<P: Record> Put<P> for ToSlots<'_, P> {
    #[inline(always)]
    fn put<F: Field<P>>(&mut self, x: <F::Kind as Kind>::Ref<'_>) -> Result<(), Overflow> {
        let old = self.old.as_ref().map(|o| *F::slot(o));
        *F::slot_mut(&mut self.row) = F::Kind::slot(x, old, self.bump, F::table_mut(self.tables));
        Ok(())
    }
}

/// Inserts each field of a record into a map, by its kind's dynamic value.
struct IntoMap(FieldMap);
impl<P: Record> FieldSink<P> for IntoMap {
    #[inline]
    fn put<F: Field<P>>(&mut self, value: Val<P, F>) {
        self.0.insert(F::NAME.to_owned(), F::Kind::into_dyn(value));
    }
}

/// The map of a record's fields, as the `heap_map` layout holds a record (or a flattened
/// record inside one).
pub(crate) fn record_map<P: Record>(record: P) -> FieldMap {
    let mut map = IntoMap(FieldMap::with_capacity_and_hasher(
        P::SCHEMA.fields.len(),
        FixedState::default(),
    ));
    record.scatter(&mut map);
    map.0
}

/// Tells an observer each field of a record.
struct Observe<'a, P> {
    value: &'a P,
    leaf: usize,
    observer: &'a mut dyn Observer,
}
impl<P: Record> FieldVisitor<P> for Observe<'_, P> {
    #[inline]
    fn visit<F: Field<P>>(&mut self) {
        F::Kind::observe(
            F::Kind::as_ref(F::of(self.value)),
            self.leaf + F::LEAF,
            self.observer,
        );
    }
}

/// Tells `observer` what every field of `record` holds, leaf by leaf.
pub(crate) fn observe_record<P: Record>(record: &P, observer: &mut dyn Observer) {
    P::each_field(&mut Observe {
        value: record,
        leaf: 0,
        observer,
    });
}

fn written<G>(result: Result<G, Overflow>) -> Result<(), Overflow> {
    result.map(|_| ())
}

/// What a flattened record must be besides a record: a getter returns it whole, and outputs
/// are compared and printed.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a #[record(flatten)] field",
    label = "must derive layoutlab::Record, Debug and PartialEq",
    note = "add #[derive(layoutlab::Record, Clone, Debug, PartialEq)] to `{Self}`, or keep the field as it is with #[record(opaque)]"
)]
pub trait FlatRecord: Record + std::fmt::Debug + PartialEq {}
impl<P: Record + std::fmt::Debug + PartialEq> FlatRecord for P {}

impl<P: FlatRecord> Kind for Flat<P> {
    type Value = P;
    type Ref<'a> = P;
    type Table = P::Tables;
    type Column = P::Columns;
    type Lanes = P::Block;
    type Packed = P::Packed;
    type Slot = P::ArenaRow;
    const LEAVES: usize = P::LEAVES;

    #[inline]
    fn as_ref(value: &P) -> P {
        value.clone()
    }
    #[inline]
    fn assign(value: &mut P, x: P) {
        *value = x;
    }
    #[inline(always)]
    fn to_value(x: P) -> P {
        x
    }
    #[inline]
    fn col_get<'a>(cols: &'a P::Columns, i: usize, tables: &'a P::Tables) -> P {
        P::build(&mut Build(FromColumns::<P> { cols, i, tables }))
    }
    fn col_set(
        cols: &mut P::Columns,
        i: usize,
        x: P,
        tables: &mut P::Tables,
    ) -> Result<(), Overflow> {
        written(Write::run(&x, ToColumns::<P> { cols, i, tables }))
    }
    #[inline]
    fn lane_get<'a>(block: &'a P::Block, lane: usize, tables: &'a P::Tables) -> P {
        P::build(&mut Build(FromLanes::<P> {
            block,
            lane,
            tables,
        }))
    }
    fn lane_set(
        block: &mut P::Block,
        lane: usize,
        x: P,
        tables: &mut P::Tables,
    ) -> Result<(), Overflow> {
        written(Write::run(
            &x,
            ToLanes::<P> {
                block,
                lane,
                tables,
            },
        ))
    }
    #[inline]
    fn unpack(row: P::Packed, tables: &P::Tables) -> P {
        P::build(&mut Build(FromPacked::<P> { row, tables }))
    }
    fn pack(x: P, old: Option<P::Packed>, tables: &mut P::Tables) -> Result<P::Packed, Overflow> {
        let row = old.unwrap_or_default();
        Write::run(&x, ToPacked::<P> { row, old, tables }).map(|w| w.row)
    }
    fn blank_slot() -> P::ArenaRow {
        P::ArenaRow::default()
    }
    fn slot(x: P, old: Option<P::ArenaRow>, bump: &Bump, tables: &mut P::Tables) -> P::ArenaRow {
        let row = old.unwrap_or_default();
        match Write::run(
            &x,
            ToSlots::<P> {
                row,
                old,
                bump,
                tables,
            },
        ) {
            Ok(w) => w.row,
            Err(_) => unreachable!("an arena slot is always written"),
        }
    }
    #[inline]
    unsafe fn slot_ref<'a>(row: &'a P::ArenaRow, tables: &'a P::Tables) -> P {
        P::build(&mut Build(FromSlots::<P> { row, tables }))
    }
    fn to_dyn(x: P) -> Value {
        Self::into_dyn(x)
    }
    fn into_dyn(value: P) -> Value {
        Value::Map(Box::new(record_map(value)))
    }
    fn from_dyn(value: &Value) -> P {
        P::build(&mut Build(FromMap::<P> {
            map: value.map(),
            record: PhantomData,
        }))
    }
    fn observe(x: P, leaf: usize, observer: &mut dyn Observer) {
        P::each_field(&mut Observe {
            value: &x,
            leaf,
            observer,
        });
    }
    #[inline]
    fn read_in<'a, R: Record, F: Field<R, Kind = Self>, S: LeafStore<R> + 'a>(at: S::At<'a>) -> P {
        /// Reads each field of `P` as field `Nested<F, B>` of `R`.
        struct Through<'a, R: Record, F, S: LeafStore<R> + 'a>(S::At<'a>, PhantomData<(R, F)>);
        impl<'a, R: Record, P: FlatRecord, F: Field<R, Kind = Flat<P>>, S: LeafStore<R> + 'a>
            FieldSource<P> for Through<'a, R, F, S>
        {
            #[inline(always)]
            fn take<B: Field<P>>(&mut self) -> Val<P, B> {
                B::Kind::to_value(<B::Kind as Kind>::read_in::<R, Nested<F, B>, S>(self.0))
            }
        }
        P::build(&mut Through::<R, F, S>(at, PhantomData))
    }
    fn write_in<R: Record, F: Field<R, Kind = Self>, S: LeafStore<R>>(
        store: &mut S,
        index: usize,
        x: P,
    ) {
        /// Writes each field of `P` as field `Nested<F, B>` of `R`.
        struct Through<'s, 'v, R, P, F, S> {
            store: &'s mut S,
            index: usize,
            value: &'v P,
            marker: PhantomData<(R, F)>,
        }
        impl<R: Record, P: FlatRecord, F: Field<R, Kind = Flat<P>>, S: LeafStore<R>> FieldVisitor<P>
            for Through<'_, '_, R, P, F, S>
        {
            #[inline(always)]
            fn visit<B: Field<P>>(&mut self) {
                let x = B::Kind::as_ref(B::of(self.value));
                <B::Kind as Kind>::write_in::<R, Nested<F, B>, S>(self.store, self.index, x);
            }
        }
        P::each_field(&mut Through::<R, P, F, S> {
            store,
            index,
            value: &x,
            marker: PhantomData,
        });
    }
}
