//! The policy document (SPEC §2.2): its data model, and its TOML / JSON
//! parsing and printing.
//!
//! One versioned document holds every matrix of SPEC §2 (creation,
//! habilitation, capabilities, administration, visibility, priority) plus the
//! account and authentication settings of SPEC §3 and §11. Every section
//! denies unknown fields and every omitted field takes its SPEC default
//! (`default.rs`), so a document only needs to state what it changes.
//! Maps are `BTreeMap`/`BTreeSet` keyed by the enums so output is stable.
//!
//! Parsing goes through `serde_path_to_error` so that the first error is
//! reported with its path in the document (`capabilities."results.read".
//! allowed[2]`), then through semantic validation (`validate.rs`).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{Capability, OrganizationsPolicy, PolicyError, Profile};

/// The whole policy document. `Default` is the SPEC §2 reading of the seed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Policy {
    /// Document format version; only `1` exists.
    pub version: u32,
    /// Version of the confidentiality charter users accept (SPEC §3.3).
    pub charter_version: String,
    /// Account settings (SPEC §3).
    pub accounts: AccountsPolicy,
    /// Token and lockout settings (SPEC §11).
    pub auth: AuthPolicy,
    /// Creator → profiles it may create (SPEC §2.3, seed 004 §3.2).
    pub creation: BTreeMap<Profile, BTreeSet<Profile>>,
    /// Habilitating profile → profiles it may habilitate (SPEC §2.3,
    /// seed 004 §4.2 first table).
    pub habilitation: BTreeMap<Profile, BTreeSet<Profile>>,
    /// Capability → who has it (SPEC §2.4, seed 004 §4.2 second table).
    pub capabilities: BTreeMap<Capability, CapabilityRule>,
    /// Administrative rights (SPEC §2.5, §3.5, §11).
    pub administration: AdministrationPolicy,
    /// Visibility switches (SPEC §2.5).
    pub visibility: VisibilityPolicy,
    /// Processing priority and resources (SPEC §2.6, seed 004 §8).
    pub priority: PriorityPolicy,
    /// Works (SPEC §5).
    pub works: WorksPolicy,
    /// Promotion, one level at a time (SPEC §3.4): from-profile → rule.
    pub promotion: BTreeMap<Profile, PromotionRule>,
    /// Who schedules the departure of whom (SPEC §3.6): leaving profile → rule.
    /// Profiles absent here are never deleted (see `accounts.seats`).
    pub departure: BTreeMap<Profile, DepartureRule>,
    /// Organisations, their roles and projects (SPEC §4).
    pub organizations: OrganizationsPolicy,
    /// The service catalog and running instances (SPEC §6).
    pub services: ServicesPolicy,
    /// The support desks (SPEC §8).
    pub support: SupportPolicy,
    /// The knowledge base of the support desks (SPEC §8).
    pub knowledge_base: KnowledgeBasePolicy,
}

/// The support desks (SPEC §8, seed 002): which request categories wait
/// for an approval before an agent takes them (never incidents), and who
/// names the group desk's agents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportPolicy {
    /// Categories of requests approved first by the requester's supervisor
    /// (or the sponsor of the project the ticket names). Lower-case codes.
    pub approval_categories: BTreeSet<String>,
    /// Profiles that name and remove the group desk's agents.
    pub manage_group_desk: BTreeSet<Profile>,
    /// The largest file attached to a ticket, in bytes (kept in the
    /// object storage of the datasets).
    pub attachment_max_bytes: u64,
    /// How many files one ticket holds at most.
    pub attachments_per_ticket: u32,
}

impl SupportPolicy {
    /// A ticket category code: 1 to 64 of `a-z`, `0-9` and `-`, not
    /// starting with `-` (e.g. `admin-rights`).
    pub fn is_category(code: &str) -> bool {
        (1..=64).contains(&code.len())
            && !code.starts_with('-')
            && code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }

    /// Whether a request of `category` waits for an approval first.
    pub fn needs_approval(&self, category: &str) -> bool {
        self.approval_categories.contains(category)
    }
}

/// The knowledge base (SPEC §8, issue 18 §4): published articles are a
/// public FAQ; drafts are read and articles written by the agents of the
/// support desks, and by the profiles named here whoever they are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KnowledgeBasePolicy {
    /// Published articles are readable without an account.
    pub public_read: bool,
    /// Profiles that read draft articles without being desk agents.
    pub read_drafts: BTreeSet<Profile>,
    /// Profiles that write, publish and delete articles without being
    /// desk agents.
    pub write: BTreeSet<Profile>,
}

/// The service catalog and its running instances (SPEC §6): who manages
/// the catalog, when an idle instance is noticed, stopped and deleted, and
/// how many may run at once (an offering's own limits apply too).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServicesPolicy {
    /// Profiles that add, change and retire offerings.
    pub manage_catalog: BTreeSet<Profile>,
    /// Hours without activity after which the owner is told (with a link
    /// to keep the instance).
    pub idle_notice_after_hours: u32,
    /// Hours without activity after which the instance is stopped; more
    /// than `idle_notice_after_hours`.
    pub idle_purge_after_hours: u32,
    /// Hours between the stop of an idle instance and its deletion.
    pub purge_grace_hours: u32,
    /// Running instances one person may have at once.
    pub max_running_per_user: u32,
    /// Running instances one project may have at once.
    pub max_running_per_project: u32,
}

/// Who may schedule a person's departure (SPEC §3.6).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartureRule {
    pub by: BTreeSet<Profile>,
    /// The scheduler must be above the person in the supervision line.
    #[serde(default)]
    pub from_supervision_line: bool,
    /// An heir must be named (experts have no supervisor to inherit).
    #[serde(default)]
    pub heir_required: bool,
}

/// Who records and deletes works (SPEC §5, §3.6).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorksPolicy {
    /// Profiles that record draft works (novices' drafts come from the
    /// engines they run, seed 004 §2.1.4; admins see no works, the webmaster
    /// changes none).
    pub create: BTreeSet<Profile>,
    /// Profiles that may delete their own works (SPEC §3.6: novices may not;
    /// everything of theirs goes to their supervisor).
    pub delete_own: BTreeSet<Profile>,
}

/// How one profile is promoted (SPEC §3.4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PromotionRule {
    /// The profile one level up.
    pub to: Profile,
    /// Who may promote.
    pub by: BTreeSet<Profile>,
    /// The promoter must be above the person in the supervision line (and
    /// becomes the new supervisor).
    #[serde(default)]
    pub from_supervision_line: bool,
}

/// Account settings (SPEC §3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountsPolicy {
    /// Institutional e-mail domains accepted at creation (SPEC §3.1); exact,
    /// case-insensitive match of the part after the last `@`.
    pub allowed_email_domains: Vec<String>,
    /// Maximum number of accounts per profile (webmaster ≤ 2, SPEC §2.1).
    pub profile_limits: BTreeMap<Profile, u32>,
    /// Validity of the activation link, in days (SPEC §3.1).
    pub activation_link_days: u32,
    /// Minimum password length (at least 12).
    pub password_min_length: u32,
    /// Days without login before the inactivity review (SPEC §3.8).
    pub inactive_after_days: u32,
    /// Days between the inactivity warning and deactivation (SPEC §3.8).
    pub inactivity_grace_days: u32,
    /// Departure warnings, in days before the date (SPEC §3.6).
    pub departure_warning_days: Vec<u32>,
    /// Profiles whose accounts are never deleted, only handed over to a new
    /// person (SPEC §3.7: admins and webmasters).
    pub seats: BTreeSet<Profile>,
    /// Which profiles may supervise each profile (SPEC §2.1: a novice has a
    /// confirmed or expert supervisor, a confirmed an expert; others none).
    pub supervisors: BTreeMap<Profile, BTreeSet<Profile>>,
}

/// Token and lockout settings (SPEC §11).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthPolicy {
    /// Access token lifetime in minutes (1..=15).
    pub access_token_minutes: u32,
    /// Refresh token lifetime in days.
    pub refresh_token_days: u32,
    /// Failed logins within the window that lock an account.
    pub lockout_max_failures: u32,
    /// Window over which failures are counted, in minutes.
    pub lockout_window_minutes: u32,
    /// Lockout duration in minutes.
    pub lockout_minutes: u32,
}

/// Who holds one capability (a row of the SPEC §2.4 table).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CapabilityRule {
    /// Human description of the capability.
    #[serde(default)]
    pub description: String,
    /// Profiles that hold the capability.
    #[serde(default)]
    pub allowed: BTreeSet<Profile>,
    /// Profiles whose cell (yes or no) the seed leaves "to confirm" (tbc).
    #[serde(default)]
    pub provisional: BTreeSet<Profile>,
}

/// Administrative rights (SPEC §2.5, §3.5, §11).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdministrationPolicy {
    /// Profiles that may block / unblock accounts (SPEC §3.5).
    pub block_accounts: BTreeSet<Profile>,
    /// Profiles that may read the audit log (SPEC §11 `GET /audit`).
    pub read_audit: BTreeSet<Profile>,
    /// Profiles that see every account, not just their hierarchy (SPEC §2.5).
    pub see_all_accounts: BTreeSet<Profile>,
    /// Profiles that hand an admin or webmaster seat to a new person.
    pub handover_seats: BTreeSet<Profile>,
    /// Profiles that read everyone's personal data (SPEC §2.5: the webmaster).
    pub read_personal_data: BTreeSet<Profile>,
    /// Profiles told by e-mail when an account is activated or fails to be
    /// (SPEC §3.2: the admin and the webmaster).
    pub notified_of_activations: BTreeSet<Profile>,
    /// Profiles that correct anyone's name and e-mail address and send a new
    /// activation link, besides the creator line (SPEC §2.5).
    pub manage_identities: BTreeSet<Profile>,
}

/// Visibility switches (SPEC §2.5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisibilityPolicy {
    /// An expert sees drafts and unpublished works of the confirmed they
    /// supervise (seed says both "total" and "partial"; default partial).
    pub expert_sees_confirmed_drafts: bool,
    /// Admins see works (default: no, not even published ones).
    pub admin_sees_works: bool,
    /// Admins see the activity logs of all scientists.
    pub admin_sees_all_activity_logs: bool,
    /// Webmasters read everything (read-only).
    pub webmaster_reads_everything: bool,
    /// Supervisors see only the professional e-mail of personal data.
    pub supervisors_see_professional_email_only: bool,
    /// A confirmed supervisor sees drafts and unpublished works of their novices.
    pub confirmed_sees_novice_drafts: bool,
    /// Supervisors see the activity log of their subordinates.
    pub supervisors_see_subordinate_activity: bool,
    /// Host supervisors of a secondment see what is produced during it.
    pub secondment_host_sees_period_work: bool,
}

/// Resource priority access of a profile (SPEC §2.4 last row).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PriorityAccess {
    /// No resource priority.
    None,
    /// Partial resource priority.
    Partial,
    /// Total resource priority.
    Total,
}

/// Caps that apply to a profile even on an idle platform ("priorité bridée",
/// seed 004 §8.1; SPEC §2.6).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriorityCap {
    /// Maximum running jobs of one user (≥ 1).
    pub max_running: u32,
    /// Maximum share of the compute capacity, `0 < max_share ≤ 1`.
    pub max_share: f64,
}

/// Processing priority and resources (SPEC §2.6, seed 004 §8).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriorityPolicy {
    /// Rank of each profile: higher is dispatched first (a total preorder).
    pub ranks: BTreeMap<Profile, u32>,
    /// Resource priority access per profile (SPEC §2.4 last row).
    pub access: BTreeMap<Profile, PriorityAccess>,
    /// Per-profile caps.
    pub caps: BTreeMap<Profile, PriorityCap>,
    /// Storage quota per profile, in GB.
    pub storage_quota_gb: BTreeMap<Profile, u64>,
    /// Optional precedence pairs `[higher, lower]` imported from a seed-style
    /// matrix; must be antisymmetric and agree with `ranks`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub precedence: Vec<[Profile; 2]>,
}

// ---------------------------------------------------------------------------
// Parsing and printing
// ---------------------------------------------------------------------------

impl Policy {
    /// Parses a TOML document, then validates it. The error names the first
    /// problem and its path in the document.
    pub fn from_toml_str(text: &str) -> Result<Policy, PolicyError> {
        let de = toml::Deserializer::new(text);
        let policy: Policy = serde_path_to_error::deserialize(de).map_err(|e| {
            let inner = e.inner();
            let mut message = inner.message().to_owned();
            if let Some(span) = inner.span() {
                let (line, column) = line_column(text, span.start);
                message.push_str(&format!(" (line {line}, column {column})"));
            }
            parse_error(e.path(), message)
        })?;
        policy.validate()?;
        Ok(policy)
    }

    /// Parses a JSON document, then validates it. The error names the first
    /// problem and its path in the document.
    pub fn from_json_str(text: &str) -> Result<Policy, PolicyError> {
        let mut de = serde_json::Deserializer::from_str(text);
        let policy: Policy = serde_path_to_error::deserialize(&mut de)
            .map_err(|e| parse_error(e.path(), e.inner().to_string()))?;
        de.end().map_err(|e| PolicyError {
            path: ROOT_PATH.to_owned(),
            message: e.to_string(),
        })?;
        policy.validate()?;
        Ok(policy)
    }

    /// The document as TOML; [`Policy::from_toml_str`] reads it back equal.
    pub fn to_toml_string(&self) -> String {
        toml::to_string_pretty(self)
            .unwrap_or_else(|e| format!("# the policy could not be printed as TOML: {e}\n"))
    }

    /// The document as pretty JSON; [`Policy::from_json_str`] reads it back equal.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

/// Path reported for errors about the document as a whole.
pub(crate) const ROOT_PATH: &str = "(document)";

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Formats a `serde_path_to_error` path as a TOML-style dotted key path,
/// quoting keys that are not bare (`capabilities."results.read".allowed[2]`).
/// An "unknown field `x`" error is reported at the field itself; a key
/// that is not a known profile or capability is reported at its map.
fn parse_error(path: &serde_path_to_error::Path, message: String) -> PolicyError {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    let mut last_key: Option<&str> = None;
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => {
                out.push_str(&format!("[{index}]"));
                last_key = None;
            }
            Segment::Map { key } => {
                push_key(&mut out, key);
                last_key = Some(key);
            }
            Segment::Enum { variant } => {
                push_key(&mut out, variant);
                last_key = Some(variant);
            }
            // A map key that failed to deserialize: the message names it.
            Segment::Unknown => {}
        }
    }
    if let Some(field) = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next())
    {
        if last_key != Some(field) {
            push_key(&mut out, field);
        }
    }
    if out.is_empty() {
        out.push_str(ROOT_PATH);
    }
    PolicyError { path: out, message }
}

/// Appends `.key` (or `."key"` when the key is not a bare TOML key).
pub(crate) fn push_key(out: &mut String, key: &str) {
    if !out.is_empty() {
        out.push('.');
    }
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        out.push_str(key);
    } else {
        out.push('"');
        for c in key.chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    }
}
