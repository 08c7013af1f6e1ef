//! Message catalogs for every text the API sends to a person (issue 13 §2):
//! problem titles and details, validation messages, policy reasons, e-mails.
//!
//! The catalogs are Fluent files (`shared/locales/<lang>/<area>.ftl`, one
//! file per area so each capability keeps its own texts), compiled into the
//! binary. Code never holds a sentence: it names a key and its arguments in a
//! [`Msg`], and the text is chosen when the answer is written, in the
//! reader's language. Keys and arguments are the machine-readable contract;
//! the sentences may change freely. A test keeps the three languages in step
//! and checks that every key the code names exists.
//!
//! This module builds for wasm32 too, so the SPA can render a problem type
//! with the same words as the server. The server renders through Fluent
//! (`fluent-bundle`, feature `full-catalog`); the SPA renders the patterns
//! `build.rs` compiled from the same files (`compiled.rs`), so its
//! WebAssembly carries no Fluent parser or runtime. A test renders every
//! compiled message through both and compares the texts.

mod catalog;
#[cfg(any(not(feature = "full-catalog"), test))]
mod compiled;

use std::borrow::Cow;
use std::fmt;

pub use crate::dto::Language;
pub use catalog::{render, AREAS};

/// Every language a catalog exists for, English first (the fallback).
pub const LANGUAGES: [Language; 3] = [Language::En, Language::Fr, Language::Ja];

/// One named argument of a message: text, a number (numbers select plural
/// forms in the catalogs) or a message rendered in the same language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    Text(Cow<'static, str>),
    Number(i64),
    Msg(Msg),
}

impl From<&'static str> for Arg {
    fn from(s: &'static str) -> Self {
        Arg::Text(Cow::Borrowed(s))
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(Cow::Owned(s))
    }
}
impl From<Msg> for Arg {
    fn from(m: Msg) -> Self {
        Arg::Msg(m)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Text(Cow::Owned(s.clone()))
    }
}
macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Self {
                Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_arg!(i32, i64, u8, u16, u32, u64, usize);

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Text(s) => f.write_str(s),
            Arg::Number(n) => write!(f, "{n}"),
            Arg::Msg(m) => m.fmt(f),
        }
    }
}

/// A message to be written later in the reader's language: a catalog key
/// and its named arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Msg {
    key: &'static str,
    args: Vec<(&'static str, Arg)>,
}

impl Msg {
    /// A message without arguments (allocates nothing).
    pub const fn new(key: &'static str) -> Msg {
        Msg {
            key,
            args: Vec::new(),
        }
    }

    /// Adds the argument `$name` of the message.
    #[must_use]
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Msg {
        self.args.push((name, value.into()));
        self
    }

    pub fn key(&self) -> &'static str {
        self.key
    }

    pub fn args(&self) -> &[(&'static str, Arg)] {
        &self.args
    }

    /// The message in `lang` (English when that catalog lacks it; the key
    /// itself when no catalog has it, which a test prevents).
    pub fn render(&self, lang: Language) -> String {
        render(lang, self.key, &self.args)
    }
}

/// English, for logs and `Display`.
impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Language::En))
    }
}

/// The first of `en`, `fr`, `ja` named in an `Accept-Language` header, by
/// quality then order; `None` when the header names none of them
/// (RFC 9110 §12.5.4; `*` is not a choice of ours).
pub fn negotiate(accept_language: &str) -> Option<Language> {
    let mut best: Option<(u16, Language)> = None;
    for item in accept_language.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
        let Some(lang) = Language::parse(&primary) else {
            continue;
        };
        let quality = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .filter_map(|q| q.trim().parse::<f32>().ok())
            .next()
            .unwrap_or(1.0);
        // q=0 means "not acceptable"; a NaN is no quality either.
        if quality.is_nan() || quality <= 0.0 {
            continue;
        }
        // Quality in thousandths, so ordering needs no float comparison.
        let q = (quality.min(1.0) * 1000.0) as u16;
        // Strictly greater: of equal qualities the first named wins.
        if best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, lang));
        }
    }
    best.map(|(_, lang)| lang)
}

#[cfg(test)]
mod tests;
