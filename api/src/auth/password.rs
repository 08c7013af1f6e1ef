//! Passwords: the rules a new one follows ([`NewPassword`]) and hashing,
//! argon2id with the OWASP parameters (m = 19 MiB, t = 2, p = 1; SPEC §12).
//! Callers run hashing inside `web::block`: a hash costs about 15 ms of CPU.

use std::fmt;
use std::sync::OnceLock;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::Policy;
use habilis_shared::Email;
use rand::Rng;

use crate::error::ApiError;

/// A password someone chose that follows the rules of every new password
/// (a change, a reset, the first admin's from `bootstrap-admin
/// --password-stdin`): at least the policy's `password_min_length`
/// characters, and not the account's e-mail address nor its local part
/// (in any case). The one copy of those rules.
///
/// Its `Debug` never shows it, so it cannot reach a log by accident.
pub struct NewPassword(String);

/// Why a chosen password is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("the password must be at least {min} characters")]
    TooShort { min: usize },
    #[error("the password must not be the e-mail address nor its local part")]
    IsEmail,
}

impl NewPassword {
    pub fn parse(
        raw: String,
        policy: &Policy,
        email: &Email,
    ) -> Result<NewPassword, PasswordError> {
        let min = policy.accounts.password_min_length as usize;
        if raw.chars().count() < min {
            return Err(PasswordError::TooShort { min });
        }
        let lowered = raw.to_lowercase();
        let key = email.key();
        let local = key.split('@').next().unwrap_or_default();
        if lowered == key || lowered == local {
            return Err(PasswordError::IsEmail);
        }
        Ok(NewPassword(raw))
    }

    /// The password itself, to hash or compare; never to log.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

/// 422 naming `new_password`, the field every API form calls it.
impl From<PasswordError> for ApiError {
    fn from(e: PasswordError) -> Self {
        ApiError::field(
            "new_password",
            match e {
                PasswordError::TooShort { min } => {
                    Msg::new("auth-password-too-short").arg("min", min)
                }
                PasswordError::IsEmail => Msg::new("auth-password-is-email"),
            },
        )
    }
}

fn argon2() -> Argon2<'static> {
    // The constants are valid by construction (OWASP's recommended set).
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(argon2()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Constant-time verification (inside argon2). A malformed stored hash
/// verifies as false.
pub fn verify(stored: &str, password: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A real hash of a random password, verified against when the e-mail is
/// unknown so that unknown accounts and wrong passwords take the same time
/// and get the same answer (no account enumeration, SPEC §12).
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash(&generate()).unwrap_or_default())
}

/// A 20-character initial password from an alphabet without look-alikes
/// (no 0/O, 1/l/I) so it survives being read out over the phone.
pub fn generate() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(min: u32) -> Policy {
        let mut p = Policy::default();
        p.accounts.password_min_length = min;
        p
    }

    #[test]
    fn a_new_password_is_long_enough_and_not_the_address() {
        let email = Email::parse("Jane.Doe@Inserm.fr").expect("address");
        let p = policy(12);
        let ok = NewPassword::parse("correct horse battery".into(), &p, &email).expect("accepted");
        assert_eq!(ok.expose(), "correct horse battery");
        // Characters, not bytes: 12 accented letters are enough.
        assert!(NewPassword::parse("éééééééééééé".into(), &p, &email).is_ok());
        assert_eq!(
            NewPassword::parse("éééééééééé".into(), &p, &email).err(),
            Some(PasswordError::TooShort { min: 12 })
        );
        assert_eq!(
            NewPassword::parse(String::new(), &p, &email).err(),
            Some(PasswordError::TooShort { min: 12 })
        );
        for same in [
            "jane.doe@inserm.fr",
            "JANE.DOE@INSERM.FR",
            "Jane.Doe@Inserm.fr",
        ] {
            assert_eq!(
                NewPassword::parse(same.into(), &p, &email).err(),
                Some(PasswordError::IsEmail),
                "{same}"
            );
        }
        // The local part alone, once it is long enough to be looked at.
        let p8 = policy(8);
        assert_eq!(
            NewPassword::parse("JANE.DOE".into(), &p8, &email).err(),
            Some(PasswordError::IsEmail)
        );
        assert!(NewPassword::parse("jane.doe!".into(), &p8, &email).is_ok());
        assert!(NewPassword::parse("jane.doe@inserm".into(), &p8, &email).is_ok());
    }

    #[test]
    fn a_new_password_never_shows_in_debug_and_refusals_name_the_field() {
        let email = Email::parse("jane@inserm.fr").expect("address");
        let secret = "a long secret password";
        let p = NewPassword::parse(secret.into(), &policy(12), &email).expect("accepted");
        let shown = format!("{p:?} {:?}", Some(&p));
        assert!(!shown.contains(secret), "{shown}");
        assert!(shown.contains("redacted"), "{shown}");

        let e = ApiError::from(PasswordError::TooShort { min: 12 });
        assert_eq!(e.status().as_u16(), 422);
        let errors = e.errors.expect("field errors");
        let msgs = errors.get("new_password").expect("names new_password");
        assert_eq!(msgs[0].key(), "auth-password-too-short");
        let e = ApiError::from(PasswordError::IsEmail);
        let errors = e.errors.expect("field errors");
        assert_eq!(errors["new_password"][0].key(), "auth-password-is-email");
    }

    #[test]
    fn hash_then_verify() {
        let h = hash("correct horse battery").expect("hash");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify(&h, "correct horse battery"));
        assert!(!verify(&h, "correct horse battery!"));
        assert!(!verify("not a hash", "x"));
    }

    #[test]
    fn generated_passwords_differ_and_are_long() {
        let a = generate();
        assert_eq!(a.chars().count(), 20);
        assert_ne!(a, generate());
    }
}
