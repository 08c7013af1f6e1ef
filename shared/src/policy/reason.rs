//! [`Reason`]: why a [`Decision`](super::Decision) came out as it did, as a
//! message of the `policy` catalog (`shared/locales/*/policy.ftl`) rendered
//! in the reader's language only when written out.
//!
//! `decide` builds one per call and the server reads it only when it
//! refuses, audits or answers `authz/check`, so a reason as decided is a
//! catalog key and up to [`MAX_ARGS`] `&'static str` arguments (profile and
//! capability codes): deciding allocates nothing (SPEC §12). A reason read
//! back from JSON (the SPA asking the server) is the text the server wrote.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::i18n::{Language, Msg};

/// The most arguments a reason carries.
pub const MAX_ARGS: usize = 4;

/// A policy message as decided, or its text as received.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reason(Repr);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Repr {
    Message {
        key: &'static str,
        args: [(&'static str, &'static str); MAX_ARGS],
        len: u8,
    },
    Rendered(String),
}

impl Reason {
    /// The message `key` of the `policy` catalog, without arguments.
    pub const fn new(key: &'static str) -> Reason {
        Reason(Repr::Message {
            key,
            args: [("", ""); MAX_ARGS],
            len: 0,
        })
    }

    /// Adds the argument `$name` (a code: the catalogs select words by it).
    /// Beyond [`MAX_ARGS`] arguments are dropped, which a test rules out.
    #[must_use]
    pub fn arg(self, name: &'static str, value: &'static str) -> Reason {
        match self.0 {
            Repr::Message { key, mut args, len } if (len as usize) < MAX_ARGS => {
                args[len as usize] = (name, value);
                Reason(Repr::Message {
                    key,
                    args,
                    len: len + 1,
                })
            }
            repr => Reason(repr),
        }
    }

    /// The catalog key, `None` for a reason received as text.
    pub fn key(&self) -> Option<&'static str> {
        match &self.0 {
            Repr::Message { key, .. } => Some(key),
            Repr::Rendered(_) => None,
        }
    }

    /// The arguments, as decided.
    pub fn args(&self) -> &[(&'static str, &'static str)] {
        match &self.0 {
            Repr::Message { args, len, .. } => &args[..usize::from(*len)],
            Repr::Rendered(_) => &[],
        }
    }

    /// The reason as a message, to be rendered in the reader's language.
    pub fn msg(&self) -> Msg {
        match &self.0 {
            Repr::Message { key, .. } => self
                .args()
                .iter()
                .fold(Msg::new(key), |m, (name, value)| m.arg(name, *value)),
            Repr::Rendered(text) => Msg::new("policy-as-received").arg("text", text),
        }
    }

    /// The reason in `lang`.
    pub fn render(&self, lang: Language) -> String {
        match &self.0 {
            Repr::Message { .. } => self.msg().render(lang),
            Repr::Rendered(text) => text.clone(),
        }
    }

    /// The same reason, rendered in `lang` (what a JSON answer carries).
    pub fn rendered(&self, lang: Language) -> Reason {
        Reason(Repr::Rendered(self.render(lang)))
    }
}

/// English, for logs and the audit log.
impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Language::En))
    }
}

/// As text: rendered in English unless [`Reason::rendered`] chose a language.
impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Reason {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Reason, D::Error> {
        String::deserialize(d).map(|text| Reason(Repr::Rendered(text)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_in_the_reader_language_and_round_trips_as_text() {
        let r = Reason::new("policy-charter-required");
        assert_eq!(r.key(), Some("policy-charter-required"));
        let en = r.render(Language::En);
        let fr = r.render(Language::Fr);
        assert!(!en.is_empty() && en != fr, "{en} / {fr}");
        let json = serde_json::to_string(&r).expect("serialises");
        assert_eq!(json, serde_json::to_string(&en).expect("json"));
        let back: Reason = serde_json::from_str(&json).expect("parses");
        assert_eq!(back.render(Language::Ja), en, "received text is kept");
        assert_eq!(back.key(), None);
        assert_eq!(back.msg().render(Language::Fr), en);
    }

    #[test]
    fn keeps_at_most_max_args() {
        let r = Reason::new("k")
            .arg("a", "1")
            .arg("b", "2")
            .arg("c", "3")
            .arg("d", "4")
            .arg("e", "5");
        assert_eq!(r.args(), &[("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")]);
    }
}
