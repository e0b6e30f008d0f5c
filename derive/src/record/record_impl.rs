//! `impl Record` for the user's struct: its schema, the associated part types, the
//! per-field walks (`each_field`, `build`, `scatter`) and the description of each part.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::Generator;
use crate::types::{RecordField, Storage};

impl Generator<'_> {
    /// `impl Record`.
    pub(super) fn record_impl(&self) -> TokenStream {
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
