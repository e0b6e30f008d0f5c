//! What can go wrong when a record goes into a layout: an interned field out of ids, or a
//! field's buffer full. A value for `push`, a panic naming the field for setters.

use crate::own::kind::{Field, Overflow};
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
        /// The field's path (`pos.venue` for a field of a flattened record).
        field: String,
        /// The id type (`"u8"`, `"u16"`, `"u32"`).
        id_type: &'static str,
        /// How many distinct values the id type holds.
        limit: usize,
    },
    /// One of a field's buffers in a compact layout (the `packed` text of its strings, a
    /// list's values) would pass what its `u32` offsets reach.
    #[error(
        "layout `{layout}`: field `{record}.{field}`: its buffer holds at most {limit} \
         elements (u32 offsets)"
    )]
    BufferFull {
        /// The layout's name.
        layout: &'static str,
        /// The record type's name.
        record: &'static str,
        /// The field's path.
        field: String,
        /// The most elements the buffer holds.
        limit: usize,
    },
    /// An integer field kept narrower than its type met a value that does not fit.
    #[error(
        "layout `{layout}`: field `{record}.{field}` is kept as {ty}, and this input has \
         {value}, which does not fit; keep the field wider (`narrow` to a wider type, or none)"
    )]
    NarrowFull {
        /// The layout's name.
        layout: &'static str,
        /// The record type's name.
        record: &'static str,
        /// The field's path.
        field: String,
        /// The narrow type (`"u16"`).
        ty: String,
        /// The value that did not fit.
        value: i128,
    },
}

impl StoreError {
    /// The error for field `F` of `R` in layout `layout`.
    pub(crate) fn new<R: Record, F: Field<R>>(layout: &'static str, overflow: Overflow) -> Self {
        let mut field = F::path();
        let (below, innermost) = overflow.innermost();
        if !below.is_empty() {
            field = format!("{field}.{below}");
        }
        match innermost {
            Overflow::Intern(full) => StoreError::InternFull {
                layout,
                record: R::SCHEMA.name,
                field,
                id_type: full.type_name,
                limit: full.capacity,
            },
            Overflow::Buffer { limit } => StoreError::BufferFull {
                layout,
                record: R::SCHEMA.name,
                field,
                limit: *limit,
            },
            Overflow::Narrow {
                value,
                bytes,
                signed,
            } => StoreError::NarrowFull {
                layout,
                record: R::SCHEMA.name,
                field,
                ty: format!(
                    "{}{}",
                    if *signed { "i" } else { "u" },
                    8 * u32::from(*bytes)
                ),
                value: *value,
            },
            Overflow::In(..) => unreachable!("the innermost overflow is a field's own"),
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

#[cfg(test)]
mod catch_tests {
    use super::*;

    fn full() -> StoreError {
        StoreError::InternFull {
            layout: "soa",
            record: "Event",
            field: "host".to_owned(),
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
