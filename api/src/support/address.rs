//! Per-ticket reply addresses (issue 18 §3): `support+<ticket>.<tag>@<domain>`,
//! where `<tag>` is the first 16 hex digits of HMAC-SHA256(key, ticket id).
//! The key is the server secret `support_reply` (see [`super::queries::reply_key`]).
//! Pure: the outgoing mail builds addresses here, and the mail ingest calls
//! [`verify`] on the address a reply came to — a forged or mangled address
//! gives `None`. The tag is compared in constant time.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The local part before the `+`.
pub const LOCAL: &str = "support";
/// Hex digits of the HMAC kept in an address (64 bits).
pub const TAG_HEX: usize = 16;

/// The tag of `ticket` under `key`.
pub fn tag(key: &[u8], ticket: &str) -> String {
    // HMAC takes keys of any length: `new_from_slice` cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(b"habilis support reply\0");
    mac.update(ticket.as_bytes());
    let mut hex = hex::encode(mac.finalize().into_bytes());
    hex.truncate(TAG_HEX);
    hex
}

/// The reply address of `ticket`.
pub fn build(key: &[u8], ticket: &str, domain: &str) -> String {
    format!("{LOCAL}+{ticket}.{}@{domain}", tag(key, ticket))
}

/// A ticket id is what this server makes: lower-case hex and `-`.
fn is_ticket_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// The ticket an address replies to, if it is one of ours for `domain`
/// (letters compared without case: relays may change it) with the right
/// tag; `None` for anything else. `address` is the bare address, without
/// display name or angle brackets.
pub fn verify(key: &[u8], domain: &str, address: &str) -> Option<String> {
    let (local, host) = address.trim().rsplit_once('@')?;
    if !host.eq_ignore_ascii_case(domain) {
        return None;
    }
    let local = local.to_ascii_lowercase();
    let rest = local.strip_prefix(LOCAL)?.strip_prefix('+')?;
    let (ticket, given) = rest.rsplit_once('.')?;
    if !is_ticket_id(ticket) || given.len() != TAG_HEX {
        return None;
    }
    let expected = tag(key, ticket);
    if expected.len() != TAG_HEX || !bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
        return None;
    }
    Some(ticket.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";
    const TICKET: &str = "0190f3c4-5b6a-7c8d-9e0f-112233445566";

    #[test]
    fn an_address_verifies_to_its_ticket() {
        let a = build(KEY, TICKET, "habilis.test");
        assert!(a.starts_with("support+0190f3c4-"), "{a}");
        assert!(
            a.len() - "@habilis.test".len() <= 64,
            "local part fits RFC 5321"
        );
        assert_eq!(verify(KEY, "habilis.test", &a).as_deref(), Some(TICKET));
        // Relays may change the case.
        assert_eq!(
            verify(KEY, "Habilis.TEST", &a.to_uppercase()).as_deref(),
            Some(TICKET)
        );
    }

    #[test]
    fn forged_or_mangled_addresses_verify_to_nothing() {
        let a = build(KEY, TICKET, "habilis.test");
        let other = "0190f3c4-5b6a-7c8d-9e0f-112233445567";
        let forged = a.replace(TICKET, other);
        let mut bad_tag = a.clone();
        let at = bad_tag.find('@').unwrap_or(0);
        bad_tag.replace_range(at - 1..at, "x");
        for bad in [
            forged.as_str(),
            bad_tag.as_str(),
            &build(b"another key of thirty-two bytes!", TICKET, "habilis.test"),
            &a.replace("habilis.test", "evil.test"),
            &a.replace("support+", "help+"),
            &a.replace("support+", "support"),
            &format!("support+{TICKET}@habilis.test"),
            &format!("support+{TICKET}.@habilis.test"),
            &format!("support+.{}@habilis.test", tag(KEY, TICKET)),
            &format!("support+../../x.{}@habilis.test", tag(KEY, TICKET)),
            "support@habilis.test",
            "",
            "@",
            "no-at-sign",
        ] {
            assert_eq!(verify(KEY, "habilis.test", bad), None, "{bad}");
        }
        assert_ne!(tag(KEY, TICKET), tag(KEY, other));
        assert_eq!(tag(KEY, TICKET).len(), TAG_HEX);
    }
}
