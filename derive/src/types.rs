//! What a field of a `#[derive(Record)]` struct is: its type (a `String` or a scalar) and
//! its `#[record(...)]` options, checked, with an error at the field for every mistake.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Error, Field, Ident, Type};

/// What the error messages say is supported.
pub const SUPPORTED: &str = "supported field types: bool, i8, i16, i32, i64, i128, isize, u8, \
    u16, u32, u64, u128, usize, f32, f64, char, String, and fieldless enums that \
    #[derive(layoutlab::Scalar)]; supported options: #[record(intern)] or \
    #[record(intern = u8|u16|u32)] on a String, #[record(cold)] on any field";

/// The id type of an interned string.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Width {
    U8,
    U16,
    U32,
}

impl Width {
    pub fn ty(self) -> TokenStream {
        match self {
            Width::U8 => quote!(u8),
            Width::U16 => quote!(u16),
            Width::U32 => quote!(u32),
        }
    }

    pub fn variant(self) -> TokenStream {
        match self {
            Width::U8 => quote!(U8),
            Width::U16 => quote!(U16),
            Width::U32 => quote!(U32),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Width::U8 => "u8",
            Width::U16 => "u16",
            Width::U32 => "u32",
        }
    }
}

/// How a field is stored.
pub enum Storage {
    /// A plain `String`.
    Text,
    /// An interned `String`.
    Interned(Width),
    /// Anything else: must implement `layoutlab::Scalar` (the compiler checks, at the type).
    Scalar,
}

/// One field, checked.
pub struct RecordField<'a> {
    /// The field's identifier as written (may be raw, `r#type`).
    pub ident: &'a Ident,
    /// The name without `r#`.
    pub name: String,
    pub ty: &'a Type,
    /// The type as written, for the schema.
    pub ty_name: String,
    pub storage: Storage,
    pub cold: bool,
    pub vis: &'a syn::Visibility,
}

impl RecordField<'_> {
    /// The `layoutlab` kind type: the scalar itself, `String`, or `Interned<width>`.
    pub fn kind(&self) -> TokenStream {
        let ty = self.ty;
        match self.storage {
            Storage::Text => quote!(::std::string::String),
            Storage::Interned(width) => {
                let width = width.ty();
                quote!(::layoutlab::__private::Interned<#width>)
            }
            // Spanned at the field's type, so that a type which is not a field type is
            // reported there, not at the derive.
            Storage::Scalar => quote_spanned!(ty.span()=> #ty),
        }
    }

    /// The type in the user's struct, for the hot and cold parts.
    pub fn value_ty(&self) -> TokenStream {
        match self.storage {
            Storage::Scalar => self.ty.to_token_stream(),
            _ => quote!(::std::string::String),
        }
    }

    /// A `soa` column's element and an `aosoa` lane.
    pub fn elem_ty(&self) -> TokenStream {
        match self.storage {
            Storage::Text => quote!(::std::string::String),
            Storage::Interned(width) => width.ty(),
            Storage::Scalar => self.ty.to_token_stream(),
        }
    }

    /// The field in the `packed` row.
    pub fn packed_ty(&self) -> TokenStream {
        match self.storage {
            Storage::Text => quote!(::layoutlab::__private::TextSpan),
            Storage::Interned(width) => width.ty(),
            Storage::Scalar => {
                let ty = self.ty;
                match primitive(ty) {
                    Some("bool") => quote!(u8),
                    Some("char") => quote!(u32),
                    Some(_) => quote!(#ty),
                    None => quote_spanned!(ty.span()=> <#ty as ::layoutlab::Scalar>::Packed),
                }
            }
        }
    }

    /// The field in the `arena` row.
    pub fn slot_ty(&self) -> TokenStream {
        match self.storage {
            Storage::Scalar => self.ty.to_token_stream(),
            _ => quote!(::layoutlab::__private::ArenaStr),
        }
    }

    /// What a getter returns and a setter takes.
    pub fn ref_ty(&self) -> TokenStream {
        match self.storage {
            Storage::Scalar => self.ty.to_token_stream(),
            _ => quote!(&str),
        }
    }

    pub fn is_string(&self) -> bool {
        !matches!(self.storage, Storage::Scalar)
    }
}

/// The primitive a type names, if it is a bare primitive name.
fn primitive(ty: &Type) -> Option<&'static str> {
    const PRIMITIVES: [&str; 16] = [
        "bool", "char", "f32", "f64", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16",
        "u32", "u64", "u128", "usize",
    ];
    match ty {
        Type::Path(path) if path.qself.is_none() && path.path.segments.len() == 1 => {
            let ident = path.path.segments[0].ident.to_string();
            PRIMITIVES.into_iter().find(|p| *p == ident)
        }
        _ => None,
    }
}

/// Checks one field's type and options.
pub fn field(field: &Field) -> syn::Result<RecordField<'_>> {
    let ident = field.ident.as_ref().expect("named fields have identifiers");
    let name = ident.unraw().to_string();
    let ty = &field.ty;
    let ty_name = type_name(ty);
    let is_string = match plain_path(ty) {
        Some(last) => last == "String",
        None => {
            return Err(Error::new(
                ty.span(),
                format!("field `{name}`: type `{ty_name}` is not supported by #[derive(Record)]; {SUPPORTED}"),
            ))
        }
    };

    let mut intern: Option<(Width, Span)> = None;
    let mut cold: Option<Span> = None;
    for attr in &field.attrs {
        if !attr.path().is_ident("record") {
            continue;
        }
        attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            if meta.path.is_ident("intern") {
                if intern.is_some() {
                    return Err(meta.error(format!("field `{name}`: `intern` is given twice; {SUPPORTED}")));
                }
                let width = if meta.input.peek(syn::Token![=]) {
                    let width: Ident = meta.value()?.parse()?;
                    match width.to_string().as_str() {
                        "u8" => Width::U8,
                        "u16" => Width::U16,
                        "u32" => Width::U32,
                        other => {
                            return Err(Error::new(
                                width.span(),
                                format!("field `{name}`: `intern = {other}`: the id type must be u8, u16 or u32; {SUPPORTED}"),
                            ))
                        }
                    }
                } else {
                    Width::U16
                };
                intern = Some((width, span));
                Ok(())
            } else if meta.path.is_ident("cold") {
                if cold.is_some() {
                    return Err(meta.error(format!("field `{name}`: `cold` is given twice; {SUPPORTED}")));
                }
                if !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
                    return Err(meta.error(format!("field `{name}`: `cold` takes no value; {SUPPORTED}")));
                }
                cold = Some(span);
                Ok(())
            } else {
                let key = meta.path.to_token_stream().to_string().replace(' ', "");
                Err(meta.error(format!("field `{name}`: unknown option `{key}`; {SUPPORTED}")))
            }
        })?;
    }

    let storage = match (is_string, intern) {
        (true, Some((width, _))) => Storage::Interned(width),
        (true, None) => Storage::Text,
        (false, None) => Storage::Scalar,
        (false, Some((_, span))) => {
            return Err(Error::new(
                span,
                format!("field `{name}`: #[record(intern)] applies only to String fields, and `{name}` is `{ty_name}`; {SUPPORTED}"),
            ))
        }
    };
    Ok(RecordField {
        ident,
        name,
        ty,
        ty_name,
        storage,
        cold: cold.is_some(),
        vis: &field.vis,
    })
}

/// The last segment of a plain path type (`String`, `std::string::String`, `Side`), or
/// `None` for anything else: references, tuples, arrays, generic arguments, `Self`
/// projections, trait objects.
fn plain_path(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) if path.qself.is_none() => {
            if path.path.segments.iter().any(|s| !s.arguments.is_empty()) {
                return None;
            }
            let last = path.path.segments.last()?.ident.to_string();
            (last != "Self").then_some(last)
        }
        Type::Group(group) => plain_path(&group.elem),
        Type::Paren(paren) => plain_path(&paren.elem),
        _ => None,
    }
}

/// The type as written, without the token printer's spaces around `::` and `<`.
pub fn type_name(ty: &Type) -> String {
    let mut out = String::new();
    let tokens = ty.to_token_stream().to_string();
    // The printer separates every token by a space; keep only the spaces between words.
    let mut chars = tokens.chars().peekable();
    let mut prev: Option<char> = None;
    while let Some(c) = chars.next() {
        if c == ' ' {
            let next = chars.peek().copied();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            let keep = (word(prev) && word(next))
                || (prev == Some(',') && next.is_some())
                || next == Some('-') && prev == Some('=');
            if keep {
                out.push(' ');
            }
            continue;
        }
        out.push(c);
        prev = Some(c);
    }
    out
}
