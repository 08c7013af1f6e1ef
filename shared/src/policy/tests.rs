//! Tests of the policy module. The expected tables below are written out by
//! hand from SPEC §2.3 and §2.4 (seed 004 §3.2, §4.2), NOT computed from the
//! default policy, so a drift in `default.rs` or `decide.rs` shows up here.

use super::*;

const Y: bool = true;
const N: bool = false;

/// Columns of [`TABLE`], in order: SPEC §2.3 then SPEC §2.4.
const COLUMNS: [&str; 19] = [
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

/// SPEC §2.3 and §2.4 with the charter accepted.
/// creation (nov conf exp adm wms) | habilitation (same) | charter read download
/// create publish modify run e.modify e.create
#[rustfmt::skip]
const TABLE: [(&str, [bool; 19]); 6] = [
    ("public",    [N, N, N, N, N,  N, N, N, N, N,  N, N, N, N, N, N, N, N, N]),
    ("novice",    [N, N, N, N, N,  N, N, N, N, N,  Y, Y, N, N, N, N, Y, N, N]),
    ("confirmed", [Y, N, N, N, N,  Y, N, N, N, N,  Y, Y, Y, Y, Y, Y, Y, Y, Y]),
    ("expert",    [Y, Y, N, N, N,  Y, Y, N, N, N,  Y, Y, Y, Y, Y, Y, Y, Y, Y]),
    ("admin",     [N, N, Y, N, Y,  N, N, Y, N, Y,  Y, N, N, Y, Y, N, Y, Y, Y]),
    ("webmaster", [N, N, N, N, N,  N, N, N, N, N,  Y, Y, N, N, Y, N, N, N, N]),
];

/// The "(tbc)" cells of SPEC §2.4, by hand: (profile, capability).
const PROVISIONAL: [(&str, &str); 10] = [
    ("novice", "engine.create"),
    ("confirmed", "results.create"),
    ("confirmed", "results.publish"),
    ("confirmed", "results.modify"),
    ("confirmed", "engine.modify"),
    ("confirmed", "engine.create"),
    ("admin", "results.create"),
    ("admin", "results.publish"),
    ("webmaster", "data.download"),
    ("webmaster", "results.publish"),
];

/// Other actions, no resource: (action, [public, novice, confirmed, expert, admin, webmaster]).
#[rustfmt::skip]
const OTHER_ACTIONS: [(&str, [bool; 6]); 53] = [
    ("user.list",     [N, Y, Y, Y, Y, Y]),
    ("user.read",     [N, N, N, N, N, N]), // needs a target account
    ("user.read_personal", [N, N, N, N, N, N]), // needs a target account
    ("user.block",    [N, N, N, N, Y, N]),
    ("user.unblock",  [N, N, N, N, Y, N]),
    ("audit.read",    [N, N, N, N, Y, Y]),
    ("policy.read",   [Y, Y, Y, Y, Y, Y]),
    ("authz.check",   [N, Y, Y, Y, Y, Y]),
    ("me.read",       [N, Y, Y, Y, Y, Y]),
    ("me.update",     [N, Y, Y, Y, Y, Y]),
    ("me.tokens",     [N, Y, Y, Y, Y, Y]),
    ("auth.password", [N, Y, Y, Y, Y, Y]),
    ("work.create",   [N, N, Y, Y, N, N]), // SPEC §5, §2.4: a novice's works come from jobs; admins see no works, the webmaster changes none
    ("work.read",     [N, N, N, N, N, N]), // needs a work
    ("work.state.unpublished", [N, N, N, N, N, N]), // needs a work
    ("work.state.published",   [N, N, N, N, N, N]), // needs a work
    ("work.delete",   [N, N, N, N, N, N]), // needs a work
    ("work.annotate", [N, N, N, N, N, N]), // needs a work
    ("activity.read", [N, N, N, N, N, N]), // needs an account
    ("user.promote",  [N, N, N, N, N, N]), // needs an account
    ("user.depart",   [N, N, N, N, N, N]), // needs an account
    ("user.handover", [N, N, N, N, N, N]), // needs an account
    ("user.second",   [N, N, N, N, N, N]), // needs an account
    ("work.transfer", [N, N, N, N, N, N]), // needs a work
    ("work.file",     [N, N, N, N, N, N]), // needs a work
    ("user.edit",     [N, N, N, N, N, N]), // needs an account
    ("user.activation", [N, N, N, N, N, N]), // needs an account
    ("catalog.read",  [N, Y, Y, Y, Y, Y]),
    ("catalog.manage", [N, N, N, N, Y, N]),
    ("order.create",  [N, N, N, N, N, N]), // needs a project
    ("order.read",    [N, N, N, N, N, N]), // needs a project
    ("order.manage",  [N, N, N, N, N, N]), // needs an order
    ("instance.launch", [N, N, N, N, N, N]), // needs a project
    ("instance.read", [N, N, N, N, N, N]), // needs an instance
    ("instance.manage", [N, N, N, N, N, N]), // needs an instance
    ("engine.list",   [N, Y, Y, Y, Y, Y]),
    ("queue.read",    [N, Y, Y, Y, Y, Y]),
    ("job.submit",    [N, N, N, N, N, N]), // needs a project
    ("job.read",      [N, N, N, N, N, N]), // needs a job
    ("job.cancel",    [N, N, N, N, N, N]), // needs a job
    ("desk.list",     [N, Y, Y, Y, Y, Y]),
    ("desk.read",     [N, N, N, N, N, N]), // needs a desk
    ("desk.agents.manage", [N, N, N, N, N, N]), // needs a desk
    ("desk.agents.read", [N, N, N, N, N, N]), // needs a desk
    ("ticket.create", [N, N, N, N, N, N]), // needs a desk
    ("ticket.list",   [N, Y, Y, Y, Y, Y]),
    ("ticket.read",   [N, N, N, N, N, N]), // needs a ticket
    ("ticket.comment", [N, N, N, N, N, N]), // needs a ticket
    ("ticket.work",   [N, N, N, N, N, N]), // needs a ticket
    ("ticket.settle", [N, N, N, N, N, N]), // needs a ticket
    ("kb.read",       [Y, Y, Y, Y, Y, Y]), // a public FAQ
    ("kb.read_drafts", [N, N, N, N, Y, Y]), // desk agents too: kb_is_for_desk_agents
    ("kb.write",      [N, N, N, N, Y, N]), // desk agents too: kb_is_for_desk_agents
];

fn profile(code: &str) -> Profile {
    code.parse().expect("profile code")
}

fn action(code: &str) -> Action {
    code.parse().expect("action code")
}

/// A decision names a rule written literally in this module's sources, and
/// its reason renders in every language, completely (no missing argument,
/// no unknown key) and without citing the SPEC or the seeds.
fn assert_explained(d: &Decision) {
    assert!(
        rule_is_literal(&d.rule),
        "rule `{}` is not written literally in shared/src/policy",
        d.rule
    );
    let key = d.reason.key().expect("a reason as decided");
    for lang in crate::i18n::LANGUAGES {
        let text = d.reason.render(lang);
        assert!(
            !text.is_empty()
                && text != key
                && !text.contains('{')
                && !text.contains("SPEC")
                && !text.contains("seed"),
            "{key} in {}: {text:?}",
            lang.as_str()
        );
    }
}

/// The sources a rule id must appear in, as a quoted literal.
const SOURCES: [&str; 8] = [
    include_str!("codes.rs"),
    include_str!("decide.rs"),
    include_str!("default.rs"),
    include_str!("model.rs"),
    include_str!("org.rs"),
    include_str!("reason.rs"),
    include_str!("validate.rs"),
    include_str!("vocab.rs"),
];

fn rule_is_literal(rule: &str) -> bool {
    let quoted = format!("\"{rule}\"");
    SOURCES.iter().any(|s| s.contains(&quoted))
}

fn accepted(p: Profile) -> Actor {
    Actor {
        profile: p,
        charter_accepted: true,
    }
}

#[test]
fn decide_matches_the_literal_spec_table() {
    let policy = Policy::default();
    let mut checked = 0;
    for (who, row) in TABLE {
        let actor = accepted(profile(who));
        for (code, expected) in COLUMNS.iter().zip(row) {
            let d = policy.decide(&actor, &action(code), &Resource::None);
            assert_eq!(d.allowed, expected, "{who} × {code}: {d:?}");
            assert_explained(&d);
            checked += 1;
        }
    }
    assert_eq!(checked, 6 * 19);
}

#[test]
fn other_actions_match_the_literal_table() {
    let policy = Policy::default();
    for (code, row) in OTHER_ACTIONS {
        for (p, expected) in Profile::ALL.into_iter().zip(row) {
            let d = policy.decide(&accepted(p), &action(code), &Resource::None);
            assert_eq!(d.allowed, expected, "{p} × {code}: {d:?}");
        }
    }
    // Anonymous: only the policy and the published articles.
    let public = [Action::PolicyRead, Action::KbRead];
    for a in Action::all() {
        let d = policy.decide(&Actor::anonymous(), &a, &Resource::None);
        assert_eq!(d.allowed, public.contains(&a), "{a}");
        if !public.contains(&a) {
            assert_eq!(d.rule, "public.no_account");
        }
    }
}

/// The knowledge base (issue 18 §4): its drafts and writing belong to the
/// desk agents whatever their profile, then to the profiles the policy
/// names; published articles are public unless the policy says otherwise.
#[test]
fn kb_is_for_desk_agents() {
    let policy = Policy::default();
    let agent = Resource::Kb { desk_agent: true };
    let other = Resource::Kb { desk_agent: false };
    for p in Profile::ACCOUNT_PROFILES {
        for a in [Action::KbReadDrafts, Action::KbWrite] {
            let d = policy.decide(&accepted(p), &a, &agent);
            assert!(d.allowed, "{p} agent × {a}");
            assert_eq!(d.rule, "knowledge_base.desk_agent");
            assert_explained(&d);
            let d = policy.decide(&accepted(p), &a, &other);
            let expected = match a {
                Action::KbReadDrafts => matches!(p, Profile::Admin | Profile::Webmaster),
                _ => p == Profile::Admin,
            };
            assert_eq!(d.allowed, expected, "{p} × {a}");
            assert_explained(&d);
        }
    }
    // Being an agent is no account: anonymous visitors never write.
    let d = policy.decide(&Actor::anonymous(), &Action::KbWrite, &agent);
    assert!(!d.allowed);
    assert_eq!(d.rule, "public.no_account");
    let d = policy.decide(&Actor::anonymous(), &Action::KbRead, &Resource::None);
    assert_eq!(d.rule, "knowledge_base.public_read");
    assert_explained(&d);

    let closed =
        Policy::from_toml_str("[knowledge_base]\npublic_read = false\nwrite = [\"expert\"]\n")
            .expect("parses");
    assert_eq!(
        closed.knowledge_base.read_drafts,
        policy.knowledge_base.read_drafts
    );
    let d = closed.decide(&Actor::anonymous(), &Action::KbRead, &Resource::None);
    assert!(!d.allowed);
    assert_explained(&d);
    assert!(
        closed
            .decide(&accepted(Profile::Novice), &Action::KbRead, &Resource::None)
            .allowed
    );
    assert!(
        closed
            .decide(&accepted(Profile::Expert), &Action::KbWrite, &other)
            .allowed
    );
    let err = Policy::from_toml_str("[knowledge_base]\nwrite = [\"public\"]\n")
        .expect_err("anonymous writers are refused");
    assert!(err.to_string().contains("knowledge_base.write"), "{err}");
}

#[test]
fn provisional_cells_are_flagged_in_reasons() {
    let policy = Policy::default();
    for p in Profile::ACCOUNT_PROFILES {
        for c in Capability::ALL {
            let expected = PROVISIONAL.contains(&(p.as_str(), c.code()));
            assert_eq!(policy.is_provisional(c, p), expected, "{p} × {c}");
            let d = policy.decide(&accepted(p), &Action::Capability(c), &Resource::None);
            assert_eq!(
                d.reason.key() == Some("policy-capability-provisional"),
                expected,
                "{p} × {c}: {d:?}"
            );
            assert_eq!(d.rule, format!("capabilities.{c}"));
        }
    }
}

#[test]
fn rules_and_reasons_name_the_deciding_rule() {
    let policy = Policy::default();
    let d = policy.decide(
        &accepted(Profile::Expert),
        &Action::UserCreate(Profile::Novice),
        &Resource::None,
    );
    assert!(d.allowed);
    assert_eq!(d.rule, "creation.expert.novice");
    assert_eq!(
        d.reason.render(crate::i18n::Language::En),
        "Expert scientists may create novice scientist accounts."
    );
    let d = policy.decide(
        &accepted(Profile::Admin),
        &Action::UserCreate(Profile::Admin),
        &Resource::None,
    );
    assert!(!d.allowed);
    assert_eq!(d.rule, "creation.never.admin");
    let d = policy.decide(
        &accepted(Profile::Expert),
        &Action::UserHabilitate(Profile::Public),
        &Resource::None,
    );
    assert!(!d.allowed);
    assert_eq!(d.rule, "habilitation.never.public");
    let d = policy.decide(
        &accepted(Profile::Admin),
        &Action::Capability(Capability::ResultsRead),
        &Resource::None,
    );
    assert!(!d.allowed);
    assert_eq!(d.rule, "capabilities.results.read");
    assert_eq!(d.reason.key(), Some("policy-capability"));
    assert_eq!(
        d.reason.args(),
        &[
            ("allowed", "no"),
            ("profile", "admin"),
            ("capability", "ResultsRead")
        ]
    );
    let d = policy.decide(
        &accepted(Profile::Webmaster),
        &Action::AuditRead,
        &Resource::None,
    );
    assert!(d.allowed);
    assert_eq!(d.rule, "administration.read_audit");
}

#[test]
fn charter_is_required_for_scientific_capabilities() {
    let policy = Policy::default();
    for p in Profile::ACCOUNT_PROFILES {
        let actor = Actor {
            profile: p,
            charter_accepted: false,
        };
        // Signing the charter itself never requires it.
        let d = policy.decide(
            &actor,
            &Action::Capability(Capability::CharterSign),
            &Resource::None,
        );
        assert!(d.allowed, "{p}: {d:?}");
        for c in Capability::ALL.into_iter().skip(1) {
            let with = policy.decide(&accepted(p), &Action::Capability(c), &Resource::None);
            let without = policy.decide(&actor, &Action::Capability(c), &Resource::None);
            assert!(!without.allowed, "{p} × {c}");
            if with.allowed {
                assert_eq!(without.rule, "charter.required", "{p} × {c}");
                assert_eq!(without.reason.key(), Some("policy-charter-required-for"));
            } else {
                // Not allowed anyway: the capability rule explains why.
                assert_eq!(without.rule, format!("capabilities.{c}"));
            }
        }
        // Account management does not need the charter.
        let d = policy.decide(&actor, &Action::MeRead, &Resource::None);
        assert!(d.allowed);
    }
    let d = policy.decide(
        &Actor::new(Profile::Expert, false),
        &Action::UserCreate(Profile::Confirmed),
        &Resource::None,
    );
    assert!(d.allowed, "creation does not need the charter: {d:?}");
}

#[test]
fn user_read_per_relation() {
    let policy = Policy::default();
    // (relation, allowed for [novice, confirmed, expert, admin, webmaster], rule when allowed to a novice)
    #[rustfmt::skip]
    let rows = [
        (Relation::Myself,      [Y, Y, Y, Y, Y], "visibility.account.myself"),
        (Relation::Supervisor,  [Y, Y, Y, Y, Y], "visibility.account.supervisor"),
        (Relation::Subordinate, [Y, Y, Y, Y, Y], "visibility.account.subordinate"),
        (Relation::Other,       [N, N, N, Y, Y], "visibility.account.other"),
    ];
    for (relation, expected, novice_rule) in rows {
        for (p, e) in Profile::ACCOUNT_PROFILES.into_iter().zip(expected) {
            let resource = Resource::Account {
                profile: Profile::Novice,
                relation,
            };
            let d = policy.decide(&Actor::new(p, false), &Action::UserRead, &resource);
            assert_eq!(d.allowed, e, "{p} reading {relation:?}: {d:?}");
            if p == Profile::Novice {
                assert_eq!(d.rule, novice_rule);
            }
            if p == Profile::Admin && relation == Relation::Other {
                assert_eq!(d.rule, "administration.see_all_accounts");
            }
        }
        let d = policy.decide(
            &Actor::anonymous(),
            &Action::UserRead,
            &Resource::Account {
                profile: Profile::Novice,
                relation,
            },
        );
        assert!(!d.allowed);
    }
    let d = policy.decide(
        &accepted(Profile::Admin),
        &Action::UserRead,
        &Resource::None,
    );
    assert!(!d.allowed);
}

#[test]
fn block_never_on_oneself() {
    let policy = Policy::default();
    let admin = accepted(Profile::Admin);
    let other = Resource::Account {
        profile: Profile::Expert,
        relation: Relation::Other,
    };
    let me = Resource::Account {
        profile: Profile::Admin,
        relation: Relation::Myself,
    };
    for a in [Action::UserBlock, Action::UserUnblock] {
        assert!(policy.decide(&admin, &a, &other).allowed);
        let d = policy.decide(&admin, &a, &me);
        assert!(!d.allowed);
        assert_eq!(d.rule, "administration.block_self");
        let d = policy.decide(&accepted(Profile::Expert), &a, &other);
        assert!(!d.allowed);
        assert_eq!(d.rule, "administration.block_accounts");
    }
}

#[test]
fn identity_is_corrected_by_the_creator_line_or_an_admin() {
    let policy = Policy::default();
    let account = |profile, relation| Resource::Account { profile, relation };
    for a in [Action::UserEdit, Action::UserActivation] {
        // (actor, target profile, relation, allowed, rule)
        #[rustfmt::skip]
        let rows = [
            (Profile::Confirmed, Profile::Novice,    Relation::Subordinate, Y, "identity.creator_line"),
            (Profile::Expert,    Profile::Novice,    Relation::Subordinate, Y, "identity.creator_line"),
            (Profile::Expert,    Profile::Confirmed, Relation::Subordinate, Y, "identity.creator_line"),
            (Profile::Expert,    Profile::Novice,    Relation::Other,       N, "identity.creator_line"),
            (Profile::Confirmed, Profile::Confirmed, Relation::Subordinate, N, "identity.creator_line"),
            (Profile::Novice,    Profile::Confirmed, Relation::Supervisor,  N, "identity.creator_line"),
            (Profile::Novice,    Profile::Novice,    Relation::Myself,      N, "identity.creator_line"),
            (Profile::Expert,    Profile::Expert,    Relation::Myself,      N, "identity.creator_line"),
            (Profile::Webmaster, Profile::Novice,    Relation::Other,       N, "identity.creator_line"),
            (Profile::Admin,     Profile::Novice,    Relation::Other,       Y, "administration.manage_identities"),
            (Profile::Admin,     Profile::Webmaster, Relation::Other,       Y, "administration.manage_identities"),
        ];
        for (me, target, relation, allowed, rule) in rows {
            let d = policy.decide(&Actor::new(me, false), &a, &account(target, relation));
            assert_eq!(d.allowed, allowed, "{me} {a} {target} {relation:?}: {d:?}");
            assert_eq!(d.rule, rule);
            assert_explained(&d);
        }
    }
    // Policy data: another profile may be given the right, never anonymous visitors.
    let err = Policy::from_toml_str("[administration]\nmanage_identities = [\"public\"]\n")
        .expect_err("public refused");
    assert!(
        err.to_string().contains("administration.manage_identities"),
        "{err}"
    );
}

/// Every (policy, actor, action, resource) combination: `decide` never
/// panics, every rule it returns is written literally in the sources and
/// every reason renders in every language (see [`assert_explained`]).
#[test]
fn decide_never_panics_on_any_combination() {
    let mut policies = vec![Policy::default()];
    let mut empty = Policy::default();
    empty.capabilities.clear();
    empty.creation.clear();
    empty.priority.ranks.clear();
    empty.promotion.clear();
    empty.organizations.roles.clear();
    policies.push(empty);
    let mut flipped = Policy::default();
    let v = &mut flipped.visibility;
    v.expert_sees_confirmed_drafts = !v.expert_sees_confirmed_drafts;
    v.admin_sees_works = !v.admin_sees_works;
    v.admin_sees_all_activity_logs = !v.admin_sees_all_activity_logs;
    v.webmaster_reads_everything = !v.webmaster_reads_everything;
    v.confirmed_sees_novice_drafts = !v.confirmed_sees_novice_drafts;
    v.supervisors_see_subordinate_activity = !v.supervisors_see_subordinate_activity;
    policies.push(flipped);
    let relations = [
        Relation::Myself,
        Relation::Supervisor,
        Relation::Subordinate,
        Relation::Other,
    ];
    let mut resources = vec![
        Resource::None,
        Resource::Approval { approver: true },
        Resource::Approval { approver: false },
    ];
    for profile in Profile::ALL {
        for relation in relations {
            resources.push(Resource::Account { profile, relation });
            for state in WorkState::ALL {
                resources.push(Resource::Work {
                    owner: profile,
                    relation,
                    state,
                });
            }
        }
    }
    let roles = std::iter::once(None).chain(OrgRole::ALL.map(Some));
    for role in roles {
        resources.push(Resource::Organization { role });
        for relation in [
            ProjectRelation::Owner,
            ProjectRelation::Sponsor,
            ProjectRelation::DataSteward,
            ProjectRelation::Participant,
            ProjectRelation::None,
        ] {
            resources.push(Resource::Project {
                org_role: role,
                relation,
            });
            for mine in [false, true] {
                resources.push(Resource::Service {
                    org_role: role,
                    relation,
                    mine,
                });
            }
        }
    }
    let mut actions = Action::all();
    actions.push(Action::UserCreate(Profile::Public));
    actions.push(Action::UserHabilitate(Profile::Public));
    actions.push(Action::WorkAdvance(WorkState::Draft));
    let mut seen = std::collections::HashSet::new();
    for policy in &policies {
        for p in Profile::ALL {
            for charter in [false, true] {
                for a in &actions {
                    for r in &resources {
                        seen.insert(policy.decide(&Actor::new(p, charter), a, r));
                    }
                }
            }
        }
    }
    // Rendering is slow in a debug build: each distinct answer once.
    for d in &seen {
        assert_explained(d);
    }
}

#[test]
fn helpers_follow_the_matrices() {
    let policy = Policy::default();
    assert_eq!(
        policy.creatable_by(Profile::Expert),
        [Profile::Novice, Profile::Confirmed]
    );
    assert_eq!(
        policy.creatable_by(Profile::Admin),
        [Profile::Expert, Profile::Webmaster]
    );
    assert_eq!(policy.creatable_by(Profile::Confirmed), [Profile::Novice]);
    assert!(policy.creatable_by(Profile::Novice).is_empty());
    assert!(policy.creatable_by(Profile::Public).is_empty());
    assert!(policy.may_create(Profile::Confirmed, Profile::Novice));
    assert!(!policy.may_create(Profile::Admin, Profile::Admin));
    assert!(policy.may_habilitate(Profile::Admin, Profile::Webmaster));

    assert!(policy.email_domain_allowed("jane.doe@inserm.fr"));
    assert!(policy.email_domain_allowed("Jane.Doe@INSERM.FR"));
    assert!(policy.email_domain_allowed("odd\"@local\"@ext.inserm.fr"));
    assert!(!policy.email_domain_allowed("jane@sub.inserm.fr"));
    assert!(!policy.email_domain_allowed("jane@inserm.fr.evil.com"));
    assert!(!policy.email_domain_allowed("jane@notinserm.fr"));
    assert!(!policy.email_domain_allowed("inserm.fr"));
    assert!(!policy.email_domain_allowed("@inserm.fr"));

    assert_eq!(policy.profile_limit(Profile::Webmaster), Some(2));
    assert_eq!(policy.profile_limit(Profile::Novice), None);
    let mut no_limit = Policy::default();
    no_limit.accounts.profile_limits.clear();
    assert_eq!(no_limit.profile_limit(Profile::Webmaster), Some(2));

    assert!(policy.outranks(Profile::Admin, Profile::Expert));
    assert!(!policy.outranks(Profile::Confirmed, Profile::Webmaster));
    assert!(!policy.outranks(Profile::Webmaster, Profile::Confirmed));
    assert_eq!(
        policy.priority_access(Profile::Admin),
        PriorityAccess::Total
    );
    assert_eq!(
        policy.priority_access(Profile::Expert),
        PriorityAccess::Partial
    );
    assert_eq!(
        policy.priority_access(Profile::Webmaster),
        PriorityAccess::None
    );
}

// ---------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------

#[test]
fn default_is_valid() {
    assert_eq!(Policy::default().validate(), Ok(()));
}

#[test]
fn toml_round_trip() {
    let policy = Policy::default();
    let text = policy.to_toml_string();
    assert!(text.contains("[capabilities.\"results.read\"]"), "{text}");
    assert_eq!(Policy::from_toml_str(&text), Ok(policy.clone()));

    let mut with_precedence = policy;
    with_precedence.priority.precedence = vec![
        [Profile::Admin, Profile::Expert],
        [Profile::Expert, Profile::Confirmed],
    ];
    let text = with_precedence.to_toml_string();
    assert_eq!(Policy::from_toml_str(&text), Ok(with_precedence));
}

#[test]
fn json_round_trip() {
    let policy = Policy::default();
    let text = policy.to_json_string();
    assert_eq!(Policy::from_json_str(&text), Ok(policy.clone()));
    let compact = serde_json::to_string(&policy).expect("json");
    assert_eq!(Policy::from_json_str(&compact), Ok(policy));
}

#[test]
fn empty_or_partial_documents_take_the_defaults() {
    assert_eq!(Policy::from_toml_str(""), Ok(Policy::default()));
    assert_eq!(Policy::from_json_str("{}"), Ok(Policy::default()));
    let p =
        Policy::from_toml_str("charter_version = \"2027-1\"\n[auth]\naccess_token_minutes = 5\n")
            .expect("valid");
    assert_eq!(p.charter_version, "2027-1");
    assert_eq!(p.auth.access_token_minutes, 5);
    assert_eq!(p.auth.refresh_token_days, 30);
    assert_eq!(p.creation, Policy::default().creation);
}

// ---------------------------------------------------------------------------
// Validation errors, each with its path
// ---------------------------------------------------------------------------

fn toml_err(text: &str) -> PolicyError {
    match Policy::from_toml_str(text) {
        Ok(p) => panic!("accepted: {p:?}"),
        Err(e) => e,
    }
}

fn json_err(text: &str) -> PolicyError {
    match Policy::from_json_str(text) {
        Ok(p) => panic!("accepted: {p:?}"),
        Err(e) => e,
    }
}

#[test]
fn unknown_profile_is_refused() {
    let e = toml_err("[accounts.profile_limits]\nwizard = 1\n");
    assert_eq!(e.path, "accounts.profile_limits.wizard");
    assert!(e.message.starts_with("unknown variant `wizard`"), "{e}");

    let e = toml_err(
        "[capabilities.\"results.read\"]\nallowed = [\"novice\", \"confirmed\", \"wizard\"]\n",
    );
    assert_eq!(e.path, "capabilities.\"results.read\".allowed[2]");
    assert!(e.message.starts_with("unknown variant `wizard`"), "{e}");
    assert!(e
        .to_string()
        .starts_with("capabilities.\"results.read\".allowed[2]: unknown variant `wizard`"));

    let e = json_err(r#"{"creation": {"expert": ["novice", "wizard"]}}"#);
    assert_eq!(e.path, "creation.expert[1]");
    assert!(e.message.starts_with("unknown variant `wizard`"), "{e}");
}

#[test]
fn unknown_capability_is_refused() {
    let e = toml_err("[capabilities.\"results.burn\"]\nallowed = []\n");
    assert_eq!(e.path, "capabilities.\"results.burn\"");
    assert!(
        e.message.starts_with("unknown variant `results.burn`"),
        "{e}"
    );
    let e = json_err(r#"{"capabilities": {"results.burn": {}}}"#);
    assert_eq!(e.path, "capabilities.\"results.burn\"");
    let e = json_err(r#"{"priority": {"ranks": {"wizard": 9}}}"#);
    assert_eq!(e.path, "priority.ranks.wizard");

    let mut doc: serde_json::Value =
        serde_json::from_str(&Policy::default().to_json_string()).expect("json");
    doc["capabilities"]
        .as_object_mut()
        .expect("object")
        .remove("engine.create");
    let e = json_err(&doc.to_string());
    assert_eq!(e.path, "capabilities");
    assert!(e.message.contains("engine.create"), "{e}");
}

#[test]
fn unknown_field_is_refused() {
    let e = toml_err("[auth]\naccess_token_minutes = 5\nsecret_sauce = true\n");
    assert_eq!(e.path, "auth.secret_sauce");
    assert!(e.message.starts_with("unknown field `secret_sauce`"), "{e}");
    assert!(e.message.contains("line 3"), "{e}");

    let e = toml_err("colour = \"blue\"\n");
    assert_eq!(e.path, "colour");

    let e = json_err(r#"{"visibility": {"admin_sees_works": false, "x": 1}}"#);
    assert_eq!(e.path, "visibility.x");
}

#[test]
fn three_webmasters_are_refused() {
    let e = toml_err("[accounts.profile_limits]\nwebmaster = 3\n");
    assert_eq!(e.path, "accounts.profile_limits.webmaster");
    assert!(e.message.starts_with("at most 2 webmasters"), "{e}");
    assert!(Policy::from_toml_str("[accounts.profile_limits]\nwebmaster = 1\n").is_ok());
}

#[test]
fn non_antisymmetric_precedence_is_refused() {
    // The seed 004 §8.2 matrix, "PLUS" cells as [row, column] pairs: confirmed
    // beats webmaster and webmaster beats confirmed.
    let e = toml_err(
        r#"[priority]
precedence = [
  ["novice", "public"],
  ["confirmed", "public"], ["confirmed", "novice"], ["confirmed", "webmaster"],
  ["expert", "public"], ["expert", "novice"], ["expert", "confirmed"], ["expert", "webmaster"],
  ["admin", "public"], ["admin", "novice"], ["admin", "confirmed"], ["admin", "expert"],
  ["admin", "webmaster"],
  ["webmaster", "public"], ["webmaster", "novice"], ["webmaster", "confirmed"],
]
"#,
    );
    assert_eq!(e.path, "priority.precedence[15]");
    assert!(e.message.contains("priority.precedence[3]"), "{e}");
    assert!(e.message.contains("antisymmetric"), "{e}");

    let e = toml_err("[priority]\nprecedence = [[\"expert\", \"expert\"]]\n");
    assert_eq!(e.path, "priority.precedence[0]");
}

#[test]
fn precedence_contradicting_ranks_is_refused() {
    let e = toml_err(
        "[priority]\nprecedence = [[\"admin\", \"expert\"], [\"confirmed\", \"webmaster\"]]\n",
    );
    assert_eq!(e.path, "priority.precedence[1]");
    assert!(e.message.contains("rank"), "{e}");
    assert!(Policy::from_toml_str("[priority]\nprecedence = [[\"admin\", \"expert\"]]\n").is_ok());
}

#[test]
fn creating_admins_is_refused() {
    let e = toml_err("[creation]\nexpert = [\"novice\", \"admin\"]\n");
    assert_eq!(e.path, "creation.expert");
    assert!(e.message.contains("admin"), "{e}");
    let e = toml_err("[habilitation]\npublic = [\"novice\"]\n");
    assert_eq!(e.path, "habilitation.public");
}

#[test]
fn other_semantic_errors_have_paths() {
    let cases = [
        ("version = 2\n", "version"),
        (
            "[accounts]\npassword_min_length = 8\n",
            "accounts.password_min_length",
        ),
        (
            "[accounts]\nallowed_email_domains = [\"inserm.fr\", \"a b\"]\n",
            "accounts.allowed_email_domains[1]",
        ),
        (
            "[auth]\naccess_token_minutes = 60\n",
            "auth.access_token_minutes",
        ),
        (
            "[capabilities.\"charter.sign\"]\nallowed = [\"public\"]\n",
            "capabilities.\"charter.sign\".allowed",
        ),
        (
            "[administration]\nread_audit = [\"public\"]\n",
            "administration.read_audit",
        ),
        ("[priority.ranks]\nadmin = 5\n", "priority.ranks"),
        (
            "[services]\nidle_notice_after_hours = 0\n",
            "services.idle_notice_after_hours",
        ),
        (
            "[services]\nidle_notice_after_hours = 72\nidle_purge_after_hours = 72\n",
            "services.idle_purge_after_hours",
        ),
        (
            "[services]\nmax_running_per_user = 0\n",
            "services.max_running_per_user",
        ),
        (
            "[services]\nmax_running_per_project = 0\n",
            "services.max_running_per_project",
        ),
        (
            "[services]\nmanage_catalog = [\"public\"]\n",
            "services.manage_catalog",
        ),
        ("[services]\nidle_hours = 3\n", "services.idle_hours"),
        (
            "[priority.caps.novice]\nmax_running = 4\nmax_share = 1.5\n",
            "priority.caps",
        ),
    ];
    for (text, path) in cases {
        assert_eq!(toml_err(text).path, path, "{text}");
    }
    let mut p = Policy::default();
    if let Some(cap) = p.priority.caps.get_mut(&Profile::Novice) {
        cap.max_share = 1.5;
    }
    assert_eq!(
        p.validate().map_err(|e| e.path),
        Err("priority.caps.novice.max_share".to_owned())
    );
}

#[test]
fn syntax_errors_are_reported() {
    let e = toml_err("[auth\n");
    assert!(e.message.contains("line 1"), "{e}");
    let e = json_err("{\"version\": 1} trailing");
    assert!(!e.message.is_empty());
    let e = toml_err("[auth]\naccess_token_minutes = \"soon\"\n");
    assert_eq!(e.path, "auth.access_token_minutes");
}

// ---------------------------------------------------------------------------
// Codes
// ---------------------------------------------------------------------------

#[test]
fn action_codes_round_trip() {
    let all = Action::all();
    // … + org.create + the 13 rows of the SPEC §4 organisation table (with
    // org.members.read) + the projects and approvals, then the gates of
    // lists, invitation acceptance and sign-out (issue 14), then work.file
    // and project.works (issue 14 §3), user.edit and user.activation (issue 14 §1),
    // then datasets and files (issue 15), then the service catalog, orders
    // and instances (issue 16), then engines, the queue and jobs (issue 17),
    // then support desks and tickets, then the knowledge base (issue 18).
    assert_eq!(
        all.len(),
        9 + 5 + 5 + 12 + 8 + 2 + 2 + 1 + 13 + 5 + 6 + 2 + 2 + 5 + 8 + 5 + 11 + 3
    );
    assert_eq!(all.len(), ACTION_CODES.len());
    for (a, code) in all.iter().zip(ACTION_CODES) {
        let code: &str = code;
        assert_eq!(a.code(), code);
        assert_eq!(a.to_string(), code);
        assert_eq!(code.parse::<Action>(), Ok(*a));
        let json = serde_json::to_string(a).expect("json");
        assert_eq!(json, format!("\"{code}\""));
        assert_eq!(serde_json::from_str::<Action>(&json).expect("json"), *a);
    }
    let mut codes: Vec<_> = ACTION_CODES.to_vec();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), ACTION_CODES.len(), "codes are unique");
    for bad in [
        "",
        "user.create",
        "user.create.wizard",
        "results",
        "RESULTS.READ",
        "me.tokens.x",
        "user.create.novice ",
    ] {
        assert_eq!(
            bad.parse::<Action>(),
            Err(UnknownCode(bad.to_owned())),
            "{bad:?}"
        );
    }
    assert!(serde_json::from_str::<Action>("\"user.delete\"").is_err());
}

#[test]
fn profile_and_capability_codes_round_trip() {
    for p in Profile::ALL {
        assert_eq!(p.as_str().parse::<Profile>(), Ok(p));
        assert_eq!(serde_json::to_string(&p).expect("json"), format!("\"{p}\""));
    }
    assert_eq!(Profile::ACCOUNT_PROFILES.len(), 5);
    assert!(!Profile::ACCOUNT_PROFILES.contains(&Profile::Public));
    assert_eq!(
        "Novice".parse::<Profile>(),
        Err(UnknownCode("Novice".into()))
    );
    for c in Capability::ALL {
        assert_eq!(c.code().parse::<Capability>(), Ok(c));
        assert_eq!(serde_json::to_string(&c).expect("json"), format!("\"{c}\""));
    }
    assert!("priority".parse::<Capability>().is_err());
    assert_eq!(
        serde_json::from_str::<Relation>("\"subordinate\"").expect("json"),
        Relation::Subordinate
    );
    assert_eq!(
        serde_json::from_str::<Relation>("\"Subordinate\"").expect("json"),
        Relation::Subordinate
    );
}

#[cfg(feature = "openapi")]
#[test]
fn openapi_schemas_build() {
    use utoipa::PartialSchema;
    let policy = serde_json::to_string(&Policy::schema()).expect("json");
    assert!(policy.contains("capabilities"), "{policy}");
    let action = serde_json::to_string(&Action::schema()).expect("json");
    assert!(action.contains("user.create.novice"), "{action}");
    let capability = serde_json::to_string(&Capability::schema()).expect("json");
    assert!(capability.contains("results.read"), "{capability}");
    let decision = serde_json::to_string(&Decision::schema()).expect("json");
    assert!(decision.contains("reason"), "{decision}");
}

// ---------------------------------------------------------------------------
// Works, activity, promotion (SPEC §2.5, §3.4, §5)
// ---------------------------------------------------------------------------

fn work(owner: Profile, relation: Relation, state: WorkState) -> Resource {
    Resource::Work {
        owner,
        relation,
        state,
    }
}

/// Viewer × (owner profile, relation) × state, written out.
#[test]
fn work_visibility_table() {
    use Profile::*;
    use Relation::*;
    use WorkState::*;
    let policy = Policy::default();
    #[rustfmt::skip]
    let rows: &[(Profile, Profile, Relation, [bool; 3])] = &[
        //  viewer     owner      relation       draft  unpub  published
        (Novice,    Novice,    Myself,       [true,  true,  true ]),
        (Novice,    Novice,    Other,        [false, false, true ]),
        (Novice,    Confirmed, Supervisor,   [false, false, true ]),
        (Confirmed, Novice,    Subordinate,  [true,  true,  true ]),
        (Confirmed, Confirmed, Other,        [false, false, true ]),
        (Confirmed, Expert,    Supervisor,   [false, false, true ]),
        (Expert,    Novice,    Subordinate,  [true,  true,  true ]),
        (Expert,    Confirmed, Subordinate,  [false, false, true ]),
        (Expert,    Expert,    Other,        [false, false, true ]),
        (Admin,     Novice,    Other,        [false, false, false]),
        (Admin,     Expert,    Other,        [false, false, false]),
        (Webmaster, Novice,    Other,        [true,  true,  true ]),
        (Webmaster, Expert,    Other,        [true,  true,  true ]),
    ];
    for (viewer, owner, relation, expected) in rows {
        for (state, want) in WorkState::ALL.into_iter().zip(expected) {
            let d = policy.decide(
                &accepted(*viewer),
                &Action::WorkRead,
                &work(*owner, *relation, state),
            );
            assert_eq!(
                d.allowed, *want,
                "{viewer} sees {state:?} of {owner} ({relation:?}): {d:?}"
            );
        }
    }
    // The switch lets experts see the drafts of their confirmed.
    let mut open = Policy::default();
    open.visibility.expert_sees_confirmed_drafts = true;
    let d = open.decide(
        &accepted(Expert),
        &Action::WorkRead,
        &work(Confirmed, Subordinate, Draft),
    );
    assert!(
        d.allowed && d.rule == "visibility.expert_sees_confirmed_drafts",
        "{d:?}"
    );
    // Without the charter, not even published works of others.
    let d = policy.decide(
        &Actor::new(Novice, false),
        &Action::WorkRead,
        &work(Expert, Other, Published),
    );
    assert_eq!(d.rule, "charter.required");
}

#[test]
fn administrators_know_nothing_of_works_unless_the_policy_says() {
    let policy = Policy::default();
    let knows = |p: Profile| policy.knows_of_works(&accepted(p));
    assert!(!knows(Profile::Admin) && !knows(Profile::Public));
    for p in [
        Profile::Novice,
        Profile::Confirmed,
        Profile::Expert,
        Profile::Webmaster,
    ] {
        assert!(knows(p), "{p}");
    }
    let mut open = Policy::default();
    open.visibility.admin_sees_works = true;
    assert!(open.knows_of_works(&accepted(Profile::Admin)));
}

#[test]
fn work_changes_belong_to_the_owner_and_follow_the_capabilities() {
    use Profile::*;
    use Relation::*;
    use WorkState::*;
    let policy = Policy::default();
    let advance = |p: Profile, rel: Relation, from: WorkState, to: WorkState| {
        policy
            .decide(&accepted(p), &Action::WorkAdvance(to), &work(p, rel, from))
            .allowed
    };
    assert!(advance(Confirmed, Myself, Draft, Unpublished));
    assert!(advance(Confirmed, Myself, Unpublished, Published));
    // One step at a time is the service's check, after the policy (409,
    // not 403): the policy only asks for the capability of the target state.
    assert!(advance(Confirmed, Myself, Draft, Published));
    assert!(
        !advance(Novice, Myself, Unpublished, Published),
        "novices have no results.publish"
    );
    assert!(
        !advance(Novice, Myself, Draft, Unpublished),
        "novices have no results.create"
    );
    assert!(
        !advance(Expert, Subordinate, Draft, Unpublished),
        "only the owner"
    );
    let delete = |p: Profile| {
        policy
            .decide(&accepted(p), &Action::WorkDelete, &work(p, Myself, Draft))
            .allowed
    };
    assert!(!delete(Novice) && delete(Confirmed) && delete(Expert));
    let annotate = |p: Profile, owner: Profile, rel: Relation, s: WorkState| {
        policy
            .decide(&accepted(p), &Action::WorkAnnotate, &work(owner, rel, s))
            .allowed
    };
    assert!(annotate(Confirmed, Novice, Subordinate, Draft));
    assert!(
        !annotate(Novice, Novice, Myself, Draft),
        "novices may not modify results"
    );
    assert!(
        !annotate(Webmaster, Novice, Other, Published),
        "the webmaster changes nothing"
    );
    assert!(!annotate(Confirmed, Confirmed, Other, Draft), "not visible");
}

#[test]
fn activity_and_promotion() {
    use Profile::*;
    use Relation::*;
    let policy = Policy::default();
    let acct = |profile, relation| Resource::Account { profile, relation };
    let activity = |viewer: Profile, owner: Profile, rel: Relation| {
        policy
            .decide(&accepted(viewer), &Action::ActivityRead, &acct(owner, rel))
            .allowed
    };
    assert!(activity(Novice, Novice, Myself));
    assert!(activity(Confirmed, Novice, Subordinate));
    assert!(activity(Expert, Confirmed, Subordinate));
    assert!(!activity(Novice, Confirmed, Supervisor));
    assert!(!activity(Confirmed, Confirmed, Other));
    assert!(activity(Admin, Expert, Other));
    assert!(!activity(Admin, Webmaster, Other));
    assert!(activity(Webmaster, Admin, Other));
    let promote = |by: Profile, target: Profile, rel: Relation| {
        policy
            .decide(&accepted(by), &Action::UserPromote, &acct(target, rel))
            .allowed
    };
    assert!(promote(Expert, Novice, Subordinate));
    assert!(
        !promote(Expert, Novice, Other),
        "only from the supervision line"
    );
    assert!(
        !promote(Confirmed, Novice, Subordinate),
        "the expert above, not the confirmed"
    );
    assert!(promote(Admin, Confirmed, Other));
    assert!(!promote(Expert, Confirmed, Subordinate));
    assert!(!promote(Admin, Expert, Other), "experts are never promoted");
    assert!(!promote(Admin, Webmaster, Other) && !promote(Admin, Admin, Myself));
}

#[test]
fn promotion_rules_are_validated() {
    let e = toml_err("[promotion.admin]\nto = \"expert\"\nby = [\"admin\"]\n");
    assert_eq!(e.path, "promotion.admin");
    let e = toml_err("[promotion.novice]\nto = \"webmaster\"\nby = [\"expert\"]\n");
    assert_eq!(e.path, "promotion.novice.to");
    let e = toml_err("[promotion.confirmed]\nto = \"novice\"\nby = [\"admin\"]\n");
    assert_eq!(e.path, "promotion.confirmed.to");
}

#[test]
fn departure_and_handover() {
    use Profile::*;
    use Relation::*;
    let policy = Policy::default();
    let acct = |profile, relation| Resource::Account { profile, relation };
    let depart = |by: Profile, who: Profile, rel: Relation| {
        policy
            .decide(&accepted(by), &Action::UserDepart, &acct(who, rel))
            .allowed
    };
    assert!(depart(Confirmed, Novice, Subordinate));
    assert!(depart(Expert, Novice, Subordinate));
    assert!(!depart(Confirmed, Novice, Other), "only the line above");
    assert!(depart(Expert, Confirmed, Subordinate));
    assert!(!depart(Admin, Confirmed, Other));
    assert!(depart(Admin, Expert, Other) && depart(Expert, Expert, Other));
    assert!(!depart(Expert, Expert, Myself));
    assert!(
        !depart(Admin, Webmaster, Other) && !depart(Admin, Admin, Other),
        "seats are handed over"
    );
    let handover = |by: Profile, who: Profile| {
        policy
            .decide(&accepted(by), &Action::UserHandover, &acct(who, Other))
            .allowed
    };
    assert!(handover(Admin, Webmaster) && handover(Admin, Admin));
    assert!(!handover(Webmaster, Webmaster) && !handover(Admin, Expert));
}

#[test]
fn secondment_and_transfer() {
    use Profile::*;
    use Relation::*;
    let policy = Policy::default();
    let second = |by: Profile, who: Profile, rel: Relation| {
        policy
            .decide(
                &accepted(by),
                &Action::UserSecond,
                &Resource::Account {
                    profile: who,
                    relation: rel,
                },
            )
            .allowed
    };
    assert!(second(Confirmed, Novice, Subordinate) && second(Expert, Novice, Subordinate));
    assert!(second(Expert, Confirmed, Subordinate));
    assert!(!second(Confirmed, Novice, Other) && !second(Admin, Novice, Other));
    assert!(!second(Admin, Expert, Other), "experts have no supervisor");
    let transfer = |by: Profile, rel: Relation| {
        policy
            .decide(
                &accepted(by),
                &Action::WorkTransfer,
                &work(by, rel, WorkState::Draft),
            )
            .allowed
    };
    assert!(transfer(Novice, Myself) && transfer(Confirmed, Myself));
    assert!(!transfer(Confirmed, Subordinate), "only the owner");
}

// ---------------------------------------------------------------------------
// Organisations (SPEC §4)
// ---------------------------------------------------------------------------

/// The SPEC §4 organisation-role table, literally: capability → (manager,
/// contributor, user, operator). Asked by an expert with the charter
/// accepted, whose profile forbids none of them.
#[test]
fn organisation_role_table_of_spec_4() {
    use super::{OrgCapability as C, OrgRole};
    const Y: bool = true;
    const N: bool = false;
    let table: [(C, [bool; 4]); 13] = [
        (C::ProjectsReadAll, [Y, N, N, N]),
        (C::ProjectsReadGranted, [Y, Y, Y, N]),
        (C::ProjectsReadNames, [Y, Y, Y, Y]),
        (C::ProjectsManage, [Y, N, N, N]),
        // Operators see the names of granted projects only: not who the
        // members are.
        (C::MembersRead, [Y, Y, Y, N]),
        (C::MembersManage, [Y, N, N, N]),
        (C::MembersExport, [Y, N, N, N]),
        (C::ProjectsAccess, [Y, N, N, N]),
        (C::FilesUpload, [Y, Y, N, Y]),
        (C::DatasetsDownload, [Y, Y, Y, N]),
        (C::ProcessingLaunch, [Y, Y, Y, N]),
        (C::Annotate, [Y, Y, N, N]),
        (C::FilesDelete, [Y, Y, N, N]),
    ];
    let policy = Policy::default();
    let expert = accepted(Profile::Expert);
    for (c, row) in table {
        for (role, expected) in OrgRole::ALL.into_iter().zip(row) {
            let d = policy.decide(
                &expert,
                &Action::Org(c),
                &Resource::Organization { role: Some(role) },
            );
            assert_eq!(d.allowed, expected, "{} as {role}: {}", c.code(), d.reason);
        }
        // Not a member: nothing, whatever the profile (admins aside).
        let outsider = policy.decide(
            &expert,
            &Action::Org(c),
            &Resource::Organization { role: None },
        );
        assert!(!outsider.allowed, "{} without a role", c.code());
    }
}

#[test]
fn an_organisation_role_never_grants_what_the_profile_forbids() {
    use super::{OrgCapability as C, OrgRole};
    let policy = Policy::default();
    let manager = Resource::Organization {
        role: Some(OrgRole::Manager),
    };
    let ask = |p: Profile, c: C| policy.decide(&accepted(p), &Action::Org(c), &manager);
    // Novices may not download data (SPEC §2.4), managers or not.
    let d = ask(Profile::Novice, C::DatasetsDownload);
    assert!(
        !d.allowed && d.reason.key() == Some("policy-org-profile-forbids"),
        "{}",
        d.reason
    );
    assert!(ask(Profile::Confirmed, C::DatasetsDownload).allowed);
    // Admins manage every organisation's people, never its content.
    let admin = |c: C| {
        policy
            .decide(
                &accepted(Profile::Admin),
                &Action::Org(c),
                &Resource::Organization { role: None },
            )
            .allowed
    };
    assert!(admin(C::MembersManage) && admin(C::MembersExport) && admin(C::ProjectsReadNames));
    assert!(admin(C::MembersRead));
    assert!(!admin(C::ProjectsReadAll) && !admin(C::DatasetsDownload) && !admin(C::ProjectsManage));
    let create = |p: Profile| {
        policy
            .decide(&accepted(p), &Action::OrgCreate, &Resource::None)
            .allowed
    };
    assert!(create(Profile::Admin));
    assert!(!create(Profile::Expert) && !create(Profile::Webmaster));
    // The table is policy data: a document may change a cell.
    let custom = Policy::from_toml_str(
        "[organizations.roles.\"org.annotate\"]\nroles = [\"manager\", \"contributor\", \"user\"]\nrequires = \"results.modify\"\n",
    )
    .expect("valid policy");
    let user = Resource::Organization {
        role: Some(OrgRole::User),
    };
    assert!(
        custom
            .decide(&accepted(Profile::Expert), &Action::Org(C::Annotate), &user)
            .allowed
    );
}

#[test]
fn project_decisions_follow_the_role_and_the_relation() {
    use super::{OrgRole::*, ProjectRelation as R};
    let policy = Policy::default();
    let expert = accepted(Profile::Expert);
    let ask = |action: Action, org_role: Option<super::OrgRole>, relation: R| {
        policy
            .decide(&expert, &action, &Resource::Project { org_role, relation })
            .allowed
    };
    // (org role, relation) → read, read name, manage, participants, works.
    let table = [
        (Some(Manager), R::None, [true, true, true, true, true]),
        (
            Some(Contributor),
            R::Participant,
            [true, true, false, false, true],
        ),
        (
            Some(Contributor),
            R::None,
            [false, false, false, false, false],
        ),
        (
            Some(User),
            R::Participant,
            [true, true, false, false, false],
        ),
        (
            Some(Operator),
            R::Participant,
            [false, true, false, false, false],
        ),
        (Some(Operator), R::None, [false, false, false, false, false]),
        (None, R::Sponsor, [true, true, false, true, false]),
        (None, R::DataSteward, [true, true, false, true, false]),
        (Some(User), R::Owner, [true, true, false, true, false]),
        (None, R::None, [false, false, false, false, false]),
    ];
    for (role, rel, expected) in table {
        let got = [
            ask(Action::ProjectRead, role, rel),
            ask(Action::ProjectReadName, role, rel),
            ask(Action::ProjectManage, role, rel),
            ask(Action::ProjectParticipants, role, rel),
            ask(Action::ProjectWorks, role, rel),
        ];
        assert_eq!(got, expected, "{role:?} {rel:?}");
    }
    let decide = |approver: bool| {
        policy
            .decide(
                &expert,
                &Action::ApprovalDecide,
                &Resource::Approval { approver },
            )
            .allowed
    };
    assert!(decide(true) && !decide(false));
}

// ---------------------------------------------------------------------------
// Named queries and reasons in the reader's language
// ---------------------------------------------------------------------------

/// The named queries answer what `decide` answers to the question they name,
/// for every profile, charter state and visibility switch.
#[test]
fn named_queries_agree_with_decide() {
    let mut policies = vec![Policy::default()];
    let mut flipped = Policy::default();
    flipped.visibility.admin_sees_works = true;
    flipped.visibility.webmaster_reads_everything = false;
    flipped.administration.see_all_accounts.clear();
    policies.push(flipped);
    for policy in &policies {
        for p in Profile::ALL {
            for charter in [false, true] {
                let actor = Actor::new(p, charter);
                for owner in Profile::ALL {
                    let account = Resource::Account {
                        profile: owner,
                        relation: Relation::Other,
                    };
                    assert_eq!(
                        policy.sees_all_accounts(&actor),
                        policy.decide(&actor, &Action::UserRead, &account).allowed,
                        "{p} × {owner}"
                    );
                    let published = work(owner, Relation::Other, WorkState::Published);
                    assert_eq!(
                        policy.sees_published_works(&actor),
                        policy.decide(&actor, &Action::WorkRead, &published).allowed,
                        "{p} (charter {charter}) × {owner}"
                    );
                    let every_state = WorkState::ALL.into_iter().all(|state| {
                        let w = work(owner, Relation::Other, state);
                        policy.decide(&actor, &Action::WorkRead, &w).allowed
                    });
                    assert_eq!(policy.sees_every_work(&actor), every_state, "{p} × {owner}");
                }
            }
        }
    }
    let policy = Policy::default();
    assert!(policy.sees_all_accounts(&accepted(Profile::Webmaster)));
    assert!(!policy.sees_all_accounts(&accepted(Profile::Expert)));
    assert!(policy.sees_published_works(&accepted(Profile::Novice)));
    assert!(!policy.sees_published_works(&accepted(Profile::Admin)));
    assert!(policy.sees_every_work(&accepted(Profile::Webmaster)));
}

#[test]
fn reasons_are_written_in_the_reader_language() {
    use crate::i18n::Language;
    let policy = Policy::default();
    let d = policy.decide(
        &accepted(Profile::Novice),
        &Action::UserCreate(Profile::Novice),
        &Resource::None,
    );
    assert_eq!(d.rule, "creation.novice.novice");
    assert_eq!(
        d.reason.render(Language::Fr),
        "Les scientifiques novices ne peuvent pas créer des comptes de scientifique novice : \
         adressez-vous à une personne dont le profil le permet."
    );
    assert_eq!(
        d.reason.render(Language::Ja),
        "初級研究者は初級研究者のアカウントを作成できません。これを行えるプロファイルの方にご相談ください。"
    );
    // A refusal names its rule, in the reader's language.
    assert_eq!(
        d.explain().render(Language::Fr),
        format!(
            "{} (règle creation.novice.novice)",
            d.reason.render(Language::Fr)
        )
    );
    // As JSON: the same three strings, the reason in the chosen language.
    let json = serde_json::to_value(d.in_language(Language::Ja)).expect("json");
    assert_eq!(json["rule"], "creation.novice.novice");
    assert_eq!(json["allowed"], false);
    assert_eq!(json["reason"], d.reason.render(Language::Ja));
    let back: Decision = serde_json::from_value(json).expect("parses");
    assert_eq!(
        back.reason.render(Language::En),
        d.reason.render(Language::Ja)
    );
}

#[test]
fn datasets_are_decided_as_their_project_and_files_by_org_role_and_profile() {
    use super::{OrgRole, ProjectRelation};
    let p = Policy::default();
    let on = |role: Option<OrgRole>, relation: ProjectRelation| Resource::Project {
        org_role: role,
        relation,
    };
    let may = |profile: Profile, action: Action, res: Resource| {
        p.decide(&Actor::new(profile, true), &action, &res).allowed
    };
    let all = [
        Action::DatasetRead,
        Action::DatasetManage,
        Action::FileUpload,
        Action::FileDownload,
        Action::FileDelete,
    ];
    let rows: [(Profile, Option<OrgRole>, ProjectRelation, [bool; 5]); 7] = [
        // A manager does everything; an expert may download.
        (
            Profile::Expert,
            Some(OrgRole::Manager),
            ProjectRelation::None,
            [true; 5],
        ),
        // The owner manages datasets, whatever the role.
        (
            Profile::Confirmed,
            Some(OrgRole::Contributor),
            ProjectRelation::Owner,
            [true; 5],
        ),
        (
            Profile::Confirmed,
            Some(OrgRole::Contributor),
            ProjectRelation::Participant,
            [true, false, true, true, true],
        ),
        // A novice user reads, but the profile forbids downloads.
        (
            Profile::Novice,
            Some(OrgRole::User),
            ProjectRelation::Participant,
            [true, false, false, false, false],
        ),
        (
            Profile::Confirmed,
            Some(OrgRole::User),
            ProjectRelation::Participant,
            [true, false, false, true, false],
        ),
        // Operators: names only, but they upload.
        (
            Profile::Expert,
            Some(OrgRole::Operator),
            ProjectRelation::Participant,
            [false, false, true, false, false],
        ),
        (Profile::Expert, None, ProjectRelation::None, [false; 5]),
    ];
    for (profile, role, relation, expected) in rows {
        for (action, want) in all.iter().zip(expected) {
            assert_eq!(
                may(profile, *action, on(role, relation)),
                want,
                "{profile:?} {role:?} {relation:?} {action}"
            );
        }
    }
    // The charter is needed to download (data.download is a capability).
    let res = on(Some(OrgRole::Manager), ProjectRelation::None);
    assert!(
        !p.decide(
            &Actor::new(Profile::Expert, false),
            &Action::FileDownload,
            &res
        )
        .allowed
    );
    assert_eq!(p.organizations.max_file_bytes, 50 << 30);
    assert_eq!(p.organizations.project_quota_bytes, 100 << 30);
    assert_eq!(p.organizations.upload_expiry_hours, 24);
}

#[test]
fn orders_and_instances_follow_the_project_the_role_and_who_asked() {
    use super::{OrgRole, OrgRole::*, ProjectRelation as R};
    let p = Policy::default();
    let may = |profile: Profile, action: Action, res: Resource| {
        p.decide(&Actor::new(profile, true), &action, &res).allowed
    };
    let project = |org_role: Option<OrgRole>, relation: R| Resource::Project { org_role, relation };
    let service = |org_role: Option<OrgRole>, relation: R, mine: bool| Resource::Service {
        org_role,
        relation,
        mine,
    };
    // On the project: order.create, instance.launch, order.read.
    let on_project = [
        Action::OrderCreate,
        Action::InstanceLaunch,
        Action::OrderRead,
    ];
    let rows: [(Profile, Option<OrgRole>, R, [bool; 3]); 9] = [
        (Profile::Expert, Some(Manager), R::None, [true, true, true]),
        (
            Profile::Confirmed,
            Some(Contributor),
            R::Participant,
            [true, true, true],
        ),
        (
            Profile::Confirmed,
            Some(User),
            R::Participant,
            [true, true, true],
        ),
        // A novice runs engines (SPEC §2.4), so orders too.
        (
            Profile::Novice,
            Some(User),
            R::Participant,
            [true, true, true],
        ),
        // Operators see names only and launch nothing.
        (
            Profile::Expert,
            Some(Operator),
            R::Participant,
            [false, false, false],
        ),
        // The owner reads the project but needs a role that may launch.
        (Profile::Expert, None, R::Owner, [false, false, true]),
        (Profile::Expert, Some(User), R::Owner, [true, true, true]),
        // A member of the organisation not granted the project: nothing.
        (
            Profile::Expert,
            Some(Contributor),
            R::None,
            [false, false, false],
        ),
        // The administrator's and the webmaster's profiles run no engines.
        (
            Profile::Webmaster,
            Some(User),
            R::Participant,
            [false, false, true],
        ),
    ];
    for (profile, role, rel, expected) in rows {
        for (action, want) in on_project.iter().zip(expected) {
            assert_eq!(
                may(profile, *action, project(role, rel)),
                want,
                "{profile:?} {role:?} {rel:?} {action}"
            );
            // The same on one of the project's orders.
            assert_eq!(
                may(profile, *action, service(role, rel, false)),
                want,
                "{profile:?} {role:?} {rel:?} {action} (order)"
            );
        }
    }
    // On one order or instance: order.manage, instance.read, instance.manage.
    let on_service = [
        Action::OrderManage,
        Action::InstanceRead,
        Action::InstanceManage,
    ];
    let rows: [(Option<OrgRole>, R, bool, bool); 7] = [
        (Some(User), R::Participant, true, true),
        (Some(User), R::Participant, false, false),
        (Some(Contributor), R::Participant, false, false),
        (Some(Manager), R::None, false, true),
        (Some(User), R::Owner, false, true),
        (None, R::Sponsor, false, false),
        (None, R::DataSteward, false, false),
    ];
    for (role, rel, mine, want) in rows {
        for action in on_service {
            assert_eq!(
                may(Profile::Confirmed, action, service(role, rel, mine)),
                want,
                "{role:?} {rel:?} mine={mine} {action}"
            );
            // Asked about a project instead of one order or instance.
            let d = p.decide(
                &Actor::new(Profile::Confirmed, true),
                &action,
                &project(role, rel),
            );
            assert!(!d.allowed && d.rule == "visibility.unknown", "{action}");
        }
    }
    // The charter is needed to launch (engine.run is a capability).
    let d = p.decide(
        &Actor::new(Profile::Expert, false),
        &Action::OrderCreate,
        &project(Some(Manager), R::None),
    );
    assert!(!d.allowed);
    assert_eq!(d.rule, "services.order.create");
    assert_explained(&d);
    // Anyone signed in reads the catalog; administrators keep it.
    for profile in Profile::ACCOUNT_PROFILES {
        let d = p.decide(&accepted(profile), &Action::CatalogRead, &Resource::None);
        assert!(d.allowed && d.rule == "account_holder.catalog.read");
        assert_explained(&d);
        let d = p.decide(&accepted(profile), &Action::CatalogManage, &Resource::None);
        assert_eq!(d.allowed, profile == Profile::Admin, "{profile}");
        assert_eq!(d.rule, "services.manage_catalog");
        assert_explained(&d);
    }
    let mut changed = Policy::default();
    changed.services.manage_catalog = [Profile::Expert].into_iter().collect();
    assert!(
        changed
            .decide(
                &accepted(Profile::Expert),
                &Action::CatalogManage,
                &Resource::None
            )
            .allowed
    );
}

#[test]
fn services_section_has_defaults_and_parses() {
    let s = &Policy::default().services;
    assert_eq!(s.idle_notice_after_hours, 48);
    assert_eq!(s.idle_purge_after_hours, 72);
    assert_eq!(s.purge_grace_hours, 24);
    assert_eq!(s.max_running_per_user, 5);
    assert_eq!(s.max_running_per_project, 20);
    assert_eq!(
        s.manage_catalog,
        [Profile::Admin]
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
    );
    let p = Policy::from_toml_str("[services]\nmax_running_per_user = 2\n").expect("parses");
    assert_eq!(p.services.max_running_per_user, 2);
    assert_eq!(p.services.idle_notice_after_hours, 48);
}

#[test]
fn jobs_are_submitted_by_who_may_run_engines_and_seen_up_the_line() {
    use super::{OrgRole::*, ProjectRelation as R};
    let p = Policy::default();
    let may = |profile: Profile, action: Action, res: Resource| {
        p.decide(&Actor::new(profile, true), &action, &res).allowed
    };
    let project = |org_role, relation| Resource::Project { org_role, relation };
    // Submitting: a role that may launch processing, and engine.run.
    assert!(may(
        Profile::Novice,
        Action::JobSubmit,
        project(Some(User), R::Participant)
    ));
    assert!(may(
        Profile::Expert,
        Action::JobSubmit,
        project(Some(Manager), R::Owner)
    ));
    // The webmaster runs no engine, whatever the role; an operator launches
    // nothing; a stranger does not read the project.
    assert!(!may(
        Profile::Webmaster,
        Action::JobSubmit,
        project(Some(User), R::Participant)
    ));
    assert!(!may(
        Profile::Confirmed,
        Action::JobSubmit,
        project(Some(Operator), R::Participant)
    ));
    assert!(!may(
        Profile::Confirmed,
        Action::JobSubmit,
        project(None, R::None)
    ));
    // Without the charter nothing goes through (the project is not even
    // read).
    let d = p.decide(
        &Actor::new(Profile::Novice, false),
        &Action::JobSubmit,
        &project(Some(User), R::Participant),
    );
    assert!(!d.allowed, "{d:?}");

    // One job of a novice: (viewer, org role, project relation, relation
    // to the owner) → [read, cancel].
    let job = |org_role, relation, owner_relation| Resource::Job {
        org_role,
        relation,
        owner: Profile::Novice,
        owner_relation,
    };
    type Row = (Profile, Option<OrgRole>, R, Relation, [bool; 2]);
    let rows: [Row; 6] = [
        // The owner.
        (
            Profile::Novice,
            Some(User),
            R::Participant,
            Relation::Myself,
            [true, true],
        ),
        // Their supervisor sees, does not cancel.
        (
            Profile::Confirmed,
            None,
            R::None,
            Relation::Subordinate,
            [true, false],
        ),
        // The organisation's manager does both.
        (
            Profile::Expert,
            Some(Manager),
            R::None,
            Relation::Other,
            [true, true],
        ),
        // A peer in the same project sees nothing.
        (
            Profile::Novice,
            Some(User),
            R::Participant,
            Relation::Other,
            [false, false],
        ),
        // The admin sees the activity of scientists, cancels nothing.
        (
            Profile::Admin,
            None,
            R::None,
            Relation::Other,
            [true, false],
        ),
        // The webmaster reads everything, changes nothing.
        (
            Profile::Webmaster,
            Some(Operator),
            R::Participant,
            Relation::Other,
            [true, false],
        ),
    ];
    for (viewer, role, rel, owner_rel, [read, cancel]) in rows {
        let res = job(role, rel, owner_rel);
        assert_eq!(
            may(viewer, Action::JobRead, res),
            read,
            "{viewer:?} {role:?} {rel:?} {owner_rel:?} read"
        );
        assert_eq!(
            may(viewer, Action::JobCancel, res),
            cancel,
            "{viewer:?} {role:?} {rel:?} {owner_rel:?} cancel"
        );
    }
    // Asked about a project instead of a job.
    assert!(!may(
        Profile::Novice,
        Action::JobRead,
        project(Some(User), R::Participant)
    ));
}

#[test]
fn support_section_has_defaults_parses_and_is_checked() {
    let s = &Policy::default().support;
    assert!(s.needs_approval("admin-rights"));
    assert!(!s.needs_approval("printer"));
    assert!(s.manage_group_desk.contains(&Profile::Admin));
    let p = Policy::from_toml_str("[support]\napproval_categories = [\"vpn\", \"admin-rights\"]\n")
        .expect("parses");
    assert!(p.support.needs_approval("vpn"));
    for bad in ["\"Bad Code\"", "\"\"", "\"a/b\""] {
        let err = Policy::from_toml_str(&format!("[support]\napproval_categories = [{bad}]\n"))
            .expect_err("refused");
        assert!(
            err.to_string().contains("support.approval_categories"),
            "{err}"
        );
    }
    assert!(Policy::from_toml_str("[support]\nmanage_group_desk = [\"public\"]\n").is_err());
}

#[test]
fn desks_and_tickets() {
    use OrgRole::{Manager, User};
    let p = Policy::default();
    let may = |profile: Profile, action: Action, res: Resource| {
        p.decide(&Actor::new(profile, false), &action, &res).allowed
    };
    let desk = |group, org_role, agent, agent_elsewhere| Resource::Desk {
        group,
        org_role,
        agent,
        agent_elsewhere,
    };
    // The group desk is known to all; a local desk to its members, agents, admins.
    assert!(may(
        Profile::Novice,
        Action::DeskRead,
        desk(true, None, false, false)
    ));
    assert!(may(
        Profile::Novice,
        Action::DeskRead,
        desk(false, Some(User), false, false)
    ));
    assert!(!may(
        Profile::Expert,
        Action::DeskRead,
        desk(false, None, false, false)
    ));
    assert!(may(
        Profile::Admin,
        Action::DeskRead,
        desk(false, None, false, false)
    ));
    // Agents: a local desk's by its managers and admins; the group desk's by admins.
    assert!(may(
        Profile::Expert,
        Action::DeskAgentsManage,
        desk(false, Some(Manager), false, false)
    ));
    assert!(!may(
        Profile::Expert,
        Action::DeskAgentsManage,
        desk(false, Some(User), true, false)
    ));
    assert!(may(
        Profile::Admin,
        Action::DeskAgentsManage,
        desk(false, None, false, false)
    ));
    assert!(may(
        Profile::Admin,
        Action::DeskAgentsManage,
        desk(true, None, false, false)
    ));
    assert!(!may(
        Profile::Expert,
        Action::DeskAgentsManage,
        desk(true, Some(Manager), true, false)
    ));
    assert!(may(
        Profile::Novice,
        Action::DeskAgentsRead,
        desk(false, Some(User), true, false)
    ));
    assert!(!may(
        Profile::Novice,
        Action::DeskAgentsRead,
        desk(false, Some(User), false, false)
    ));
    // Tickets are opened locally by members, at the group desk by agents.
    assert!(may(
        Profile::Novice,
        Action::TicketCreate,
        desk(false, Some(User), false, false)
    ));
    assert!(!may(
        Profile::Novice,
        Action::TicketCreate,
        desk(false, None, false, false)
    ));
    assert!(!may(
        Profile::Novice,
        Action::TicketCreate,
        desk(true, Some(User), false, false)
    ));
    assert!(may(
        Profile::Novice,
        Action::TicketCreate,
        desk(true, None, false, true)
    ));
    // A ticket: requester, participants, agents; only agents work it.
    let ticket = |requester, participant, agent| Resource::Ticket {
        requester,
        participant,
        agent,
    };
    for profile in Profile::ACCOUNT_PROFILES {
        assert!(may(profile, Action::TicketRead, ticket(true, false, false)));
        assert!(may(
            profile,
            Action::TicketComment,
            ticket(false, true, false)
        ));
        assert!(!may(profile, Action::TicketWork, ticket(true, true, false)));
        assert!(may(profile, Action::TicketWork, ticket(false, false, true)));
        assert!(may(
            profile,
            Action::TicketSettle,
            ticket(true, false, false)
        ));
        assert!(!may(
            profile,
            Action::TicketSettle,
            ticket(false, true, false)
        ));
        assert!(!may(
            profile,
            Action::TicketRead,
            ticket(false, false, false)
        ));
        // Participants are named by the requester and the agents, not by
        // another participant.
        for (requester, participant, agent, allowed) in [
            (true, false, false, true),
            (false, false, true, true),
            (false, true, false, false),
            (false, false, false, false),
        ] {
            assert_eq!(
                may(
                    profile,
                    Action::TicketParticipants,
                    ticket(requester, participant, agent)
                ),
                allowed
            );
        }
    }
    // Asked about no object.
    assert!(!may(Profile::Admin, Action::TicketRead, Resource::None));
    assert!(!may(Profile::Admin, Action::DeskRead, Resource::None));
}
