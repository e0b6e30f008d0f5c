//! `soa` — struct of arrays: one column per leaf field, interned strings as ids.
//!
//! A scan of one field streams only that field's bytes through the cache. The price: a
//! record is spread over one allocation per field, and every push or removal touches every
//! column. What a column is depends on the field's kind (see `kind/`): a `Vec` of the
//! values for a number, of ids for an interned string (plus the field's intern table), of
//! `String`s for other strings; a validity bitmap beside the values for an `Option`; spans
//! into one values buffer for a list; a flattened record's own columns for its fields.
//!
//! The columns are the record's generated `<Name>Columns` struct.

use crate::inspect::TypeInfo;
use crate::own::kind::{Field, Kind, Leaf, LeafSink, LeafVisitor, Overflow, Ref, Val};
use crate::own::{record_at, setter_failed, store_impl, Record, Row, Store, StoreError};

pub(crate) const NAME: &str = "soa";

/// One column per leaf field (the record's generated `<Name>Columns`), plus the side tables.
pub struct Soa<R: Record> {
    columns: R::Columns,
    tables: R::Tables,
    len: usize,
}

store_impl!(Default for Soa { columns, tables, len });
store_impl!(Debug for Soa { columns, tables, len });

/// Defines a [`LeafVisitor`] over the columns and tables of a store: `$name { fields }`,
/// and what it does with leaf `F`'s column `col` and table `table`.
macro_rules! each_column {
    ($name:ident { $($field:ident: $ty:ty),* } |$this:ident, $F:ident, $col:ident, $table:ident| $body:block) => {
        struct $name<'a, R: Record> {
            columns: &'a mut R::Columns,
            tables: &'a mut R::Tables,
            $($field: $ty,)*
        }
        impl<R: Record> LeafVisitor<R> for $name<'_, R> {
            #[inline(always)]
            fn visit<$F: Field<R>>(&mut self)
            where
                $F::Kind: Leaf,
            {
                let $this = &mut *self;
                let $col = $F::column_mut($this.columns);
                let $table = $F::table_mut($this.tables);
                $body
            }
        }
    };
}

each_column!(
    Reserve { additional: usize } | s,
    F,
    col,
    _table | {
        F::Kind::col_reserve(col, s.additional);
    }
);
each_column!(
    Truncate { len: usize } | s,
    F,
    col,
    _table | {
        F::Kind::col_truncate(col, s.len);
    }
);
// Moves record `from` to `to` (`to < from`) in every column.
each_column!(
    MoveRow {
        from: usize,
        to: usize
    } | s,
    F,
    col,
    _table | {
        F::Kind::col_move(col, s.from, s.to);
    }
);
// Record `i` is dropped: the buffer space of its values is dead.
each_column!(
    Release { i: usize } | s,
    F,
    col,
    table | {
        F::Kind::col_release(col, s.i, table);
    }
);
// Moves the live part of every buffer that is more than half dead into a fresh one.
each_column!(
    Compact { len: usize } | s,
    F,
    col,
    table | {
        if F::Kind::compact_due(table) {
            let old = F::Kind::compact_begin(table);
            for i in 0..s.len {
                F::Kind::col_compact(col, i, &old, table);
            }
        }
    }
);

/// Appends one record's leaves to the columns, stopping at the first that cannot be stored.
struct PushLeaves<'a, R: Record> {
    columns: &'a mut R::Columns,
    tables: &'a mut R::Tables,
    failed: Option<StoreError>,
}

impl<R: Record> LeafSink<R> for PushLeaves<'_, R> {
    #[inline(always)]
    fn put<F: Field<R>>(&mut self, value: Val<R, F>)
    where
        F::Kind: Leaf,
    {
        if self.failed.is_none() {
            let col = F::column_mut(self.columns);
            if let Err(overflow) = F::Kind::col_push(col, value, F::table_mut(self.tables)) {
                self.failed = Some(StoreError::new::<R, F>(NAME, overflow));
            }
        }
    }
}

/// `(element, bytes)` of every column, for `inspect`.
struct ColumnParts(Vec<(String, usize)>);
impl<R: Record> LeafVisitor<R> for ColumnParts {
    fn visit<F: Field<R>>(&mut self)
    where
        F::Kind: Leaf,
    {
        self.0.extend(F::Kind::col_parts(&F::path()));
    }
}

impl<R: Record> Soa<R> {
    fn compact(&mut self) {
        let len = self.len;
        R::each_leaf(&mut Compact::<R> {
            columns: &mut self.columns,
            tables: &mut self.tables,
            len,
        });
    }
}

impl<R: Record> Store<R> for Soa<R> {
    const NAME: &'static str = NAME;
    const SUMMARY: &'static str =
        "struct of arrays: one Vec per field, interned strings as ids plus their table";

    fn with_capacity(records: usize) -> Self {
        let mut soa = Soa::default();
        R::each_leaf(&mut Reserve::<R> {
            columns: &mut soa.columns,
            tables: &mut soa.tables,
            additional: records,
        });
        soa
    }

    #[inline]
    fn len(&self) -> usize {
        self.len
    }

    fn push(&mut self, record: R) -> Result<(), StoreError> {
        let mut push = PushLeaves::<R> {
            columns: &mut self.columns,
            tables: &mut self.tables,
            failed: None,
        };
        record.scatter_leaves(&mut push);
        if let Some(error) = push.failed {
            // Leaves before the failing one were pushed: cut every column back.
            let len = self.len;
            R::each_leaf(&mut Truncate::<R> {
                columns: &mut self.columns,
                tables: &mut self.tables,
                len,
            });
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
                    R::each_leaf(&mut MoveRow::<R> {
                        columns: &mut self.columns,
                        tables: &mut self.tables,
                        from: index,
                        to: kept,
                    });
                }
                kept += 1;
            } else {
                R::each_leaf(&mut Release::<R> {
                    columns: &mut self.columns,
                    tables: &mut self.tables,
                    i: index,
                });
            }
        }
        R::each_leaf(&mut Truncate::<R> {
            columns: &mut self.columns,
            tables: &mut self.tables,
            len: kept,
        });
        self.len = kept;
        self.compact();
    }

    fn types() -> Vec<TypeInfo> {
        let mut parts = ColumnParts(Vec::new());
        R::each_leaf(&mut parts);
        let name = format!("{} columns (one element of each Vec)", R::SCHEMA.name);
        vec![TypeInfo::columns(&name, &parts.0)]
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
        F::Kind::col_get(F::column(&soa.columns), index, F::table(&soa.tables))
    }

    #[inline(always)]
    fn __write<F: Field<R>>(&mut self, index: usize, value: Ref<'_, R, F>) {
        let col = F::column_mut(&mut self.columns);
        let written: Result<(), Overflow> =
            F::Kind::col_set(col, index, value, F::table_mut(&mut self.tables));
        if let Err(overflow) = written {
            setter_failed(StoreError::new::<R, F>(NAME, overflow));
        }
        self.compact();
    }
}
