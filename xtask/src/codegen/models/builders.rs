//! typify's builders (`mod builder`), kept in step with [`Rewrites`](super::Rewrites): the
//! rewrites change field types (a count becomes `u64`, a date-time `crate::Timestamp`) and add
//! serde attributes, which concern the structs only. So the builder module is taken out before
//! the rewrites and put back after, each builder field and setter given its struct field's final
//! type, written as seen from inside the module (`super::Name` for a type of the schema).

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;
use syn::visit_mut::{self, VisitMut};

/// The builder module of `file`, taken out.
pub fn take(file: &mut syn::File) -> Option<syn::ItemMod> {
    let at = file
        .items
        .iter()
        .position(|item| matches!(item, syn::Item::Mod(m) if m.ident == "builder"))?;
    match file.items.remove(at) {
        syn::Item::Mod(module) => Some(module),
        _ => unreachable!("the item found is a module"),
    }
}

/// Puts `builder` back into `file`, its types made those of the rewritten structs. `replaced`
/// are the types this generator writes itself (open enums and unions), which are not in `file`
/// yet.
pub fn put_back(file: &mut syn::File, mut builder: syn::ItemMod, replaced: &[&str]) {
    let mut local: BTreeSet<String> = replaced.iter().map(|name| (*name).to_owned()).collect();
    for item in &file.items {
        match item {
            syn::Item::Struct(item) => local.insert(item.ident.to_string()),
            syn::Item::Enum(item) => local.insert(item.ident.to_string()),
            syn::Item::Type(item) => local.insert(item.ident.to_string()),
            _ => false,
        };
    }
    let mut types = BTreeMap::new();
    for item in &file.items {
        let syn::Item::Struct(item) = item else {
            continue;
        };
        for field in &item.fields {
            if let Some(name) = &field.ident {
                let mut ty = field.ty.clone();
                Qualify { local: &local }.visit_type_mut(&mut ty);
                types.insert((item.ident.to_string(), name.to_string()), ty);
            }
        }
    }
    Retype {
        types: &types,
        current: String::new(),
    }
    .visit_item_mod_mut(&mut builder);
    file.items.push(syn::Item::Mod(builder));
}

/// Writes a type of the schema's module as seen from its submodule.
struct Qualify<'a> {
    local: &'a BTreeSet<String>,
}

impl VisitMut for Qualify<'_> {
    fn visit_type_path_mut(&mut self, ty: &mut syn::TypePath) {
        let first = ty.path.segments.first().map(|s| s.ident.to_string());
        if ty.qself.is_none()
            && ty.path.leading_colon.is_none()
            && first.is_some_and(|first| self.local.contains(&first))
        {
            ty.path.segments.insert(0, syn::parse_quote!(super));
        }
        visit_mut::visit_type_path_mut(self, ty);
    }
}

/// Gives each builder field `Result<T, String>`, and each setter's `TryInto<T>`, the final `T`.
struct Retype<'a> {
    types: &'a BTreeMap<(String, String), syn::Type>,
    /// The builder struct, or the builder whose `impl` is being visited.
    current: String,
}

impl Retype<'_> {
    fn final_type(&self, field: &syn::Ident) -> Option<&syn::Type> {
        self.types.get(&(self.current.clone(), field.to_string()))
    }
}

impl VisitMut for Retype<'_> {
    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        self.current = item.ident.to_string();
        for field in &mut item.fields {
            if let Some(ty) = field.ident.as_ref().and_then(|name| self.final_type(name)) {
                field.ty = syn::parse_quote!(::std::result::Result<#ty, ::std::string::String>);
            }
        }
    }

    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        // Only a builder's own methods, the setters, name field types.
        if item.trait_.is_some() {
            return;
        }
        let self_ty = &item.self_ty;
        self.current = quote!(#self_ty).to_string();
        for impl_item in &mut item.items {
            let syn::ImplItem::Fn(method) = impl_item else {
                continue;
            };
            let Some(ty) = self.final_type(&method.sig.ident).cloned() else {
                continue;
            };
            let predicates = method
                .sig
                .generics
                .where_clause
                .iter_mut()
                .flat_map(|clause| clause.predicates.iter_mut());
            for predicate in predicates {
                let syn::WherePredicate::Type(predicate) = predicate else {
                    continue;
                };
                for bound in &mut predicate.bounds {
                    let syn::TypeParamBound::Trait(bound) = bound else {
                        continue;
                    };
                    let Some(last) = bound.path.segments.last_mut() else {
                        continue;
                    };
                    if last.ident == "TryInto" {
                        last.arguments =
                            syn::PathArguments::AngleBracketed(syn::parse_quote!(<#ty>));
                    }
                }
            }
        }
    }
}
