//! [`Text`]: the rule id and the reason of a [`Decision`](super::Decision),
//! assembled from `&'static str` pieces without allocating. `decide` builds
//! two per call and the server reads them only when it refuses or audits,
//! so they are joined when written out, not when decided (SPEC §2.2: every
//! decision names its rule; §12: deciding is cheap).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The most pieces kept unjoined; longer texts are joined at once.
const MAX: usize = 8;

/// A string made of static pieces (as decided) or owned (as received).
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    Pieces {
        pieces: [&'static str; MAX],
        len: u8,
    },
    Owned(String),
}

impl Text {
    /// The pieces, in order, as one text.
    pub fn cat(parts: &[&'static str]) -> Text {
        if parts.len() > MAX {
            return Text(Repr::Owned(parts.concat()));
        }
        let mut pieces = [""; MAX];
        pieces[..parts.len()].copy_from_slice(parts);
        Text(Repr::Pieces {
            pieces,
            len: parts.len() as u8,
        })
    }

    /// `prefix` followed by `rest`.
    pub fn prefixed(prefix: &'static str, rest: Text) -> Text {
        match rest.0 {
            Repr::Pieces { pieces, len } if usize::from(len) < MAX => {
                let mut joined = [""; MAX];
                joined[0] = prefix;
                joined[1..=usize::from(len)].copy_from_slice(&pieces[..usize::from(len)]);
                Text(Repr::Pieces {
                    pieces: joined,
                    len: len + 1,
                })
            }
            _ => Text(Repr::Owned(format!("{prefix}{rest}"))),
        }
    }

    fn pieces(&self) -> impl Iterator<Item = &str> {
        let (pieces, owned): (&[&'static str], Option<&str>) = match &self.0 {
            Repr::Pieces { pieces, len } => (&pieces[..usize::from(*len)], None),
            Repr::Owned(s) => (&[], Some(s.as_str())),
        };
        pieces.iter().copied().chain(owned)
    }

    fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        self.pieces().flat_map(str::bytes)
    }

    /// Whether `needle` occurs in the text (joins it: for tests and logs).
    pub fn contains(&self, needle: &str) -> bool {
        self.to_string().contains(needle)
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.pieces().all(str::is_empty)
    }
}

impl Default for Text {
    fn default() -> Text {
        Text::cat(&[])
    }
}

impl From<&'static str> for Text {
    fn from(s: &'static str) -> Text {
        Text::cat(&[s])
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Repr::Owned(s))
    }
}

impl From<Text> for String {
    fn from(t: Text) -> String {
        match t.0 {
            Repr::Owned(s) => s,
            pieces => Text(pieces).to_string(),
        }
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.pieces().try_for_each(|p| f.write_str(p))
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_string(), f)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.bytes().eq(other.bytes())
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.bytes().eq(other.bytes())
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self == other.as_str()
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        String::deserialize(d).map(Text::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_pieces_when_written() {
        let t = Text::cat(&["experts", " may ", "create novices"]);
        assert_eq!(t.to_string(), "experts may create novices");
        assert_eq!(t, "experts may create novices");
        assert_ne!(t, "experts may create novice");
        assert_eq!(t, Text::from("experts may create novices".to_owned()));
        assert_eq!(
            serde_json::to_string(&t).expect("serialises"),
            "\"experts may create novices\""
        );
        let back: Text = serde_json::from_str("\"experts may create novices\"").expect("parses");
        assert_eq!(back, t);
    }

    #[test]
    fn prefixes_and_overflows() {
        let t = Text::prefixed("no: ", Text::cat(&["a", "b"]));
        assert_eq!(t, "no: ab");
        let long = Text::cat(&["1", "2", "3", "4", "5", "6", "7", "8", "9"]);
        assert_eq!(long, "123456789");
        let full = Text::cat(&["1", "2", "3", "4", "5", "6", "7", "8"]);
        assert_eq!(Text::prefixed("0", full), "012345678");
        assert!(Text::default().is_empty());
    }
}
