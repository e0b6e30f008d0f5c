//! `soa` — struct of arrays: one `Vec` per field, interned strings as ids.
//!
//! A scan of one field streams only that field's bytes through the cache. The price: a
//! record is spread over one allocation per field, and every push or removal touches every
//! column. Interned strings (`#[record(intern)]`) are a column of ids plus the field's intern
//! table; other strings are a `Vec<String>` (each text its own heap block).
//!
//! The columns are the record's generated `<Name>Columns` struct, one `Vec` per field.

use crate::inspect::TypeInfo;
use crate::own::kind::{Elem, Field, FieldVisitor, Kind, Ref, Val};
use crate::own::{
    record_at, setter_failed, store_impl, take_elem, try_scatter, Record, Row, Store, StoreError,
    TrySink,
};

pub(crate) const NAME: &str = "soa";

/// One `Vec` per field (the record's generated `<Name>Columns`), plus the intern tables.
pub struct Soa<R: Record> {
    columns: R::Columns,
    tables: R::Tables,
    len: usize,
}

store_impl!(Default for Soa { columns, tables, len });
store_impl!(Debug for Soa { columns, tables, len });

/// Calls `each` once per field with the field's column (mutably) — the column-wise
/// operations of this file, each one line.
struct EachColumn<'a, R: Record, G> {
    columns: &'a mut R::Columns,
    each: G,
}

/// A column operation that does not depend on the field's type beyond its element.
trait ColumnOp<R: Record> {
    fn apply<F: Field<R>>(&mut self, column: &mut Vec<Elem<R, F>>);
}

impl<R: Record, G: ColumnOp<R>> FieldVisitor<R> for EachColumn<'_, R, G> {
    #[inline(always)]
    fn visit<F: Field<R>>(&mut self) {
        self.each.apply::<F>(F::column_mut(self.columns));
    }
}

impl<R: Record> Soa<R> {
    #[inline(always)]
    fn each_column<G: ColumnOp<R>>(&mut self, each: G) {
        R::each_field(&mut EachColumn {
            columns: &mut self.columns,
            each,
        });
    }
}

struct Reserve(usize);
impl<R: Record> ColumnOp<R> for Reserve {
    #[inline(always)]
    fn apply<F: Field<R>>(&mut self, column: &mut Vec<Elem<R, F>>) {
        column.reserve_exact(self.0);
    }
}

struct Truncate(usize);
impl<R: Record> ColumnOp<R> for Truncate {
    #[inline(always)]
    fn apply<F: Field<R>>(&mut self, column: &mut Vec<Elem<R, F>>) {
        column.truncate(self.0);
    }
}

/// Moves element `from` to `to` (`to < from`) in every column.
struct MoveRow {
    from: usize,
    to: usize,
}
impl<R: Record> ColumnOp<R> for MoveRow {
    #[inline(always)]
    fn apply<F: Field<R>>(&mut self, column: &mut Vec<Elem<R, F>>) {
        let (low, high) = column.split_at_mut(self.from);
        F::Kind::move_elem(&mut high[0], &mut low[self.to]);
    }
}

/// Appends one record's fields to the columns.
struct PushFields<'a, R: Record> {
    columns: &'a mut R::Columns,
    tables: &'a mut R::Tables,
}

impl<R: Record> TrySink<R> for PushFields<'_, R> {
    #[inline(always)]
    fn try_put<F: Field<R>>(&mut self, value: &mut Val<R, F>) -> Result<(), StoreError> {
        F::column_mut(self.columns).push(take_elem::<R, F>(NAME, value, self.tables)?);
        Ok(())
    }
}

/// `(element name, element size)` of every column, for `inspect`.
struct ColumnSizes(Vec<(String, usize)>);
impl<R: Record> FieldVisitor<R> for ColumnSizes {
    fn visit<F: Field<R>>(&mut self) {
        let elem = short_type_name(std::any::type_name::<Elem<R, F>>());
        self.0.push((
            format!("{}: {elem}", F::NAME),
            std::mem::size_of::<Elem<R, F>>(),
        ));
    }
}

/// `alloc::string::String` → `String`, `my_crate::Side` → `Side`.
pub(crate) fn short_type_name(name: &str) -> &str {
    name.rsplit("::").next().unwrap_or(name)
}

impl<R: Record> Store<R> for Soa<R> {
    const NAME: &'static str = NAME;
    const SUMMARY: &'static str =
        "struct of arrays: one Vec per field, interned strings as ids plus their table";

    fn with_capacity(records: usize) -> Self {
        let mut soa = Soa::default();
        soa.each_column(Reserve(records));
        soa
    }

    #[inline]
    fn len(&self) -> usize {
        self.len
    }

    fn push(&mut self, record: R) -> Result<(), StoreError> {
        let mut push = PushFields {
            columns: &mut self.columns,
            tables: &mut self.tables,
        };
        if let Err(error) = try_scatter(record, &mut push) {
            // Fields before the failing one were pushed: cut every column back.
            let len = self.len;
            self.each_column(Truncate(len));
            return Err(error);
        }
        self.len += 1;
        Ok(())
    }

    fn get(&self, index: usize) -> R {
        assert!(
            index < self.len,
            "index {index} out of {} records",
            self.len
        );
        record_at::<R, Self>(self.__at(index))
    }

    fn retain<K: FnMut(&Row<'_, R, Self>) -> bool>(&mut self, mut keep: K) {
        let mut kept = 0;
        for index in 0..self.len {
            if keep(&Row::new((&*self, index))) {
                if kept != index {
                    self.each_column(MoveRow {
                        from: index,
                        to: kept,
                    });
                }
                kept += 1;
            }
        }
        self.each_column(Truncate(kept));
        self.len = kept;
    }

    fn types() -> Vec<TypeInfo> {
        let mut sizes = ColumnSizes(Vec::new());
        R::each_field(&mut sizes);
        let name = format!("{} columns (one element of each Vec)", R::SCHEMA.name);
        vec![TypeInfo::columns(&name, &sizes.0)]
    }

    type At<'a> = (&'a Soa<R>, usize);

    #[inline(always)]
    fn __at(&self, index: usize) -> (&Soa<R>, usize) {
        // No check here: every column has `len` elements, so indexing the column checks.
        (self, index)
    }

    #[inline(always)]
    fn __read_at<'a, F: Field<R>>((soa, index): (&'a Soa<R>, usize)) -> Ref<'a, R, F>
    where
        Self: 'a,
    {
        F::Kind::elem_ref(&F::column(&soa.columns)[index], F::table(&soa.tables))
    }

    #[inline(always)]
    fn __write<F: Field<R>>(&mut self, index: usize, value: Ref<'_, R, F>) {
        let elem = &mut F::column_mut(&mut self.columns)[index];
        if let Err(full) = F::Kind::assign_elem(elem, value, F::table_mut(&mut self.tables)) {
            setter_failed(StoreError::intern::<R, F>(NAME, full));
        }
    }
}
