use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Login {
    #[validate(length(min = 1, max = 254))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 254))]
    pub email: String,
    #[validate(length(min = 1, max = 1024))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1024))]
    pub password: String,
}

/// A fresh access/refresh pair.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Access-token lifetime in seconds.
    pub expires_in: u64,
    pub must_change_password: bool,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Refresh {
    /// May be omitted when the refresh cookie is sent instead.
    #[validate(length(min = 1, max = 512))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 512))]
    pub refresh_token: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Activate {
    #[validate(length(min = 1, max = 512))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 512))]
    pub token: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    #[validate(length(min = 1, max = 1024))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1024))]
    pub current_password: String,
    /// At least the policy's `password_min_length` (12) characters, not the
    /// current password, not the e-mail address.
    #[validate(length(max = 1024))]
    #[cfg_attr(feature = "openapi", schema(max_length = 1024))]
    pub new_password: String,
}

/// `POST /auth/password-reset`: ask for a link to choose a new password.
/// The answer is the same whether or not an account has this address.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    #[validate(length(min = 1, max = 254))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 254))]
    pub email: String,
}

/// `POST /auth/password-reset/confirm`: the e-mailed link's token and the
/// new password (same rules as a password change).
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirm {
    #[validate(length(min = 1, max = 512))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 512))]
    pub token: String,
    /// At least the policy's `password_min_length` (12) characters, not the
    /// e-mail address.
    #[validate(length(max = 1024))]
    #[cfg_attr(feature = "openapi", schema(max_length = 1024))]
    pub new_password: String,
}

/// `POST /authz/check`: may I do this?
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AuthzCheck {
    /// An action code of SPEC §2.4, e.g. `results.read` or `user.create.novice`.
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub action: String,
    pub resource: Option<AuthzResource>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum AuthzResource {
    /// An account, by id.
    User { id: String },
    /// A work, by id.
    Work { id: String },
    /// A project, by id.
    Project { id: String },
}

/// A personal access token as listed (the secret is never shown again).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenView {
    pub id: String,
    pub name: String,
    pub scopes: Vec<TokenScope>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// GET and HEAD only.
    Read,
    /// Every method.
    Write,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }

    /// Scopes as stored: a comma-separated list; unknown words are ignored.
    pub fn parse_list(text: &str) -> Vec<TokenScope> {
        text.split(',')
            .filter_map(|s| match s.trim() {
                "read" => Some(TokenScope::Read),
                "write" => Some(TokenScope::Write),
                _ => None,
            })
            .collect()
    }

    /// The stored form of a set of scopes: sorted, without repeats.
    pub fn join(scopes: &[TokenScope]) -> String {
        let mut v = scopes.to_vec();
        v.sort();
        v.dedup();
        v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateApiToken {
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    #[validate(length(min = 1, max = 2))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 2))]
    pub scopes: Vec<TokenScope>,
    /// Days until expiry, 1–365 (default 90).
    #[validate(range(min = 1, max = 365))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 365))]
    pub expires_in_days: Option<u32>,
}

/// The only time a personal access token's secret is shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiToken {
    pub token: String,
    #[serde(flatten)]
    pub info: ApiTokenView,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenPage {
    pub items: Vec<ApiTokenView>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// The former name of [`ApiTokenPage`] (one page of the list, SPEC §11).
pub type ApiTokenList = ApiTokenPage;
