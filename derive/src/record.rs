//! `#[derive(Record)]`: the record's schema, the parts each layout is made of (named after
//! the struct), one `Field` impl per field pointing into those parts, and the two accessor
//! traits (`<Name>Fields` on stores, `<Name>RowFields` on rows).

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Error, Fields, Ident};

use crate::types::{self, RecordField, Storage, SUPPORTED};

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

    let fields = fields
        .iter()
        .map(types::field)
        .collect::<syn::Result<Vec<_>>>()?;
    check_names(&fields)?;

    Ok(Generator::new(input, &fields, repr_c).generate())
}

/// Getter and setter names must not clash with each other or with `Store`'s methods.
fn check_names(fields: &[RecordField<'_>]) -> syn::Result<()> {
    for field in fields {
        let name = &field.name;
        if STORE_METHODS.contains(&name.as_str()) || name.starts_with("__") {
            return Err(Error::new(
                field.ident.span(),
                format!("field `{name}`: its getter `{name}(i)` would clash with a method of layoutlab::Store; rename the field (Store's methods: {}, and names starting with `__`)", STORE_METHODS.join(", ")),
            ));
        }
        if let Some(other) = fields.iter().find(|f| f.name == format!("set_{name}")) {
            return Err(Error::new(
                other.ident.span(),
                format!("field `{}`: its getter would clash with the setter of field `{name}`; rename one of them", other.name),
            ));
        }
    }
    Ok(())
}

struct Generator<'a> {
    input: &'a DeriveInput,
    fields: &'a [RecordField<'a>],
    repr_c: bool,
    name: &'a Ident,
    columns: Ident,
    tables: Option<Ident>,
    packed: Ident,
    arena_row: Ident,
    hot_cold: Option<(Ident, Ident)>,
    block: Ident,
}

impl<'a> Generator<'a> {
    fn new(input: &'a DeriveInput, fields: &'a [RecordField<'a>], repr_c: bool) -> Self {
        let name = &input.ident;
        let interned = fields
            .iter()
            .any(|f| matches!(f.storage, Storage::Interned(_)));
        let cold = fields.iter().any(|f| f.cold);
        Generator {
            input,
            fields,
            repr_c,
            name,
            columns: format_ident!("{name}Columns"),
            tables: interned.then(|| format_ident!("{name}Tables")),
            packed: format_ident!("{name}Packed"),
            arena_row: format_ident!("{name}ArenaRow"),
            hot_cold: cold.then(|| (format_ident!("{name}Hot"), format_ident!("{name}Cold"))),
            block: format_ident!("{name}Block"),
        }
    }

    fn tables_ty(&self) -> TokenStream {
        match &self.tables {
            Some(tables) => quote!(#tables),
            None => quote!(()),
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

    fn generate(&self) -> TokenStream {
        // First, one check per non-string field at its type: the clearest error comes first.
        let checks = self.fields.iter().filter(|f| !f.is_string()).map(|f| {
            let ty = f.ty;
            quote_spanned! {ty.span()=>
                const _: fn() = ::layoutlab::__private::field_type::<#ty>;
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

    /// The structs each layout is made of.
    fn parts(&self) -> TokenStream {
        let name = self.name;
        let vis = &self.input.vis;
        let fields = self.fields;
        let idents: Vec<_> = fields.iter().map(|f| f.ident).collect();
        let vises: Vec<_> = fields.iter().map(|f| f.vis).collect();
        let kinds: Vec<_> = fields.iter().map(|f| f.kind()).collect();
        let field_docs: Vec<_> = fields
            .iter()
            .map(|f| format!("`{}.{}`", name, f.name))
            .collect();

        let (columns, packed, arena_row, block) =
            (&self.columns, &self.packed, &self.arena_row, &self.block);
        let elems: Vec<_> = fields.iter().map(|f| f.elem_ty()).collect();
        let packed_tys: Vec<_> = fields.iter().map(|f| f.packed_ty()).collect();
        let slots: Vec<_> = fields.iter().map(|f| f.slot_ty()).collect();

        let columns_doc = format!("The `soa` layout of [`{name}`]: one `Vec` per field (interned strings as ids). Generated by `#[derive(layoutlab::Record)]`.");
        let packed_doc = format!("A `packed` row of [`{name}`]: `#[repr(C, packed)]`, no padding; interned strings as ids, `bool`s and enums as `u8` codes, `char`s as `u32`, other strings as (offset, length) in the store's text buffer. Generated by `#[derive(layoutlab::Record)]`.");
        let arena_doc = format!("An `arena` row of [`{name}`]: scalars as themselves, strings as pointers to text in the same arena. Generated by `#[derive(layoutlab::Record)]`.");
        let block_doc = format!("An `aosoa` block of [`{name}`]: each field of {{LANES}} consecutive records side by side (interned strings as ids). Generated by `#[derive(layoutlab::Record)]`.").replace("{LANES}", "8");

        let packed_sum = quote!(0 #(+ ::core::mem::size_of::<#packed_tys>())*);
        let packed_check = format!("{packed} must have no padding");

        let tables = self.tables.as_ref().map(|tables| {
            let interned: Vec<_> = fields
                .iter()
                .filter_map(|f| match f.storage {
                    Storage::Interned(width) => Some((f, width.ty())),
                    _ => None,
                })
                .collect();
            let (ids, vis_t, widths) = (
                interned.iter().map(|(f, _)| f.ident),
                interned.iter().map(|(f, _)| f.vis),
                interned.iter().map(|(_, w)| w),
            );
            let docs = interned.iter().map(|(f, _)| format!("The intern table of `{}.{}`.", name, f.name));
            let doc = format!("The intern tables of [`{name}`]'s interned fields, shared by the compact layouts (`soa`, `packed`, `aosoa`). Generated by `#[derive(layoutlab::Record)]`.");
            quote! {
                #[doc = #doc]
                #[derive(Debug, Default, Clone)]
                #vis struct #tables {
                    #(#[doc = #docs] #vis_t #ids: ::layoutlab::__private::Interner<#widths>,)*
                }
            }
        });

        let hot_cold = self.hot_cold.as_ref().map(|(hot, cold)| {
            let part = |want_cold: bool, ty: &Ident, doc: String| {
                let chosen: Vec<_> = fields.iter().filter(|f| f.cold == want_cold).collect();
                let ids = chosen.iter().map(|f| f.ident);
                let vis_f = chosen.iter().map(|f| f.vis);
                let tys = chosen.iter().map(|f| f.value_ty());
                let blanks = chosen.iter().map(|f| {
                    let kind = f.kind();
                    quote!(<#kind as ::layoutlab::__private::Kind>::blank_value())
                });
                let ids2 = chosen.iter().map(|f| f.ident);
                let docs = chosen.iter().map(|f| format!("`{}.{}`", name, f.name));
                quote! {
                    #[doc = #doc]
                    #[derive(Debug)]
                    #vis struct #ty {
                        #(#[doc = #docs] #vis_f #ids: #tys,)*
                    }
                    impl ::core::default::Default for #ty {
                        fn default() -> Self {
                            #ty { #(#ids2: #blanks,)* }
                        }
                    }
                }
            };
            let hot_part = part(false, hot, format!("The hot part of a [`{name}`] in the `hot_cold` layout: its fields that are not `#[record(cold)]`. Generated by `#[derive(layoutlab::Record)]`."));
            let cold_part = part(true, cold, format!("The cold part of a [`{name}`] in the `hot_cold` layout: its `#[record(cold)]` fields. Generated by `#[derive(layoutlab::Record)]`."));
            quote!(#hot_part #cold_part)
        });

        quote! {
            #[doc = #columns_doc]
            #[derive(Debug, Default)]
            #vis struct #columns {
                #(#[doc = #field_docs] #vises #idents: ::std::vec::Vec<#elems>,)*
            }

            #tables

            #[doc = #packed_doc]
            #[derive(Debug, Clone, Copy, Default)]
            #[repr(C, packed)]
            #vis struct #packed {
                #(#[doc = #field_docs] #vises #idents: #packed_tys,)*
            }

            const _: () = ::core::assert!(
                ::core::mem::size_of::<#packed>() == #packed_sum,
                #packed_check
            );

            #[doc = #arena_doc]
            #[derive(Debug, Clone, Copy)]
            #vis struct #arena_row {
                #(#[doc = #field_docs] #vises #idents: #slots,)*
            }

            impl ::core::default::Default for #arena_row {
                fn default() -> Self {
                    #arena_row {
                        #(#idents: <#kinds as ::layoutlab::__private::Kind>::blank_slot(),)*
                    }
                }
            }

            #hot_cold

            #[doc = #block_doc]
            #[derive(Debug)]
            #vis struct #block {
                #(#[doc = #field_docs] #vises #idents: [#elems; ::layoutlab::__private::LANES],)*
            }

            impl ::core::default::Default for #block {
                fn default() -> Self {
                    #block {
                        #(#idents: ::core::array::from_fn(|_| {
                            <#kinds as ::layoutlab::__private::Kind>::blank_elem()
                        }),)*
                    }
                }
            }
        }
    }

    /// `impl Record`.
    fn record_impl(&self) -> TokenStream {
        let name = self.name;
        let name_str = name.to_string();
        let fields = self.fields;
        let repr_c = self.repr_c;
        let (columns, packed, arena_row, block) =
            (&self.columns, &self.packed, &self.arena_row, &self.block);
        let tables = self.tables_ty();
        let (hot, cold) = self.hot_cold_tys();
        let idents: Vec<_> = fields.iter().map(|f| f.ident).collect();
        let markers: Vec<_> = (0..fields.len())
            .map(|i| quote!(::layoutlab::__private::FieldNo<#i>))
            .collect();

        let schema = fields.iter().map(|f| {
            let (field_name, ty_name, ty) = (&f.name, &f.ty_name, f.ty);
            let cold = f.cold;
            let packed_ty = f.packed_ty();
            let (kind, intern) = match f.storage {
                Storage::Text => (
                    quote!(::layoutlab::__private::FieldKind::String),
                    quote!(None),
                ),
                Storage::Interned(width) => {
                    let variant = width.variant();
                    (
                        quote!(::layoutlab::__private::FieldKind::String),
                        quote!(Some(::layoutlab::__private::InternWidth::#variant)),
                    )
                }
                Storage::Scalar => (
                    quote_spanned!(ty.span()=> <#ty as ::layoutlab::Scalar>::KIND),
                    quote!(None),
                ),
            };
            quote! {
                ::layoutlab::__private::FieldSchema {
                    name: #field_name,
                    ty: #ty_name,
                    kind: #kind,
                    intern: #intern,
                    cold: #cold,
                    size: ::core::mem::size_of::<#ty>(),
                    packed_size: ::core::mem::size_of::<#packed_ty>(),
                }
            }
        });

        let strings = fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.is_string())
            .map(|(i, f)| {
                let ident = f.ident;
                quote!(f(#i, &self.#ident);)
            });

        let layouts = |ty: TokenStream,
                       label: &str,
                       chosen: &[&RecordField<'_>],
                       field_ty: &dyn Fn(&RecordField<'_>) -> TokenStream,
                       ordered: bool| {
            let entries = chosen.iter().map(|f| {
                let (ident, fname) = (f.ident, &f.name);
                let fty = field_ty(f);
                quote! {
                    ::layoutlab::__private::FieldLayout {
                        name: #fname,
                        offset: ::core::mem::offset_of!(#ty, #ident),
                        size: ::core::mem::size_of::<#fty>(),
                        align: ::core::mem::align_of::<#fty>(),
                    }
                }
            });
            quote! {
                ::layoutlab::__private::TypeInfo::from_fields(
                    #label,
                    ::core::mem::size_of::<#ty>(),
                    ::core::mem::align_of::<#ty>(),
                    &[#(#entries),*],
                    #ordered,
                )
            }
        };
        let all: Vec<&RecordField<'_>> = fields.iter().collect();
        let record_info = layouts(
            quote!(#name),
            &name_str,
            &all,
            &|f| f.ty.to_token_stream_owned(),
            repr_c,
        );
        let packed_info = layouts(
            quote!(#packed),
            &packed.to_string(),
            &all,
            &|f| f.packed_ty(),
            true,
        );
        let arena_info = layouts(
            quote!(#arena_row),
            &arena_row.to_string(),
            &all,
            &|f| f.slot_ty(),
            false,
        );
        let block_info = layouts(
            quote!(#block),
            &block.to_string(),
            &all,
            &|f| {
                let elem = f.elem_ty();
                quote!([#elem; ::layoutlab::__private::LANES])
            },
            false,
        );
        let (hot_info, cold_info) = match &self.hot_cold {
            Some((hot_ty, cold_ty)) => {
                let hot_fields: Vec<_> = fields.iter().filter(|f| !f.cold).collect();
                let cold_fields: Vec<_> = fields.iter().filter(|f| f.cold).collect();
                (
                    layouts(
                        quote!(#hot_ty),
                        &hot_ty.to_string(),
                        &hot_fields,
                        &|f| f.value_ty(),
                        false,
                    ),
                    layouts(
                        quote!(#cold_ty),
                        &cold_ty.to_string(),
                        &cold_fields,
                        &|f| f.value_ty(),
                        false,
                    ),
                )
            }
            None => {
                let none = quote! {
                    ::layoutlab::__private::TypeInfo::from_fields("(no cold fields)", 0, 1, &[], false)
                };
                (none.clone(), none)
            }
        };

        quote! {
            #[automatically_derived]
            impl ::layoutlab::Record for #name {
                const SCHEMA: &'static ::layoutlab::__private::Schema = &::layoutlab::__private::Schema {
                    name: #name_str,
                    fields: &[#(#schema),*],
                    repr_c: #repr_c,
                };

                #[allow(unused_mut, unused_variables)]
                fn visit_strings(&self, mut f: impl ::core::ops::FnMut(usize, &str)) {
                    #(#strings)*
                }

                type Columns = #columns;
                type Tables = #tables;
                type Packed = #packed;
                type ArenaRow = #arena_row;
                type Hot = #hot;
                type Cold = #cold;
                type Block = #block;

                #[inline(always)]
                fn each_field<__V: ::layoutlab::__private::FieldVisitor<Self>>(v: &mut __V) {
                    #(v.visit::<#markers>();)*
                }

                #[inline(always)]
                fn build<__S: ::layoutlab::__private::FieldSource<Self>>(source: &mut __S) -> Self {
                    #name {
                        #(#idents: source.take::<#markers>(),)*
                    }
                }

                #[inline(always)]
                fn scatter<__S: ::layoutlab::__private::FieldSink<Self>>(mut self, sink: &mut __S) {
                    #(sink.put::<#markers>(&mut self.#idents);)*
                }

                fn part_info(part: ::layoutlab::__private::Part) -> ::layoutlab::__private::TypeInfo {
                    match part {
                        ::layoutlab::__private::Part::Record => #record_info,
                        ::layoutlab::__private::Part::Packed => #packed_info,
                        ::layoutlab::__private::Part::ArenaRow => #arena_info,
                        ::layoutlab::__private::Part::Hot => #hot_info,
                        ::layoutlab::__private::Part::Cold => #cold_info,
                        ::layoutlab::__private::Part::Block => #block_info,
                    }
                }
            }
        }
    }

    /// One `impl Field<Name> for FieldNo<i>` per field: a projection into each part.
    fn field_impls(&self) -> TokenStream {
        let name = self.name;
        let (columns, packed, arena_row, block) =
            (&self.columns, &self.packed, &self.arena_row, &self.block);
        let tables = self.tables_ty();
        let (hot, cold) = self.hot_cold_tys();
        let p = quote!(::layoutlab::__private);
        let impls = self.fields.iter().enumerate().map(|(i, f)| {
            let (ident, fname) = (f.ident, &f.name);
            let kind = f.kind();
            let ty = f.ty;
            let (table, table_mut) = if matches!(f.storage, Storage::Interned(_)) {
                (quote!(&tables.#ident), quote!(&mut tables.#ident))
            } else {
                (quote!(&()), quote!(#p::no_table()))
            };
            let (hot_cold, hot_cold_mut) = match (&self.hot_cold, f.cold) {
                (None, _) => (quote!(#p::no_cold()), quote!(#p::no_cold())),
                (Some(_), false) => (quote!(&hot[index].#ident), quote!(&mut hot[index].#ident)),
                (Some(_), true) => (quote!(&cold[index].#ident), quote!(&mut cold[index].#ident)),
            };
            // The kind is named at the field's type, so a type that is not a field type is
            // reported there.
            let kind_spanned = quote_spanned!(ty.span()=> #kind);
            quote! {
                #[automatically_derived]
                #[allow(unused_variables)]
                impl #p::Field<#name> for #p::FieldNo<#i> {
                    const INDEX: usize = #i;
                    const NAME: &'static str = #fname;
                    type Kind = #kind_spanned;

                    #[inline(always)]
                    fn of(record: &#name) -> &#p::Val<#name, Self> { &record.#ident }
                    #[inline(always)]
                    fn of_mut(record: &mut #name) -> &mut #p::Val<#name, Self> { &mut record.#ident }
                    #[inline(always)]
                    fn column(columns: &#columns) -> &::std::vec::Vec<#p::Elem<#name, Self>> { &columns.#ident }
                    #[inline(always)]
                    fn column_mut(columns: &mut #columns) -> &mut ::std::vec::Vec<#p::Elem<#name, Self>> { &mut columns.#ident }
                    #[inline(always)]
                    fn table(tables: &#tables) -> &#p::Table<#name, Self> { #table }
                    #[inline(always)]
                    fn table_mut(tables: &mut #tables) -> &mut #p::Table<#name, Self> { #table_mut }
                    #[inline(always)]
                    fn packed(row: &#packed) -> #p::Packed<#name, Self> { row.#ident }
                    #[inline(always)]
                    fn set_packed(row: &mut #packed, value: #p::Packed<#name, Self>) { row.#ident = value; }
                    #[inline(always)]
                    fn slot(row: &#arena_row) -> &#p::Slot<#name, Self> { &row.#ident }
                    #[inline(always)]
                    fn slot_mut(row: &mut #arena_row) -> &mut #p::Slot<#name, Self> { &mut row.#ident }
                    #[inline(always)]
                    fn lanes(block: &#block) -> &[#p::Elem<#name, Self>; #p::LANES] { &block.#ident }
                    #[inline(always)]
                    fn lanes_mut(block: &mut #block) -> &mut [#p::Elem<#name, Self>; #p::LANES] { &mut block.#ident }
                    #[inline(always)]
                    fn hot_cold<'a>(hot: &'a [#hot], cold: &'a [#cold], index: usize) -> &'a #p::Val<#name, Self> { #hot_cold }
                    #[inline(always)]
                    fn hot_cold_mut<'a>(hot: &'a mut [#hot], cold: &'a mut [#cold], index: usize) -> &'a mut #p::Val<#name, Self> { #hot_cold_mut }
                }
            }
        });
        quote!(#(#impls)*)
    }

    /// `<Name>Fields` (getters and setters on stores) and `<Name>RowFields` (getters on rows).
    fn accessors(&self) -> TokenStream {
        let name = self.name;
        let vis = &self.input.vis;
        let fields_trait = format_ident!("{name}Fields");
        let row_trait = format_ident!("{name}RowFields");
        let p = quote!(::layoutlab::__private);

        let mut decls = Vec::new();
        let mut defs = Vec::new();
        let mut row_decls = Vec::new();
        let mut row_defs = Vec::new();
        for (i, f) in self.fields.iter().enumerate() {
            let getter = f.ident;
            let setter = format_ident!("set_{}", f.name);
            let ref_ty = f.ref_ty();
            let marker = quote!(#p::FieldNo<#i>);
            let get_doc = format!(
                "`{}` of record `index`.\n\n# Panics\n\nIf `index >= self.len()`.",
                f.name
            );
            let overflow = match f.storage {
                Storage::Interned(width) => format!(
                    ", or if the store interns `{}` (`soa`, `packed`, `aosoa`) and `value` would be one distinct value more than its {} ids hold (the message names the field)",
                    f.name,
                    width.name()
                ),
                _ => String::new(),
            };
            let set_doc = format!("Sets `{}` of record `index` to `value`.\n\n# Panics\n\nIf `index >= self.len()`{overflow}.", f.name);
            let row_doc = format!("`{}` of this record.", f.name);
            decls.push(quote! {
                #[doc = #get_doc]
                fn #getter(&self, index: usize) -> #ref_ty;
                #[doc = #set_doc]
                fn #setter(&mut self, index: usize, value: #ref_ty);
            });
            defs.push(quote! {
                #[inline(always)]
                fn #getter(&self, index: usize) -> #ref_ty {
                    <__S as ::layoutlab::Store<#name>>::__read::<#marker>(self, index)
                }
                #[inline(always)]
                fn #setter(&mut self, index: usize, value: #ref_ty) {
                    <__S as ::layoutlab::Store<#name>>::__write::<#marker>(self, index, value)
                }
            });
            row_decls.push(quote! {
                #[doc = #row_doc]
                fn #getter(&self) -> #ref_ty;
            });
            row_defs.push(quote! {
                #[inline(always)]
                fn #getter(&self) -> #ref_ty {
                    #p::read_row::<#name, __S, #marker>(self)
                }
            });
        }
        let fields_doc = format!(
            "Getters (`x(i)`) and setters (`set_x(i, v)`) of [`{name}`]'s fields on every layout's store, statically dispatched. Generated by `#[derive(layoutlab::Record)]`; in scope where `{name}` is defined, elsewhere import it with `{name}`."
        );
        let row_doc = format!(
            "Getters (`x()`) of [`{name}`]'s fields on a row, as `Store::retain` shows it. Generated by `#[derive(layoutlab::Record)]`; in scope where `{name}` is defined, elsewhere import it with `{name}`."
        );
        quote! {
            #[doc = #fields_doc]
            #vis trait #fields_trait: ::layoutlab::Store<#name> {
                #(#decls)*
            }

            #[automatically_derived]
            impl<__S: ::layoutlab::Store<#name>> #fields_trait for __S {
                #(#defs)*
            }

            #[doc = #row_doc]
            #vis trait #row_trait {
                #(#row_decls)*
            }

            #[automatically_derived]
            impl<'a, __S: ::layoutlab::Store<#name> + 'a> #row_trait for ::layoutlab::Row<'a, #name, __S> {
                #(#row_defs)*
            }
        }
    }
}

/// `to_token_stream` as an owned closure-friendly call.
trait ToTokensOwned {
    fn to_token_stream_owned(&self) -> TokenStream;
}

impl ToTokensOwned for syn::Type {
    fn to_token_stream_owned(&self) -> TokenStream {
        quote::ToTokens::to_token_stream(self)
    }
}
