//! A user's workload that panics is a bug in the bench, not in layoutlab: the harness catches
//! the panic per workload and layout, keeps its message and location for the report, and
//! measures everything else. Rust's panic hook would print the message and a backtrace
//! through layoutlab's internals to stderr; while a workload runs under [`catch`], a hook
//! installed once keeps them quiet instead, and outside it every panic prints as before.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Whether a [`catch`] is running on this thread.
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    /// The message and location of the panic caught there.
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `f`; a panic inside it comes back as `Err("message, at file:line:column")`.
pub(crate) fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install();
    let was = CATCHING.with(|c| c.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(was));
    result.map_err(|payload| {
        CAUGHT
            .with(|c| c.borrow_mut().take())
            .unwrap_or_else(|| message(payload.as_ref()))
    })
}

/// Wraps the process's panic hook once: quiet inside [`catch`], the old hook outside.
fn install() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CATCHING.with(Cell::get) {
                let at = info.location().map_or_else(String::new, |l| {
                    format!(", at {}:{}:{}", l.file(), l.line(), l.column())
                });
                let text = format!("{}{at}", message(info.payload()));
                CAUGHT.with(|c| *c.borrow_mut() = Some(text));
            } else {
                previous(info);
            }
        }));
    });
}

/// A panic payload's text (`panic!` gives a `&str` or a `String`).
fn message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

#[cfg(test)]
mod tests {
    use super::catch;

    #[test]
    fn a_panic_comes_back_with_its_message_and_location() {
        let caught = catch(|| -> u32 { panic!("index {} out of bounds", 7) }).unwrap_err();
        assert!(caught.starts_with("index 7 out of bounds, at "), "{caught}");
        assert!(caught.contains("panic.rs:"), "{caught}");
        assert_eq!(catch(|| 7), Ok(7));
    }

    #[test]
    fn an_index_out_of_bounds_names_the_index() {
        let v: Vec<u8> = Vec::new();
        let caught = catch(|| v[std::hint::black_box(3)]).unwrap_err();
        assert!(caught.contains("index out of bounds"), "{caught}");
    }
}
