//! E-mail addresses, parsed once at the boundary (STYLE §4).
//!
//! Request bodies keep a plain `String` checked by `validator`
//! (`#[validate(email, length(max = 254))]`), so a bad address is answered
//! with the same 422 field error as every other field; the handler then
//! turns it into an [`Email`], and the services and queries only ever see
//! that: an address that has been trimmed and checked, and its one
//! look-up key ([`Email::key`]) for the `email_key` columns.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use validator::ValidateEmail;

/// A checked e-mail address: trimmed, accepted by the same rule as the
/// request bodies' `#[validate(email, length(max = 254))]` (the HTML
/// form's address syntax, a local part of at most 64 characters, at most
/// [`Email::MAX_LEN`] characters in all).
///
/// Equality is on the text as typed; two addresses that differ only by
/// case are the same account: compare their [`Email::key`]s.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email {
    text: String,
    key: String,
}

/// Why a text is not an [`Email`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("not an e-mail address")]
    Invalid,
    #[error("an e-mail address has at most {max} characters")]
    TooLong { max: usize },
}

impl Email {
    /// The longest address accepted, in characters as `validator`'s
    /// `length` counts them (bytes, for the ASCII addresses that the
    /// allowed domains almost always give).
    pub const MAX_LEN: usize = 254;

    /// Trims `text` and checks it.
    pub fn parse(text: &str) -> Result<Email, EmailError> {
        let text = text.trim();
        if !text.validate_email() {
            return Err(EmailError::Invalid);
        }
        if text.chars().count() > Self::MAX_LEN {
            return Err(EmailError::TooLong { max: Self::MAX_LEN });
        }
        Ok(Email {
            key: Self::key_of(text),
            text: text.to_owned(),
        })
    }

    /// The address as typed (trimmed): what is stored, shown and written to.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The look-up key: the address lower-cased. The `email_key` columns
    /// hold it, and addresses are compared by it (uniqueness is
    /// case-insensitive).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The part before the last `@`, as typed.
    pub fn local_part(&self) -> &str {
        self.text
            .rsplit_once('@')
            .map_or(self.text.as_str(), |(local, _)| local)
    }

    /// The look-up key of a text that stands for an address but is not
    /// checked as one: the sign-in and the reset request answer alike
    /// whether or not it is an address, and count failures under this key.
    /// The same folding as [`Email::key`]: trimmed, lower-cased.
    pub fn key_of(text: &str) -> String {
        text.trim().to_lowercase()
    }

    pub fn into_string(self) -> String {
        self.text
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Email").field(&self.text).finish()
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl std::str::FromStr for Email {
    type Err = EmailError;
    fn from_str(s: &str) -> Result<Email, EmailError> {
        Email::parse(s)
    }
}

impl Serialize for Email {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

/// Deserialising parses: a value that is not an address is refused.
impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Email, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Email::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use validator::Validate;

    /// The rule the request bodies apply; [`Email::parse`] must agree.
    #[derive(Validate)]
    struct Body {
        #[validate(email, length(max = 254))]
        email: String,
    }

    /// A well-formed address of exactly `len` characters (`len` ≥ 70): a
    /// 64-character local part, a domain of labels of at most 60.
    fn address_of_len(len: usize) -> String {
        let mut domain = "fr".to_owned();
        while 64 + 1 + domain.len() < len {
            let room = len - (64 + 1 + domain.len()) - 1;
            domain = format!("{}.{domain}", "b".repeat(room.clamp(1, 60)));
        }
        let text = format!("{}@{domain}", "a".repeat(64));
        assert_eq!(text.len(), len);
        text
    }

    fn validator_accepts(text: &str) -> bool {
        Body {
            email: text.to_owned(),
        }
        .validate()
        .is_ok()
    }

    #[test]
    fn accepts_what_the_request_rule_accepts() {
        let long_ok = address_of_len(254);
        for text in [
            "jane.doe@inserm.fr",
            "Jane.Doe@INSERM.FR",
            "a+tag@ext.inserm.fr",
            "!def!xyz%abc@example.com",
            "x@[127.0.0.1]",
            "x@bücher.example",
            long_ok.as_str(),
        ] {
            assert!(validator_accepts(text), "{text}");
            let email = Email::parse(text).expect(text);
            assert_eq!(email.as_str(), text);
        }
    }

    #[test]
    fn refuses_what_the_request_rule_refuses() {
        let too_long = address_of_len(255);
        let local_too_long = format!("{}@inserm.fr", "a".repeat(65));
        for text in [
            "",
            "   ",
            "inserm.fr",
            "@inserm.fr",
            "jane@",
            "jane doe@inserm.fr",
            "jane@inserm fr",
            "élodie@inserm.fr",
            "jane@@inserm.fr",
            "jane@-inserm.fr",
            local_too_long.as_str(),
            too_long.as_str(),
        ] {
            assert!(!validator_accepts(text), "{text}");
            assert!(Email::parse(text).is_err(), "{text}");
        }
        assert_eq!(Email::parse("inserm.fr"), Err(EmailError::Invalid));
        assert_eq!(
            Email::parse(&too_long),
            Err(EmailError::TooLong { max: 254 })
        );
    }

    #[test]
    fn trims_and_keeps_the_case_typed() {
        let email = Email::parse("  Jane.Doe@INSERM.fr \n").expect("parses");
        assert_eq!(email.as_str(), "Jane.Doe@INSERM.fr");
        assert_eq!(email.to_string(), "Jane.Doe@INSERM.fr");
        assert_eq!(email.local_part(), "Jane.Doe");
        // 254 characters once trimmed.
        let long_ok = format!(" {} ", address_of_len(254));
        assert!(Email::parse(&long_ok).is_ok());
    }

    #[test]
    fn the_key_is_lower_cased_like_the_stored_keys() {
        let a = Email::parse("Jane.Doe@INSERM.FR").expect("parses");
        let b = Email::parse(" jane.doe@inserm.fr").expect("parses");
        assert_ne!(a, b, "equality is on the text typed");
        assert_eq!(a.key(), "jane.doe@inserm.fr");
        assert_eq!(a.key(), b.key());
        // Beyond ASCII too (an internationalised domain).
        let idn = Email::parse("x@BÜCHER.example").expect("parses");
        assert_eq!(idn.key(), "x@bücher.example");
        // The unchecked key of the sign-in folds the same way.
        assert_eq!(Email::key_of("  Jane.Doe@INSERM.FR "), a.key());
        assert_eq!(Email::key_of(" Not An Address "), "not an address");
    }

    #[test]
    fn serde_is_a_string_and_deserialising_parses() {
        let email = Email::parse("Jane@inserm.fr").expect("parses");
        assert_eq!(
            serde_json::to_string(&email).expect("serialises"),
            r#""Jane@inserm.fr""#
        );
        let back: Email = serde_json::from_str(r#"" Jane@inserm.fr ""#).expect("parses");
        assert_eq!(back, email);
        assert!(serde_json::from_str::<Email>(r#""not an address""#).is_err());
        assert!(serde_json::from_str::<Email>("3").is_err());
        // Borrowed or escaped text alike.
        let escaped: Email = serde_json::from_str(r#""jane\u0040inserm.fr""#).expect("parses");
        assert_eq!(escaped.as_str(), "jane@inserm.fr");
    }

    #[test]
    fn debug_and_from_str() {
        let email: Email = "jane@inserm.fr".parse().expect("parses");
        assert_eq!(format!("{email:?}"), r#"Email("jane@inserm.fr")"#);
        assert_eq!("nope".parse::<Email>(), Err(EmailError::Invalid));
    }
}
