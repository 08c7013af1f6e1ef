//! The macros that declare a vocabulary of codes once (issue 13 §1): one
//! table of `Variant = "code"` rows gives the enum, its `ALL` list, its code
//! accessor, `FromStr`, `Display` and the `*_CODES` list, so they cannot
//! drift apart. [`Action`](super::Action), whose codes are built from the
//! other vocabularies, has its own table in `vocab.rs`.

/// `vocabulary! { #[attrs] pub enum Name: fn code, CODES { Variant = "code", … } }`
/// declares the enum (attributes and docs kept), `Name::ALL` (declaration
/// order), `const fn code(self)`, `CODES` (same order), `Display` and
/// `FromStr` (an unknown code is an [`UnknownCode`](super::UnknownCode)).
macro_rules! vocabulary {
    (
        $(#[$attr:meta])*
        $vis:vis enum $name:ident: fn $code_fn:ident, $codes:ident {
            $( $(#[$variant_attr:meta])* $variant:ident = $code:literal, )+
        }
    ) => {
        $(#[$attr])*
        $vis enum $name {
            $( $(#[$variant_attr])* $variant, )+
        }

        impl $name {
            #[doc = concat!("Every `", stringify!($name), "`, in declaration order.")]
            pub const ALL: [$name; [$($code),+].len()] = [$($name::$variant),+];

            /// The variant's name (`"ResultsRead"`): an identifier, so the
            /// catalogs can select words by it (Fluent variant keys cannot
            /// hold the dots of a code).
            pub const fn ident(self) -> &'static str {
                match self {
                    $( $name::$variant => stringify!($variant), )+
                }
            }

            #[doc = concat!("The code: ", $("`\"", $code, "\"` "),+)]
            pub const fn $code_fn(self) -> &'static str {
                match self {
                    $( $name::$variant => $code, )+
                }
            }
        }

        #[doc = concat!("The codes of `", stringify!($name), "`, in `", stringify!($name), "::ALL` order.")]
        pub const $codes: [&str; $name::ALL.len()] = [$($code),+];

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.$code_fn())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::policy::UnknownCode;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $code => Ok($name::$variant), )+
                    other => Err($crate::policy::UnknownCode(other.to_owned())),
                }
            }
        }
    };
}

/// `Serialize` as the code.
macro_rules! serialize_as_code {
    ($name:ident: fn $code_fn:ident) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.$code_fn())
            }
        }
    };
}

/// `Deserialize` from the code only (through `FromStr`), naming the known
/// codes when it fails. A string visitor keeps the document path of a map
/// key in both TOML and JSON (see `model.rs`).
macro_rules! deserialize_from_code {
    ($name:ident, $codes:expr, $expecting:literal) => {
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        v.parse().map_err(|_| E::unknown_variant(v, &$codes))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

/// The OpenAPI schema of a code: a string, one of `codes`.
macro_rules! schema_as_codes {
    ($name:ident, $codes:expr, $description:literal) => {
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                use utoipa::openapi::schema::{ObjectBuilder, Type};
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some($codes))
                    .description(Some($description))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}
