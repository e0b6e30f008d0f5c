//! Every mistake a user can make with `#[derive(Record)]` and `#[derive(Scalar)]` is a
//! compile error at the offending field or item, naming it and saying what is supported.
//! One file per mistake under `tests/ui/`, with the compiler's output pinned beside it
//! (`TRYBUILD=overwrite cargo test --test derive_errors` re-records after a deliberate
//! change; review the diff).

#[test]
fn derive_mistakes_are_compile_errors() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
