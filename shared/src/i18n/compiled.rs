//! The SPA's catalogs, compiled at build time (`build.rs`) into static
//! patterns, and their renderer: the same text as Fluent writes for the
//! constructs these files use (a test compares both on every message), without
//! Fluent's parser and runtime in the WebAssembly.

use std::fmt::Write as _;

use super::{Arg, Language};

/// One piece of a compiled pattern.
pub(crate) enum Part {
    Text(&'static str),
    /// `{ $name }`.
    Var(&'static str),
    /// `{ message-id }`: the message of the same language, with the same
    /// arguments (as Fluent resolves a message reference).
    Ref(&'static str),
    /// `{ $on -> [key] … *[default] … }`.
    Select {
        on: &'static str,
        variants: &'static [(&'static str, &'static [Part])],
        default: &'static [Part],
    },
}

include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

fn catalog(lang: Language) -> &'static [(&'static str, &'static [Part])] {
    match lang {
        Language::En => EN,
        Language::Fr => FR,
        Language::Ja => JA,
    }
}

pub(crate) fn pattern(lang: Language, key: &str) -> Option<&'static [Part]> {
    let messages = catalog(lang);
    messages
        .binary_search_by(|(k, _)| (*k).cmp(key))
        .ok()
        .map(|i| messages[i].1)
}

/// Every key of `lang`, in order (for the test against Fluent).
#[cfg(test)]
pub(crate) fn keys(lang: Language) -> impl Iterator<Item = &'static str> {
    catalog(lang).iter().map(|(k, _)| *k)
}

fn arg<'a>(args: &'a [(&str, Arg)], name: &str) -> Option<&'a Arg> {
    args.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
}

/// Fluent stops after this many nested references (a cycle): the catalogs
/// have none, so this only keeps a broken catalog from looping.
const MAX_DEPTH: u8 = 16;

fn write(out: &mut String, lang: Language, parts: &[Part], args: &[(&str, Arg)], depth: u8) {
    for part in parts {
        match part {
            Part::Text(t) => out.push_str(t),
            Part::Var(name) => match arg(args, name) {
                Some(Arg::Text(s)) => out.push_str(s),
                Some(Arg::Number(n)) => {
                    let _ = write!(out, "{n}");
                }
                Some(Arg::Msg(m)) => out.push_str(&m.render(lang)),
                // As Fluent writes a missing variable.
                None => {
                    out.push_str("{$");
                    out.push_str(name);
                    out.push('}');
                }
            },
            Part::Ref(id) => match pattern(lang, id) {
                Some(p) if depth < MAX_DEPTH => write(out, lang, p, args, depth + 1),
                _ => {
                    out.push('{');
                    out.push_str(id);
                    out.push('}');
                }
            },
            Part::Select {
                on,
                variants,
                default,
            } => {
                let chosen = match arg(args, on) {
                    Some(Arg::Text(s)) => variants.iter().find(|(k, _)| *k == s.as_ref()),
                    Some(Arg::Msg(m)) => {
                        let s = m.render(lang);
                        variants.iter().find(|(k, _)| *k == s)
                    }
                    // No key is a number or a plural category (build.rs
                    // refuses them): a number selects the default, as in Fluent.
                    Some(Arg::Number(_)) | None => None,
                };
                let p = chosen.map_or(*default, |(_, p)| *p);
                write(out, lang, p, args, depth);
            }
        }
    }
}

/// The text of `key` in `lang`, or `None` when that catalog lacks it.
pub(crate) fn format(lang: Language, key: &str, args: &[(&str, Arg)]) -> Option<String> {
    let parts = pattern(lang, key)?;
    let mut out = String::new();
    write(&mut out, lang, parts, args, 0);
    Some(out)
}
