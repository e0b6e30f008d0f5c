//! The derives of [layoutlab](https://docs.rs/layoutlab): `#[derive(Record)]` on a struct
//! makes it storable in every layout layoutlab measures; `#[derive(Scalar)]` on a fieldless
//! enum makes it a field type.
//!
//! Use them through `layoutlab` (`#[derive(layoutlab::Record)]`), which re-exports both and
//! documents what they generate; the code they generate names only `::layoutlab::…`.
//! Every mistake is a compile error at the offending field or item, saying what is
//! supported.

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

mod record;
mod scalar;
mod types;

/// Derives `layoutlab::Record`; see its documentation in `layoutlab`.
#[proc_macro_derive(Record, attributes(record))]
pub fn derive_record(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    record::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `layoutlab::Scalar` for a fieldless enum; see its documentation in `layoutlab`.
#[proc_macro_derive(Scalar)]
pub fn derive_scalar(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    scalar::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// One step of the chain that gives a record with `#[record(flatten)]` fields its accessors
/// (see `record/accessors.rs`); generated code calls it, users do not.
#[doc(hidden)]
#[proc_macro]
pub fn finish_record(input: TokenStream) -> TokenStream {
    record::finish(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
