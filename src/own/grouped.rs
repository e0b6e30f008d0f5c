//! `grouped` — the fields in the groups `#[record(group = "…")]` names, each group one array
//! of `#[repr(packed)]`-like byte rows, the fields of a group in declaration order. The
//! compiled form of a proposal: paste the attributes the harness printed and the derive
//! lays this layout out at compile time (every field's group, offset and stride are
//! constants, so a read is one load at a fixed offset), beside the runtime `proposed` layout
//! it was measured as. It exists only for records with a `group` attribute; fields without
//! one form a group of their own.
//!
//! Interned strings are ids, other strings and lists spans into the field's buffer, as in
//! `packed` (the same packed forms and side tables).

use crate::inspect::TypeInfo;
use crate::own::kind::{Field, Kind, Leaf, LeafStore, Ref};
use crate::own::rows::{Place, Places, Rows};
use crate::own::{record_at, setter_failed, Record, Row, Store, StoreError};

pub(crate) const NAME: &str = "grouped";

/// The places the derive computed for record `R`.
pub struct Compiled<R>(std::marker::PhantomData<fn() -> R>);

impl<R> Default for Compiled<R> {
    fn default() -> Self {
        Compiled(std::marker::PhantomData)
    }
}

impl<R> std::fmt::Debug for Compiled<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Compiled")
    }
}

impl<R: Record> Places for Compiled<R> {
    #[inline(always)]
    fn place(&self, leaf: usize) -> Place {
        R::GROUPED.0[leaf]
    }
    #[inline(always)]
    fn strides(&self) -> &[usize] {
        R::GROUPED.1
    }
}

/// The groups' rows (the places the derive computed), and the side tables.
pub struct Grouped<R: Record>(Rows<R, Compiled<R>>);

/// The `inspect` view of a grouped layout: one row type per group, each leaf at its offset.
pub(crate) fn group_types<R: Record, P: Places>(places: &P, names: &[String]) -> Vec<TypeInfo> {
    let leaves = R::SCHEMA.leaves();
    places
        .strides()
        .iter()
        .enumerate()
        .map(|(g, &stride)| {
            let spans = leaves
                .iter()
                .enumerate()
                .filter_map(|(k, leaf)| {
                    let place = places.place(k);
                    let size = match place.repr {
                        crate::own::rows::Repr::Packed => leaf.field.packed_size,
                        crate::own::rows::Repr::Narrow { bytes, .. }
                        | crate::own::rows::Repr::Intern { bytes } => usize::from(bytes),
                    };
                    (place.group == g)
                        .then(|| (leaf.path.as_str(), place.offset..place.offset + size))
                })
                .collect();
            let name = names
                .get(g)
                .map_or_else(|| format!("group {g}"), Clone::clone);
            TypeInfo::from_spans(
                &format!("{} row of group `{name}`", R::SCHEMA.name),
                stride,
                1,
                spans,
            )
        })
        .collect()
}

/// The `Store` impl of a grouped layout over [`Rows`]: the same code for the compiled and the
/// runtime one, whose places differ.
macro_rules! rows_store {
    ($store:ident, $name:expr, $summary:expr, applies: $applies:expr, new: $new:expr) => {
        impl<R: Record> Store<R> for $store<R> {
            const NAME: &'static str = $name;
            const SUMMARY: &'static str = $summary;

            fn __applies() -> bool {
                $applies
            }

            fn with_capacity(records: usize) -> Self {
                ($new)(records, None)
            }

            fn __with_plan(records: usize, plan: Option<&crate::own::Plan>) -> Self {
                ($new)(records, plan)
            }

            #[inline]
            fn len(&self) -> usize {
                self.0.len()
            }

            fn push(&mut self, record: R) -> Result<(), StoreError> {
                self.0.push(record, $name)
            }

            fn get(&self, index: usize) -> R {
                record_at::<R, Self>(self.__at(index))
            }

            fn retain<K: FnMut(&Row<'_, R, Self>) -> bool>(&mut self, mut keep: K) {
                self.0
                    .retain(|rows, index| keep(&Row::new(At { rows, index })));
            }

            fn types() -> Vec<TypeInfo> {
                $store::<R>::layout_types()
            }

            type At<'a> = At<'a, R, <Self as HasPlaces>::Places>;

            #[inline(always)]
            fn __at(&self, index: usize) -> Self::At<'_> {
                At {
                    rows: &self.0,
                    index,
                }
            }

            #[inline(always)]
            fn __read_at<'a, F: Field<R>>(at: Self::At<'a>) -> Ref<'a, R, F>
            where
                Self: 'a,
            {
                <F::Kind as Kind>::read_in::<R, F, Self>(at)
            }

            #[inline(always)]
            fn __write<F: Field<R>>(&mut self, index: usize, value: Ref<'_, R, F>) {
                <F::Kind as Kind>::write_in::<R, F, Self>(self, index, value);
            }
        }

        impl<R: Record> LeafStore<R> for $store<R> {
            #[inline(always)]
            fn read_leaf<'a, F: Field<R>>(at: Self::At<'a>) -> Ref<'a, R, F>
            where
                F::Kind: Leaf,
                Self: 'a,
            {
                at.rows.read::<F>(at.index)
            }

            #[inline(always)]
            fn write_leaf<F: Field<R>>(&mut self, index: usize, x: Ref<'_, R, F>)
            where
                F::Kind: Leaf,
            {
                assert!(
                    index < self.0.len(),
                    "index {index} out of {} records",
                    self.0.len()
                );
                if let Err(overflow) = self.0.write::<F>(index, x, false) {
                    setter_failed(StoreError::new::<R, F>($name, overflow));
                }
                self.0.compact_leaf::<F>();
            }
        }

        impl<R: Record> std::fmt::Debug for $store<R> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_tuple(stringify!($store)).field(&self.0).finish()
            }
        }
    };
}

pub(crate) use rows_store;

/// Where a record is in a grouped layout: the rows, and its index.
#[doc(hidden)]
pub struct At<'a, R: Record, P> {
    pub(crate) rows: &'a Rows<R, P>,
    pub(crate) index: usize,
}

impl<R: Record, P> Clone for At<'_, R, P> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R: Record, P> Copy for At<'_, R, P> {}

/// The places type of a grouped store.
#[doc(hidden)]
pub trait HasPlaces {
    /// Its places.
    type Places;
}

impl<R: Record> HasPlaces for Grouped<R> {
    type Places = Compiled<R>;
}

impl<R: Record> Grouped<R> {
    fn layout_types() -> Vec<TypeInfo> {
        let names: Vec<String> = R::GROUP_NAMES.iter().map(|n| (*n).to_owned()).collect();
        group_types::<R, _>(&Compiled::<R>::default(), &names)
    }
}

rows_store!(
    Grouped,
    NAME,
    "the fields in the groups #[record(group)] names, one array of packed rows per group",
    applies: !R::GROUPED.1.is_empty(),
    new: |records, _: Option<&crate::own::Plan>| Grouped::<R>(Rows::new(Compiled::default(), records))
);
