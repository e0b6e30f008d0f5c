//! `#[derive(Record)]`: the record's schema, the parts each layout is made of (named after
//! the struct), one `Field` impl per field pointing into those parts, and the two accessor
//! traits (`<Name>Fields` on stores, `<Name>RowFields` on rows).
//!
//! This file checks the input and drives the generation; each kind of generated code has a
//! file: `parts.rs`, `record_impl.rs`, `fields.rs`.

mod accessors;
mod fields;
mod parts;
mod record_impl;

pub use self::accessors::{finish, Setter};

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Error, Fields, Ident};

use crate::types::{self, RecordField, SUPPORTED};

/// Names a field may not have: its getter would clash with a method of `Store`.
const STORE_METHODS: [&str; 8] = [
    "len",
    "is_empty",
    "push",
    "get",
    "retain",
    "types",
    "with_capacity",
    "from_records",
];

pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let name = &input.ident;
    let fields = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(fields) => &fields.named,
            Fields::Unnamed(_) => {
                return Err(Error::new_spanned(
                    name,
                    format!("`{name}` is a tuple struct; #[derive(Record)] needs named fields (each becomes a column, a getter and a setter); {SUPPORTED}"),
                ))
            }
            Fields::Unit => {
                return Err(Error::new_spanned(
                    name,
                    format!("`{name}` is a unit struct; #[derive(Record)] needs a struct with named fields; {SUPPORTED}"),
                ))
            }
        },
        Data::Enum(_) => {
            return Err(Error::new_spanned(
                name,
                format!("`{name}` is an enum; #[derive(Record)] needs a struct with named fields (a fieldless enum can be a field's type with #[derive(layoutlab::Scalar)]); {SUPPORTED}"),
            ))
        }
        Data::Union(_) => {
            return Err(Error::new_spanned(
                name,
                format!("`{name}` is a union; #[derive(Record)] needs a struct with named fields; {SUPPORTED}"),
            ))
        }
    };
    if !input.generics.params.is_empty() {
        return Err(Error::new_spanned(
            &input.generics,
            format!("`{name}` has generic parameters or lifetimes; #[derive(Record)] needs a struct that owns its fields, with none; {SUPPORTED}"),
        ));
    }
    if fields.is_empty() {
        return Err(Error::new_spanned(
            name,
            format!("`{name}` has no fields, so nothing to lay out; {SUPPORTED}"),
        ));
    }
    let mut repr_c = false;
    for attr in &input.attrs {
        if attr.path().is_ident("record") {
            return Err(Error::new_spanned(
                attr,
                format!(
                    "#[record(...)] goes on a field of `{name}`, not on the struct; {SUPPORTED}"
                ),
            ));
        }
        if attr.path().is_ident("repr") {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("C") {
                    repr_c = true;
                } else if meta.path.is_ident("packed") {
                    return Err(meta.error(format!(
                        "`{name}` is #[repr(packed)]: its fields cannot be borrowed, so \
                         layoutlab cannot read them in place; drop the attribute (the `packed` \
                         layout packs the records for you)"
                    )));
                }
                if meta.input.peek(syn::token::Paren) {
                    let _ignored: TokenStream = meta.input.parse()?;
                }
                Ok(())
            })?;
        }
    }

    // Every field's mistake at once, not one per build: a user fixing a record with several
    // unsupported fields would otherwise recompile once per field.
    let mut errors: Option<Error> = None;
    let mut add = |e: Error| match &mut errors {
        Some(all) => all.combine(e),
        None => errors = Some(e),
    };
    let mut parsed = Vec::with_capacity(fields.len());
    for field in fields {
        match types::field(field) {
            Ok(f) => parsed.push(f),
            Err(e) => add(e),
        }
    }
    if let Err(e) = check_names(&parsed) {
        add(e);
    }
    if let Some(errors) = errors {
        return Err(errors);
    }
    let fields = parsed;

    Ok(Generator::new(input, &fields, repr_c).generate())
}

/// Getter and setter names must not clash with each other or with `Store`'s methods.
fn check_names(fields: &[RecordField<'_>]) -> syn::Result<()> {
    let mut errors: Option<Error> = None;
    let mut add = |e: Error| match &mut errors {
        Some(all) => all.combine(e),
        None => errors = Some(e),
    };
    for field in fields {
        let name = &field.name;
        if STORE_METHODS.contains(&name.as_str()) || name.starts_with("__") {
            add(Error::new(
                field.ident.span(),
                format!("field `{name}`: its getter `{name}(i)` would clash with a method of layoutlab::Store; rename the field (Store's methods: {}, and names starting with `__`)", STORE_METHODS.join(", ")),
            ));
        }
        if let Some(other) = fields.iter().find(|f| f.name == format!("set_{name}")) {
            add(Error::new(
                other.ident.span(),
                format!("field `{}`: its getter would clash with the setter of field `{name}`; rename one of them", other.name),
            ));
        }
    }
    errors.map_or(Ok(()), Err)
}

struct Generator<'a> {
    input: &'a DeriveInput,
    fields: &'a [RecordField<'a>],
    repr_c: bool,
    name: &'a Ident,
    columns: Ident,
    tables: Ident,
    packed: Ident,
    arena_row: Ident,
    hot_cold: Option<(Ident, Ident)>,
    block: Ident,
}

impl<'a> Generator<'a> {
    fn new(input: &'a DeriveInput, fields: &'a [RecordField<'a>], repr_c: bool) -> Self {
        let name = &input.ident;
        let cold = fields.iter().any(|f| f.cold);
        Generator {
            input,
            fields,
            repr_c,
            name,
            columns: format_ident!("{name}Columns"),
            tables: format_ident!("{name}Tables"),
            packed: format_ident!("{name}Packed"),
            arena_row: format_ident!("{name}ArenaRow"),
            hot_cold: cold.then(|| (format_ident!("{name}Hot"), format_ident!("{name}Cold"))),
            block: format_ident!("{name}Block"),
        }
    }

    fn hot_cold_tys(&self) -> (TokenStream, TokenStream) {
        match &self.hot_cold {
            Some((hot, cold)) => (quote!(#hot), quote!(#cold)),
            None => (
                quote!(::layoutlab::__private::NoCold),
                quote!(::layoutlab::__private::NoCold),
            ),
        }
    }

    /// The markers of the fields' leaves that come before field `i`: its first leaf.
    fn leaf_of(&self, i: usize) -> TokenStream {
        let kinds = self.fields[..i].iter().map(|f| f.kind());
        quote!(0 #(+ <#kinds as ::layoutlab::__private::Kind>::LEAVES)*)
    }

    fn generate(&self) -> TokenStream {
        // First, one check per field type the compiler must see as a field type, at the
        // type: the clearest error comes first.
        let checks = self
            .fields
            .iter()
            .flat_map(|f| f.checks())
            .map(|(ty, check)| {
                let check = Ident::new(check, ty.span());
                quote_spanned! {ty.span()=>
                    const _: fn() = ::layoutlab::__private::#check::<#ty>;
                }
            });
        let parts = self.parts();
        let record = self.record_impl();
        let fields = self.field_impls();
        let accessors = self.accessors();
        quote! {
            #(#checks)*
            #parts
            #record
            #fields
            #accessors
        }
    }
}
