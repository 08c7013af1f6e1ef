//! Personal data left out of an article drafted from a ticket (issue 18
//! §4, `POST /tickets/{id}/article`). A simple rule, applied to the
//! ticket's subject, first message and resolution:
//!
//! - **e-mail addresses**: a run of non-blank characters with something
//!   before an `@` and a `.` after it (once the punctuation around it —
//!   `<>()[]{},;:!?"'` and a final `.` — is set aside) becomes
//!   `[e-mail]`;
//! - **names**: the first and last names of the requester and of everyone
//!   who wrote in the ticket, cut into words (runs of letters and digits),
//!   each word of 3 characters or more matched as a whole word whatever
//!   its case, become `[name]`. Shorter words (`Li`, `de`) are left, as
//!   they are too often ordinary words.
//!
//! The agent reviews the draft before publishing it: the rule removes the
//! obvious, not every possible trace.

use std::collections::BTreeSet;

/// What an e-mail address becomes.
pub const EMAIL: &str = "[e-mail]";
/// What a name becomes.
pub const NAME: &str = "[name]";

/// The words of `names` that [`redact`] removes (lower case).
pub fn name_words<'a>(names: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    names
        .into_iter()
        .flat_map(|n| n.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .collect()
}

/// `text` without its e-mail addresses and the words of `names` (see the
/// module's rule).
pub fn redact(text: &str, names: &BTreeSet<String>) -> String {
    let without_mail = emails_out(text);
    names_out(&without_mail, names)
}

fn is_email(core: &str) -> bool {
    match core.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain
                    .split_once('.')
                    .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
        }
        None => false,
    }
}

fn emails_out(text: &str) -> String {
    const AROUND: &[char] = &[
        '<', '>', '(', ')', '[', ']', '{', '}', ',', ';', ':', '!', '?', '"', '\'', '.',
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        // Blanks are copied as they are; each run of non-blanks is a token.
        let blank = rest
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(rest.len());
        out.push_str(&rest[..blank]);
        rest = &rest[blank..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let token = &rest[..end];
        rest = &rest[end..];
        let core = token.trim_matches(AROUND);
        if token.contains('@') && is_email(core) {
            let start = token.find(core).unwrap_or(0);
            out.push_str(&token[..start]);
            out.push_str(EMAIL);
            out.push_str(&token[start + core.len()..]);
        } else {
            out.push_str(token);
        }
    }
    out
}

fn names_out(text: &str, names: &BTreeSet<String>) -> String {
    if names.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if names.contains(&word.to_lowercase()) {
            out.push_str(NAME);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> BTreeSet<String> {
        name_words(["Ada Lovelace-Byron", "Li Wu", "Émile Zola"])
    }

    #[test]
    fn email_addresses_are_left_out_with_their_punctuation_kept() {
        assert_eq!(
            redact(
                "Write to ada@inserm.fr, or <a.b+c@lab.example.org>. (x@y.z)",
                &BTreeSet::new()
            ),
            "Write to [e-mail], or <[e-mail]>. ([e-mail])"
        );
    }

    #[test]
    fn what_only_looks_like_an_address_stays() {
        let keep = "@home, a@b, @@, user@localhost, 50 @ 3 € and x@.fr";
        assert_eq!(redact(keep, &BTreeSet::new()), keep);
    }

    #[test]
    fn names_are_left_out_as_whole_words_whatever_their_case() {
        assert_eq!(
            redact(
                "ADA said Lovelace and byron's printer; émile too. Adamant, Li stays.",
                &names()
            ),
            "[name] said [name] and [name]'s printer; [name] too. Adamant, Li stays."
        );
    }

    #[test]
    fn blanks_and_line_breaks_are_kept() {
        assert_eq!(
            redact("a\n\n  ada@x.fr\tZola\n", &names()),
            "a\n\n  [e-mail]\t[name]\n"
        );
    }
}
