//! The accessor traits `<Name>Fields` (getters `x(i)` and setters `set_x(i, v)` on stores)
//! and `<Name>RowFields` (getters `x()` on rows), and the record's *fields macro*: a hidden
//! `macro_rules!` named like the struct (in the macro namespace, so it travels with every
//! `use` of the struct) that lists the record's fields for a record that flattens it.
//!
//! A record's derive cannot see the fields of a record it flattens (a derive sees only its
//! own struct), yet `pos_lat(i)` must be named after them. So a record with
//! `#[record(flatten)] pos: Pos` hands its state to `Pos!`, which appends `Pos`'s fields
//! and hands it on to [`finish`] (`layoutlab::__private::finish_record!`), which asks the
//! next flattened record the same way, and once none is left generates the traits and the
//! record's own fields macro (with the nested fields in it, so that flattening goes any
//! number of levels deep). Every call expands where the record is defined, so each type
//! path resolves as the user wrote it.

use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::{Error, Visibility};

use super::Generator;

/// One accessor: a field, or a field of a flattened record.
#[derive(Clone)]
struct Entry {
    /// `[pos, lat]` for `pos_lat`.
    path: Vec<Ident>,
    /// The field numbers along the path.
    indices: Vec<usize>,
    /// What the getter returns, as written (direct fields only; nested ones name the
    /// projection, which resolves wherever the record is).
    ty: Option<TokenStream>,
    /// What the setter takes.
    set: Setter,
}

/// What a setter takes, beside what the getter returns.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Setter {
    /// What the getter returns.
    Same,
    /// `&[&str]` (a list of strings; the getter returns a `Strs`).
    Strs,
    /// The value itself (an opaque field; the getter returns a reference).
    Owned,
}

impl Entry {
    fn to_tokens(&self, with_ty: bool) -> TokenStream {
        let (path, indices) = (&self.path, &self.indices);
        let ty = if with_ty { self.ty.clone() } else { None }.unwrap_or_default();
        let flag = match self.set {
            Setter::Same => quote!(plain),
            Setter::Strs => quote!(strs),
            Setter::Owned => quote!(owned),
        };
        quote!((#(#path)*) (#(#indices)*) [#ty] #flag)
    }

    fn prefixed(&self, outer: &Entry) -> Entry {
        Entry {
            path: outer.path.iter().chain(&self.path).cloned().collect(),
            indices: outer.indices.iter().chain(&self.indices).copied().collect(),
            ty: None,
            set: self.set,
        }
    }
}

fn group(delimiter: Delimiter, tokens: TokenStream) -> TokenTree {
    TokenTree::Group(Group::new(delimiter, tokens))
}

fn parse_group(input: ParseStream<'_>, delimiter: Delimiter) -> syn::Result<TokenStream> {
    input.step(|cursor| match cursor.group(delimiter) {
        Some((inside, _, rest)) => Ok((inside.token_stream(), rest)),
        None => Err(cursor.error("layoutlab: malformed fields list")),
    })
}

impl Parse for Entry {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let path = syn::parse2::<Idents>(parse_group(input, Delimiter::Parenthesis)?)?.0;
        let indices = syn::parse2::<Numbers>(parse_group(input, Delimiter::Parenthesis)?)?.0;
        let ty = parse_group(input, Delimiter::Bracket)?;
        let flag: Ident = input.parse()?;
        let set = match flag.to_string().as_str() {
            "strs" => Setter::Strs,
            "owned" => Setter::Owned,
            _ => Setter::Same,
        };
        Ok(Entry {
            path,
            indices,
            ty: (!ty.is_empty()).then_some(ty),
            set,
        })
    }
}

struct Idents(Vec<Ident>);
impl Parse for Idents {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut out = Vec::new();
        while !input.is_empty() {
            out.push(input.call(syn::ext::IdentExt::parse_any)?);
        }
        Ok(Idents(out))
    }
}

struct Numbers(Vec<usize>);
impl Parse for Numbers {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut out = Vec::new();
        while !input.is_empty() {
            out.push(input.parse::<syn::LitInt>()?.base10_parse()?);
        }
        Ok(Numbers(out))
    }
}

/// A comma-separated list of entries.
struct Entries(Vec<Entry>);
impl Parse for Entries {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let list = syn::punctuated::Punctuated::<Entry, syn::Token![,]>::parse_terminated(input)?;
        Ok(Entries(list.into_iter().collect()))
    }
}

fn entries_tokens(entries: &[Entry], with_ty: bool) -> TokenStream {
    let each = entries.iter().map(|e| e.to_tokens(with_ty));
    quote!(#(#each),*)
}

/// The state handed along the chain of fields macros.
struct State {
    name: Ident,
    vis: Visibility,
    direct: Vec<Entry>,
    /// Flattened fields still to ask: their field number, and their type's path.
    pending: Vec<(usize, TokenStream)>,
    /// Flattened fields asked: their field number and their entries.
    resolved: Vec<(usize, Vec<Entry>)>,
    /// The one being asked, whose entries follow the state.
    current: Option<usize>,
}

impl State {
    fn to_tokens(&self) -> TokenStream {
        let (name, vis) = (&self.name, &self.vis);
        let direct = entries_tokens(&self.direct, true);
        let pending = self.pending.iter().map(|(i, path)| quote!((#i) [#path]));
        let resolved = self.resolved.iter().map(|(i, entries)| {
            let entries = entries_tokens(entries, false);
            quote!((#i) [#entries])
        });
        let current = self.current.iter();
        quote! {
            name = #name; vis = [#vis]; direct = [#direct]; pending = [#(#pending),*];
            resolved = [#(#resolved),*]; current = [#(#current)*];
        }
    }
}

/// `key = `
fn key(input: ParseStream<'_>, expected: &str) -> syn::Result<()> {
    let k: Ident = input.parse()?;
    if k != expected {
        return Err(Error::new(
            k.span(),
            format!("layoutlab: expected `{expected}`"),
        ));
    }
    input.parse::<syn::Token![=]>()?;
    Ok(())
}

impl Parse for State {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        key(input, "name")?;
        let name: Ident = input.parse()?;
        input.parse::<syn::Token![;]>()?;
        key(input, "vis")?;
        let vis: Visibility = syn::parse2(parse_group(input, Delimiter::Bracket)?)?;
        input.parse::<syn::Token![;]>()?;
        key(input, "direct")?;
        let direct = syn::parse2::<Entries>(parse_group(input, Delimiter::Bracket)?)?.0;
        input.parse::<syn::Token![;]>()?;
        key(input, "pending")?;
        let pending_tokens = parse_group(input, Delimiter::Bracket)?;
        let pending = syn::parse::Parser::parse2(
            |p: ParseStream<'_>| {
                let mut out = Vec::new();
                while !p.is_empty() {
                    let i = syn::parse2::<Numbers>(parse_group(p, Delimiter::Parenthesis)?)?.0[0];
                    out.push((i, parse_group(p, Delimiter::Bracket)?));
                    if !p.is_empty() {
                        p.parse::<syn::Token![,]>()?;
                    }
                }
                Ok(out)
            },
            pending_tokens,
        )?;
        input.parse::<syn::Token![;]>()?;
        key(input, "resolved")?;
        let resolved_tokens = parse_group(input, Delimiter::Bracket)?;
        let resolved = syn::parse::Parser::parse2(
            |p: ParseStream<'_>| {
                let mut out = Vec::new();
                while !p.is_empty() {
                    let i = syn::parse2::<Numbers>(parse_group(p, Delimiter::Parenthesis)?)?.0[0];
                    out.push((
                        i,
                        syn::parse2::<Entries>(parse_group(p, Delimiter::Bracket)?)?.0,
                    ));
                    if !p.is_empty() {
                        p.parse::<syn::Token![,]>()?;
                    }
                }
                Ok(out)
            },
            resolved_tokens,
        )?;
        input.parse::<syn::Token![;]>()?;
        key(input, "current")?;
        let current = syn::parse2::<Numbers>(parse_group(input, Delimiter::Bracket)?)?.0;
        input.parse::<syn::Token![;]>()?;
        let mut state = State {
            name,
            vis,
            direct,
            pending,
            resolved,
            current: current.first().copied(),
        };
        if let Some(i) = state.current.take() {
            // The fields macro of the record asked last appended its entries.
            let entries = syn::parse2::<Entries>(parse_group(input, Delimiter::Brace)?)?.0;
            state.resolved.push((i, entries));
        }
        Ok(state)
    }
}

/// The next step of the chain: ask the next flattened record, or generate.
fn step(mut state: State) -> syn::Result<TokenStream> {
    if state.pending.is_empty() {
        return generate(&state);
    }
    let (i, path) = state.pending.remove(0);
    state.current = Some(i);
    let inner = state.to_tokens();
    let state = group(Delimiter::Bracket, inner);
    Ok(quote! {
        #path! { @layoutlab_fields [::layoutlab::__private::finish_record] #state }
    })
}

/// `layoutlab::__private::finish_record!`: one step of the chain (see the module's docs).
pub fn finish(input: TokenStream) -> syn::Result<TokenStream> {
    step(syn::parse2::<State>(input)?)
}

/// Every accessor of the record: its fields in order, each flattened one followed by its
/// own fields (prefixed), and the check that no two getters share a name.
fn all_entries(state: &State) -> syn::Result<Vec<Entry>> {
    let mut all = Vec::new();
    for e in &state.direct {
        all.push(e.clone());
        if let Some((_, nested)) = state.resolved.iter().find(|(i, _)| e.indices == [*i]) {
            all.extend(nested.iter().map(|n| n.prefixed(e)));
        }
    }
    let names: Vec<String> = all.iter().map(getter_name).collect();
    for (k, n) in names.iter().enumerate() {
        if names[..k].contains(n) {
            return Err(Error::new(
                Span::call_site(),
                format!("`{}`: two fields would have the getter `{n}` (a field of a flattened record is reached as `<field>_<its field>`); rename one of them", state.name),
            ));
        }
    }
    Ok(all)
}

fn getter_name(e: &Entry) -> String {
    let parts: Vec<String> = e
        .path
        .iter()
        .map(|i| syn::ext::IdentExt::unraw(i).to_string())
        .collect();
    parts.join("_")
}

/// The two accessor traits and the record's fields macro.
fn generate(state: &State) -> syn::Result<TokenStream> {
    let entries = all_entries(state)?;
    let (name, vis) = (&state.name, &state.vis);
    let p = quote!(::layoutlab::__private);
    let fields_trait = format_ident!("{name}Fields");
    let row_trait = format_ident!("{name}RowFields");
    let (mut decls, mut defs, mut row_decls, mut row_defs) = (vec![], vec![], vec![], vec![]);
    for e in &entries {
        let plain = getter_name(e);
        let getter = if e.path.len() == 1 {
            e.path[0].clone()
        } else {
            Ident::new(&plain, e.path[0].span())
        };
        let setter = format_ident!("set_{}", plain);
        let marker = e
            .indices
            .iter()
            .rev()
            .fold(None, |inner: Option<TokenStream>, i| {
                Some(match inner {
                    None => quote!(#p::FieldNo<#i>),
                    Some(inner) => quote!(#p::Nested<#p::FieldNo<#i>, #inner>),
                })
            })
            .expect("an entry has a field number");
        let ty =
            e.ty.clone()
                .unwrap_or_else(|| quote!(#p::Ref<'_, #name, #marker>));
        let (set_ty, set_value) = match e.set {
            Setter::Strs => (quote!(&[&str]), quote!(::layoutlab::Strs::from(value))),
            // An opaque field's getter returns `&T`; its setter takes the `T`.
            Setter::Owned => (quote!(#p::Val<#name, #marker>), quote!(&value)),
            Setter::Same => (ty.clone(), quote!(value)),
        };
        let dotted: Vec<String> = e
            .path
            .iter()
            .map(|i| syn::ext::IdentExt::unraw(i).to_string())
            .collect();
        let dotted = dotted.join(".");
        let get_doc =
            format!("`{dotted}` of record `index`.\n\n# Panics\n\nIf `index >= self.len()`.");
        let set_doc = format!("Sets `{dotted}` of record `index` to `value`.\n\n# Panics\n\nIf `index >= self.len()`, or if the layout cannot store the value (an interned field out of ids, a buffer past `u32` offsets; the message names the field).");
        let row_doc = format!("`{dotted}` of this record.");
        decls.push(quote! {
            #[doc = #get_doc]
            fn #getter(&self, index: usize) -> #ty;
            #[doc = #set_doc]
            fn #setter(&mut self, index: usize, value: #set_ty);
        });
        defs.push(quote! {
            #[inline(always)]
            fn #getter(&self, index: usize) -> #ty {
                <__S as ::layoutlab::Store<#name>>::__read::<#marker>(self, index)
            }
            #[inline(always)]
            fn #setter(&mut self, index: usize, value: #set_ty) {
                <__S as ::layoutlab::Store<#name>>::__write::<#marker>(self, index, #set_value)
            }
        });
        row_decls.push(quote! {
            #[doc = #row_doc]
            fn #getter(&self) -> #ty;
        });
        row_defs.push(quote! {
            #[inline(always)]
            fn #getter(&self) -> #ty {
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
    let fields_macro = fields_macro(name, vis, &entries);
    Ok(quote! {
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

        #fields_macro
    })
}

/// The record's fields macro: `Name! { @layoutlab_fields [callback] [state] }` expands to
/// `callback! { state { entries } }`.
fn fields_macro(name: &Ident, vis: &Visibility, entries: &[Entry]) -> TokenStream {
    let mac = format_ident!("__layoutlab_fields_{}", name);
    let entries = entries_tokens(entries, false);
    // A `macro_rules!` reaches at most the crate.
    let vis = match vis {
        Visibility::Public(_) => quote!(pub(crate)),
        other => quote!(#other),
    };
    quote! {
        #[doc(hidden)]
        #[allow(unused_macros)]
        macro_rules! #mac {
            (@layoutlab_fields [$($callback:tt)*] [$($state:tt)*]) => {
                $($callback)*! { $($state)* { #entries } }
            };
        }
        #[doc(hidden)]
        #[allow(unused_imports)]
        #vis use #mac as #name;
    }
}

impl Generator<'_> {
    /// The accessor traits and the fields macro, straight away when no field is flattened,
    /// else through the chain of the flattened records' fields macros.
    pub(super) fn accessors(&self) -> TokenStream {
        let direct: Vec<Entry> = self
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| Entry {
                path: vec![f.ident.clone()],
                indices: vec![i],
                ty: Some(f.ref_ty()),
                set: f.setter(),
            })
            .collect();
        let pending: Vec<(usize, TokenStream)> = self
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.is_flatten())
            .map(|(i, f)| {
                let ty = f.ty;
                (i, quote!(#ty))
            })
            .collect();
        let state = State {
            name: self.name.clone(),
            vis: self.input.vis.clone(),
            direct,
            pending,
            resolved: Vec::new(),
            current: None,
        };
        if state.pending.is_empty() {
            return generate(&state).unwrap_or_else(Error::into_compile_error);
        }
        let state = state.to_tokens();
        quote!(::layoutlab::__private::finish_record! { #state })
    }
}
