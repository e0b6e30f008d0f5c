//! Per field: one `impl Field<Name> for FieldNo<i>`, a projection into each part.

use proc_macro2::TokenStream;
use quote::quote;

use super::Generator;

impl Generator<'_> {
    /// One `impl Field<Name> for FieldNo<i>` per field: a projection into each part.
    pub(super) fn field_impls(&self) -> TokenStream {
        let name = self.name;
        let (columns, packed, arena_row, block, tables) = (
            &self.columns,
            &self.packed,
            &self.arena_row,
            &self.block,
            &self.tables,
        );
        let (hot, cold) = self.hot_cold_tys();
        let p = quote!(::layoutlab::__private);
        let impls = self.fields.iter().enumerate().map(|(i, f)| {
            let (ident, fname) = (f.ident, &f.name);
            let kind = f.kind();
            let leaf = self.leaf_of(i);
            let (hot_cold, hot_cold_mut) = match (&self.hot_cold, f.cold) {
                (None, _) => (quote!(#p::no_cold()), quote!(#p::no_cold())),
                (Some(_), false) => (quote!(&hot[index].#ident), quote!(&mut hot[index].#ident)),
                (Some(_), true) => (quote!(&cold[index].#ident), quote!(&mut cold[index].#ident)),
            };
            quote! {
                #[automatically_derived]
                #[allow(unused_variables)]
                impl #p::Field<#name> for #p::FieldNo<#i> {
                    const LEAF: usize = #leaf;
                    const NAME: &'static str = #fname;
                    type Kind = #kind;

                    #[inline(always)]
                    fn of(record: &#name) -> &#p::Val<#name, Self> { &record.#ident }
                    #[inline(always)]
                    fn of_mut(record: &mut #name) -> &mut #p::Val<#name, Self> { &mut record.#ident }
                    #[inline(always)]
                    fn column(columns: &#columns) -> &#p::Column<#name, Self> { &columns.#ident }
                    #[inline(always)]
                    fn column_mut(columns: &mut #columns) -> &mut #p::Column<#name, Self> { &mut columns.#ident }
                    #[inline(always)]
                    fn table(tables: &#tables) -> &#p::Table<#name, Self> { &tables.#ident }
                    #[inline(always)]
                    fn table_mut(tables: &mut #tables) -> &mut #p::Table<#name, Self> { &mut tables.#ident }
                    #[inline(always)]
                    fn packed(row: &#packed) -> #p::Packed<#name, Self> { row.#ident }
                    #[inline(always)]
                    fn set_packed(row: &mut #packed, value: #p::Packed<#name, Self>) { row.#ident = value; }
                    #[inline(always)]
                    fn slot(row: &#arena_row) -> &#p::Slot<#name, Self> { &row.#ident }
                    #[inline(always)]
                    fn slot_mut(row: &mut #arena_row) -> &mut #p::Slot<#name, Self> { &mut row.#ident }
                    #[inline(always)]
                    fn lanes(block: &#block) -> &#p::Lanes<#name, Self> { &block.#ident }
                    #[inline(always)]
                    fn lanes_mut(block: &mut #block) -> &mut #p::Lanes<#name, Self> { &mut block.#ident }
                    #[inline(always)]
                    fn hot_cold<'a>(hot: &'a [#hot], cold: &'a [#cold], index: usize) -> &'a #p::Val<#name, Self> { #hot_cold }
                    #[inline(always)]
                    fn hot_cold_mut<'a>(hot: &'a mut [#hot], cold: &'a mut [#cold], index: usize) -> &'a mut #p::Val<#name, Self> { #hot_cold_mut }
                    #[inline(always)]
                    fn dynamic(map: &#p::FieldMap) -> &#p::Value { #p::dyn_field(map, #fname) }
                    #[inline(always)]
                    fn dynamic_mut(map: &mut #p::FieldMap) -> &mut #p::Value { #p::dyn_field_mut(map, #fname) }
                }
            }
        });
        quote!(#(#impls)*)
    }
}
