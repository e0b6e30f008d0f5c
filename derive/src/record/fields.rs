//! Per field: one `impl Field<Name> for FieldNo<i>` (a projection into each part), and the
//! accessor traits `<Name>Fields` (getters and setters on stores) and `<Name>RowFields`
//! (getters on rows).

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::Generator;
use crate::types::Storage;

impl Generator<'_> {
    /// One `impl Field<Name> for FieldNo<i>` per field: a projection into each part.
    pub(super) fn field_impls(&self) -> TokenStream {
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
    pub(super) fn accessors(&self) -> TokenStream {
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
