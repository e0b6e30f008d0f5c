//! What can go wrong when a record goes into a layout: an interned field out of ids, or the
//! `packed` text buffer full. A value for `push`, a panic naming the field for setters.

use crate::intern::Full;
use crate::own::kind::{Field, Overflow};
use crate::own::Record;

/// A record's field could not be stored in a layout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// An interned field met more distinct values than its id type holds.
    #[error(
        "layout `{layout}`: field `{record}.{field}` holds at most {limit} distinct values \
         ({id_type} ids); this input has more"
    )]
    InternFull {
        /// The layout's name.
        layout: &'static str,
        /// The record type's name.
        record: &'static str,
        /// The field's name.
        field: &'static str,
        /// The id type (`"u8"`, `"u16"`, `"u32"`).
        id_type: &'static str,
        /// How many distinct values the id type holds.
        limit: usize,
    },
    /// The `packed` layout's text buffer for non-interned strings would pass its limit.
    #[error(
        "layout `{layout}`: field `{record}.{field}`: the text of all non-interned strings \
         is limited to {limit} bytes (u32 offsets)"
    )]
    TextFull {
        /// The layout's name.
        layout: &'static str,
        /// The record type's name.
        record: &'static str,
        /// The field's name.
        field: &'static str,
        /// The most bytes the buffer holds.
        limit: usize,
    },
}

impl StoreError {
    /// The error for field `F` of `R` in layout `layout`.
    pub(crate) fn new<R: Record, F: Field<R>>(layout: &'static str, overflow: Overflow) -> Self {
        match overflow {
            Overflow::Intern(full) => Self::intern::<R, F>(layout, full),
            Overflow::Text { limit } => StoreError::TextFull {
                layout,
                record: R::SCHEMA.name,
                field: F::NAME,
                limit,
            },
        }
    }

    pub(crate) fn intern<R: Record, F: Field<R>>(layout: &'static str, full: Full) -> Self {
        StoreError::InternFull {
            layout,
            record: R::SCHEMA.name,
            field: F::NAME,
            id_type: full.type_name,
            limit: full.capacity,
        }
    }
}

/// A setter could not store its value: a broken promise of the caller, so a panic whose
/// message names the field (see `# Panics` on the generated setters).
#[cold]
#[inline(never)]
pub(crate) fn setter_failed(error: StoreError) -> ! {
    panic!("{error}")
}
