//! Access tokens: HS256 JWTs, algorithm pinned, `iss`/`aud`/`exp`/`nbf`
//! checked (SPEC §11–12). They carry the user and the session (refresh
//! family) so that logout and reuse detection stop them at once.
//!
//! The signing keys live in the database (`signing_keys`), so that every
//! replica signs and verifies with the same ones: the first process creates
//! one under a lock, each key has a `kid` written in the token's header, and
//! `habilis keys rotate` adds a new current key while the previous one keeps
//! verifying for one access-token lifetime. `HABILIS_JWT_SECRET` overrides
//! all of it with one fixed key (the database's keys are then not used).
//!
//! Each process reads the keys again every few seconds (`RELOAD_EVERY`)
//! and at once when a token names a key it does not know, so a rotation
//! reaches every replica within seconds. A token signed with the previous
//! key in those seconds stops verifying when that key retires, a few
//! seconds before its own expiry at worst (the client refreshes it).

use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::clock::{db_time, utc};
use crate::db::schema::signing_keys;
use crate::db::{DbConn, DbPool};

/// A running process reads the keys again this often (to sign with a key
/// rotated by another process), and at most once per [`UNKNOWN_KID_RELOAD`]
/// when a token names a key it does not know.
const RELOAD_EVERY: StdDuration = StdDuration::from_secs(5);
const UNKNOWN_KID_RELOAD: StdDuration = StdDuration::from_secs(1);

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

struct Key {
    /// `None` for the configured secret (tokens without `kid`).
    kid: Option<String>,
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Stops verifying at this time (Unix seconds); `None` = current.
    retires_at: Option<i64>,
}

impl Key {
    fn new(kid: Option<String>, secret: &[u8], retires_at: Option<i64>) -> Key {
        Key {
            kid,
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            retires_at,
        }
    }
}

/// The keys in force: the first signs.
struct Ring {
    keys: Vec<Key>,
    loaded: Instant,
}

/// A stored key, as `habilis keys rotate` and the tests see it.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = signing_keys)]
pub struct SigningKeyRow {
    pub kid: String,
    pub generation: i64,
    pub secret: String,
    pub created_at: chrono::NaiveDateTime,
    pub retires_at: Option<chrono::NaiveDateTime>,
}

pub struct JwtKeys {
    ring: Arc<RwLock<Ring>>,
    /// Where the keys come from: the database (reloaded), or `None` for the
    /// configured secret.
    pool: Option<DbPool>,
    /// Held by the one request that reloads; the others keep the old ring.
    reloading: Arc<Mutex<()>>,
    validation: Validation,
    issuer: String,
    audience: String,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("HABILIS_JWT_SECRET must be at least 32 bytes")]
    TooShort,
    #[error("cannot read or create the signing keys: {0}")]
    Db(#[from] diesel::result::Error),
    #[error("cannot reach the database for the signing keys: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("no signing key in the database")]
    Missing,
}

fn validation(issuer: &str, audience: &str) -> Validation {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
    // Expiry and not-before are checked against the application clock in
    // `verify` (the same clock that issued them), not the system's.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation
}

/// The stored keys, newest first.
pub fn stored_keys(conn: &mut DbConn) -> QueryResult<Vec<SigningKeyRow>> {
    signing_keys::table
        .order(signing_keys::generation.desc())
        .select(SigningKeyRow::as_select())
        .load(conn)
}

fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn new_kid() -> String {
    let mut bytes = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Creates the first key unless one exists. Under the `signing_keys` lock,
/// and the unique generation refuses a second first key anyway: two
/// processes starting together end with one key.
pub fn ensure_key(conn: &mut DbConn, now: DateTime<Utc>) -> QueryResult<()> {
    conn.write_tx(|conn| {
        conn.lock_named("signing_keys")?;
        let any: i64 = signing_keys::table.count().get_result(conn)?;
        if any == 0 {
            diesel::insert_into(signing_keys::table)
                .values((
                    signing_keys::kid.eq(new_kid()),
                    signing_keys::generation.eq(1_i64),
                    signing_keys::secret.eq(new_secret()),
                    signing_keys::created_at.eq(db_time(now)),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// `habilis keys rotate`: a new current key; the keys that were current
/// verify for `grace_secs` more (one access-token lifetime), and keys
/// already retired are deleted. Returns the new key.
pub fn rotate(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    grace_secs: i64,
) -> QueryResult<SigningKeyRow> {
    conn.write_tx(|conn| {
        conn.lock_named("signing_keys")?;
        let now_db = db_time(now);
        diesel::delete(signing_keys::table.filter(signing_keys::retires_at.le(now_db)))
            .execute(conn)?;
        diesel::update(signing_keys::table.filter(signing_keys::retires_at.is_null()))
            .set(signing_keys::retires_at.eq(db_time(now + chrono::Duration::seconds(grace_secs))))
            .execute(conn)?;
        let last: Option<i64> = signing_keys::table
            .select(diesel::dsl::max(signing_keys::generation))
            .get_result(conn)?;
        let row = SigningKeyRow {
            kid: new_kid(),
            generation: last.unwrap_or(0) + 1,
            secret: new_secret(),
            created_at: now_db,
            retires_at: None,
        };
        diesel::insert_into(signing_keys::table)
            .values((
                signing_keys::kid.eq(&row.kid),
                signing_keys::generation.eq(row.generation),
                signing_keys::secret.eq(&row.secret),
                signing_keys::created_at.eq(row.created_at),
            ))
            .execute(conn)?;
        Ok(row)
    })
}

fn load_ring(conn: &mut DbConn) -> Result<Ring, KeyError> {
    let keys: Vec<Key> = stored_keys(conn)?
        .into_iter()
        .map(|r| {
            Key::new(
                Some(r.kid),
                r.secret.as_bytes(),
                r.retires_at.map(|t| utc(t).timestamp()),
            )
        })
        .collect();
    if keys.is_empty() {
        return Err(KeyError::Missing);
    }
    Ok(Ring {
        keys,
        loaded: Instant::now(),
    })
}

impl JwtKeys {
    /// One fixed key (`HABILIS_JWT_SECRET`, and unit tests).
    pub fn new(secret: &[u8], issuer: &str, audience: &str) -> Result<Self, KeyError> {
        if secret.len() < 32 {
            return Err(KeyError::TooShort);
        }
        Ok(JwtKeys {
            ring: Arc::new(RwLock::new(Ring {
                keys: vec![Key::new(None, secret, None)],
                loaded: Instant::now(),
            })),
            pool: None,
            reloading: Arc::new(Mutex::new(())),
            validation: validation(issuer, audience),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        })
    }

    /// The configured secret, or the database's keys (the first one created
    /// now when there is none). Blocking: call it off the async executor.
    pub fn load_or_create(
        configured: Option<&str>,
        pool: &DbPool,
        issuer: &str,
        audience: &str,
        now: DateTime<Utc>,
    ) -> Result<Self, KeyError> {
        if let Some(secret) = configured {
            return Self::new(secret.as_bytes(), issuer, audience);
        }
        let mut conn = pool.get()?;
        ensure_key(&mut conn, now)?;
        let ring = load_ring(&mut conn)?;
        Ok(JwtKeys {
            ring: Arc::new(RwLock::new(ring)),
            pool: Some(pool.clone()),
            reloading: Arc::new(Mutex::new(())),
            validation: validation(issuer, audience),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        })
    }

    /// Reads the database's keys again now (no-op for a configured secret).
    pub fn reload(&self, conn: &mut DbConn) -> Result<(), KeyError> {
        if self.pool.is_none() {
            return Ok(());
        }
        let ring = load_ring(conn)?;
        *self.ring.write().unwrap_or_else(PoisonError::into_inner) = ring;
        Ok(())
    }

    /// The `kid` tokens are signed with now (`None` for a configured secret).
    pub fn current_kid(&self) -> Option<String> {
        let ring = self.ring.read().unwrap_or_else(PoisonError::into_inner);
        ring.keys.first().and_then(|k| k.kid.clone())
    }

    pub fn issue(
        &self,
        user_id: &str,
        session_id: &str,
        now: DateTime<Utc>,
        ttl_secs: i64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        use jsonwebtoken::errors::{Error, ErrorKind};
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user_id.to_owned(),
            sid: session_id.to_owned(),
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: now.timestamp() + ttl_secs,
        };
        let ring = self.ring.read().unwrap_or_else(PoisonError::into_inner);
        let key = ring
            .keys
            .first()
            .ok_or_else(|| Error::from(ErrorKind::InvalidKeyFormat))?;
        let mut header = Header::new(Algorithm::HS256);
        header.kid = key.kid.clone();
        jsonwebtoken::encode(&header, &claims, &key.encoding)
    }

    /// Reads the database's keys again every few seconds, in the background
    /// (inside the actix system), so that this process signs with a key
    /// rotated by another within seconds. No-op for a configured secret.
    pub fn spawn_reloader(&self) {
        let Some(pool) = self.pool.clone() else {
            return;
        };
        let (ring, lock) = (self.ring.clone(), self.reloading.clone());
        actix_web::rt::spawn(async move {
            let mut tick = actix_web::rt::time::interval(RELOAD_EVERY);
            loop {
                tick.tick().await;
                Self::reload_in_background(&pool, &ring, &lock).await;
            }
        });
    }

    /// One reload off the executor (skipped when another is under way).
    async fn reload_in_background(pool: &DbPool, ring: &Arc<RwLock<Ring>>, lock: &Arc<Mutex<()>>) {
        let (ring, pool, lock) = (ring.clone(), pool.clone(), lock.clone());
        let res = actix_web::web::block(move || -> Result<(), KeyError> {
            let Ok(_turn) = lock.try_lock() else {
                return Ok(());
            };
            let mut conn = pool.get()?;
            let fresh = load_ring(&mut conn)?;
            *ring.write().unwrap_or_else(PoisonError::into_inner) = fresh;
            Ok(())
        })
        .await;
        match res {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "cannot reload the signing keys"),
            Err(e) => tracing::warn!(error = %e, "cannot reload the signing keys"),
        }
    }

    /// Whether `token` names a key this process does not know (rotated in
    /// another process since the last reload), at most once a second.
    fn wants_reload(&self, token: &str) -> bool {
        if self.pool.is_none() {
            return false;
        }
        let Some(kid) = jsonwebtoken::decode_header(token).ok().and_then(|h| h.kid) else {
            return false;
        };
        let ring = self.ring.read().unwrap_or_else(PoisonError::into_inner);
        ring.loaded.elapsed() >= UNKNOWN_KID_RELOAD
            && !ring.keys.iter().any(|k| k.kid.as_deref() == Some(&kid))
    }

    /// [`verify`](Self::verify), after reading the keys again when the token
    /// names a key not known here yet.
    pub async fn verify_fresh(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Claims, jsonwebtoken::errors::Error> {
        if let (true, Some(pool)) = (self.wants_reload(token), &self.pool) {
            Self::reload_in_background(pool, &self.ring, &self.reloading).await;
        }
        self.verify(token, now)
    }

    /// Checks signature (with the key the header's `kid` names, unless the
    /// key is the configured one), algorithm, issuer, audience, then expiry
    /// and not-before at `now` (5 s leeway). A retired key verifies nothing.
    pub fn verify(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Claims, jsonwebtoken::errors::Error> {
        use jsonwebtoken::errors::{Error, ErrorKind};
        const LEEWAY: i64 = 5;
        let t = now.timestamp();
        let kid = jsonwebtoken::decode_header(token)?.kid;
        let claims = {
            let ring = self.ring.read().unwrap_or_else(PoisonError::into_inner);
            let key = match self.pool {
                None => ring.keys.first(),
                Some(_) => ring.keys.iter().find(|k| kid.is_some() && k.kid == kid),
            }
            .filter(|k| k.retires_at.is_none_or(|r| t < r))
            .ok_or_else(|| Error::from(ErrorKind::InvalidSignature))?;
            jsonwebtoken::decode::<Claims>(token, &key.decoding, &self.validation)?.claims
        };
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
