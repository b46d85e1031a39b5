//! The public type surface of the generated models, snapshotted: a schema change or a typify
//! upgrade shows up in review as a readable diff of types, fields, wire names and trait impls.

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
        .replace(",::", ", ::");
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

fn describe(file: &syn::File, out: &mut String) {
    for item in &file.items {
        match item {
            syn::Item::Struct(s) => {
                for attr in attributes(&s.attrs) {
                    writeln!(out, "  {attr}").unwrap();
                }
                writeln!(out, "  struct {}", s.ident).unwrap();
                for field in &s.fields {
                    let attrs = attributes(&field.attrs).join(" ");
                    let name = field
                        .ident
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    writeln!(out, "    {name}: {} {attrs}", text(&field.ty)).unwrap();
                }
            }
            syn::Item::Enum(e) => {
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
            syn::Item::Impl(i) => {
                let of = i
                    .trait_
                    .as_ref()
                    .map(|(path, _)| format!("{} for ", text(path)));
                writeln!(out, "  impl {}{}", of.unwrap_or_default(), text(&i.self_ty)).unwrap();
            }
            syn::Item::Const(c) => writeln!(out, "  const {}: {}", c.ident, text(&c.ty)).unwrap(),
            syn::Item::Mod(m) => writeln!(out, "  mod {}", m.ident).unwrap(),
            syn::Item::Use(u) => writeln!(out, "  use {}", text(&u.tree)).unwrap(),
            other => writeln!(out, "  {}", text(other)).unwrap(),
        }
    }
}

fn generated_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            generated_files(&path, found);
        } else {
            found.push(path);
        }
    }
}

#[test]
fn public_type_surface() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/generated");
    let mut files = Vec::new();
    generated_files(&dir, &mut files);
    files.sort();
    let mut surface = String::new();
    for path in files {
        let source = std::fs::read_to_string(&path).unwrap();
        let file = syn::parse_file(&source).unwrap();
        let module = path.strip_prefix(&dir).unwrap().with_extension("");
        writeln!(
            surface,
            "{}",
            module.display().to_string().replace('/', "::")
        )
        .unwrap();
        describe(&file, &mut surface);
    }
    insta::assert_snapshot!(surface);
}
