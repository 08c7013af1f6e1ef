//! Every problem type the API can answer, declared once (issue 13 §1, after
//! crates.io's one file of errors): its `type` code — the machine-readable
//! contract of RFC 9457's `type` member — and its HTTP status. The `title`
//! is the catalog message `problem-<code>`, in the reader's language; the
//! SPA uses the same table to say what a problem means.

macro_rules! problem_types {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $status:literal; )*) => {
        /// The `type` of a problem+json answer.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ProblemType {
            $( $(#[$doc])* $variant, )*
        }

        impl ProblemType {
            /// Every problem type, in declaration order.
            pub const ALL: &'static [ProblemType] = &[$(ProblemType::$variant),*];

            /// The `type` member, e.g. `wrong_state`.
            pub const fn code(self) -> &'static str {
                match self { $(ProblemType::$variant => $code,)* }
            }

            /// The HTTP status that carries it.
            pub const fn status(self) -> u16 {
                match self { $(ProblemType::$variant => $status,)* }
            }

            /// The catalog key of its title.
            pub const fn title_key(self) -> &'static str {
                match self { $(ProblemType::$variant => concat!("problem-", $code),)* }
            }

            pub fn from_code(code: &str) -> Option<ProblemType> {
                match code { $($code => Some(ProblemType::$variant),)* _ => None }
            }
        }
    };
}

problem_types! {
    /// Unreadable request: bad JSON syntax, a NUL in the URL.
    BadRequest = "bad_request", 400;
    /// No valid credential.
    Unauthorized = "unauthorized", 401;
    /// The policy refused; the detail names the rule.
    Forbidden = "forbidden", 403;
    AccountBlocked = "account_blocked", 403;
    InsufficientScope = "insufficient_scope", 403;
    PasswordChangeRequired = "password_change_required", 403;
    WrongRecipient = "wrong_recipient", 403;
    /// A `created` account signs in only once its activation link was opened (SPEC §3.2).
    ActivationRequired = "activation_required", 403;
    NotFound = "not_found", 404;
    ActivationLinkUnknown = "activation_link_unknown", 404;
    ResetLinkUnknown = "reset_link_unknown", 404;
    MethodNotAllowed = "method_not_allowed", 405;
    /// The object is not in a state that allows this.
    WrongState = "wrong_state", 409;
    NotPending = "not_pending", 409;
    AlreadyDecided = "already_decided", 409;
    AlreadyMember = "already_member", 409;
    AlreadyParticipant = "already_participant", 409;
    DepartureExists = "departure_exists", 409;
    EmailTaken = "email_taken", 409;
    NameTaken = "name_taken", 409;
    InUse = "in_use", 409;
    LastManager = "last_manager", 409;
    Overlap = "overlap", 409;
    ProfileLimitReached = "profile_limit_reached", 409;
    TooManyTokens = "too_many_tokens", 409;
    AdminExists = "admin_exists", 409;
    LeaseLost = "lease_lost", 409;
    /// A tus `PATCH` whose `Upload-Offset` is not the upload's offset.
    OffsetMismatch = "offset_mismatch", 409;
    /// A unique index caught what a racing request inserted first.
    UniqueViolation = "unique_violation", 409;
    /// What the change refers to was deleted by a request that committed first.
    ReferenceGone = "reference_gone", 409;
    /// A launch over a cap on running instances (policy or offering); the
    /// count and the limit are in `quota`.
    InstanceLimit = "instance_limit", 409;
    /// No spawner of this server runs the offering.
    SpawnerUnavailable = "spawner_unavailable", 409;
    /// Instances are launched from approved orders only.
    OrderNotApproved = "order_not_approved", 409;
    /// A deletion whose confirmation is not the name of what it deletes.
    ConfirmationMismatch = "confirmation_mismatch", 422;
    ActivationLinkUsed = "activation_link_used", 410;
    ActivationLinkExpired = "activation_link_expired", 410;
    ResetLinkUsed = "reset_link_used", 410;
    ResetLinkExpired = "reset_link_expired", 410;
    InvitationUnusable = "invitation_unusable", 410;
    /// A tus upload not touched for the policy's `upload_expiry_hours`.
    UploadExpired = "upload_expired", 410;
    /// A tus request without `Tus-Resumable: 1.0.0`.
    TusVersion = "tus_version", 412;
    PayloadTooLarge = "payload_too_large", 413;
    /// A file over the policy's per-file limit or the project's quota.
    QuotaExceeded = "quota_exceeded", 413;
    /// The `Range` asked for lies outside the file.
    RangeNotSatisfiable = "range_not_satisfiable", 416;
    UnsupportedMediaType = "unsupported_media_type", 415;
    /// Fields that do not pass validation, each named in `errors`.
    ValidationFailed = "validation_failed", 422;
    /// Another request is sending bytes to this tus upload (retry).
    UploadLocked = "upload_locked", 423;
    TooManyRequests = "too_many_requests", 429;
    /// A tus chunk that does not have its `Upload-Checksum` (discarded).
    ChecksumMismatch = "checksum_mismatch", 460;
    InternalError = "internal_error", 500;
    Unavailable = "unavailable", 503;
    /// Any other error status produced by the HTTP layer.
    Error = "error", 400;
}

#[cfg(test)]
mod tests {
    use super::ProblemType;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for p in ProblemType::ALL {
            assert!(seen.insert(p.code()), "{} twice", p.code());
            assert_eq!(ProblemType::from_code(p.code()), Some(*p));
            assert!((400..600).contains(&p.status()));
        }
    }

    #[test]
    fn every_title_is_in_the_catalogs() {
        for p in ProblemType::ALL {
            let title = crate::i18n::Msg::new(p.title_key()).render(crate::i18n::Language::En);
            assert_ne!(title, p.title_key(), "no title for {}", p.code());
        }
    }
}
