//! Compiles the SPA's Fluent catalogs (`locales/<lang>/policy.ftl`) into
//! static Rust data at build time, so the WebAssembly carries neither
//! Fluent's parser nor its runtime (`src/i18n/compiled.rs` renders them).
//! The server keeps Fluent for every area (`full-catalog`).
//!
//! Only the constructs those files use are accepted: text, `{ $variable }`,
//! `{ message-reference }`, `{ "string literal" }` and `{ $variable -> … }`
//! selecting on identifiers. Anything else (terms, functions, attributes,
//! numeric or plural-category variant keys) stops the build with the file
//! and the message named: the renderer would not write it as Fluent does.
//! A test in `src/i18n/` renders every compiled message through both and
//! compares the texts.

use std::fmt::Write as _;
use std::path::Path;

use fluent_syntax::ast;
use fluent_syntax::parser;
use fluent_syntax::unicode::unescape_unicode_to_string;

/// The areas the SPA renders (`AREAS` without `full-catalog`).
const AREAS: [&str; 1] = ["policy"];
const LANGUAGES: [&str; 3] = ["en", "fr", "ja"];
/// CLDR plural categories: a number selector would match them by plural
/// rules in Fluent, which the compiled renderer does not implement.
const PLURAL_CATEGORIES: [&str; 5] = ["zero", "one", "two", "few", "many"];

fn main() {
    // Read when the script runs, not when it was compiled: a build script
    // compiled for one checkout is reused for another with the same
    // sources (a shared CARGO_TARGET_DIR), and must read that one's files.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR")
        .expect("cargo sets CARGO_MANIFEST_DIR for build scripts");
    let root = Path::new(&manifest_dir);
    let mut out = String::new();
    for lang in LANGUAGES {
        let mut messages: Vec<(String, String)> = Vec::new();
        for area in AREAS {
            let path = root.join("locales").join(lang).join(format!("{area}.ftl"));
            println!("cargo:rerun-if-changed={}", path.display());
            let source = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let what = format!("{lang}/{area}.ftl");
            // As at run time: a syntax error drops only the broken entries
            // (the parity test of src/i18n names them).
            let resource = parser::parse(source.as_str()).unwrap_or_else(|(res, _)| res);
            for entry in &resource.body {
                match entry {
                    ast::Entry::Message(m) => {
                        let here = format!("{what}: `{}`", m.id.name);
                        assert!(
                            m.attributes.is_empty(),
                            "{here}: attributes are not compiled"
                        );
                        let Some(value) = &m.value else { continue };
                        // The first definition wins, as in a Fluent bundle.
                        if messages.iter().any(|(k, _)| k == m.id.name) {
                            continue;
                        }
                        messages.push((m.id.name.to_owned(), pattern(value, &here)));
                    }
                    ast::Entry::Term(t) => panic!("{what}: term `-{}` is not compiled", t.id.name),
                    _ => {}
                }
            }
        }
        // Sorted by key: the renderer finds a message by binary search.
        messages.sort();
        let name = lang.to_ascii_uppercase();
        let _ = writeln!(out, "static {name}: &[(&str, &[Part])] = &[");
        for (key, parts) in &messages {
            let _ = writeln!(out, "    ({key:?}, {parts}),");
        }
        out.push_str("];\n");
    }
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("catalog.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
    println!("cargo:rerun-if-changed=build.rs");
}

/// `&[Part::…, …]`, adjacent texts merged.
fn pattern(p: &ast::Pattern<&str>, here: &str) -> String {
    let mut parts: Vec<Piece> = Vec::new();
    for element in &p.elements {
        match element {
            ast::PatternElement::TextElement { value } => text(&mut parts, value),
            ast::PatternElement::Placeable { expression } => {
                self::expression(expression, here, &mut parts)
            }
        }
    }
    let body: Vec<String> = parts
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(t) => format!("Part::Text({t:?})"),
            Piece::Code(c) => c,
        })
        .collect();
    format!("&[{}]", body.join(", "))
}

enum Piece {
    Text(String),
    Code(String),
}

fn text(parts: &mut Vec<Piece>, value: &str) {
    if let Some(Piece::Text(t)) = parts.last_mut() {
        t.push_str(value);
    } else {
        parts.push(Piece::Text(value.to_owned()));
    }
}

fn expression(e: &ast::Expression<&str>, here: &str, parts: &mut Vec<Piece>) {
    match e {
        ast::Expression::Inline(inline) => self::inline(inline, here, parts),
        ast::Expression::Select { selector, variants } => {
            let ast::InlineExpression::VariableReference { id } = selector else {
                panic!("{here}: only a $variable may be selected on");
            };
            let mut listed = Vec::new();
            let mut default = None;
            for v in variants {
                let key = match &v.key {
                    ast::VariantKey::Identifier { name } => *name,
                    ast::VariantKey::NumberLiteral { value } => {
                        panic!("{here}: numeric variant key [{value}] is not compiled")
                    }
                };
                let value = pattern(&v.value, here);
                if v.default {
                    default = Some(value);
                } else {
                    assert!(
                        !PLURAL_CATEGORIES.contains(&key) && key != "other",
                        "{here}: plural category [{key}] is not compiled"
                    );
                    listed.push(format!("({key:?}, {value})"));
                }
            }
            let default = default.unwrap_or_else(|| panic!("{here}: a select has no default"));
            parts.push(Piece::Code(format!(
                "Part::Select {{ on: {:?}, variants: &[{}], default: {default} }}",
                id.name,
                listed.join(", ")
            )));
        }
    }
}

fn inline(i: &ast::InlineExpression<&str>, here: &str, parts: &mut Vec<Piece>) {
    match i {
        ast::InlineExpression::StringLiteral { value } => {
            text(parts, &unescape_unicode_to_string(value))
        }
        ast::InlineExpression::VariableReference { id } => {
            parts.push(Piece::Code(format!("Part::Var({:?})", id.name)))
        }
        ast::InlineExpression::MessageReference {
            id,
            attribute: None,
        } => parts.push(Piece::Code(format!("Part::Ref({:?})", id.name))),
        ast::InlineExpression::Placeable { expression } => {
            self::expression(expression, here, parts)
        }
        _ => panic!("{here}: only text, $variables, message references and selects are compiled"),
    }
}
