//! The built-in policy: the SPEC §2 reading of the seed (seed 004 §3.2,
//! §4.2, §8.2), used when no policy file is configured (SPEC §2.2).
//!
//! Every section struct has its own `Default` so that a document may omit any
//! field or section and still get the SPEC value for it.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{
    AccountsPolicy, AdministrationPolicy, AuthPolicy, CapabilityRule, DepartureRule,
    KnowledgeBasePolicy, Policy, PriorityAccess, PriorityCap, PriorityPolicy, PromotionRule,
    ServicesPolicy, SupportPolicy, VisibilityPolicy, WorksPolicy,
};
use super::{Capability, Profile};

use Profile::{Admin, Confirmed, Expert, Novice, Public, Webmaster};

fn set(profiles: &[Profile]) -> BTreeSet<Profile> {
    profiles.iter().copied().collect()
}

/// Default charter version.
pub const DEFAULT_CHARTER_VERSION: &str = "2026-1";

/// The SPEC §2.3 matrix (seed 004 §3.2 "Tableau Création des comptes" and
/// §4.2 "Tableau Habilitation des Utilisateurs", identical): one entry per
/// profile so the matrix is complete when rendered.
pub(crate) fn creation_matrix() -> BTreeMap<Profile, BTreeSet<Profile>> {
    BTreeMap::from([
        (Public, set(&[])),
        (Novice, set(&[])),
        (Confirmed, set(&[Novice])),
        (Expert, set(&[Novice, Confirmed])),
        // "OUI, 1 ou plusieurs (à approfondir)" / "OUI, 1 seul, voire 2".
        (Admin, set(&[Expert, Webmaster])),
        (Webmaster, set(&[])),
    ])
}

/// The `description` of a capability in the built-in document (English:
/// the document is read by operators; people read the catalogs).
fn description(capability: Capability) -> &'static str {
    match capability {
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

fn rule(capability: Capability, allowed: &[Profile], provisional: &[Profile]) -> CapabilityRule {
    CapabilityRule {
        description: description(capability).to_owned(),
        allowed: set(allowed),
        provisional: set(provisional),
    }
}

/// The SPEC §2.4 table (seed 004 §4.2 "Tableau Conséquence des
/// Habilitations"); "(tbc)" / "A CONFIRMER" / "A STATUER" cells are listed in
/// `provisional`, whatever their default value.
pub(crate) fn capability_table() -> BTreeMap<Capability, CapabilityRule> {
    use Capability::*;
    BTreeMap::from([
        (
            CharterSign,
            rule(
                CharterSign,
                &[Novice, Confirmed, Expert, Admin, Webmaster],
                &[],
            ),
        ),
        // Admin: "NON" in bold: admins never see scientific content (SPEC §2.1).
        (
            ResultsRead,
            rule(ResultsRead, &[Novice, Confirmed, Expert, Webmaster], &[]),
        ),
        // Webmaster: "NON (A CONFIRMER)".
        (
            DataDownload,
            rule(DataDownload, &[Confirmed, Expert], &[Webmaster]),
        ),
        (
            ResultsCreate,
            rule(
                ResultsCreate,
                &[Confirmed, Expert, Admin],
                &[Confirmed, Admin],
            ),
        ),
        (
            ResultsPublish,
            rule(
                ResultsPublish,
                &[Confirmed, Expert, Admin, Webmaster],
                &[Confirmed, Admin, Webmaster],
            ),
        ),
        (
            ResultsModify,
            rule(ResultsModify, &[Confirmed, Expert], &[Confirmed]),
        ),
        // Seed 004 §2.1.6 lists engine rights for the webmaster, its synthesis
        // table (§4.2) says no; the synthesis wins (SPEC §2.4).
        (
            EngineRun,
            rule(EngineRun, &[Novice, Confirmed, Expert, Admin], &[]),
        ),
        (
            EngineModify,
            rule(EngineModify, &[Confirmed, Expert, Admin], &[Confirmed]),
        ),
        // Novice: "A STATUER" → no (tbc).
        (
            EngineCreate,
            rule(
                EngineCreate,
                &[Confirmed, Expert, Admin],
                &[Novice, Confirmed],
            ),
        ),
    ])
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            version: 1,
            charter_version: DEFAULT_CHARTER_VERSION.to_owned(),
            accounts: AccountsPolicy::default(),
            auth: AuthPolicy::default(),
            creation: creation_matrix(),
            habilitation: creation_matrix(),
            capabilities: capability_table(),
            administration: AdministrationPolicy::default(),
            visibility: VisibilityPolicy::default(),
            priority: PriorityPolicy::default(),
            works: WorksPolicy::default(),
            promotion: promotion_rules(),
            departure: departure_rules(),
            organizations: super::OrganizationsPolicy::default(),
            services: ServicesPolicy::default(),
            support: SupportPolicy::default(),
            knowledge_base: KnowledgeBasePolicy::default(),
        }
    }
}

/// Seed 002: a request for administration rights on a tool is approved
/// first (its example); administrators name the group desk's agents.
impl Default for SupportPolicy {
    fn default() -> Self {
        SupportPolicy {
            approval_categories: ["admin-rights".to_owned()].into_iter().collect(),
            manage_group_desk: set(&[Admin]),
            // A screenshot or a log file, not a dataset: data go in
            // datasets.
            attachment_max_bytes: 10 * 1024 * 1024,
            attachments_per_ticket: 20,
        }
    }
}

/// SPEC §8: the knowledge base is a public FAQ; besides the desk agents,
/// administrators write it (issue 18 §4) and the webmaster, who reads
/// everything and changes nothing (SPEC §2.5), reads its drafts.
impl Default for KnowledgeBasePolicy {
    fn default() -> Self {
        KnowledgeBasePolicy {
            public_read: true,
            read_drafts: set(&[Admin, Webmaster]),
            write: set(&[Admin]),
        }
    }
}

/// SPEC §6: administrators keep the catalog; an idle instance is noticed
/// after two days, stopped after three, deleted a day later.
impl Default for ServicesPolicy {
    fn default() -> Self {
        ServicesPolicy {
            manage_catalog: set(&[Admin]),
            idle_notice_after_hours: 48,
            idle_purge_after_hours: 72,
            purge_grace_hours: 24,
            max_running_per_user: 5,
            max_running_per_project: 20,
        }
    }
}

impl Default for WorksPolicy {
    fn default() -> Self {
        WorksPolicy {
            // Not novices: their works come from their compute jobs (SPEC
            // §2.4, results.create "no"; issue 17).
            create: set(&[Confirmed, Expert]),
            delete_own: set(&[Confirmed, Expert]),
        }
    }
}

/// SPEC §3.6 (seed 004 §6): the creator line schedules departures —
/// confirmed or expert above a novice, the expert above a confirmed, an
/// expert or an admin for an expert, who must name another expert as heir.
pub(crate) fn departure_rules() -> BTreeMap<Profile, DepartureRule> {
    BTreeMap::from([
        (
            Novice,
            DepartureRule {
                by: set(&[Confirmed, Expert]),
                from_supervision_line: true,
                heir_required: false,
            },
        ),
        (
            Confirmed,
            DepartureRule {
                by: set(&[Expert]),
                from_supervision_line: true,
                heir_required: false,
            },
        ),
        (
            Expert,
            DepartureRule {
                by: set(&[Expert, Admin]),
                from_supervision_line: false,
                heir_required: true,
            },
        ),
    ])
}

/// SPEC §3.4 (seed 004 §5): novice → confirmed by the expert above, who
/// becomes the supervisor; confirmed → expert by an admin.
pub(crate) fn promotion_rules() -> BTreeMap<Profile, PromotionRule> {
    BTreeMap::from([
        (
            Novice,
            PromotionRule {
                to: Confirmed,
                by: set(&[Expert]),
                from_supervision_line: true,
            },
        ),
        (
            Confirmed,
            PromotionRule {
                to: Expert,
                by: set(&[Admin]),
                from_supervision_line: false,
            },
        ),
    ])
}

impl Default for AccountsPolicy {
    fn default() -> Self {
        AccountsPolicy {
            allowed_email_domains: vec!["inserm.fr".to_owned(), "ext.inserm.fr".to_owned()],
            // SPEC §2.1: "at most 2 accounts" (seed 004 §3.2 "1 seul, voire 2").
            profile_limits: BTreeMap::from([(Webmaster, 2)]),
            activation_link_days: 7,
            password_min_length: 12,
            inactive_after_days: 365,
            inactivity_grace_days: 30,
            departure_warning_days: vec![21, 7],
            seats: set(&[Admin, Webmaster]),
            // seed 004 §2.1.4–2.1.5: novices report to a confirmed (or expert)
            // scientist, confirmed to an expert; experts report to no one.
            supervisors: BTreeMap::from([
                (Novice, set(&[Confirmed, Expert])),
                (Confirmed, set(&[Expert])),
            ]),
        }
    }
}

impl Default for AuthPolicy {
    fn default() -> Self {
        AuthPolicy {
            access_token_minutes: 15,
            refresh_token_days: 30,
            lockout_max_failures: 5,
            lockout_window_minutes: 15,
            lockout_minutes: 15,
        }
    }
}

impl Default for AdministrationPolicy {
    fn default() -> Self {
        AdministrationPolicy {
            block_accounts: set(&[Admin]),
            read_audit: set(&[Admin, Webmaster]),
            see_all_accounts: set(&[Admin, Webmaster]),
            read_personal_data: set(&[Webmaster]),
            handover_seats: set(&[Admin]),
            notified_of_activations: set(&[Admin, Webmaster]),
            manage_identities: set(&[Admin]),
        }
    }
}

impl Default for VisibilityPolicy {
    fn default() -> Self {
        VisibilityPolicy {
            expert_sees_confirmed_drafts: false,
            admin_sees_works: false,
            admin_sees_all_activity_logs: true,
            webmaster_reads_everything: true,
            supervisors_see_professional_email_only: true,
            confirmed_sees_novice_drafts: true,
            supervisors_see_subordinate_activity: true,
            secondment_host_sees_period_work: true,
        }
    }
}

impl Default for PriorityPolicy {
    fn default() -> Self {
        let cap = |max_running, max_share| PriorityCap {
            max_running,
            max_share,
        };
        PriorityPolicy {
            // SPEC §2.6: confirmed and webmaster share a rank because the seed
            // matrix (seed 004 §8.2) says each beats the other.
            ranks: BTreeMap::from([
                (Public, 1),
                (Novice, 2),
                (Confirmed, 3),
                (Expert, 4),
                (Admin, 5),
                (Webmaster, 3),
            ]),
            access: BTreeMap::from([
                (Public, PriorityAccess::None),
                (Novice, PriorityAccess::None),
                (Confirmed, PriorityAccess::Partial),
                (Expert, PriorityAccess::Partial),
                (Admin, PriorityAccess::Total),
                (Webmaster, PriorityAccess::None),
            ]),
            caps: BTreeMap::from([
                (Public, cap(1, 0.05)),
                (Novice, cap(4, 0.25)),
                (Confirmed, cap(8, 0.5)),
                (Expert, cap(16, 0.75)),
                (Admin, cap(32, 1.0)),
                (Webmaster, cap(2, 0.1)),
            ]),
            storage_quota_gb: BTreeMap::from([
                (Public, 0),
                (Novice, 50),
                (Confirmed, 200),
                (Expert, 1000),
                (Admin, 100),
                (Webmaster, 20),
            ]),
            precedence: Vec::new(),
        }
    }
}
