//! Profiles, actions and the policy document (SPEC §2), with the one
//! decision function every API handler calls (SPEC §2.2).
//!
//! Files and what they own:
//! - `vocab.rs`: the codes, i.e. [`Profile`] (SPEC §2.1), [`Capability`]
//!   (SPEC §2.4), [`Action`] (the `authz/check` vocabulary), [`Relation`],
//!   [`Resource`], [`Actor`] and the [`Decision`] answer;
//! - `model.rs`: the versioned policy document ([`Policy`] and its sections)
//!   and its TOML / JSON parsing with path-precise errors (SPEC §2.2);
//! - `default.rs`: the built-in document, the SPEC §2 reading of the seed
//!   (seed 004 §3.2, §4.2, §8.2);
//! - `validate.rs`: the SPEC invariants types cannot express (≤ 2 webmasters,
//!   nobody creates admins, antisymmetric precedence, ...);
//! - `decide.rs`: [`Policy::decide`] and the queries built on the matrices;
//! - `doc.rs`: [`reference`], the document written out as Markdown for people
//!   (`habilis policy doc`, `docs/policy.md`);
//! - `tests.rs`: a hand-written expected table of SPEC §2.3 / §2.4 and the
//!   parsing / validation / round-trip tests.
//!
//! Everything here is pure (no I/O; parsing takes `&str`) so the SPA can use
//! the same code in wasm to render the same matrices.

#[macro_use]
mod codes;
mod decide;
mod default;
mod doc;
mod model;
mod org;
mod reason;
mod validate;
mod vocab;

#[cfg(test)]
mod tests;

pub use default::DEFAULT_CHARTER_VERSION;
pub use doc::reference;
pub use model::{
    AccountsPolicy, AdministrationPolicy, AuthPolicy, CapabilityRule, DepartureRule,
    KnowledgeBasePolicy, Policy, PriorityAccess, PriorityCap, PriorityPolicy, PromotionRule,
    ServicesPolicy, SupportPolicy, VisibilityPolicy, WorksPolicy,
};
pub use org::{
    OrgCapability, OrgRole, OrgRule, OrganizationsPolicy, ProjectRelation, ORG_CAPABILITY_CODES,
    ORG_ROLE_CODES,
};
pub use reason::Reason;
pub use validate::{MAX_ACCESS_TOKEN_MINUTES, MAX_WEBMASTERS, MIN_PASSWORD_LENGTH};
pub use vocab::{
    Action, Actor, Capability, Decision, Profile, Relation, Resource, UnknownCode, WorkState,
    ACTION_CODES, CAPABILITY_CODES, PROFILE_CODES, RELATION_CODES, WORK_STATE_CODES,
};

/// Why a policy document was refused: the path of the first problem in the
/// document (TOML-style, e.g. `capabilities."results.read".allowed[2]`) and
/// what is wrong there.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct PolicyError {
    /// Where, e.g. `accounts.profile_limits.webmaster` or `priority.precedence[3]`.
    pub path: String,
    /// What, e.g. `at most 2 webmasters (SPEC §2.1), got 3`.
    pub message: String,
}
