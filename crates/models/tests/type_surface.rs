//! The public surface of the models crate, snapshotted: a schema change, a typify upgrade or a
//! change to the hand-written API shows up in review as a readable diff of types, fields, wire
//! names, trait impls and method signatures.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use quote::ToTokens;

/// Token text without the spaces `quote` puts between tokens, and without std's paths.
fn text(tokens: &impl ToTokens) -> String {
    let raw = tokens.to_token_stream().to_string();
    let mut out = raw
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" < ", "<")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" > ", ">")
        .replace(" >", ">")
        .replace(" , ", ", ")
        .replace(" ,", ",")
        .replace("& '", "&'")
        .replace("& ", "&")
        .replace(",>", ">")
        .replace("derive (", "derive(")
        .replace("serde (", "serde(")
        .replace(",::", ", ::")
        .replace(" (", "(")
        .replace(" : ", ": ");
    for prefix in [
        "::std::option::",
        "::std::string::",
        "::std::vec::",
        "::std::collections::",
        "::std::convert::",
        "::std::str::",
        "::std::fmt::",
        "::serde_json::",
        "::chrono::offset::",
        "::chrono::",
        "::uuid::",
        "::schemars::",
        "::serde::",
    ] {
        out = out.replace(prefix, "");
    }
    out
}

fn attributes(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| !a.path().is_ident("doc"))
        .map(|a| format!("#[{}]", text(&a.meta)))
        .collect()
}

fn doc_text(attr: &syn::Attribute) -> Option<String> {
    match &attr.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value().trim().to_owned()),
            _ => None,
        },
        _ => None,
    }
}

fn is_public(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// The public items of one file: types with their fields and variants, every trait impl, the
/// public functions and constants of inherent impls, and public functions, constants, traits,
/// modules and re-exports. Private helpers are left out, so the snapshot changes only when what
/// a user can name does.
fn describe(file: &syn::File, out: &mut String) {
    let private_types: Vec<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) if !is_public(&s.vis) => Some(s.ident.to_string()),
            syn::Item::Enum(e) if !is_public(&e.vis) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    // An impl for a reference to a private type (a private deserializer) is as private.
    fn of_private_type(ty: &syn::Type, private_types: &[String]) -> bool {
        match ty {
            syn::Type::Path(path) => path
                .path
                .segments
                .last()
                .is_some_and(|last| private_types.contains(&last.ident.to_string())),
            syn::Type::Reference(reference) => of_private_type(&reference.elem, private_types),
            _ => false,
        }
    }
    for item in &file.items {
        match item {
            syn::Item::Struct(s) if is_public(&s.vis) => {
                for attr in attributes(&s.attrs) {
                    writeln!(out, "  {attr}").unwrap();
                }
                writeln!(out, "  struct {}", s.ident).unwrap();
                for field in s.fields.iter().filter(|f| is_public(&f.vis)) {
                    let attrs = attributes(&field.attrs).join(" ");
                    let name = field
                        .ident
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    writeln!(out, "    {name}: {} {attrs}", text(&field.ty)).unwrap();
                }
            }
            syn::Item::Enum(e) if is_public(&e.vis) => {
                for attr in attributes(&e.attrs) {
                    writeln!(out, "  {attr}").unwrap();
                }
                writeln!(out, "  enum {}", e.ident).unwrap();
                for variant in &e.variants {
                    // A variant's doc names its wire value in the generated open enums.
                    let mut attrs = attributes(&variant.attrs);
                    attrs.extend(
                        variant
                            .attrs
                            .iter()
                            .filter_map(doc_text)
                            .map(|d| format!("// {d}")),
                    );
                    let attrs = attrs.join(" ");
                    writeln!(
                        out,
                        "    {}{} {attrs}",
                        variant.ident,
                        text(&variant.fields)
                    )
                    .unwrap();
                }
            }
            syn::Item::Impl(i) if !of_private_type(&i.self_ty, &private_types) => {
                let of = i
                    .trait_
                    .as_ref()
                    .map(|(path, _)| format!("{} for ", text(path)));
                writeln!(out, "  impl {}{}", of.unwrap_or_default(), text(&i.self_ty)).unwrap();
                if i.trait_.is_none() {
                    for member in &i.items {
                        match member {
                            syn::ImplItem::Fn(f) if is_public(&f.vis) => {
                                writeln!(out, "    {}", text(&f.sig)).unwrap();
                            }
                            syn::ImplItem::Const(c) if is_public(&c.vis) => {
                                writeln!(out, "    const {}: {}", c.ident, text(&c.ty)).unwrap();
                            }
                            _ => {}
                        }
                    }
                }
            }
            syn::Item::Trait(t) if is_public(&t.vis) => {
                writeln!(out, "  trait {}", t.ident).unwrap();
                for member in &t.items {
                    match member {
                        syn::TraitItem::Fn(f) => writeln!(out, "    {}", text(&f.sig)).unwrap(),
                        syn::TraitItem::Const(c) => {
                            writeln!(out, "    const {}: {}", c.ident, text(&c.ty)).unwrap();
                        }
                        _ => {}
                    }
                }
            }
            syn::Item::Fn(f) if is_public(&f.vis) => writeln!(out, "  {}", text(&f.sig)).unwrap(),
            syn::Item::Const(c) if is_public(&c.vis) => {
                writeln!(out, "  const {}: {}", c.ident, text(&c.ty)).unwrap();
            }
            syn::Item::Mod(m) if is_public(&m.vis) => writeln!(out, "  mod {}", m.ident).unwrap(),
            syn::Item::Use(u) if is_public(&u.vis) => {
                writeln!(out, "  use {}", text(&u.tree)).unwrap();
            }
            _ => {}
        }
    }
}

fn source_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, found);
        } else {
            found.push(path);
        }
    }
}

#[test]
fn public_type_surface() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&dir, &mut files);
    files.sort();
    let mut surface = String::new();
    for path in files {
        let source = std::fs::read_to_string(&path).unwrap();
        let file = syn::parse_file(&source).unwrap();
        let mut items = String::new();
        describe(&file, &mut items);
        if items.is_empty() {
            continue;
        }
        let module = path.strip_prefix(&dir).unwrap().with_extension("");
        let module = module.display().to_string().replace('/', "::");
        write!(surface, "{module}\n{items}").unwrap();
    }
    insta::assert_snapshot!(surface);
}
