//! The vocabulary of authorisation: who ([`Profile`], [`Actor`]), what
//! ([`Capability`], [`Action`]), on what ([`Resource`], [`Relation`]) and the
//! answer ([`Decision`]).
//!
//! This file owns the *codes*: every enum here has one stable string form that
//! appears in the policy document (SPEC §2.2), in `POST /api/v1/authz/check`
//! bodies and in audit records. Codes follow the SPEC §2.4 `noun.verb` form.
//! Parsing an unknown code fails with [`UnknownCode`], never with a panic.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::org::{OrgCapability, OrgRole, ProjectRelation};
use super::reason::Reason;
use crate::i18n::{Language, Msg};

/// A string that is not one of the known codes (profile, capability or action).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown code `{0}`")]
pub struct UnknownCode(pub String);

// ---------------------------------------------------------------------------
// Profile (SPEC §2.1, seed 004 §2.1)
// ---------------------------------------------------------------------------

vocabulary! {
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
    pub enum Profile: fn as_str, PROFILE_CODES {
        /// Grand Public (seed 004 §2.1.3): anonymous visitor.
        Public = "public",
        /// Scientifique Novice, SU1 (seed 004 §2.1.4.1).
        Novice = "novice",
        /// Scientifique Confirmé, SU2 (seed 004 §2.1.4.2).
        Confirmed = "confirmed",
        /// Scientifique Expert, SU3 (seed 004 §2.1.4.3).
        Expert = "expert",
        /// Administrateur, ADM (seed 004 §2.1.5): never sees scientific content.
        Admin = "admin",
        /// Webmestre, WMS (seed 004 §2.1.6): read-only moderator, at most 2.
        Webmaster = "webmaster",
    }
}

deserialize_from_code!(Profile, PROFILE_CODES, "a profile code such as \"novice\"");

impl Profile {
    /// The profiles an account can have (all but `Public`).
    pub const ACCOUNT_PROFILES: [Profile; 5] = [
        Profile::Novice,
        Profile::Confirmed,
        Profile::Expert,
        Profile::Admin,
        Profile::Webmaster,
    ];

    /// `true` for every profile but `Public`.
    pub fn is_account(self) -> bool {
        self != Profile::Public
    }
}

// ---------------------------------------------------------------------------
// Capability (SPEC §2.4, seed 004 §4.2 "Conséquence des habilitations")
// ---------------------------------------------------------------------------

vocabulary! {
    /// A capability of SPEC §2.4. Its serde, `Display` and `FromStr` form is the
    /// action code (`"results.read"`, ...). `ALL` is the SPEC §2.4 table order.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum Capability: fn code, CAPABILITY_CODES {
        /// Accept the confidentiality charter (SPEC §3.3).
        CharterSign = "charter.sign",
        /// Read sensitive scientific results.
        ResultsRead = "results.read",
        /// Download sensitive data.
        DataDownload = "data.download",
        /// Create sensitive results.
        ResultsCreate = "results.create",
        /// Publish sensitive results.
        ResultsPublish = "results.publish",
        /// Modify / annotate sensitive results.
        ResultsModify = "results.modify",
        /// Run compute engines without changing their code.
        EngineRun = "engine.run",
        /// Modify compute engine code.
        EngineModify = "engine.modify",
        /// Create new compute engines.
        EngineCreate = "engine.create",
    }
}

serialize_as_code!(Capability: fn code);
deserialize_from_code!(
    Capability,
    CAPABILITY_CODES,
    "a capability code such as \"results.read\""
);
schema_as_codes!(
    Capability,
    CAPABILITY_CODES,
    "A capability code of SPEC §2.4."
);

// ---------------------------------------------------------------------------
// Work states (SPEC §5)
// ---------------------------------------------------------------------------

vocabulary! {
    /// The life of a work (SPEC §5): draft → unpublished → published.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum WorkState: fn as_str, WORK_STATE_CODES {
        Draft = "draft",
        Unpublished = "unpublished",
        Published = "published",
    }
}

impl WorkState {
    /// The state of a code, `None` if it is none.
    pub fn parse(s: &str) -> Option<WorkState> {
        s.parse().ok()
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

// ---------------------------------------------------------------------------
// Action: everything `decide` can be asked about
// ---------------------------------------------------------------------------

/// An action `Policy::decide` rules on. Its serde, `Display` and `FromStr`
/// form is the action code (`"user.create.novice"`, `"me.read"`, ...), the
/// vocabulary of `POST /api/v1/authz/check` (SPEC §2.2, §2.4). The codes are
/// in the one table below (`action_codes!`).
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
    /// `work.file`: the owner files a work into a project, or out of one
    /// (SPEC §5: a project holds works); the project side is
    /// [`Action::ProjectWorks`].
    WorkFile,
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
    /// `project.works`: put a work into a project: see the project, and an
    /// organisation role that may annotate (SPEC §4 table).
    ProjectWorks,
    /// `user.edit`: correct the professional identity of an account (name,
    /// e-mail; SPEC §2.5): its creator line or the administration;
    /// resource = [`Resource::Account`].
    UserEdit,
    /// `user.activation`: e-mail a new activation link to an account never
    /// activated (SPEC §3.1–3.2), same people as `user.edit`.
    UserActivation,
    /// `approval.decide`: decide an approval one is the approver of;
    /// resource = [`Resource::Approval`].
    ApprovalDecide,
    /// `org.list`: any account holder (the server lists the organisations
    /// they belong to; administrators: all).
    OrgList,
    /// `project.list`: any account holder (the server lists the projects
    /// `project.read_name` allows).
    ProjectList,
    /// `approval.list`: any account holder (their own approvals only).
    ApprovalList,
    /// `work.list`: any account holder (the server lists the works
    /// `work.read` allows).
    WorkList,
    /// `invitation.accept`: any account holder (the link's secret and the
    /// address it went to decide the rest).
    InvitationAccept,
    /// `auth.logout`: any account holder, ending their own session.
    Logout,
    /// `dataset.read`: a dataset's details and its files; resource = the
    /// dataset's [`Resource::Project`] (as `project.read`; operators see
    /// names only, through `project.read_name`).
    DatasetRead,
    /// `dataset.manage`: create, rename, delete the datasets of a project
    /// (the organisation's managers and the project's owner).
    DatasetManage,
    /// `file.upload`: put a file into a dataset (`org.files.upload`).
    FileUpload,
    /// `file.download`: download a file of a dataset one reads
    /// (`org.datasets.download`, which needs `data.download`).
    FileDownload,
    /// `file.delete`: delete a file of a dataset one reads (`org.files.delete`).
    FileDelete,
    /// `catalog.read`: the service catalog, any account holder.
    CatalogRead,
    /// `catalog.manage`: add, change and retire offerings
    /// (`services.manage_catalog`: administrators).
    CatalogManage,
    /// `order.create`: order a service for a project; resource = the
    /// [`Resource::Project`]: the project read and an organisation role that
    /// may launch processing (`org.processing.launch`).
    OrderCreate,
    /// `order.read`: the orders of a project one reads; resource = the
    /// [`Resource::Project`] or the order's [`Resource::Service`].
    OrderRead,
    /// `order.manage`: modify or cancel an order; resource = the order's
    /// [`Resource::Service`]: its requester, or the project's managers
    /// (`org.projects.manage`) and owner.
    OrderManage,
    /// `instance.launch`: launch an instance of an approved order; same rule
    /// as `order.create` (resource = the project or the order).
    InstanceLaunch,
    /// `instance.read`: one running service; resource = the instance's
    /// [`Resource::Service`]: its owner, or the project's managers and owner.
    InstanceRead,
    /// `instance.manage`: stop, delete, keep an instance; as `instance.read`.
    InstanceManage,
    /// `engine.list`: the compute engines, any account holder.
    EngineList,
    /// `queue.read`: the compute queue by rank, nobody named; any account
    /// holder.
    QueueRead,
    /// `job.submit`: run an engine in a project; resource = the
    /// [`Resource::Project`]: the project read, an organisation role that
    /// may launch processing, and the profile's `engine.run`.
    JobSubmit,
    /// `job.read`: one job; resource = [`Resource::Job`]: its owner, the
    /// project's managers, and whoever sees the owner's activity log
    /// (SPEC §2.5).
    JobRead,
    /// `job.cancel`: cancel one job; resource = [`Resource::Job`]: its owner
    /// and the project's managers.
    JobCancel,
    /// `desk.list`: any account holder (the server lists the desks
    /// `desk.read` allows).
    DeskList,
    /// `desk.read`: one support desk; resource = [`Resource::Desk`]: the
    /// group desk for everyone, a local desk for its organisation's
    /// members, its agents and the administrators.
    DeskRead,
    /// `desk.agents.manage`: name and remove a desk's agents; resource =
    /// [`Resource::Desk`]: a local desk's organisation managers and the
    /// administrators; the group desk's `support.manage_group_desk`.
    DeskAgentsManage,
    /// `desk.agents.read`: the agents of a desk; as `desk.agents.manage`,
    /// and the desk's own agents.
    DeskAgentsRead,
    /// `ticket.create`: open a ticket at a desk; resource =
    /// [`Resource::Desk`]: a local desk for its organisation's members and
    /// agents, the group desk for the agents of any desk.
    TicketCreate,
    /// `ticket.list`: any account holder (the server lists the tickets
    /// `ticket.read` allows).
    TicketList,
    /// `ticket.read`: one ticket; resource = [`Resource::Ticket`]: its
    /// requester, participants and the agents of its desks.
    TicketRead,
    /// `ticket.comment`: a public comment; as `ticket.read`.
    TicketComment,
    /// `ticket.work`: agent actions (internal notes, assign, escalate,
    /// resolve); resource = [`Resource::Ticket`]: the agents of its desks.
    TicketWork,
    /// `ticket.settle`: close a resolved ticket or reopen it; resource =
    /// [`Resource::Ticket`]: its requester and the agents of its desks.
    TicketSettle,
    /// `ticket.participants`: name or remove the people who follow a
    /// ticket (they read it, comment on it and receive its updates);
    /// resource = [`Resource::Ticket`]: its requester and the agents of
    /// its desks.
    TicketParticipants,
    /// `kb.read`: the published articles of the knowledge base (SPEC §8:
    /// a public FAQ), anonymous visitors included unless the policy says
    /// otherwise (`knowledge_base.public_read`).
    KbRead,
    /// `kb.read_drafts`: the draft articles; resource = [`Resource::Kb`]:
    /// desk agents, and the profiles of `knowledge_base.read_drafts`.
    KbReadDrafts,
    /// `kb.write`: write, publish and delete articles; resource =
    /// [`Resource::Kb`]: desk agents, and the profiles of
    /// `knowledge_base.write`.
    KbWrite,
}

/// One value of a row of the action table into `out` at `i`: the row's
/// action, or (a `for` row) the variant applied to every value of the set.
macro_rules! push_actions {
    ($out:ident, $i:ident, [] $variant:path, $(($($arg:tt)*))?) => {
        $out[$i] = $variant $(($($arg)*))?;
        $i += 1;
    };
    ($out:ident, $i:ident, [$set:expr] $variant:path, ($bind:ident)) => {
        let mut j = 0;
        while j < $set.len() {
            $out[$i] = $variant($set[j]);
            $i += 1;
            j += 1;
        }
    };
}

/// How many actions a row of the action table stands for.
macro_rules! count_actions {
    ([]) => {
        1
    };
    ([$set:expr]) => {
        $set.len()
    };
}

/// The action table: each row is an action (or, with `for`, a variant over
/// a set) and its code. `listed` rows are [`Action::ALL`] and
/// [`ACTION_CODES`], in order; `unlisted` codes parse too (so that a check
/// about them is answered "denied" with a reason rather than "bad request")
/// but are never offered.
macro_rules! action_codes {
    (
        listed { $( $variant:ident $(($($arg:tt)*))? $(for $set:expr)? => $code:expr, )+ }
        unlisted { $( $u_variant:ident ($($u_arg:tt)*) => $u_code:literal, )+ }
    ) => {
        impl Action {
            /// Every action offered, profile parameters expanded over the 5
            /// account profiles (same order as [`ACTION_CODES`]).
            pub const ALL: [Action; Action::COUNT] = {
                let mut out = [Action::UserList; Action::COUNT];
                let mut i = 0;
                $( push_actions!(out, i, [$($set)?] Action::$variant, $(($($arg)*))?); )+
                assert!(i == Action::COUNT, "every row pushed its count");
                out
            };

            const COUNT: usize = 0 $(+ count_actions!([$($set)?]))+;

            const UNLISTED: [Action; [$($u_code),+].len()] = [$(Action::$u_variant($($u_arg)*)),+];

            /// The action code, without allocating.
            pub const fn code_str(&self) -> &'static str {
                match *self {
                    $( Action::$variant $(($($arg)*))? => $code, )+
                    $( Action::$u_variant($($u_arg)*) => $u_code, )+
                }
            }
        }

        /// Every action code, in [`Action::ALL`] order.
        pub const ACTION_CODES: [&str; Action::ALL.len()] = {
            let mut codes = [""; Action::ALL.len()];
            let mut i = 0;
            while i < codes.len() {
                codes[i] = Action::ALL[i].code_str();
                i += 1;
            }
            codes
        };
    };
}

action_codes! {
    listed {
        Capability(c) for Capability::ALL => c.code(),
        UserCreate(Profile::Novice) => "user.create.novice",
        UserCreate(Profile::Confirmed) => "user.create.confirmed",
        UserCreate(Profile::Expert) => "user.create.expert",
        UserCreate(Profile::Admin) => "user.create.admin",
        UserCreate(Profile::Webmaster) => "user.create.webmaster",
        UserHabilitate(Profile::Novice) => "user.habilitate.novice",
        UserHabilitate(Profile::Confirmed) => "user.habilitate.confirmed",
        UserHabilitate(Profile::Expert) => "user.habilitate.expert",
        UserHabilitate(Profile::Admin) => "user.habilitate.admin",
        UserHabilitate(Profile::Webmaster) => "user.habilitate.webmaster",
        UserList => "user.list",
        UserRead => "user.read",
        UserReadPersonal => "user.read_personal",
        UserBlock => "user.block",
        UserUnblock => "user.unblock",
        AuditRead => "audit.read",
        PolicyRead => "policy.read",
        AuthzCheck => "authz.check",
        MeRead => "me.read",
        MeUpdate => "me.update",
        TokensManage => "me.tokens",
        PasswordChange => "auth.password",
        WorkCreate => "work.create",
        WorkRead => "work.read",
        WorkAdvance(WorkState::Unpublished) => "work.state.unpublished",
        WorkAdvance(WorkState::Published) => "work.state.published",
        WorkDelete => "work.delete",
        WorkAnnotate => "work.annotate",
        ActivityRead => "activity.read",
        UserPromote => "user.promote",
        UserDepart => "user.depart",
        UserHandover => "user.handover",
        UserSecond => "user.second",
        WorkTransfer => "work.transfer",
        WorkFile => "work.file",
        OrgCreate => "org.create",
        Org(c) for OrgCapability::ALL => c.code(),
        ProjectRead => "project.read",
        ProjectReadName => "project.read_name",
        ProjectManage => "project.manage",
        ProjectParticipants => "project.participants",
        ProjectWorks => "project.works",
        ApprovalDecide => "approval.decide",
        OrgList => "org.list",
        ProjectList => "project.list",
        ApprovalList => "approval.list",
        WorkList => "work.list",
        InvitationAccept => "invitation.accept",
        Logout => "auth.logout",
        UserEdit => "user.edit",
        UserActivation => "user.activation",
        DatasetRead => "dataset.read",
        DatasetManage => "dataset.manage",
        FileUpload => "file.upload",
        FileDownload => "file.download",
        FileDelete => "file.delete",
        CatalogRead => "catalog.read",
        CatalogManage => "catalog.manage",
        OrderCreate => "order.create",
        OrderRead => "order.read",
        OrderManage => "order.manage",
        InstanceLaunch => "instance.launch",
        InstanceRead => "instance.read",
        InstanceManage => "instance.manage",
        EngineList => "engine.list",
        QueueRead => "queue.read",
        JobSubmit => "job.submit",
        JobRead => "job.read",
        JobCancel => "job.cancel",
        DeskList => "desk.list",
        DeskRead => "desk.read",
        DeskAgentsManage => "desk.agents.manage",
        DeskAgentsRead => "desk.agents.read",
        TicketCreate => "ticket.create",
        TicketList => "ticket.list",
        TicketRead => "ticket.read",
        TicketComment => "ticket.comment",
        TicketWork => "ticket.work",
        TicketSettle => "ticket.settle",
        TicketParticipants => "ticket.participants",
        KbRead => "kb.read",
        KbReadDrafts => "kb.read_drafts",
        KbWrite => "kb.write",
    }
    unlisted {
        UserCreate(Profile::Public) => "user.create.public",
        UserHabilitate(Profile::Public) => "user.habilitate.public",
        WorkAdvance(WorkState::Draft) => "work.state.draft",
    }
}

impl Action {
    /// The action code as an owned string.
    pub fn code(&self) -> String {
        self.code_str().to_owned()
    }

    /// [`Action::ALL`] as a vector.
    pub fn all() -> Vec<Action> {
        Action::ALL.to_vec()
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code_str())
    }
}

impl FromStr for Action {
    type Err = UnknownCode;

    /// Parses every code of the action table, listed or not.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Action::ALL
            .into_iter()
            .chain(Action::UNLISTED)
            .find(|a| a.code_str() == s)
            .ok_or_else(|| UnknownCode(s.to_owned()))
    }
}

impl From<Capability> for Action {
    fn from(c: Capability) -> Self {
        Action::Capability(c)
    }
}

serialize_as_code!(Action: fn code_str);
deserialize_from_code!(
    Action,
    ACTION_CODES,
    "an action code such as \"user.create.novice\""
);
schema_as_codes!(
    Action,
    ACTION_CODES,
    "An action code (SPEC §2.3, §2.4): capability codes, \
     user.create.<profile>, user.habilitate.<profile>, ..."
);

// ---------------------------------------------------------------------------
// Who acts, on what, and the answer
// ---------------------------------------------------------------------------

vocabulary! {
    /// How the target account relates to the actor in the supervision hierarchy
    /// (SPEC §2.1, §2.5). Serialized in snake_case (`"myself"`, ...); the
    /// PascalCase variant names are accepted too.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum Relation: fn as_str, RELATION_CODES {
        /// The target is the actor.
        #[serde(alias = "Myself")]
        Myself = "myself",
        /// The target is (directly or indirectly) above the actor.
        #[serde(alias = "Supervisor")]
        Supervisor = "supervisor",
        /// The target is in the actor's supervision subtree.
        #[serde(alias = "Subordinate")]
        Subordinate = "subordinate",
        /// No supervision link.
        #[serde(alias = "Other")]
        Other = "other",
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
    /// One order or instance of a project: the project as for
    /// [`Resource::Project`], and whether the actor requested the order or
    /// owns the instance.
    Service {
        org_role: Option<OrgRole>,
        relation: ProjectRelation,
        mine: bool,
    },
    /// One compute job of a project: the project as for
    /// [`Resource::Project`], and its owner as for [`Resource::Account`].
    Job {
        org_role: Option<OrgRole>,
        relation: ProjectRelation,
        owner: Profile,
        owner_relation: Relation,
    },
    /// One support desk: the group desk or an organisation's local desk
    /// (the actor's role in that organisation), whether the actor is one of
    /// its agents, and whether they are an agent of another desk.
    Desk {
        group: bool,
        org_role: Option<OrgRole>,
        agent: bool,
        agent_elsewhere: bool,
    },
    /// One support ticket: whether the actor filed it, follows it, or is an
    /// agent of its desk (or of the local desk it was escalated from).
    Ticket {
        requester: bool,
        participant: bool,
        agent: bool,
    },
    /// The knowledge base, as the actor stands to it: whether they are an
    /// agent of a support desk (any desk: articles belong to no desk).
    Kb { desk_agent: bool },
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
/// the rule that decided (e.g. `"creation.expert.novice"`) and why, in the
/// reader's language (SPEC §2.2 "naming the rule").
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    /// Whether the action is permitted.
    pub allowed: bool,
    /// Stable dotted identifier of the deciding rule.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub rule: Cow<'static, str>,
    /// Why, in one sentence; a refusal says what would allow the action.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub reason: Reason,
}

impl Decision {
    /// The same decision with its reason written in `lang` (what a JSON
    /// answer carries).
    pub fn in_language(&self, lang: Language) -> Decision {
        Decision {
            allowed: self.allowed,
            rule: self.rule.clone(),
            reason: self.reason.rendered(lang),
        }
    }

    /// The refusal as a message: the reason and the rule that decided.
    pub fn explain(&self) -> Msg {
        Msg::new("error-denied")
            .arg("reason", self.reason.msg())
            .arg("rule", self.rule.to_string())
    }
}
