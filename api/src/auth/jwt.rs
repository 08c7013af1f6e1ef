//! Access tokens: HS256 JWTs, algorithm pinned, `iss`/`aud`/`exp`/`nbf`
//! checked (SPEC §11–12). They carry the user and the session (refresh
//! family) so that logout and reuse detection stop them at once.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    /// Session (refresh-token family) id.
    pub sid: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("HABILIS_JWT_SECRET must be at least 32 bytes")]
    TooShort,
    #[error("cannot read or create the signing key {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl JwtKeys {
    pub fn new(secret: &[u8], issuer: &str, audience: &str) -> Result<Self, KeyError> {
        if secret.len() < 32 {
            return Err(KeyError::TooShort);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        // Expiry and not-before are checked against the application clock in
        // `verify` (the same clock that issued them), not the system's.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        Ok(JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        })
    }

    /// The configured secret, or one generated once into the data directory
    /// (mode 0600) and reused on every start.
    pub fn load_or_create(
        configured: Option<&str>,
        data_dir: &Path,
        issuer: &str,
        audience: &str,
    ) -> Result<Self, KeyError> {
        if let Some(secret) = configured {
            return Self::new(secret.as_bytes(), issuer, audience);
        }
        let path = data_dir.join("jwt-secret");
        let io = |source| KeyError::Io {
            path: path.display().to_string(),
            source,
        };
        let secret = match std::fs::read_to_string(&path) {
            Ok(s) => s.trim().to_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(data_dir).map_err(io)?;
                let mut bytes = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut bytes);
                let secret = hex::encode(bytes);
                let mut opts = std::fs::OpenOptions::new();
                opts.write(true).create_new(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    opts.mode(0o600);
                }
                match opts.open(&path) {
                    Ok(mut f) => {
                        f.write_all(secret.as_bytes()).map_err(io)?;
                        secret
                    }
                    // Another process created it first: use theirs.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        std::fs::read_to_string(&path)
                            .map_err(io)?
                            .trim()
                            .to_owned()
                    }
                    Err(e) => return Err(io(e)),
                }
            }
            Err(e) => return Err(io(e)),
        };
        Self::new(secret.as_bytes(), issuer, audience)
    }

    pub fn issue(
        &self,
        user_id: &str,
        session_id: &str,
        now: DateTime<Utc>,
        ttl_secs: i64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user_id.to_owned(),
            sid: session_id.to_owned(),
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: now.timestamp() + ttl_secs,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// Checks signature, algorithm, issuer, audience, then expiry and
    /// not-before at `now` (5 s leeway).
    pub fn verify(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Claims, jsonwebtoken::errors::Error> {
        use jsonwebtoken::errors::{Error, ErrorKind};
        const LEEWAY: i64 = 5;
        let claims =
            jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)?.claims;
        let t = now.timestamp();
        if claims.exp <= t - LEEWAY {
            return Err(Error::from(ErrorKind::ExpiredSignature));
        }
        if claims.nbf > t + LEEWAY {
            return Err(Error::from(ErrorKind::ImmatureSignature));
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new(&[7u8; 32], "habilis", "habilis-api").expect("keys")
    }

    #[test]
    fn round_trip() {
        let k = keys();
        let t = k.issue("u1", "s1", Utc::now(), 60).expect("issue");
        let c = k.verify(&t, Utc::now()).expect("valid");
        assert_eq!((c.sub.as_str(), c.sid.as_str()), ("u1", "s1"));
    }

    #[test]
    fn expired_and_foreign_tokens_fail() {
        let k = keys();
        let old = k
            .issue("u1", "s1", Utc::now() - chrono::Duration::hours(1), 60)
            .expect("issue");
        assert!(k.verify(&old, Utc::now()).is_err());
        // The same token at the time it was issued is fine: the clock decides.
        assert!(k
            .verify(&old, Utc::now() - chrono::Duration::hours(1))
            .is_ok());
        let other = JwtKeys::new(&[8u8; 32], "habilis", "habilis-api").expect("keys");
        let t = other.issue("u1", "s1", Utc::now(), 60).expect("issue");
        assert!(k.verify(&t, Utc::now()).is_err());
        let wrong_aud = JwtKeys::new(&[7u8; 32], "habilis", "elsewhere").expect("keys");
        let t = wrong_aud.issue("u1", "s1", Utc::now(), 60).expect("issue");
        assert!(k.verify(&t, Utc::now()).is_err());
    }

    #[test]
    fn short_secret_refused() {
        assert!(JwtKeys::new(b"short", "i", "a").is_err());
    }
}
