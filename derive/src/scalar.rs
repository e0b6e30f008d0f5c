//! `#[derive(Scalar)]`: a fieldless enum as a one-byte code (its variant's index), and its
//! variants' names for the dynamic layout.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Error, Expr, Fields, Lit};

/// What the error messages say is supported.
const SUPPORTED: &str = "#[derive(Scalar)] supports fieldless enums with at most 256 variants \
                         and no generics; explicit discriminants must be u8 literals (0..=255)";

pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let name = &input.ident;
    let data = match &input.data {
        Data::Enum(data) => data,
        _ => {
            return Err(Error::new_spanned(
                name,
                format!(
                    "`{name}` is not an enum; {SUPPORTED} (the primitive field types are \
                     Scalar already)"
                ),
            ))
        }
    };
    if !input.generics.params.is_empty() {
        return Err(Error::new_spanned(
            &input.generics,
            format!("`{name}` has generic parameters; {SUPPORTED}"),
        ));
    }
    if data.variants.is_empty() {
        return Err(Error::new_spanned(
            name,
            format!("`{name}` has no variants, so no value to store; {SUPPORTED}"),
        ));
    }
    if data.variants.len() > 256 {
        return Err(Error::new_spanned(
            name,
            format!(
                "`{name}` has {} variants, more than a u8 code holds; {SUPPORTED}",
                data.variants.len()
            ),
        ));
    }
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            return Err(Error::new_spanned(
                &variant.fields,
                format!(
                    "variant `{name}::{}` has fields; {SUPPORTED}",
                    variant.ident
                ),
            ));
        }
        if let Some((_, discriminant)) = &variant.discriminant {
            if !is_u8_literal(discriminant) {
                return Err(Error::new_spanned(
                    discriminant,
                    format!(
                        "variant `{name}::{}` has a discriminant that is not a u8 literal; \
                         {SUPPORTED}",
                        variant.ident
                    ),
                ));
            }
        }
    }

    let variants: Vec<_> = data.variants.iter().map(|v| &v.ident).collect();
    let names: Vec<String> = variants.iter().map(|v| v.to_string()).collect();
    let codes: Vec<u8> = (0..variants.len()).map(|i| i as u8).collect();
    let first = variants[0];
    let name_str = name.to_string();
    // An `Option` of the enum packs `None` into code 255 when no variant has it.
    let packed_opt = if variants.len() < 256 {
        quote! {
            type PackedOpt = u8;
            const NICHE: bool = true;
            #[inline]
            fn pack_opt(x: ::core::option::Option<Self>) -> u8 {
                x.map_or(u8::MAX, ::layoutlab::Scalar::pack)
            }
            #[inline]
            fn unpack_opt(packed: u8) -> ::core::option::Option<Self> {
                (packed != u8::MAX).then(|| ::layoutlab::Scalar::unpack(packed))
            }
        }
    } else {
        quote! {
            type PackedOpt = ::layoutlab::__private::Present<u8>;
            const NICHE: bool = false;
            #[inline]
            fn pack_opt(x: ::core::option::Option<Self>) -> Self::PackedOpt {
                ::layoutlab::__private::Present::new(x.map(::layoutlab::Scalar::pack))
            }
            #[inline]
            fn unpack_opt(packed: Self::PackedOpt) -> ::core::option::Option<Self> {
                packed.get().map(::layoutlab::Scalar::unpack)
            }
        }
    };

    Ok(quote! {
        #[automatically_derived]
        impl ::layoutlab::Scalar for #name {
            const KIND: ::layoutlab::__private::FieldKind = ::layoutlab::__private::FieldKind::Enum;
            const VARIANTS: &'static [&'static str] = &[#(#names),*];
            type Packed = u8;
            const FILL: Self = #name::#first;

            #[inline]
            fn pack(self) -> u8 {
                match self {
                    #(#name::#variants => #codes,)*
                }
            }

            #[inline]
            fn unpack(packed: u8) -> Self {
                #[allow(unreachable_patterns)]
                match packed {
                    #(#codes => #name::#variants,)*
                    code => ::layoutlab::__private::bad_code(#name_str, code),
                }
            }

            #[inline]
            fn to_dyn(self) -> ::layoutlab::__private::Value {
                ::layoutlab::__private::enum_to_dyn(self)
            }

            #[inline]
            fn from_dyn(value: &::layoutlab::__private::Value) -> ::core::option::Option<Self> {
                ::layoutlab::__private::enum_from_dyn(value)
            }

            #packed_opt
        }
    })
}

/// `0` … `255`, unsuffixed or `u8`-suffixed.
fn is_u8_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Int(int) => matches!(int.suffix(), "" | "u8") && int.base10_parse::<u8>().is_ok(),
            _ => false,
        },
        Expr::Group(group) => is_u8_literal(&group.expr),
        Expr::Paren(paren) => is_u8_literal(&paren.expr),
        _ => false,
    }
}
