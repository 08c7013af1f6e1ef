//! Opaque secrets (refresh tokens, personal access tokens, e-mailed links):
//! 32 random bytes, shown once, stored only as their SHA-256.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const REFRESH_PREFIX: &str = "hrt_";
pub const API_TOKEN_PREFIX: &str = "hpat_";

pub fn generate(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// Lookups go by this digest (a unique index), so the secret itself is never
/// compared or stored.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_random_and_hashed() {
        let a = generate(API_TOKEN_PREFIX);
        assert!(a.starts_with("hpat_"));
        assert_eq!(a.len(), 5 + 43);
        assert_ne!(a, generate(API_TOKEN_PREFIX));
        assert_eq!(digest(&a).len(), 64);
        assert_eq!(digest(&a), digest(&a));
    }
}
