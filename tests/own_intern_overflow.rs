//! An interned field never wraps: one distinct value more than its id type holds is an
//! error naming the field, the id type and its limit (from `push`, leaving the store as it
//! was), or a panic naming the field (from a setter).

use std::panic::{catch_unwind, AssertUnwindSafe};

use layoutlab::own::{Aos, Aosoa, Packed, Soa};
use layoutlab::{Record, Store, StoreError, StoreFn};

#[derive(Record, Clone, Debug, PartialEq)]
pub struct Visit {
    pub at: u64,
    #[record(intern = u8)]
    pub page: String,
    pub note: String,
}

fn visit(i: usize) -> Visit {
    Visit {
        at: i as u64,
        page: format!("/page/{i}"),
        note: format!("n{i}"),
    }
}

/// Pushes 300 visits to distinct pages; returns how many went in and the first error.
struct Fill;
impl StoreFn<Visit> for Fill {
    type Out = (usize, Option<StoreError>, Vec<Visit>);
    fn call<S: Store<Visit>>(self) -> Self::Out {
        let mut store = S::with_capacity(0);
        let mut error = None;
        for i in 0..300 {
            if let Err(e) = store.push(visit(i)) {
                error.get_or_insert(e);
            }
        }
        let records = (0..store.len()).map(|i| store.get(i)).collect();
        (store.len(), error, records)
    }
}

#[test]
fn compact_layouts_refuse_the_257th_page_and_never_wrap() {
    for layout in Visit::layouts() {
        let (len, error, records) = Visit::for_layout(layout.name, Fill).unwrap();
        let interns = matches!(layout.name, "soa" | "packed" | "aosoa");
        if interns {
            assert_eq!(len, 256, "{}", layout.name);
            let error = error.expect("the 257th distinct page is refused");
            assert_eq!(
                error,
                StoreError::InternFull {
                    layout: layout.name,
                    record: "Visit",
                    field: "page".to_owned(),
                    id_type: "u8",
                    limit: 256,
                }
            );
            let message = error.to_string();
            assert!(
                message.contains("`Visit.page`")
                    && message.contains("256")
                    && message.contains("u8"),
                "{message}"
            );
            // Every refused push left the store as it was: the 256 accepted records, intact.
            assert_eq!(
                records,
                (0..256).map(visit).collect::<Vec<_>>(),
                "{}",
                layout.name
            );
        } else {
            assert_eq!((len, error), (300, None), "{} stores text", layout.name);
        }
    }
}

fn setter_panic<S: Store<Visit>>() -> String {
    let mut store = S::from_records((0..256).map(visit)).unwrap();
    store.set_page(3, "/page/7"); // an existing value: fine
    assert_eq!(store.page(3), "/page/7");
    let panic = catch_unwind(AssertUnwindSafe(|| store.set_page(0, "/new")))
        .expect_err("the 257th distinct value must not be stored");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    // The store is unchanged by the refused write.
    assert_eq!(store.page(0), "/page/0");
    message
}

#[test]
fn setters_panic_naming_the_field() {
    for message in [
        setter_panic::<Soa<Visit>>(),
        setter_panic::<Packed<Visit>>(),
        setter_panic::<Aosoa<Visit>>(),
    ] {
        assert!(message.contains("`Visit.page`"), "{message}");
        assert!(
            message.contains("256 distinct values (u8 ids)"),
            "{message}"
        );
        // And what to do about it.
        assert!(
            message.contains("declare `#[record(intern = u16)]` on the field"),
            "{message}"
        );
    }
    // A layout that stores text takes any value.
    let mut aos = Aos::<Visit>::from_records((0..256).map(visit)).unwrap();
    aos.set_page(0, "/new");
    assert_eq!(aos.page(0), "/new");
}
