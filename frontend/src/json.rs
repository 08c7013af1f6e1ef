//! Decoding the API's answers in two steps: the text is parsed once into a
//! `serde_json::Value` (one parser, not generic), then the DTO is read from
//! that tree through [`Tree`].
//!
//! Why not `serde_json::from_str::<T>` directly: each DTO then carries its
//! own copy of the byte-level parser, inlined into its decoder, and a decoder
//! for structs written as JSON arrays that the API never sends. Those copies
//! were the largest part of the WebAssembly (55 struct decoders, 144 KB of
//! code before `wasm-opt`). [`Tree`] reads a struct from an object only, so
//! the array form is never reached and is left out of the module.
//!
//! The result is the same as `serde_json::from_str` for every answer the
//! API writes (tests below compare them); only a struct written as a JSON
//! array, which the API never sends, is refused.

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, Error as _, IntoDeserializer, MapAccess,
    SeqAccess, Unexpected, VariantAccess, Visitor,
};
use serde::forward_to_deserialize_any;
use serde_json::{Error, Map, Value};

/// `serde_json::from_str`, through the parsed tree.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    let value: Value = serde_json::from_str(text)?;
    T::deserialize(Tree(value))
}

/// A parsed JSON value, read by a DTO's `Deserialize`.
struct Tree(Value);

fn unexpected(v: &Value) -> Unexpected<'_> {
    match v {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(_) => Unexpected::Other("number"),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

impl<'de> de::Deserializer<'de> for Tree {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Number(n) => n.deserialize_any(visitor),
            Value::String(s) => visitor.visit_string(s),
            Value::Array(a) => visitor.visit_seq(Seq(a.into_iter())),
            Value::Object(m) => visitor.visit_map(Entries::new(m)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    /// Objects only: the API never writes a struct as an array.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(m) => visitor.visit_map(Entries::new(m)),
            other => Err(Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            // A unit variant: "name".
            Value::String(s) => visitor.visit_enum(s.into_deserializer()),
            // Any other variant: {"name": value}.
            Value::Object(m) if m.len() == 1 => {
                let Some((key, value)) = m.into_iter().next() else {
                    return Err(Error::custom("an enum is one key"));
                };
                visitor.visit_enum(Variant { key, value })
            }
            other => Err(Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    // Texts (field names, strings, dates, ids): a string or an error, without
    // the dispatch over every JSON type that `deserialize_any` would
    // instantiate for each of their visitors.
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_string(s),
            other => Err(Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char
        bytes byte_buf unit unit_struct seq tuple tuple_struct map
    }
}

struct Seq(std::vec::IntoIter<Value>);

impl<'de> SeqAccess<'de> for Seq {
    type Error = Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Error> {
        self.0.next().map(|v| seed.deserialize(Tree(v))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Entries {
    iter: <Map<String, Value> as IntoIterator>::IntoIter,
    value: Option<Value>,
}

impl Entries {
    fn new(m: Map<String, Value>) -> Entries {
        Entries {
            iter: m.into_iter(),
            value: None,
        }
    }
}

impl<'de> MapAccess<'de> for Entries {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.iter.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Error> {
        match self.value.take() {
            Some(v) => seed.deserialize(Tree(v)),
            None => Err(Error::custom("a value without its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct Variant {
    key: String,
    value: Value,
}

impl<'de> EnumAccess<'de> for Variant {
    type Error = Error;
    type Variant = Tree;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Tree), Error> {
        let key = seed.deserialize(self.key.into_deserializer())?;
        Ok((key, Tree(self.value)))
    }
}

impl<'de> VariantAccess<'de> for Tree {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.0 {
            Value::Null => Ok(()),
            other => Err(Error::invalid_type(unexpected(&other), &"unit variant")),
        }
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_struct(self, "", fields, visitor)
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Debug;

    use habilis_shared::dto::{ApiTokenPage, CreatedApiToken, Me, Problem, TokenScope};
    use habilis_shared::policy::Decision;
    use serde::Deserialize;

    use super::*;

    fn same<T: DeserializeOwned + PartialEq + Debug>(text: &str) {
        let direct: Result<T, _> = serde_json::from_str(text);
        let tree: Result<T, _> = from_str(text);
        match (direct, tree) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
            (Err(_), Err(_)) => {}
            (a, b) => panic!("{text}: serde_json {a:?}, tree {b:?}"),
        }
    }

    #[derive(Debug, PartialEq, Deserialize)]
    enum Shape {
        Unit,
        New(u32),
        Pair(u8, String),
        Named { x: i64, y: Option<bool> },
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Holder {
        shapes: Vec<Shape>,
        maybe: Option<Box<Holder>>,
        #[serde(default)]
        ratio: f64,
    }

    #[test]
    fn reads_what_serde_json_reads() {
        same::<Holder>(
            r#"{"shapes": ["Unit", {"New": 7}, {"Pair": [1, "a"]}, {"Named": {"x": -3, "y": null}}],
                "maybe": {"shapes": [], "maybe": null, "ratio": 0.5}, "ignored": [1, {"a": 2}]}"#,
        );
        same::<Holder>(r#"{"shapes": "Unit"}"#);
        same::<Holder>(r#"{"shapes": [{"Unit": 1, "New": 2}]}"#);
        same::<Holder>(r#"{"shapes": [{"Nope": 1}]}"#);
        // The one difference, on purpose: a struct written as an array.
        assert!(serde_json::from_str::<Holder>(r#"[[], null]"#).is_ok());
        assert!(from_str::<Holder>(r#"[[], null]"#).is_err());
        same::<Vec<u16>>("[1, 65535]");
        same::<Vec<u16>>("[65536]");
        same::<Vec<u16>>("[-1]");
        same::<Option<String>>("null");
        same::<()>("null");
        same::<TokenScope>(r#""write""#);
        same::<TokenScope>(r#""nope""#);
        same::<Problem>(
            r#"{"type": "validation_failed", "title": "t", "status": 422, "detail": "d",
                "errors": {"name": ["too long"]}, "request_id": "r1"}"#,
        );
        same::<ApiTokenPage>(r#"{"items": [], "next_cursor": null}"#);
        same::<ApiTokenPage>(r#"{"items": [{}], "next_cursor": null}"#);
        same::<Decision>("{}");
    }

    #[test]
    fn reads_flattened_fields_and_dates() {
        let page = r#"{"id": "t1", "name": "ci", "scopes": ["read"],
            "created_at": "2026-03-04T05:06:07Z", "expires_at": "2026-04-04T05:06:07Z",
            "last_used_at": null}"#;
        let created = format!(r#"{{"token": "hab_x", {}"#, &page[1..]);
        same::<CreatedApiToken>(&created);
        let direct: Option<CreatedApiToken> = serde_json::from_str(&created).ok();
        assert!(direct.is_some(), "the sample is a token");
        same::<Me>("{}");
    }

    #[test]
    fn bad_text_is_an_error() {
        assert!(from_str::<Value>("{").is_err());
        assert!(from_str::<u8>("").is_err());
    }
}
