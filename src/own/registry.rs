//! The layouts of every record, listed once: each layout's file (`src/own/<name>.rs`)
//! holds its store type and its `NAME`, and one line here registers it.

use super::*;

/// The name and summary of one layout of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct StoreInfo {
    /// The registry name (`"soa"`, …).
    pub name: &'static str,
    /// One line saying what the layout is.
    pub summary: &'static str,
}

/// Declares the registry's functions over one list, so that adding a layout is one new
/// file plus one line here.
macro_rules! registry {
    ($($module:ident :: $store:ident),* $(,)?) => {
        /// Every layout's name, in registry order (a record without `#[record(cold)]`
        /// fields has all of them but `hot_cold`; see [`Record::layouts`]).
        pub const LAYOUT_NAMES: &[&str] = &[$($module::NAME),*];

        pub(super) fn layouts<R: Record>() -> Vec<StoreInfo> {
            let mut out = Vec::new();
            $(if <$store<R> as Store<R>>::__applies() {
                out.push(StoreInfo {
                    name: <$store<R> as Store<R>>::NAME,
                    summary: <$store<R> as Store<R>>::SUMMARY,
                });
            })*
            out
        }

        pub(super) fn for_layout<R: Record, F: StoreFn<R>>(name: &str, f: F) -> Option<F::Out> {
            $(if name == <$store<R> as Store<R>>::NAME && <$store<R> as Store<R>>::__applies() {
                return Some(f.call::<$store<R>>());
            })*
            None
        }
    };
}

registry!(
    aos::Aos,
    boxed::Boxed,
    soa::Soa,
    packed::Packed,
    heap_map::HeapMap,
    arena::Arena,
    hot_cold::HotCold,
    aosoa::Aosoa,
    grouped::Grouped,
);

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_the_registry_names() {
        assert_eq!(
            super::LAYOUT_NAMES,
            [
                "aos", "boxed", "soa", "packed", "heap_map", "arena", "hot_cold", "aosoa",
                "grouped"
            ]
        );
    }
}
