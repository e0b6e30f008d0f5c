//! What a field of a `#[derive(Record)]` struct is: its shape (a scalar, a `String`, an
//! `Option`, an array, a list, a flattened record, an opaque value) and its
//! `#[record(...)]` options, checked, with an error at the field for every mistake. This is
//! the derive's type table: each shape names the layoutlab kind that stores it, and adding
//! a kind is one row here plus its file in layoutlab's `own/kind/`.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Error, Expr, Field, GenericArgument, Ident, PathArguments, Type};

/// What the error messages say is supported.
pub const SUPPORTED: &str = "supported field types: bool, i8..i128, u8..u128, isize, usize, \
    f32, f64, char, String, fieldless enums that #[derive(layoutlab::Scalar)], Option<T> of \
    any of these, [T; N], Vec<T> and Box<[T]> of a scalar T, Vec<String>, a record that \
    derives Record with #[record(flatten)], and any other Clone + Debug + PartialEq type with \
    #[record(opaque)]; supported options: #[record(intern)] or #[record(intern = \
    u8|u16|u32)] on a String, Option<String> or Vec<String>, #[record(cold)] on any field, \
    #[record(flatten)], #[record(opaque)], #[record(group = \"name\")] (the grouped layout), \
    #[record(narrow = u8|u16|u32|u64|i8|i16|i32|i64)] on an integer field";

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
}

/// The shape of a field's type, as written.
pub enum Shape<'a> {
    /// A scalar: must implement `layoutlab::Scalar` (the compiler checks, at the type).
    Scalar,
    /// `String`.
    Text,
    /// `Option<T>`, `T` a `String` (`text`) or a scalar.
    Option { inner: &'a Type, text: bool },
    /// `[T; N]`.
    Array { elem: &'a Type, len: &'a Expr },
    /// `Vec<T>` or `Box<[T]>`.
    List { elem: &'a Type },
    /// `Vec<String>`.
    StrList,
    /// `#[record(flatten)]`.
    Flatten,
    /// `#[record(opaque)]`.
    Opaque,
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
    pub shape: Shape<'a>,
    /// The id width, for a field that interns.
    pub intern: Option<Width>,
    pub cold: bool,
    /// The group of the `grouped` layout (`#[record(group = "…")]`).
    pub group: Option<String>,
    /// The narrower integer type the compact layouts keep it as (`#[record(narrow = u16)]`).
    pub narrow: Option<Ident>,
    pub vis: &'a syn::Visibility,
}

const P: &str = "::layoutlab::__private";

fn p() -> TokenStream {
    P.parse().expect("a path")
}

impl RecordField<'_> {
    /// A string kind: `String`, or `Interned<width>`.
    fn text_kind(&self) -> TokenStream {
        let p = p();
        match self.intern {
            Some(width) => {
                let width = width.ty();
                quote!(#p::Interned<#width>)
            }
            None => quote!(::std::string::String),
        }
    }

    /// The `layoutlab` kind type that stores the field, spanned at the field's type so that
    /// a type which is not a field type is reported there.
    pub fn kind(&self) -> TokenStream {
        let (ty, p) = (self.ty, p());
        let kind = match &self.shape {
            Shape::Scalar => match &self.narrow {
                Some(n) => quote!(#p::Narrow<#ty, #n>),
                None => quote!(#ty),
            },
            Shape::Text => self.text_kind(),
            Shape::Option { inner, text } => {
                let inner = if *text {
                    self.text_kind()
                } else {
                    quote!(#inner)
                };
                quote!(#p::Opt<#inner>)
            }
            Shape::Array { elem, len } => quote!(#p::Array<#elem, { #len }>),
            Shape::List { .. } => quote!(#p::List<#ty>),
            Shape::StrList => {
                let inner = self.text_kind();
                quote!(#p::StrList<#inner>)
            }
            Shape::Flatten => quote!(#p::Flat<#ty>),
            Shape::Opaque => quote!(#p::Opaque<#ty>),
        };
        quote_spanned!(ty.span()=> #kind)
    }

    /// One of the kind's associated types (`Column`, `Packed`, …).
    pub fn part(&self, assoc: &str) -> TokenStream {
        let kind = self.kind();
        let ty = self.ty;
        let assoc = Ident::new(assoc, ty.span());
        let p = p();
        // Spanned at the field's type: a type layoutlab cannot store is reported there.
        quote_spanned!(ty.span()=> <#kind as #p::Kind>::#assoc)
    }

    /// What a getter returns (on a store and on a row).
    pub fn ref_ty(&self) -> TokenStream {
        let ty = self.ty;
        match &self.shape {
            Shape::Scalar | Shape::Array { .. } | Shape::Flatten => quote!(#ty),
            Shape::Text => quote!(&str),
            Shape::Option { text: true, .. } => quote!(::core::option::Option<&str>),
            Shape::Option { inner, .. } => quote!(::core::option::Option<#inner>),
            Shape::List { elem, .. } => quote!(&[#elem]),
            Shape::StrList => quote!(::layoutlab::Strs<'_>),
            Shape::Opaque => quote!(&#ty),
        }
    }

    /// What the setter takes: what the getter returns, but `&[&str]` for a list of strings
    /// and the value itself for an opaque field.
    pub fn setter(&self) -> crate::record::Setter {
        match self.shape {
            Shape::StrList => crate::record::Setter::Strs,
            Shape::Opaque => crate::record::Setter::Owned,
            _ => crate::record::Setter::Same,
        }
    }

    /// The non-generic types the compiler must see as field types before anything else, so
    /// that the first error is at the type the user wrote: `(type, check function)`.
    pub fn checks(&self) -> Vec<(&Type, &'static str)> {
        match &self.shape {
            Shape::Scalar => vec![(self.ty, "field_type")],
            Shape::Option { inner, text: false } => vec![(*inner, "field_type")],
            Shape::Array { elem, .. } | Shape::List { elem, .. } => vec![(*elem, "field_type")],
            Shape::Flatten => vec![(self.ty, "record_type")],
            Shape::Opaque => vec![(self.ty, "opaque_type")],
            Shape::Text | Shape::Option { .. } | Shape::StrList => Vec::new(),
        }
    }

    /// `size_of` one element of an `Option`, an array or a list, `0` otherwise.
    pub fn element_size(&self) -> TokenStream {
        match &self.shape {
            Shape::Option { inner, .. } => quote!(::core::mem::size_of::<#inner>()),
            Shape::Array { elem, .. } | Shape::List { elem } => {
                quote!(::core::mem::size_of::<#elem>())
            }
            Shape::StrList => quote!(::core::mem::size_of::<::std::string::String>()),
            _ => quote!(0),
        }
    }

    /// The schema's `kind`, `element` and `len`.
    pub fn schema_kind(&self) -> (TokenStream, TokenStream, TokenStream) {
        let p = p();
        let kind = |k: &str| {
            let k = Ident::new(k, Span::call_site());
            quote!(#p::FieldKind::#k)
        };
        let of = |t: &Type| quote_spanned!(t.span()=> <#t as ::layoutlab::Scalar>::KIND);
        let none = quote!(::core::option::Option::None);
        let some = |t: TokenStream| quote!(::core::option::Option::Some(#t));
        let ty = self.ty;
        match &self.shape {
            Shape::Scalar => (of(ty), none.clone(), none),
            Shape::Text => (kind("String"), none.clone(), none),
            Shape::Option { text: true, .. } => (kind("Option"), some(kind("String")), none),
            Shape::Option { inner, .. } => (kind("Option"), some(of(inner)), none),
            Shape::Array { elem, len } => (
                kind("Array"),
                some(of(elem)),
                some(quote!({ #len } as usize)),
            ),
            Shape::List { elem, .. } => (kind("List"), some(of(elem)), none),
            Shape::StrList => (kind("List"), some(kind("String")), none),
            Shape::Flatten => (kind("Record"), none.clone(), none),
            Shape::Opaque => (kind("Opaque"), none.clone(), none),
        }
    }

    pub fn is_flatten(&self) -> bool {
        matches!(self.shape, Shape::Flatten)
    }
}

/// The one generic argument of a path segment (`Option<T>` → `T`).
fn one_arg(args: &PathArguments) -> Option<&Type> {
    match args {
        PathArguments::AngleBracketed(a) if a.args.len() == 1 => match &a.args[0] {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

/// The last segment of a path type, with its arguments: `std::vec::Vec<u32>` → (`Vec`,
/// `<u32>`). `None` for references, tuples, arrays, `Self` projections, trait objects.
fn last_segment(ty: &Type) -> Option<(String, &PathArguments)> {
    match ty {
        Type::Path(path) if path.qself.is_none() => {
            let last = path.path.segments.last()?;
            let name = last.ident.to_string();
            (name != "Self").then_some((name, &last.arguments))
        }
        Type::Group(group) => last_segment(&group.elem),
        Type::Paren(paren) => last_segment(&paren.elem),
        _ => None,
    }
}

/// A plain path type without generic arguments (`Side`, `String`), by its last segment.
fn plain(ty: &Type) -> Option<String> {
    last_segment(ty).and_then(|(name, args)| args.is_empty().then_some(name))
}

/// The shape of a type written without `flatten` or `opaque`, or why it is not supported.
fn shape(ty: &Type) -> Result<Shape<'_>, String> {
    if let Type::Array(array) = ty {
        return match plain(&array.elem) {
            Some(elem) if elem != "String" => Ok(Shape::Array {
                elem: &array.elem,
                len: &array.len,
            }),
            _ => Err(
                "an array's elements must be a scalar (a number, bool, char or Scalar enum)"
                    .to_owned(),
            ),
        };
    }
    let Some((name, args)) = last_segment(ty) else {
        return Err("references, tuples, slices, pointers and trait objects are not record fields (use #[record(opaque)] for a value layoutlab should keep as it is)".to_owned());
    };
    if args.is_empty() {
        return Ok(if name == "String" {
            Shape::Text
        } else {
            Shape::Scalar
        });
    }
    let inner = one_arg(args).ok_or_else(|| {
        format!("`{name}<…>` takes one type argument here; generic types other than Option, Vec and Box<[T]> are not record fields (use #[record(opaque)])")
    })?;
    match name.as_str() {
        "Option" => match plain(inner) {
            Some(inner_name) => Ok(Shape::Option {
                inner,
                text: inner_name == "String",
            }),
            None => Err("an Option holds a scalar, an enum or a String here (not a list, an array or another Option; use #[record(opaque)] to keep it as it is)".to_owned()),
        },
        "Vec" => match plain(inner) {
            Some(s) if s == "String" => Ok(Shape::StrList),
            Some(_) => Ok(Shape::List { elem: inner }),
            None => Err("a Vec holds scalars or Strings here (not Vecs, Options or tuples; use #[record(opaque)] to keep it as it is)".to_owned()),
        },
        "Box" => match inner {
            Type::Slice(slice) if plain(&slice.elem).is_some_and(|s| s != "String") => {
                Ok(Shape::List { elem: &slice.elem })
            }
            _ => Err("a Box is a field only as Box<[T]> of a scalar T (use #[record(opaque)] for any other)".to_owned()),
        },
        other => Err(format!("`{other}<…>` is a generic type (use #[record(opaque)] to keep it as it is)")),
    }
}

/// The options of one `#[record(...)]` list, as given.
#[derive(Default)]
struct Options {
    intern: Option<(Width, Span)>,
    cold: Option<Span>,
    flatten: Option<Span>,
    opaque: Option<Span>,
    group: Option<String>,
    narrow: Option<Ident>,
}

fn options(field: &Field, name: &str) -> syn::Result<Options> {
    let mut o = Options::default();
    for attr in &field.attrs {
        if !attr.path().is_ident("record") {
            continue;
        }
        attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            let flag = |slot: &Option<Span>, key: &str| -> syn::Result<()> {
                if slot.is_some() {
                    return Err(meta.error(format!("field `{name}`: `{key}` is given twice; {SUPPORTED}")));
                }
                if !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
                    return Err(meta.error(format!("field `{name}`: `{key}` takes no value; {SUPPORTED}")));
                }
                Ok(())
            };
            if meta.path.is_ident("intern") {
                if o.intern.is_some() {
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
                o.intern = Some((width, span));
            } else if meta.path.is_ident("cold") {
                flag(&o.cold, "cold")?;
                o.cold = Some(span);
            } else if meta.path.is_ident("flatten") {
                flag(&o.flatten, "flatten")?;
                o.flatten = Some(span);
            } else if meta.path.is_ident("opaque") {
                flag(&o.opaque, "opaque")?;
                o.opaque = Some(span);
            } else if meta.path.is_ident("group") {
                if o.group.is_some() {
                    return Err(meta.error(format!("field `{name}`: `group` is given twice; {SUPPORTED}")));
                }
                let group: syn::LitStr = meta.value()?.parse()?;
                let value = group.value();
                if value.is_empty() || !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Err(Error::new(group.span(), format!("field `{name}`: `group = {value:?}`: a group's name is letters, digits and `_`; {SUPPORTED}")));
                }
                o.group = Some(value);
            } else if meta.path.is_ident("narrow") {
                if o.narrow.is_some() {
                    return Err(meta.error(format!("field `{name}`: `narrow` is given twice; {SUPPORTED}")));
                }
                let ty: Ident = meta.value()?.parse()?;
                if !["u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64"].contains(&ty.to_string().as_str()) {
                    return Err(Error::new(ty.span(), format!("field `{name}`: `narrow = {ty}`: the type must be an integer of at most 64 bits; {SUPPORTED}")));
                }
                o.narrow = Some(ty);
            } else {
                let key = meta.path.to_token_stream().to_string().replace(' ', "");
                return Err(meta.error(format!("field `{name}`: unknown option `{key}`; {SUPPORTED}")));
            }
            Ok(())
        })?;
    }
    Ok(o)
}

/// Checks one field's type and options.
pub fn field(field: &Field) -> syn::Result<RecordField<'_>> {
    let ident = field.ident.as_ref().expect("named fields have identifiers");
    let name = ident.unraw().to_string();
    let ty = &field.ty;
    let ty_name = type_name(ty);
    let o = options(field, &name)?;
    let shape = match (o.flatten, o.opaque) {
        (Some(span), Some(_)) => {
            return Err(Error::new(span, format!("field `{name}`: `flatten` and `opaque` exclude each other; {SUPPORTED}")))
        }
        (Some(span), None) => {
            if plain(ty).is_none() {
                return Err(Error::new(span, format!("field `{name}`: #[record(flatten)] needs a record type that derives Record, and `{ty_name}` is not a plain type name; {SUPPORTED}")));
            }
            Shape::Flatten
        }
        (None, Some(_)) => Shape::Opaque,
        (None, None) => shape(ty).map_err(|why| {
            Error::new(
                ty.span(),
                format!("field `{name}`: type `{ty_name}` is not supported by #[derive(Record)]: {why}; {SUPPORTED}"),
            )
        })?,
    };
    let interns = matches!(
        shape,
        Shape::Text | Shape::StrList | Shape::Option { text: true, .. }
    );
    if let Some((_, span)) = o.intern {
        if !interns {
            return Err(Error::new(
                span,
                format!("field `{name}`: #[record(intern)] applies only to String, Option<String> and Vec<String> fields, and `{name}` is `{ty_name}`{}; {SUPPORTED}",
                    if matches!(shape, Shape::Opaque | Shape::Flatten) { " (kept as it is)" } else { "" }),
            ));
        }
    }
    if o.narrow.is_some() && !matches!(shape, Shape::Scalar) {
        return Err(Error::new(
            ty.span(),
            format!("field `{name}`: #[record(narrow = …)] applies only to an integer field, and `{name}` is `{ty_name}`; {SUPPORTED}"),
        ));
    }
    Ok(RecordField {
        ident,
        name,
        ty,
        ty_name,
        shape,
        intern: o.intern.map(|(w, _)| w),
        cold: o.cold.is_some(),
        group: o.group,
        narrow: o.narrow,
        vis: &field.vis,
    })
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
                || (prev == Some(';') && next.is_some())
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
