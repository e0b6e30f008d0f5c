//! `impl Record` for the user's struct: its schema, the associated part types, the
//! per-field walks (`each_field`, `build`, `scatter`) and the description of each part.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};

use super::Generator;
use crate::types::RecordField;

impl Generator<'_> {
    /// `impl Record`.
    pub(super) fn record_impl(&self) -> TokenStream {
        let name = self.name;
        let name_str = name.to_string();
        let fields = self.fields;
        let repr_c = self.repr_c;
        let (columns, packed, arena_row, block, tables) = (
            &self.columns,
            &self.packed,
            &self.arena_row,
            &self.block,
            &self.tables,
        );
        let (hot, cold) = self.hot_cold_tys();
        let p = quote!(::layoutlab::__private);
        let idents: Vec<_> = fields.iter().map(|f| f.ident).collect();
        let markers: Vec<_> = (0..fields.len()).map(|i| quote!(#p::FieldNo<#i>)).collect();
        let kinds: Vec<_> = fields.iter().map(|f| f.kind()).collect();

        let schema = fields.iter().map(|f| {
            let (field_name, ty_name, ty) = (&f.name, &f.ty_name, f.ty);
            let cold = f.cold;
            let packed_ty = f.part("Packed");
            let (kind, element, len) = f.schema_kind();
            let element_size = f.element_size();
            let intern = match f.intern {
                Some(width) => {
                    let variant = width.variant();
                    quote!(::core::option::Option::Some(#p::InternWidth::#variant))
                }
                None => quote!(::core::option::Option::None),
            };
            let narrow = match &f.narrow {
                Some(n) => {
                    let n = n.to_string();
                    quote!(::core::option::Option::Some(#n))
                }
                None => quote!(::core::option::Option::None),
            };
            let group = match &f.group {
                Some(g) => quote!(::core::option::Option::Some(#g)),
                None => quote!(::core::option::Option::None),
            };
            let nested = if f.is_flatten() {
                quote!(::core::option::Option::Some(<#ty as ::layoutlab::Record>::SCHEMA))
            } else {
                quote!(::core::option::Option::None)
            };
            quote! {
                #p::FieldSchema {
                    name: #field_name,
                    ty: #ty_name,
                    kind: #kind,
                    element: #element,
                    len: #len,
                    element_size: #element_size,
                    intern: #intern,
                    cold: #cold,
                    narrow: #narrow,
                    group: #group,
                    size: ::core::mem::size_of::<#ty>(),
                    packed_size: ::core::mem::size_of::<#packed_ty>(),
                    nested: #nested,
                }
            }
        });

        // A flattened field's leaves go through the nested record's own walk, under the
        // outer field's marker; every other field is a leaf.
        let each_leaf = fields.iter().zip(&markers).map(|(f, marker)| {
            let ty = f.ty;
            if f.is_flatten() {
                quote!(<#ty as ::layoutlab::Record>::each_leaf(&mut #p::NestedVisitor::<Self, #marker, __V>(v, ::core::marker::PhantomData));)
            } else {
                quote!(v.visit::<#marker>();)
            }
        });
        let scatter_leaves = fields.iter().zip(&markers).map(|(f, marker)| {
            let (ty, ident) = (f.ty, f.ident);
            if f.is_flatten() {
                quote!(<#ty as ::layoutlab::Record>::scatter_leaves(#ident, &mut #p::NestedSink::<Self, #marker, __S>(sink, ::core::marker::PhantomData));)
            } else {
                quote!(sink.put::<#marker>(#ident);)
            }
        });
        // Each field as a unit of a row: its packed bytes, and its leaves' offsets in them.
        let unit = |f: &RecordField<'_>, group: usize| {
            let packed = f.part("Packed");
            let ty = f.ty;
            let leaves = if f.is_flatten() {
                quote!(<#ty as ::layoutlab::Record>::PACKED_OFFSETS)
            } else {
                quote!(&[0])
            };
            quote!(#p::Unit { group: #group, size: ::core::mem::size_of::<#packed>(), leaves: #leaves })
        };
        let packed_units = fields.iter().map(|f| unit(f, 0));
        let leaves_const = quote!({ <#name as ::layoutlab::Record>::LEAVES });
        let packed_offsets = quote! {
            const PACKED_OFFSETS: &'static [usize] = &#p::packed_offsets::<#leaves_const>(&[#(#packed_units),*]);
        };
        let grouped = if fields.iter().any(|f| f.group.is_some()) {
            // Groups in the order first named; fields without a group form one at the end.
            let mut names: Vec<String> = Vec::new();
            for f in fields {
                if let Some(g) = &f.group {
                    if !names.contains(g) {
                        names.push(g.clone());
                    }
                }
            }
            if fields.iter().any(|f| f.group.is_none()) {
                let mut rest = "rest".to_owned();
                while names.contains(&rest) {
                    rest.push('_');
                }
                names.push(rest);
            }
            let last = names.len() - 1;
            let units = fields.iter().map(|f| {
                let g = f
                    .group
                    .as_ref()
                    .map_or(last, |g| names.iter().position(|n| n == g).unwrap_or(last));
                unit(f, g)
            });
            let groups = names.len();
            quote! {
                const GROUPED: (&'static [#p::Place], &'static [usize]) = {
                    const LAID: ([#p::Place; #leaves_const], [usize; #groups]) =
                        #p::place_units::<#leaves_const, #groups>(&[#(#units),*]);
                    (&LAID.0, &LAID.1)
                };
                const GROUP_NAMES: &'static [&'static str] = &[#(#names),*];
            }
        } else {
            quote!()
        };

        let split = match &self.hot_cold {
            Some((hot_ty, cold_ty)) => {
                let hot_ids = fields.iter().filter(|f| !f.cold).map(|f| f.ident);
                let cold_ids = fields.iter().filter(|f| f.cold).map(|f| f.ident);
                quote! {
                    let #name { #(#idents),* } = self;
                    (#hot_ty { #(#hot_ids),* }, #cold_ty { #(#cold_ids),* })
                }
            }
            None => quote!(#p::no_split(self)),
        };

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
            &|f| f.ty.to_token_stream(),
            repr_c,
        );
        let packed_info = layouts(
            quote!(#packed),
            &packed.to_string(),
            &all,
            &|f| f.part("Packed"),
            true,
        );
        let arena_info = layouts(
            quote!(#arena_row),
            &arena_row.to_string(),
            &all,
            &|f| f.part("Slot"),
            false,
        );
        let block_info = layouts(
            quote!(#block),
            &block.to_string(),
            &all,
            &|f| f.part("Lanes"),
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
                        &|f| f.ty.to_token_stream(),
                        false,
                    ),
                    layouts(
                        quote!(#cold_ty),
                        &cold_ty.to_string(),
                        &cold_fields,
                        &|f| f.ty.to_token_stream(),
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
                const SCHEMA: &'static #p::Schema = &#p::Schema {
                    name: #name_str,
                    fields: &[#(#schema),*],
                    repr_c: #repr_c,
                };
                const LEAVES: usize = 0 #(+ <#kinds as #p::Kind>::LEAVES)*;
                #packed_offsets
                #grouped

                type Columns = #columns;
                type Tables = #tables;
                type Packed = #packed;
                type ArenaRow = #arena_row;
                type Hot = #hot;
                type Cold = #cold;
                type Block = #block;

                #[inline(always)]
                fn each_field<__V: #p::FieldVisitor<Self>>(v: &mut __V) {
                    #(v.visit::<#markers>();)*
                }

                #[inline(always)]
                fn each_leaf<__V: #p::LeafVisitor<Self>>(v: &mut __V) {
                    #(#each_leaf)*
                }

                #[inline(always)]
                fn build<__S: #p::FieldSource<Self>>(source: &mut __S) -> Self {
                    #name {
                        #(#idents: source.take::<#markers>(),)*
                    }
                }

                #[inline(always)]
                fn scatter<__S: #p::FieldSink<Self>>(self, sink: &mut __S) {
                    let #name { #(#idents),* } = self;
                    #(sink.put::<#markers>(#idents);)*
                }

                #[inline(always)]
                fn scatter_leaves<__S: #p::LeafSink<Self>>(self, sink: &mut __S) {
                    let #name { #(#idents),* } = self;
                    #(#scatter_leaves)*
                }

                #[inline(always)]
                fn split(self) -> (Self::Hot, Self::Cold) {
                    #split
                }

                fn part_info(part: #p::Part) -> #p::TypeInfo {
                    match part {
                        #p::Part::Record => #record_info,
                        #p::Part::Packed => #packed_info,
                        #p::Part::ArenaRow => #arena_info,
                        #p::Part::Hot => #hot_info,
                        #p::Part::Cold => #cold_info,
                        #p::Part::Block => #block_info,
                    }
                }
            }
        }
    }
}
