//! What the account rules refuse, as one domain error: services return an
//! [`AccountError`], and the one `From` below turns it into the problem the
//! client reads (status, `type`, catalog message). STYLE "three layers".

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use habilis_shared::dto::AccountState;
use habilis_shared::i18n::Msg;
use habilis_shared::policy::Profile;
use habilis_shared::EmailError;

use crate::error::{ApiError, ProblemType};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("no such account")]
    NotFound,
    #[error("the e-mail domain is not allowed")]
    EmailDomainNotAllowed { allowed: Vec<String> },
    #[error("an account with this e-mail exists")]
    EmailTaken,
    #[error("{0}")]
    InvalidEmail(EmailError),
    #[error("at most {limit} {profile} accounts")]
    ProfileLimitReached { limit: u32, profile: Profile },
    #[error("an admin exists")]
    AdminExists,
    #[error("a {0} account has no supervisor")]
    NoSupervisorForProfile(Profile),
    #[error("the supervisor is not the creator nor below them")]
    SupervisorOutsideLine,
    #[error("a {profile} needs an active supervisor of {eligible:?}")]
    SupervisorNotEligible {
        profile: Profile,
        eligible: Vec<Profile>,
    },
    #[error("the account is {0:?}")]
    WrongState(AccountState),
    #[error("the account was already activated")]
    AlreadyActivated,
    #[error("{0} is blank")]
    BlankField(&'static str),
    #[error("the charter version is {current}")]
    CharterVersion { current: String },
    #[error("at most {max} live tokens")]
    TooManyTokens { max: i64 },
    #[error("no promotion for {0}")]
    NoPromotion(Profile),
    #[error("the account changed meanwhile")]
    ChangedMeanwhile,
    #[error("the secondment ends before it starts")]
    WindowEmpty,
    #[error("the secondment window is over")]
    WindowOver,
    #[error("no such host")]
    HostUnknown,
    #[error("no account has this e-mail address")]
    HostEmailUnknown,
    #[error("name the host by id or by e-mail address, not both")]
    HostMissing,
    #[error("the host may not supervise {0}")]
    HostNotEligible(Profile),
    #[error("overlapping secondment")]
    SecondmentOverlap,
    #[error("{0} accounts are seats, never deleted")]
    SeatNeverDeleted(Profile),
    #[error("a departing {0} needs an heir")]
    HeirRequired(Profile),
    #[error("no supervisor to inherit")]
    NoSupervisorToInherit,
    #[error("the heir must be an active {0:?}")]
    HeirNotEligible(Vec<Profile>),
    #[error("the departure date is not in the future")]
    DepartureDateNotFuture,
    #[error("a departure is already scheduled")]
    DepartureExists,
    #[error("the person has already left")]
    AlreadyLeft,
    #[error("the seat was already handed over")]
    SeatAlreadyHandedOver,
    /// A departure job found nobody to hand over to (a bug or a hand-edited
    /// row): the job fails and is retried, nothing is half done.
    #[error("departure of {0}: nobody to inherit")]
    NobodyToInherit(String),
    #[error(transparent)]
    Db(#[from] DieselError),
}

pub type AccountResult<T> = Result<T, AccountError>;

/// `expert, confirmed`: profiles named in a message (codes, as the API
/// writes them everywhere).
fn profiles(list: &[Profile]) -> String {
    list.iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        use AccountError as E;
        let conflict = ApiError::conflict;
        match e {
            E::NotFound => ApiError::not_found(),
            E::EmailDomainNotAllowed { allowed } => ApiError::field(
                "email",
                Msg::new("accounts-email-domain").arg("domains", allowed.join(", ")),
            ),
            E::EmailTaken => conflict(ProblemType::EmailTaken, Msg::new("accounts-email-taken")),
            E::InvalidEmail(e) => crate::extract::email_problem("email", e),
            E::ProfileLimitReached { limit, profile } => conflict(
                ProblemType::ProfileLimitReached,
                Msg::new("accounts-profile-limit")
                    .arg("limit", limit)
                    .arg("profile", profile.as_str()),
            ),
            E::AdminExists => conflict(ProblemType::AdminExists, Msg::new("accounts-admin-exists")),
            E::NoSupervisorForProfile(profile) => ApiError::field(
                "supervisor_id",
                Msg::new("accounts-no-supervisor-for-profile").arg("profile", profile.as_str()),
            ),
            E::SupervisorOutsideLine => ApiError::field(
                "supervisor_id",
                Msg::new("accounts-supervisor-outside-line"),
            ),
            E::SupervisorNotEligible { profile, eligible } => ApiError::field(
                "supervisor_id",
                Msg::new("accounts-supervisor-not-eligible")
                    .arg("profile", profile.as_str())
                    .arg("profiles", profiles(&eligible)),
            ),
            E::WrongState(state) => conflict(
                ProblemType::WrongState,
                Msg::new("accounts-wrong-state").arg("state", state.as_str()),
            ),
            E::AlreadyActivated => conflict(
                ProblemType::WrongState,
                Msg::new("accounts-already-activated"),
            ),
            E::BlankField(field) => ApiError::field(field, Msg::new("accounts-field-blank")),
            E::CharterVersion { current } => ApiError::field(
                "version",
                Msg::new("accounts-charter-version").arg("current", current),
            ),
            E::TooManyTokens { max } => conflict(
                ProblemType::TooManyTokens,
                Msg::new("accounts-too-many-tokens").arg("max", max),
            ),
            E::NoPromotion(profile) => conflict(
                ProblemType::WrongState,
                Msg::new("accounts-no-promotion").arg("profile", profile.as_str()),
            ),
            E::ChangedMeanwhile => conflict(
                ProblemType::WrongState,
                Msg::new("accounts-changed-meanwhile"),
            ),
            E::WindowEmpty => ApiError::field("ends_at", Msg::new("accounts-secondment-empty")),
            E::WindowOver => ApiError::field("ends_at", Msg::new("accounts-secondment-over")),
            E::HostUnknown => ApiError::field(
                "host_supervisor_id",
                Msg::new("accounts-secondment-host-unknown"),
            ),
            E::HostEmailUnknown => {
                ApiError::field("host_email", Msg::new("accounts-secondment-host-unknown"))
            }
            E::HostMissing => ApiError::field(
                "host_supervisor_id",
                Msg::new("accounts-secondment-host-missing"),
            ),
            E::HostNotEligible(profile) => ApiError::field(
                "host_supervisor_id",
                Msg::new("accounts-secondment-host-not-eligible").arg("profile", profile.as_str()),
            ),
            E::SecondmentOverlap => conflict(
                ProblemType::Overlap,
                Msg::new("accounts-secondment-overlap"),
            ),
            E::SeatNeverDeleted(profile) => ApiError::new(
                ProblemType::Forbidden,
                Msg::new("accounts-seat-never-deleted").arg("profile", profile.as_str()),
            ),
            E::HeirRequired(profile) => ApiError::field(
                "heir_id",
                Msg::new("accounts-heir-required").arg("profile", profile.as_str()),
            ),
            E::NoSupervisorToInherit => {
                ApiError::field("heir_id", Msg::new("accounts-heir-no-supervisor"))
            }
            E::HeirNotEligible(eligible) => ApiError::field(
                "heir_id",
                Msg::new("accounts-heir-not-eligible").arg("profiles", profiles(&eligible)),
            ),
            E::DepartureDateNotFuture => {
                ApiError::field("date", Msg::new("accounts-departure-date-past"))
            }
            E::DepartureExists => conflict(
                ProblemType::DepartureExists,
                Msg::new("accounts-departure-exists"),
            ),
            E::AlreadyLeft => conflict(ProblemType::WrongState, Msg::new("accounts-already-left")),
            E::SeatAlreadyHandedOver => conflict(
                ProblemType::WrongState,
                Msg::new("accounts-seat-handed-over"),
            ),
            E::NobodyToInherit(user) => {
                ApiError::internal(format!("departure of {user}: nobody to inherit"))
            }
            E::Db(e) => ApiError::from(e),
        }
    }
}

impl AccountError {
    /// A unique index caught what a racing request inserted first.
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            AccountError::Db(DieselError::DatabaseError(
                DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }
}
