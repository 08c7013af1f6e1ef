//! The catalogs are complete: the same keys in every language, each file
//! well-formed, no key defined twice, and every key the code names exists.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_syntax::ast;
use fluent_syntax::parser;

use super::catalog::sources;
use super::*;

/// Message ids (and, per id, the variables it uses) of one file.
fn entries(source: &str, what: &str) -> BTreeMap<String, BTreeSet<String>> {
    let resource = match parser::parse(source) {
        Ok(r) => r,
        Err((_, errors)) => panic!("{what}: syntax errors {errors:?}"),
    };
    let mut out = BTreeMap::new();
    for entry in resource.body {
        if let ast::Entry::Message(m) = entry {
            let mut vars = BTreeSet::new();
            if let Some(p) = &m.value {
                variables(p, &mut vars);
            }
            assert!(m.value.is_some(), "{what}: `{}` has no value", m.id.name);
            let previous = out.insert(m.id.name.to_owned(), vars);
            assert!(previous.is_none(), "{what}: `{}` twice", m.id.name);
        }
    }
    out
}

fn variables(pattern: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_vars(expression, out);
        }
    }
}

fn expression_vars(expression: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, out);
            for v in variants {
                variables(&v.value, out);
            }
        }
        ast::Expression::Inline(inline) => inline_vars(inline, out),
    }
}

fn inline_vars(inline: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, out),
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, out);
            }
        }
        _ => {}
    }
}

fn catalog(lang: Language) -> BTreeMap<String, BTreeSet<String>> {
    let mut all = BTreeMap::new();
    for (area, source) in AREAS.iter().zip(sources(lang)) {
        let what = format!("{}/{area}.ftl", lang.as_str());
        for (id, vars) in entries(source, &what) {
            assert!(
                all.insert(id.clone(), vars).is_none(),
                "{what}: `{id}` is also defined in another area"
            );
        }
    }
    all
}

#[test]
fn every_language_has_the_same_keys_and_arguments() {
    let english = catalog(Language::En);
    assert!(!english.is_empty());
    for lang in [Language::Fr, Language::Ja] {
        let other = catalog(lang);
        let missing: Vec<_> = english.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<_> = other.keys().filter(|k| !english.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", lang.as_str());
        assert!(
            extra.is_empty(),
            "{} has keys English lacks: {extra:?}",
            lang.as_str()
        );
        for (key, vars) in &english {
            assert_eq!(
                Some(vars),
                other.get(key),
                "{}: `{key}` does not use the same arguments as English",
                lang.as_str()
            );
        }
    }
}

/// Every string literal that the code hands to `Msg::new` (or to the
/// `msg!` macro, or writes as a `key = "…"` table entry) names a key of the
/// catalogs. Scans the sources of this crate and of the API.
#[test]
fn every_key_named_in_the_code_exists() {
    let english = catalog(Language::En);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [root.join("src"), root.join("../api/src")] {
        rust_files(&dir, &mut files);
    }
    let mut unknown = Vec::new();
    // This file names the markers themselves, not keys.
    files.retain(|f| !f.ends_with("i18n/tests.rs"));
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        for key in named_keys(&text) {
            if !english.contains_key(&key) {
                unknown.push(format!("{}: {key}", file.display()));
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "keys missing from the catalogs: {unknown:#?}"
    );
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in read.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `Msg::new("key")`, `msg!("key"` and `Msg::new(\n "key"` forms.
fn named_keys(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for marker in ["Msg::new(", "msg!("] {
        let mut rest = text;
        while let Some(at) = rest.find(marker) {
            rest = &rest[at + marker.len()..];
            let trimmed = rest.trim_start();
            if let Some(body) = trimmed.strip_prefix('"') {
                if let Some(end) = body.find('"') {
                    let key = &body[..end];
                    if !key.is_empty() && !key.contains('{') {
                        keys.push(key.to_owned());
                    }
                }
            }
        }
    }
    keys
}

#[test]
fn rendering_uses_the_language_and_falls_back_to_english() {
    let msg = Msg::new("problem-not_found");
    assert_eq!(msg.render(Language::En), "Not found");
    assert_ne!(msg.render(Language::Fr), msg.render(Language::En));
    assert_ne!(msg.render(Language::Ja), msg.render(Language::En));
    assert_eq!(
        Msg::new(concat!("no-such", "-key")).render(Language::Fr),
        "no-such-key"
    );
    let with_args = Msg::new("validation-length-between")
        .arg("min", 2)
        .arg("max", 5);
    assert!(with_args.render(Language::En).contains('2'));
    assert!(
        !with_args.render(Language::Fr).contains('\u{2068}'),
        "no isolation marks"
    );
}

#[test]
fn accept_language_picks_by_quality_then_order() {
    assert_eq!(negotiate("fr-FR,fr;q=0.9,en;q=0.8"), Some(Language::Fr));
    assert_eq!(negotiate("de, ja;q=0.5, en;q=0.4"), Some(Language::Ja));
    assert_eq!(negotiate("en;q=0.2, fr;q=0.9"), Some(Language::Fr));
    assert_eq!(negotiate("ja, fr"), Some(Language::Ja));
    assert_eq!(negotiate("de, *"), None);
    assert_eq!(negotiate("fr;q=0"), None);
    assert_eq!(negotiate(""), None);
    assert_eq!(negotiate("FR"), Some(Language::Fr));
}

/// The SPA's catalogs, compiled at build time (`build.rs`), write exactly
/// what Fluent writes: every message of every language, with every
/// combination of the values its selectors know, a value none knows, a
/// number, and the argument missing.
#[test]
fn compiled_catalogs_render_as_fluent_does() {
    use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};

    use super::compiled;

    // Selector keys per variable, over a pattern and what it references.
    fn selectors(pattern: &ast::Pattern<&str>, out: &mut BTreeMap<String, BTreeSet<String>>) {
        for element in &pattern.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                expression_selectors(expression, out);
            }
        }
    }
    fn expression_selectors(
        expression: &ast::Expression<&str>,
        out: &mut BTreeMap<String, BTreeSet<String>>,
    ) {
        match expression {
            ast::Expression::Select { selector, variants } => {
                if let ast::InlineExpression::VariableReference { id } = selector {
                    let keys = out.entry(id.name.to_owned()).or_default();
                    for v in variants {
                        if let ast::VariantKey::Identifier { name } = v.key {
                            keys.insert(name.to_owned());
                        }
                    }
                }
                for v in variants {
                    selectors(&v.value, out);
                }
            }
            ast::Expression::Inline(ast::InlineExpression::VariableReference { id }) => {
                out.entry(id.name.to_owned()).or_default();
            }
            ast::Expression::Inline(ast::InlineExpression::Placeable { expression }) => {
                expression_selectors(expression, out)
            }
            ast::Expression::Inline(_) => {}
        }
    }
    fn references(pattern: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
        for element in &pattern.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                expression_references(expression, out);
            }
        }
    }
    fn expression_references(expression: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
        match expression {
            ast::Expression::Select { variants, .. } => {
                for v in variants {
                    references(&v.value, out);
                }
            }
            ast::Expression::Inline(ast::InlineExpression::MessageReference { id, .. }) => {
                out.insert(id.name.to_owned());
            }
            ast::Expression::Inline(ast::InlineExpression::Placeable { expression }) => {
                expression_references(expression, out)
            }
            ast::Expression::Inline(_) => {}
        }
    }

    let compiled_areas = ["policy"];
    let mut checked = 0usize;
    for lang in LANGUAGES {
        let mut bundle = FluentBundle::new(vec![lang
            .as_str()
            .parse::<unic_langid::LanguageIdentifier>()
            .expect("language tag")]);
        bundle.set_use_isolating(false);
        let mut patterns = BTreeMap::new();
        let areas = AREAS.iter().zip(sources(lang));
        let mut fluent_keys = BTreeSet::new();
        for (_, source) in areas.filter(|(area, _)| compiled_areas.contains(*area)) {
            let resource = parser::parse(source).expect("well-formed (see the parity test)");
            for entry in &resource.body {
                if let ast::Entry::Message(m) = entry {
                    if let Some(p) = &m.value {
                        patterns.insert(m.id.name.to_owned(), p.clone());
                        fluent_keys.insert(m.id.name.to_owned());
                    }
                }
            }
            bundle
                .add_resource(FluentResource::try_new(source.to_owned()).expect("well-formed"))
                .expect("no duplicates");
        }
        let compiled_keys: BTreeSet<String> = compiled::keys(lang).map(str::to_owned).collect();
        assert_eq!(
            fluent_keys,
            compiled_keys,
            "{}: compiled keys",
            lang.as_str()
        );

        for key in patterns.keys() {
            // The variables of the message and of everything it references.
            let mut vars = BTreeMap::new();
            let mut seen = BTreeSet::new();
            let mut todo = vec![key.clone()];
            while let Some(k) = todo.pop() {
                if !seen.insert(k.clone()) {
                    continue;
                }
                if let Some(p) = patterns.get(&k) {
                    selectors(p, &mut vars);
                    let mut refs = BTreeSet::new();
                    references(p, &mut refs);
                    todo.extend(refs);
                }
            }
            // Every combination: each known key, an unknown text, a number,
            // or nothing.
            let choices: Vec<(String, Vec<Option<Arg>>)> = vars
                .into_iter()
                .map(|(name, keys)| {
                    let mut values: Vec<Option<Arg>> =
                        keys.into_iter().map(|k| Some(Arg::from(k))).collect();
                    values.push(Some(Arg::from(format!("«{name}»"))));
                    values.push(Some(Arg::Number(1)));
                    values.push(None);
                    (name, values)
                })
                .collect();
            let total: usize = choices.iter().map(|(_, v)| v.len()).product();
            for mut n in 0..total {
                let mut args: Vec<(&str, Arg)> = Vec::new();
                let mut fluent_args = FluentArgs::new();
                for (name, values) in &choices {
                    let value = &values[n % values.len()];
                    n /= values.len();
                    if let Some(value) = value {
                        args.push((name.as_str(), value.clone()));
                        let fv = match value {
                            Arg::Text(s) => FluentValue::from(s.to_string()),
                            Arg::Number(n) => FluentValue::from(*n),
                            Arg::Msg(_) => unreachable!("no message arguments here"),
                        };
                        fluent_args.set(name.as_str(), fv);
                    }
                }
                let message = bundle.get_message(key).and_then(|m| m.value());
                let message = message.expect("Fluent has the message");
                let mut errors = Vec::new();
                let expected = bundle.format_pattern(message, Some(&fluent_args), &mut errors);
                let got = compiled::format(lang, key, &args);
                assert_eq!(
                    got.as_deref(),
                    Some(expected.as_ref()),
                    "{}: `{key}` with {args:?}",
                    lang.as_str()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "only {checked} renderings compared");
}
