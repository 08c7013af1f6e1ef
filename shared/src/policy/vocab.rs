//! The vocabulary of authorisation: who ([`Profile`], [`Actor`]), what
//! ([`Capability`], [`Action`]), on what ([`Resource`], [`Relation`]) and the
//! answer ([`Decision`]).
//!
//! This file owns the *codes*: every enum here has one stable string form that
//! appears in the policy document (SPEC §2.2), in `POST /api/v1/authz/check`
//! bodies and in audit records. Codes follow the SPEC §2.4 `noun.verb` form.
//! Parsing an unknown code fails with [`UnknownCode`], never with a panic.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::org::{OrgCapability, OrgRole, ProjectRelation};
use super::text::Text;

/// A string that is not one of the known codes (profile, capability or action).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown code `{0}`")]
pub struct UnknownCode(pub String);

// ---------------------------------------------------------------------------
// Profile (SPEC §2.1, seed 004 §2.1)
// ---------------------------------------------------------------------------

/// The platform-wide profile of an account (SPEC §2.1). `Public` is the
/// anonymous visitor: no account is ever created with it.
///
/// The derived `Ord` is declaration order (used for stable map output), **not**
/// processing priority: see `Policy::priority.ranks` (SPEC §2.6).
///
/// Serialized as its code. `Deserialize` is written by hand (string codes
/// only) so that a document path through a map keyed by profiles keeps the
/// offending key in both TOML and JSON (see `model.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Profile {
    /// Grand Public (seed 004 §2.1.3): anonymous visitor.
    Public,
    /// Scientifique Novice, SU1 (seed 004 §2.1.4.1).
    Novice,
    /// Scientifique Confirmé, SU2 (seed 004 §2.1.4.2).
    Confirmed,
    /// Scientifique Expert, SU3 (seed 004 §2.1.4.3).
    Expert,
    /// Administrateur, ADM (seed 004 §2.1.5): never sees scientific content.
    Admin,
    /// Webmestre, WMS (seed 004 §2.1.6): read-only moderator, at most 2.
    Webmaster,
}

impl Profile {
    /// Every profile, in declaration order.
    pub const ALL: [Profile; 6] = [
        Profile::Public,
        Profile::Novice,
        Profile::Confirmed,
        Profile::Expert,
        Profile::Admin,
        Profile::Webmaster,
    ];

    /// The profiles an account can have (all but `Public`).
    pub const ACCOUNT_PROFILES: [Profile; 5] = [
        Profile::Novice,
        Profile::Confirmed,
        Profile::Expert,
        Profile::Admin,
        Profile::Webmaster,
    ];

    /// The code: `"public"`, `"novice"`, `"confirmed"`, `"expert"`, `"admin"`,
    /// `"webmaster"`.
    pub fn as_str(self) -> &'static str {
        PROFILE_CODES[self as usize]
    }

    /// Plural English noun used in decision reasons ("experts may ...").
    pub fn plural_noun(self) -> &'static str {
        match self {
            Profile::Public => "anonymous visitors",
            Profile::Novice => "novices",
            Profile::Confirmed => "confirmed scientists",
            Profile::Expert => "experts",
            Profile::Admin => "admins",
            Profile::Webmaster => "webmasters",
        }
    }

    /// `true` for every profile but `Public`.
    pub fn is_account(self) -> bool {
        self != Profile::Public
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Profile {
    type Err = UnknownCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Profile::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| UnknownCode(s.to_owned()))
    }
}

/// Profile codes, in [`Profile::ALL`] order.
pub const PROFILE_CODES: [&str; 6] = [
    "public",
    "novice",
    "confirmed",
    "expert",
    "admin",
    "webmaster",
];

impl<'de> Deserialize<'de> for Profile {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Profile;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a profile code such as \"novice\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Profile, E> {
                v.parse().map_err(|_| E::unknown_variant(v, &PROFILE_CODES))
            }
        }
        deserializer.deserialize_str(V)
    }
}

// ---------------------------------------------------------------------------
// Capability (SPEC §2.4, seed 004 §4.2 "Conséquence des habilitations")
// ---------------------------------------------------------------------------

/// A capability of SPEC §2.4. Its serde, `Display` and `FromStr` form is the
/// action code (`"results.read"`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Capability {
    /// `charter.sign`: accept the confidentiality charter (SPEC §3.3).
    CharterSign,
    /// `results.read`: read sensitive scientific results.
    ResultsRead,
    /// `data.download`: download sensitive data.
    DataDownload,
    /// `results.create`: create sensitive results.
    ResultsCreate,
    /// `results.publish`: publish sensitive results.
    ResultsPublish,
    /// `results.modify`: modify / annotate sensitive results.
    ResultsModify,
    /// `engine.run`: run compute engines without changing their code.
    EngineRun,
    /// `engine.modify`: modify compute engine code.
    EngineModify,
    /// `engine.create`: create new compute engines.
    EngineCreate,
}

/// Capability codes, in [`Capability::ALL`] order.
pub const CAPABILITY_CODES: [&str; 9] = [
    "charter.sign",
    "results.read",
    "data.download",
    "results.create",
    "results.publish",
    "results.modify",
    "engine.run",
    "engine.modify",
    "engine.create",
];

impl Capability {
    /// Every capability, in SPEC §2.4 table order.
    pub const ALL: [Capability; 9] = [
        Capability::CharterSign,
        Capability::ResultsRead,
        Capability::DataDownload,
        Capability::ResultsCreate,
        Capability::ResultsPublish,
        Capability::ResultsModify,
        Capability::EngineRun,
        Capability::EngineModify,
        Capability::EngineCreate,
    ];

    /// The action code, e.g. `"results.read"`.
    pub fn code(self) -> &'static str {
        CAPABILITY_CODES[self as usize]
    }

    /// What the capability lets one do, as an English verb phrase
    /// ("read sensitive scientific results"); used in decision reasons.
    pub fn verb_phrase(self) -> &'static str {
        match self {
            Capability::CharterSign => "sign the confidentiality charter",
            Capability::ResultsRead => "read sensitive scientific results",
            Capability::DataDownload => "download sensitive data",
            Capability::ResultsCreate => "create sensitive results",
            Capability::ResultsPublish => "publish sensitive results",
            Capability::ResultsModify => "modify or annotate sensitive results",
            Capability::EngineRun => "run compute engines (no code change)",
            Capability::EngineModify => "modify compute engine code",
            Capability::EngineCreate => "create new compute engines",
        }
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Capability {
    type Err = UnknownCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Capability::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| UnknownCode(s.to_owned()))
    }
}

impl Serialize for Capability {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Capability {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Capability;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a capability code such as \"results.read\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Capability, E> {
                v.parse()
                    .map_err(|_| E::unknown_variant(v, &CAPABILITY_CODES))
            }
        }
        deserializer.deserialize_str(V)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Capability {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(CAPABILITY_CODES))
            .description(Some("A capability code of SPEC §2.4."))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Capability {}

// ---------------------------------------------------------------------------
// Action: everything `decide` can be asked about
// ---------------------------------------------------------------------------

/// An action `Policy::decide` rules on. Its serde, `Display` and `FromStr`
/// form is the action code (`"user.create.novice"`, `"me.read"`, ...), the
/// vocabulary of `POST /api/v1/authz/check` (SPEC §2.2, §2.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// A SPEC §2.4 capability.
    Capability(Capability),
    /// `user.create.<profile>`: SPEC §2.3 creation matrix.
    UserCreate(Profile),
    /// `user.habilitate.<profile>`: SPEC §2.3 habilitation matrix.
    UserHabilitate(Profile),
    /// `user.list`: any account holder (the server filters rows by visibility).
    UserList,
    /// `user.read`: one account; resource = [`Resource::Account`].
    UserRead,
    /// `user.read_personal`: the personal data of one account (owner and
    /// `administration.read_personal_data`, SPEC §2.5); resource = [`Resource::Account`].
    UserReadPersonal,
    /// `user.block` (SPEC §3.5).
    UserBlock,
    /// `user.unblock` (SPEC §3.5).
    UserUnblock,
    /// `audit.read`: the audit log (SPEC §11).
    AuditRead,
    /// `policy.read`: everyone, including anonymous visitors (SPEC §2.2).
    PolicyRead,
    /// `authz.check`: any account holder.
    AuthzCheck,
    /// `me.read`: any account holder.
    MeRead,
    /// `me.update`: any account holder.
    MeUpdate,
    /// `me.tokens`: personal API tokens, any account holder.
    TokensManage,
    /// `auth.password`: any account holder.
    PasswordChange,
    /// `work.create`: record a draft work (SPEC §5).
    WorkCreate,
    /// `work.read`: one work; resource = [`Resource::Work`] (SPEC §2.5).
    WorkRead,
    /// `work.state.<state>`: move one's own work to `state` (SPEC §5):
    /// unpublished needs `results.create`, published `results.publish`.
    WorkAdvance(WorkState),
    /// `work.delete`: delete one's own work (SPEC §3.6: not novices).
    WorkDelete,
    /// `work.annotate`: annotate a visible work (`results.modify`).
    WorkAnnotate,
    /// `activity.read`: a person's activity log; resource = [`Resource::Account`].
    ActivityRead,
    /// `user.promote`: one level up (SPEC §3.4); resource = [`Resource::Account`].
    UserPromote,
    /// `user.depart`: schedule a departure, or delete now (SPEC §3.6–3.7).
    UserDepart,
    /// `user.handover`: give an admin or webmaster seat to a new person.
    UserHandover,
    /// `user.second`: attach someone of one's line to a host supervisor for
    /// a period (SPEC §2.5 secondment); resource = [`Resource::Account`].
    UserSecond,
    /// `work.transfer`: the owner gives a work to someone else.
    WorkTransfer,
    /// `org.create`: create an organisation (SPEC §4: admins).
    OrgCreate,
    /// `org.*`: a row of the SPEC §4 organisation-role table; resource =
    /// [`Resource::Organization`].
    Org(OrgCapability),
    /// `project.read`: a project's details; resource = [`Resource::Project`].
    ProjectRead,
    /// `project.read_name`: that a project exists, by name (operators).
    ProjectReadName,
    /// `project.manage`: edit, delete, close a project (managers).
    ProjectManage,
    /// `project.participants`: invite and revoke participants (owner,
    /// sponsor, data steward; managers of the organisation).
    ProjectParticipants,
    /// `approval.decide`: decide an approval one is the approver of;
    /// resource = [`Resource::Approval`].
    ApprovalDecide,
}

/// The life of a work (SPEC §5): draft → unpublished → published.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum WorkState {
    Draft,
    Unpublished,
    Published,
}

impl WorkState {
    pub const ALL: [WorkState; 3] = [
        WorkState::Draft,
        WorkState::Unpublished,
        WorkState::Published,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WorkState::Draft => "draft",
            WorkState::Unpublished => "unpublished",
            WorkState::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<WorkState> {
        WorkState::ALL.into_iter().find(|w| w.as_str() == s)
    }

    /// The one state a work may move to next, if any.
    pub fn next(self) -> Option<WorkState> {
        match self {
            WorkState::Draft => Some(WorkState::Unpublished),
            WorkState::Unpublished => Some(WorkState::Published),
            WorkState::Published => None,
        }
    }
}

/// Every action code, in [`Action::all`] order.
pub const ACTION_CODES: [&str; 61] = [
    "charter.sign",
    "results.read",
    "data.download",
    "results.create",
    "results.publish",
    "results.modify",
    "engine.run",
    "engine.modify",
    "engine.create",
    "user.create.novice",
    "user.create.confirmed",
    "user.create.expert",
    "user.create.admin",
    "user.create.webmaster",
    "user.habilitate.novice",
    "user.habilitate.confirmed",
    "user.habilitate.expert",
    "user.habilitate.admin",
    "user.habilitate.webmaster",
    "user.list",
    "user.read",
    "user.read_personal",
    "user.block",
    "user.unblock",
    "audit.read",
    "policy.read",
    "authz.check",
    "me.read",
    "me.update",
    "me.tokens",
    "auth.password",
    "work.create",
    "work.read",
    "work.state.unpublished",
    "work.state.published",
    "work.delete",
    "work.annotate",
    "activity.read",
    "user.promote",
    "user.depart",
    "user.handover",
    "user.second",
    "work.transfer",
    "org.create",
    "org.projects.read_all",
    "org.projects.read_granted",
    "org.projects.read_names",
    "org.projects.manage",
    "org.members.manage",
    "org.members.export",
    "org.projects.access",
    "org.files.upload",
    "org.datasets.download",
    "org.processing.launch",
    "org.annotate",
    "org.files.delete",
    "project.read",
    "project.read_name",
    "project.manage",
    "project.participants",
    "approval.decide",
];

/// `user.create.<p>` for a profile; `user.create.public` exists as a code
/// but is never listed by [`Action::all`].
fn user_create_code(p: Profile) -> &'static str {
    match p {
        Profile::Public => "user.create.public",
        Profile::Novice => "user.create.novice",
        Profile::Confirmed => "user.create.confirmed",
        Profile::Expert => "user.create.expert",
        Profile::Admin => "user.create.admin",
        Profile::Webmaster => "user.create.webmaster",
    }
}

fn user_habilitate_code(p: Profile) -> &'static str {
    match p {
        Profile::Public => "user.habilitate.public",
        Profile::Novice => "user.habilitate.novice",
        Profile::Confirmed => "user.habilitate.confirmed",
        Profile::Expert => "user.habilitate.expert",
        Profile::Admin => "user.habilitate.admin",
        Profile::Webmaster => "user.habilitate.webmaster",
    }
}

impl Action {
    /// The action code as an owned string.
    pub fn code(&self) -> String {
        self.code_str().to_owned()
    }

    /// The action code, without allocating.
    pub fn code_str(&self) -> &'static str {
        match self {
            Action::Capability(c) => c.code(),
            Action::UserCreate(p) => user_create_code(*p),
            Action::UserHabilitate(p) => user_habilitate_code(*p),
            Action::UserList => "user.list",
            Action::UserRead => "user.read",
            Action::UserReadPersonal => "user.read_personal",
            Action::UserBlock => "user.block",
            Action::UserUnblock => "user.unblock",
            Action::AuditRead => "audit.read",
            Action::PolicyRead => "policy.read",
            Action::AuthzCheck => "authz.check",
            Action::MeRead => "me.read",
            Action::MeUpdate => "me.update",
            Action::TokensManage => "me.tokens",
            Action::PasswordChange => "auth.password",
            Action::WorkCreate => "work.create",
            Action::WorkRead => "work.read",
            Action::WorkAdvance(WorkState::Draft) => "work.state.draft",
            Action::WorkAdvance(WorkState::Unpublished) => "work.state.unpublished",
            Action::WorkAdvance(WorkState::Published) => "work.state.published",
            Action::WorkDelete => "work.delete",
            Action::WorkAnnotate => "work.annotate",
            Action::ActivityRead => "activity.read",
            Action::UserPromote => "user.promote",
            Action::UserDepart => "user.depart",
            Action::UserHandover => "user.handover",
            Action::UserSecond => "user.second",
            Action::WorkTransfer => "work.transfer",
            Action::OrgCreate => "org.create",
            Action::Org(c) => c.code(),
            Action::ProjectRead => "project.read",
            Action::ProjectReadName => "project.read_name",
            Action::ProjectManage => "project.manage",
            Action::ProjectParticipants => "project.participants",
            Action::ApprovalDecide => "approval.decide",
        }
    }

    /// Every action, profile parameters expanded over the 5 account profiles
    /// (same order as [`ACTION_CODES`]).
    pub fn all() -> Vec<Action> {
        let mut v = Vec::with_capacity(ACTION_CODES.len());
        v.extend(Capability::ALL.into_iter().map(Action::Capability));
        v.extend(
            Profile::ACCOUNT_PROFILES
                .into_iter()
                .map(Action::UserCreate),
        );
        v.extend(
            Profile::ACCOUNT_PROFILES
                .into_iter()
                .map(Action::UserHabilitate),
        );
        v.extend([
            Action::UserList,
            Action::UserRead,
            Action::UserReadPersonal,
            Action::UserBlock,
            Action::UserUnblock,
            Action::AuditRead,
            Action::PolicyRead,
            Action::AuthzCheck,
            Action::MeRead,
            Action::MeUpdate,
            Action::TokensManage,
            Action::PasswordChange,
            Action::WorkCreate,
            Action::WorkRead,
            Action::WorkAdvance(WorkState::Unpublished),
            Action::WorkAdvance(WorkState::Published),
            Action::WorkDelete,
            Action::WorkAnnotate,
            Action::ActivityRead,
            Action::UserPromote,
            Action::UserDepart,
            Action::UserHandover,
            Action::UserSecond,
            Action::WorkTransfer,
            Action::OrgCreate,
        ]);
        v.extend(OrgCapability::ALL.into_iter().map(Action::Org));
        v.extend([
            Action::ProjectRead,
            Action::ProjectReadName,
            Action::ProjectManage,
            Action::ProjectParticipants,
            Action::ApprovalDecide,
        ]);
        v
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code_str())
    }
}

impl FromStr for Action {
    type Err = UnknownCode;

    /// Parses every code of [`ACTION_CODES`]. `user.create.public` and
    /// `user.habilitate.public` also parse (so that a check request about them
    /// is answered "denied" with a reason rather than "bad request").
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unknown = || UnknownCode(s.to_owned());
        if let Some(p) = s.strip_prefix("user.create.") {
            return p.parse().map(Action::UserCreate).map_err(|_| unknown());
        }
        if let Some(p) = s.strip_prefix("user.habilitate.") {
            return p.parse().map(Action::UserHabilitate).map_err(|_| unknown());
        }
        if let Ok(c) = s.parse::<Capability>() {
            return Ok(Action::Capability(c));
        }
        Ok(match s {
            "user.list" => Action::UserList,
            "user.read" => Action::UserRead,
            "user.read_personal" => Action::UserReadPersonal,
            "user.block" => Action::UserBlock,
            "user.unblock" => Action::UserUnblock,
            "audit.read" => Action::AuditRead,
            "policy.read" => Action::PolicyRead,
            "authz.check" => Action::AuthzCheck,
            "me.read" => Action::MeRead,
            "me.update" => Action::MeUpdate,
            "me.tokens" => Action::TokensManage,
            "auth.password" => Action::PasswordChange,
            "work.create" => Action::WorkCreate,
            "work.read" => Action::WorkRead,
            "work.state.draft" => Action::WorkAdvance(WorkState::Draft),
            "work.state.unpublished" => Action::WorkAdvance(WorkState::Unpublished),
            "work.state.published" => Action::WorkAdvance(WorkState::Published),
            "work.delete" => Action::WorkDelete,
            "work.annotate" => Action::WorkAnnotate,
            "activity.read" => Action::ActivityRead,
            "user.promote" => Action::UserPromote,
            "user.depart" => Action::UserDepart,
            "user.handover" => Action::UserHandover,
            "user.second" => Action::UserSecond,
            "work.transfer" => Action::WorkTransfer,
            "org.create" => Action::OrgCreate,
            "project.read" => Action::ProjectRead,
            "project.read_name" => Action::ProjectReadName,
            "project.manage" => Action::ProjectManage,
            "project.participants" => Action::ProjectParticipants,
            "approval.decide" => Action::ApprovalDecide,
            other => other.parse().map(Action::Org).map_err(|_| unknown())?,
        })
    }
}

impl From<Capability> for Action {
    fn from(c: Capability) -> Self {
        Action::Capability(c)
    }
}

impl Serialize for Action {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code_str())
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Action;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an action code such as \"user.create.novice\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Action, E> {
                v.parse().map_err(|_| E::unknown_variant(v, &ACTION_CODES))
            }
        }
        deserializer.deserialize_str(V)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Action {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(ACTION_CODES))
            .description(Some(
                "An action code (SPEC §2.3, §2.4): capability codes, \
                 user.create.<profile>, user.habilitate.<profile>, ...",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Action {}

// ---------------------------------------------------------------------------
// Who acts, on what, and the answer
// ---------------------------------------------------------------------------

/// How the target account relates to the actor in the supervision hierarchy
/// (SPEC §2.1, §2.5). Serialized in snake_case (`"myself"`, ...); the
/// PascalCase variant names are accepted too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Relation {
    /// The target is the actor.
    #[serde(alias = "Myself")]
    Myself,
    /// The target is (directly or indirectly) above the actor.
    #[serde(alias = "Supervisor")]
    Supervisor,
    /// The target is in the actor's supervision subtree.
    #[serde(alias = "Subordinate")]
    Subordinate,
    /// No supervision link.
    #[serde(alias = "Other")]
    Other,
}

impl Relation {
    /// `"myself"`, `"supervisor"`, `"subordinate"`, `"other"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Myself => "myself",
            Relation::Supervisor => "supervisor",
            Relation::Subordinate => "subordinate",
            Relation::Other => "other",
        }
    }
}

/// What an action is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    /// Nothing in particular ("may I do X at all?").
    None,
    /// One account: its profile and how it relates to the actor.
    Account {
        /// The target account's profile.
        profile: Profile,
        /// The target's place relative to the actor.
        relation: Relation,
    },
    /// One work: its owner's profile, the owner's place relative to the
    /// actor, and its state.
    Work {
        owner: Profile,
        relation: Relation,
        state: WorkState,
    },
    /// One organisation: the actor's role in it, if a member.
    Organization { role: Option<OrgRole> },
    /// One project: the actor's role in its organisation and how the actor
    /// stands to the project.
    Project {
        org_role: Option<OrgRole>,
        relation: ProjectRelation,
    },
    /// One approval: whether the actor is the approver it waits for.
    Approval { approver: bool },
}

/// Who asks: the facts about the caller `decide` needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The caller's profile (`Public` when anonymous).
    pub profile: Profile,
    /// Whether the caller accepted the current charter version (SPEC §3.3).
    pub charter_accepted: bool,
}

impl Actor {
    /// An anonymous visitor: `Public`, charter not accepted.
    pub fn anonymous() -> Actor {
        Actor {
            profile: Profile::Public,
            charter_accepted: false,
        }
    }

    /// An account holder.
    pub fn new(profile: Profile, charter_accepted: bool) -> Actor {
        Actor {
            profile,
            charter_accepted,
        }
    }
}

/// The answer of `Policy::decide`: allowed or not, the stable dotted id of
/// the rule that decided (e.g. `"creation.expert.novice"`) and one English
/// sentence explaining it (SPEC §2.2 "naming the rule").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    /// Whether the action is permitted.
    pub allowed: bool,
    /// Stable dotted identifier of the deciding rule.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub rule: Text,
    /// One clear English sentence.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub reason: Text,
}
