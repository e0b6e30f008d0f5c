//! What can go wrong when a record goes into a layout: an interned field out of ids, or the
//! `packed` text buffer full. A value for `push`, a panic naming the field for setters.
//!
//! Also how a `push` stops at the first field it cannot store ([`try_scatter`]), so each
//! layout says only how it stores one field and how it undoes a half-stored record.

use crate::intern::Full;
use crate::own::kind::{Elem, Field, FieldSink, Kind, Overflow, Val};
use crate::own::Record;

/// A record's field could not be stored in a layout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// An interned field met more distinct values than its id type holds.
    #[error(
        "layout `{layout}`: field `{record}.{field}` holds at most {limit} distinct values \
         ({id_type} ids); this input has more{}",
        wider_id(id_type)
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

/// What to declare instead when an id type is too narrow: the next width up, if there is one.
fn wider_id(id_type: &str) -> &'static str {
    match id_type {
        "u8" => ": declare `#[record(intern = u16)]` on the field",
        "u16" => ": declare `#[record(intern = u32)]` on the field",
        _ => "",
    }
}

thread_local! {
    /// Whether a [`catch_setter`] is running on this thread.
    static CATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The error of the setter that failed inside it.
    static CAUGHT: std::cell::RefCell<Option<StoreError>> = const { std::cell::RefCell::new(None) };
}

/// The unwinding payload of a setter failure that a [`catch_setter`] turns back into its
/// error.
struct SetterFailed;

/// A setter could not store its value: a broken promise of the caller, so a panic whose
/// message names the field (see `# Panics` on the generated setters). Inside
/// [`catch_setter`] (the harness running a workload) it unwinds without a panic message, and
/// the harness reports the error as the layout's, like a `push` that could not store a record.
#[cold]
#[inline(never)]
pub(crate) fn setter_failed(error: StoreError) -> ! {
    if CATCHING.with(std::cell::Cell::get) {
        CAUGHT.with(|c| *c.borrow_mut() = Some(error));
        // `resume_unwind` skips the panic hook: no message or backtrace for an error the
        // caller reports itself.
        std::panic::resume_unwind(Box::new(SetterFailed));
    }
    panic!("{error}")
}

/// Runs `f` (a workload on a store), returning the error of a setter that could not store
/// its value instead of a panic. Any other panic goes on unwinding as it was.
pub(crate) fn catch_setter<T>(f: impl FnOnce() -> T) -> Result<T, StoreError> {
    let was = CATCHING.with(|c| c.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(was));
    match result {
        Ok(value) => Ok(value),
        Err(payload) => match CAUGHT.with(|c| c.borrow_mut().take()) {
            Some(error) if payload.is::<SetterFailed>() => Err(error),
            _ => std::panic::resume_unwind(payload),
        },
    }
}

/// How a layout stores one field of a record it is pushing.
pub(crate) trait TrySink<R: Record> {
    /// Stores field `F`'s value (taking it, or copying it), or says why it cannot.
    fn try_put<F: Field<R>>(&mut self, value: &mut Val<R, F>) -> Result<(), StoreError>;
}

/// Hands `record`'s fields to `sink` in declaration order, stopping at the first one the
/// sink cannot store, whose error it returns. The fields before that one are stored: the
/// caller undoes them.
#[inline]
pub(crate) fn try_scatter<R: Record, S: TrySink<R>>(
    record: R,
    sink: &mut S,
) -> Result<(), StoreError> {
    /// The sink, and the first error it returned.
    struct UntilFailed<'a, S> {
        sink: &'a mut S,
        failed: Option<StoreError>,
    }

    impl<R: Record, S: TrySink<R>> FieldSink<R> for UntilFailed<'_, S> {
        #[inline(always)]
        fn put<F: Field<R>>(&mut self, value: &mut Val<R, F>) {
            if self.failed.is_none() {
                self.failed = self.sink.try_put::<F>(value).err();
            }
        }
    }

    let mut until = UntilFailed { sink, failed: None };
    record.scatter(&mut until);
    until.failed.map_or(Ok(()), Err)
}

/// Field `F`'s value, taken, as an element of a column or lane of layout `layout`
/// (interned into the field's table if the field interns).
#[inline(always)]
pub(crate) fn take_elem<R: Record, F: Field<R>>(
    layout: &'static str,
    value: &mut Val<R, F>,
    tables: &mut R::Tables,
) -> Result<Elem<R, F>, StoreError> {
    F::Kind::elem(F::Kind::take(value), F::table_mut(tables))
        .map_err(|full| StoreError::intern::<R, F>(layout, full))
}

#[cfg(test)]
mod catch_tests {
    use super::*;

    fn full() -> StoreError {
        StoreError::InternFull {
            layout: "soa",
            record: "Event",
            field: "host",
            id_type: "u8",
            limit: 256,
        }
    }

    #[test]
    fn a_setter_failure_inside_catch_setter_is_its_error() {
        let caught = catch_setter(|| -> u32 { setter_failed(full()) });
        assert_eq!(caught, Err(full()));
        // And outside it, still the panic naming the field.
        let panic = std::panic::catch_unwind(|| setter_failed(full())).unwrap_err();
        let message = panic.downcast_ref::<String>().unwrap();
        assert!(message.contains("`Event.host`"), "{message}");
    }

    #[test]
    fn other_panics_go_on_unwinding() {
        let panic =
            std::panic::catch_unwind(|| catch_setter(|| panic!("the workload's own"))).unwrap_err();
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"the workload's own"));
        assert_eq!(catch_setter(|| 7), Ok(7));
    }
}
