//! The one decision function (SPEC §2.2): (actor, action, resource) → allow /
//! deny + the rule that decided + a reason. Every API handler and
//! `POST /api/v1/authz/check` go through [`Policy::decide`], plus the small
//! queries built on the same matrices (`may_create`, `creatable_by`, ...).
//!
//! `decide` never panics and is cheap: a few `BTreeMap`/`BTreeSet` look-ups on
//! tiny maps and no allocation: the `rule` and `reason` of the [`Decision`]
//! are [`Text`]s, `&'static str` pieces joined only when written out.

use std::collections::{BTreeMap, BTreeSet};

use super::validate::MAX_WEBMASTERS;
use super::{
    Action, Actor, Capability, Decision, OrgCapability, Policy, PriorityAccess, Profile,
    ProjectRelation, Relation, Resource, Text, WorkState,
};

fn charter_required() -> Decision {
    decision(
        false,
        "charter.required",
        "accept the confidentiality charter first (SPEC §3.3)",
    )
}

fn no_target(code: &'static str) -> Decision {
    decision(
        false,
        cat(&["visibility.", code, ".unknown"]),
        cat(&[code, " is decided per object, and none was given"]),
    )
}

/// Static pieces as one text, joined only when written out.
fn cat(parts: &[&'static str]) -> Text {
    Text::cat(parts)
}

fn decision(allowed: bool, rule: impl Into<Text>, reason: impl Into<Text>) -> Decision {
    Decision {
        allowed,
        rule: rule.into(),
        reason: reason.into(),
    }
}

fn may(allowed: bool) -> &'static str {
    if allowed {
        " may "
    } else {
        " may not "
    }
}

/// What an account-holder action lets one do, for reasons.
fn self_service_phrase(action: &Action) -> &'static str {
    match action {
        Action::UserList => "list the accounts visible to them",
        Action::AuthzCheck => "ask the policy for a decision",
        Action::MeRead => "read their own account",
        Action::MeUpdate => "update their own account",
        Action::TokensManage => "manage their personal API tokens",
        Action::PasswordChange => "change their password",
        _ => "do this",
    }
}

impl Policy {
    /// THE decision function (SPEC §2.2). Every API handler calls it.
    /// Never panics; `rule` is a stable dotted identifier of the deciding rule.
    pub fn decide(&self, actor: &Actor, action: &Action, resource: &Resource) -> Decision {
        let me = actor.profile;
        if *action == Action::PolicyRead {
            return decision(
                true,
                "policy.read",
                "everyone, including anonymous visitors, may read the policy (SPEC §2.2)",
            );
        }
        if me == Profile::Public {
            return decision(
                false,
                "public.no_account",
                "anonymous visitors have no account and may only read the policy (SPEC §2.1)",
            );
        }
        match action {
            Action::Capability(c) => self.decide_capability(actor, *c),
            Action::UserCreate(p) => decide_matrix(&self.creation, "creation", "create", me, *p),
            Action::UserHabilitate(p) => {
                decide_matrix(&self.habilitation, "habilitation", "habilitate", me, *p)
            }
            Action::UserList
            | Action::AuthzCheck
            | Action::MeRead
            | Action::MeUpdate
            | Action::TokensManage
            | Action::PasswordChange => decision(
                true,
                cat(&["account_holder.", action.code_str()]),
                cat(&[
                    "every account holder may ",
                    self_service_phrase(action),
                    " (SPEC §11)",
                ]),
            ),
            Action::UserRead => self.decide_user_read(me, resource),
            Action::UserReadPersonal => self.decide_personal(me, resource),
            Action::WorkCreate => self.decide_work_create(actor),
            Action::WorkRead => self.decide_work_read(actor, resource),
            Action::WorkAdvance(to) => self.decide_work_advance(actor, resource, *to),
            Action::WorkDelete => self.decide_work_delete(me, resource),
            Action::WorkAnnotate => self.decide_work_annotate(actor, resource),
            Action::ActivityRead => self.decide_activity(me, resource),
            Action::UserPromote => self.decide_promote(me, resource),
            Action::UserDepart => self.decide_depart(me, resource),
            Action::UserHandover => self.decide_handover(me, resource),
            Action::UserSecond => self.decide_second(me, resource),
            Action::WorkTransfer => self.decide_work_transfer(me, resource),
            Action::OrgCreate => {
                let allowed = self.organizations.administer.contains(&me);
                decision(
                    allowed,
                    "organizations.administer",
                    cat(&[
                        me.plural_noun(),
                        may(allowed),
                        "create organisations (SPEC §4)",
                    ]),
                )
            }
            Action::Org(c) => self.decide_org(actor, *c, resource),
            Action::ProjectRead
            | Action::ProjectReadName
            | Action::ProjectManage
            | Action::ProjectParticipants => self.decide_project(actor, action, resource),
            Action::ApprovalDecide => {
                let allowed = matches!(resource, Resource::Approval { approver: true });
                decision(
                    allowed,
                    "approvals.approver",
                    if allowed {
                        "the approver decides (SPEC §4)"
                    } else {
                        "only the approver named in the request decides (SPEC §4)"
                    },
                )
            }
            Action::UserBlock => self.decide_block(me, resource, "block"),
            Action::UserUnblock => self.decide_block(me, resource, "unblock"),
            Action::AuditRead => {
                let allowed = self.administration.read_audit.contains(&me);
                decision(
                    allowed,
                    "administration.read_audit",
                    cat(&[
                        me.plural_noun(),
                        may(allowed),
                        "read the audit log (SPEC §11)",
                    ]),
                )
            }
            // Handled above; kept for exhaustiveness.
            Action::PolicyRead => decision(
                true,
                "policy.read",
                "everyone may read the policy (SPEC §2.2)",
            ),
        }
    }

    fn decide_capability(&self, actor: &Actor, c: Capability) -> Decision {
        let me = actor.profile;
        let rule_id = || cat(&["capabilities.", c.code()]);
        let Some(rule) = self.capabilities.get(&c) else {
            return decision(
                false,
                rule_id(),
                cat(&[
                    "the policy has no rule for `",
                    c.code(),
                    "`, so nobody has it",
                ]),
            );
        };
        let allowed = rule.allowed.contains(&me);
        if allowed && c != Capability::CharterSign && !actor.charter_accepted {
            return decision(
                false,
                "charter.required",
                cat(&[
                    "accept the confidentiality charter first: ",
                    me.plural_noun(),
                    " may ",
                    c.verb_phrase(),
                    " only after accepting it (SPEC §2.4, §3.3)",
                ]),
            );
        }
        let suffix = if rule.provisional.contains(&me) {
            " (provisional, SPEC §2.4)"
        } else {
            " (SPEC §2.4)"
        };
        decision(
            allowed,
            rule_id(),
            cat(&[me.plural_noun(), may(allowed), c.verb_phrase(), suffix]),
        )
    }

    fn decide_work_create(&self, actor: &Actor) -> Decision {
        let allowed = self.works.create.contains(&actor.profile);
        if allowed && !actor.charter_accepted {
            return charter_required();
        }
        decision(
            allowed,
            "works.create",
            cat(&[
                actor.profile.plural_noun(),
                may(allowed),
                "record works (SPEC §5)",
            ]),
        )
    }

    /// SPEC §2.5, in one place. The owner sees all of their works; published
    /// works are for everyone who may read sensitive results; the webmaster
    /// reads everything; admins see no works; drafts and unpublished works
    /// go up the supervision line only: a confirmed supervisor sees those of
    /// their novices, an expert those of the novices of their subtree and,
    /// if `expert_sees_confirmed_drafts`, of the confirmed they supervise.
    /// Peers and superiors see nothing private.
    fn decide_work_read(&self, actor: &Actor, resource: &Resource) -> Decision {
        let me = actor.profile;
        let Resource::Work {
            owner,
            relation,
            state,
        } = *resource
        else {
            return no_target("work.read");
        };
        let v = &self.visibility;
        if relation == Relation::Myself {
            return decision(
                true,
                "visibility.work.owner",
                "everyone sees their own works (SPEC §2.5)",
            );
        }
        if me == Profile::Admin && !v.admin_sees_works {
            return decision(
                false,
                "visibility.admin_sees_works",
                "administrators see no works, not even published ones (SPEC §2.5)",
            );
        }
        if me == Profile::Webmaster && v.webmaster_reads_everything {
            return decision(
                true,
                "visibility.webmaster_reads_everything",
                "the webmaster reads works in every state (SPEC §2.5)",
            );
        }
        let read = self.decide_capability(actor, Capability::ResultsRead);
        if !read.allowed {
            return read;
        }
        if state == WorkState::Published {
            return decision(
                true,
                "visibility.work.published",
                "published works are visible to everyone who may read results (SPEC §2.5)",
            );
        }
        if relation != Relation::Subordinate {
            return decision(
                false,
                "visibility.work.private",
                "nobody sees the drafts or unpublished works of peers or superiors (SPEC §2.5)",
            );
        }
        let (allowed, rule, reason) = match (me, owner) {
            (Profile::Confirmed, Profile::Novice) => (
                v.confirmed_sees_novice_drafts,
                "visibility.confirmed_sees_novice_drafts",
                "confirmed supervisors see the drafts and unpublished works of their novices (SPEC §2.5)",
            ),
            (Profile::Expert, Profile::Novice) => (
                true,
                "visibility.work.expert_novices",
                "experts see the drafts and unpublished works of the novices in their subtree (SPEC §2.5)",
            ),
            (Profile::Expert, Profile::Confirmed) => (
                v.expert_sees_confirmed_drafts,
                "visibility.expert_sees_confirmed_drafts",
                "experts see the published works only of the confirmed they supervise, unless the policy says otherwise (SPEC §2.5)",
            ),
            _ => (
                false,
                "visibility.work.private",
                "these drafts and unpublished works are not visible from this profile (SPEC §2.5)",
            ),
        };
        decision(allowed, rule, reason)
    }

    fn decide_work_advance(&self, actor: &Actor, resource: &Resource, to: WorkState) -> Decision {
        let Resource::Work {
            relation, state, ..
        } = *resource
        else {
            return no_target("work.state");
        };
        if relation != Relation::Myself {
            return decision(
                false,
                "works.owner_only",
                "only the owner changes the state of a work (SPEC §5)",
            );
        }
        if state.next() != Some(to) {
            return decision(
                false,
                "works.one_step",
                "a work moves one step at a time: draft → unpublished → published (SPEC §5)",
            );
        }
        let capability = match to {
            WorkState::Published => Capability::ResultsPublish,
            _ => Capability::ResultsCreate,
        };
        self.decide_capability(actor, capability)
    }

    fn decide_work_delete(&self, me: Profile, resource: &Resource) -> Decision {
        let Resource::Work { relation, .. } = *resource else {
            return no_target("work.delete");
        };
        if relation != Relation::Myself {
            return decision(
                false,
                "works.owner_only",
                "only the owner deletes a work (SPEC §3.6)",
            );
        }
        let allowed = self.works.delete_own.contains(&me);
        decision(
            allowed,
            "works.delete_own",
            cat(&[
                me.plural_noun(),
                may(allowed),
                "delete their own works (SPEC §3.6)",
            ]),
        )
    }

    fn decide_work_annotate(&self, actor: &Actor, resource: &Resource) -> Decision {
        let read = self.decide_work_read(actor, resource);
        if !read.allowed {
            return read;
        }
        self.decide_capability(actor, Capability::ResultsModify)
    }

    /// SPEC §2.5: one's own log; supervisors over their subtree; admins over
    /// every scientist; the webmaster over everyone, admins included.
    fn decide_activity(&self, me: Profile, resource: &Resource) -> Decision {
        let Resource::Account { profile, relation } = *resource else {
            return no_target("activity.read");
        };
        let v = &self.visibility;
        let scientist = matches!(
            profile,
            Profile::Novice | Profile::Confirmed | Profile::Expert
        );
        let (allowed, rule, reason) = if relation == Relation::Myself {
            (
                true,
                "visibility.activity.myself",
                "everyone sees their own activity log (SPEC §2.5)",
            )
        } else if me == Profile::Webmaster && v.webmaster_reads_everything {
            (
                true,
                "visibility.webmaster_reads_everything",
                "the webmaster reads everyone's activity log (SPEC §2.5)",
            )
        } else if me == Profile::Admin && v.admin_sees_all_activity_logs && scientist {
            (
                true,
                "visibility.admin_sees_all_activity_logs",
                "administrators see the activity logs of all scientists (SPEC §2.5)",
            )
        } else if relation == Relation::Subordinate && v.supervisors_see_subordinate_activity {
            (
                true,
                "visibility.supervisors_see_subordinate_activity",
                "supervisors see the activity logs of their subtree (SPEC §2.5)",
            )
        } else {
            (
                false,
                "visibility.activity.private",
                "nobody sees the activity log of peers or superiors (SPEC §2.5)",
            )
        };
        decision(allowed, rule, reason)
    }

    /// SPEC §3.6: the creator line schedules departures; seats (admin,
    /// webmaster) are never deleted, only handed over.
    fn decide_depart(&self, me: Profile, resource: &Resource) -> Decision {
        let Resource::Account { profile, relation } = *resource else {
            return no_target("user.depart");
        };
        let Some(rule) = self.departure.get(&profile) else {
            return decision(
                false,
                "departure.seat",
                cat(&[
                    profile.plural_noun(),
                    " are never deleted: their seat is handed over (SPEC §3.7)",
                ]),
            );
        };
        let allowed = relation != Relation::Myself
            && rule.by.contains(&me)
            && (!rule.from_supervision_line || relation == Relation::Subordinate);
        decision(
            allowed,
            cat(&["departure.", profile.as_str()]),
            cat(&[
                "the departure of ",
                profile.plural_noun(),
                " is scheduled by the creator line the policy names (SPEC §3.6)",
            ]),
        )
    }

    /// Secondment (SPEC §2.5): someone who has supervisors (novice,
    /// confirmed) is attached to a host by a profile that may supervise
    /// them, from above in their line.
    fn decide_second(&self, me: Profile, resource: &Resource) -> Decision {
        let Resource::Account { profile, relation } = *resource else {
            return no_target("user.second");
        };
        let supervisors = self.accounts.supervisors.get(&profile);
        let allowed =
            relation == Relation::Subordinate && supervisors.is_some_and(|s| s.contains(&me));
        decision(
            allowed,
            "secondment.supervision_line",
            cat(&[
                "a secondment of ",
                profile.plural_noun(),
                " is arranged by a supervisor above them (SPEC §2.5)",
            ]),
        )
    }

    /// A row of the SPEC §4 table: the actor's role in the organisation
    /// must hold it, and the platform capability it names too (an
    /// organisation role never grants what the profile forbids). Platform
    /// administrators manage the people of every organisation.
    fn decide_org(&self, actor: &Actor, c: OrgCapability, resource: &Resource) -> Decision {
        let me = actor.profile;
        let Resource::Organization { role } = *resource else {
            return no_target(c.code());
        };
        if c.is_administrative() && self.organizations.administer.contains(&me) {
            return decision(
                true,
                "organizations.administer",
                cat(&[
                    me.plural_noun(),
                    " manage the people of every organisation (SPEC §4)",
                ]),
            );
        }
        let rule = self.organizations.roles.get(&c);
        let Some(role) = role else {
            return decision(
                false,
                cat(&["organizations.roles.", c.code()]),
                "only members of the organisation act in it (SPEC §4)",
            );
        };
        if !rule.is_some_and(|r| r.roles.contains(&role)) {
            return decision(
                false,
                cat(&["organizations.roles.", c.code()]),
                cat(&[
                    "the organisation role ",
                    role.as_str(),
                    " does not allow this (SPEC §4)",
                ]),
            );
        }
        if let Some(needed) = rule.and_then(|r| r.requires) {
            let platform = self.decide_capability(actor, needed);
            if !platform.allowed {
                return decision(
                    false,
                    platform.rule,
                    Text::prefixed(
                        "an organisation role never grants what the profile forbids (SPEC §4): ",
                        platform.reason,
                    ),
                );
            }
        }
        decision(
            true,
            cat(&["organizations.roles.", c.code()]),
            cat(&[
                "the organisation role ",
                role.as_str(),
                " allows this (SPEC §4)",
            ]),
        )
    }

    /// Projects (SPEC §4): managers see and manage every project of their
    /// organisation; members see the projects they were granted (operators:
    /// names only); owner, sponsor and data steward see theirs and manage
    /// who accesses it, as do managers (`org.projects.access`).
    fn decide_project(&self, actor: &Actor, action: &Action, resource: &Resource) -> Decision {
        let Resource::Project { org_role, relation } = *resource else {
            return no_target(action.code_str());
        };
        let org = Resource::Organization { role: org_role };
        let may = |c: OrgCapability| self.decide_org(actor, c, &org).allowed;
        let granted = relation != ProjectRelation::None;
        let (allowed, rule, reason) = match action {
            Action::ProjectRead => {
                if may(OrgCapability::ProjectsReadAll) {
                    (
                        true,
                        "organizations.roles.org.projects.read_all",
                        "managers see every project of their organisation",
                    )
                } else if relation.answers_for_it() {
                    (
                        true,
                        "projects.answerable",
                        "owner, sponsor and data steward see their project",
                    )
                } else if granted && may(OrgCapability::ProjectsReadGranted) {
                    (
                        true,
                        "organizations.roles.org.projects.read_granted",
                        "members see the projects they were granted",
                    )
                } else {
                    (false, "organizations.roles.org.projects.read_granted", "only managers, the people answering for a project and those granted see it")
                }
            }
            Action::ProjectReadName => {
                let allowed = may(OrgCapability::ProjectsReadAll)
                    || relation.answers_for_it()
                    || (granted && may(OrgCapability::ProjectsReadNames));
                (
                    allowed,
                    "organizations.roles.org.projects.read_names",
                    "the names of granted projects",
                )
            }
            Action::ProjectManage => {
                let allowed = may(OrgCapability::ProjectsManage);
                (
                    allowed,
                    "organizations.roles.org.projects.manage",
                    "managers create, rename, delete and close projects",
                )
            }
            _ => {
                let allowed = relation.answers_for_it() || may(OrgCapability::ProjectsAccess);
                (
                    allowed,
                    "projects.participants",
                    "owner, sponsor, data steward and managers decide who accesses a project",
                )
            }
        };
        decision(allowed, rule, cat(&[reason, " (SPEC §4)"]))
    }

    fn decide_work_transfer(&self, me: Profile, resource: &Resource) -> Decision {
        let Resource::Work { relation, .. } = *resource else {
            return no_target("work.transfer");
        };
        let allowed = relation == Relation::Myself && self.works.create.contains(&me);
        decision(
            allowed,
            "works.transfer",
            "only the owner gives a work away (SPEC §2.5 secondment)",
        )
    }

    fn decide_handover(&self, me: Profile, resource: &Resource) -> Decision {
        let Resource::Account { profile, .. } = *resource else {
            return no_target("user.handover");
        };
        if !self.accounts.seats.contains(&profile) {
            return decision(
                false,
                "handover.not_a_seat",
                cat(&[
                    profile.plural_noun(),
                    " leave by departure, not by hand-over (SPEC §3.6)",
                ]),
            );
        }
        let allowed = self.administration.handover_seats.contains(&me);
        decision(
            allowed,
            "administration.handover_seats",
            cat(&[
                me.plural_noun(),
                may(allowed),
                "hand an admin or webmaster seat over (SPEC §3.7)",
            ]),
        )
    }

    /// SPEC §3.4: one level at a time, by the profiles the rule names (and
    /// from above in the supervision line when it says so); admins and
    /// webmasters never change profile.
    fn decide_promote(&self, me: Profile, resource: &Resource) -> Decision {
        let Resource::Account { profile, relation } = *resource else {
            return no_target("user.promote");
        };
        let Some(rule) = self.promotion.get(&profile) else {
            return decision(
                false,
                "promotion.none",
                cat(&[profile.plural_noun(), " are never promoted (SPEC §3.4)"]),
            );
        };
        let allowed = relation != Relation::Myself
            && rule.by.contains(&me)
            && (!rule.from_supervision_line || relation == Relation::Subordinate);
        let rule_id = cat(&["promotion.", profile.as_str()]);
        let reason = if rule.from_supervision_line {
            cat(&[
                profile.plural_noun(),
                " are promoted to ",
                rule.to.as_str(),
                " by the ",
                "supervisor line above them, from the profiles the policy names (SPEC §3.4)",
            ])
        } else {
            cat(&[
                profile.plural_noun(),
                " are promoted to ",
                rule.to.as_str(),
                " by the profiles the policy names (SPEC §3.4)",
            ])
        };
        decision(allowed, rule_id, reason)
    }

    /// Personal data: its owner, and the profiles of
    /// `administration.read_personal_data` (SPEC §2.5).
    fn decide_personal(&self, me: Profile, resource: &Resource) -> Decision {
        let Resource::Account { relation, .. } = resource else {
            return decision(
                false,
                "visibility.personal.unknown",
                "user.read_personal is decided per account, and no target account was given",
            );
        };
        if *relation == Relation::Myself {
            return decision(
                true,
                "visibility.personal.myself",
                "everyone may read their own personal data (SPEC §2.5)",
            );
        }
        if self.administration.read_personal_data.contains(&me) {
            return decision(
                true,
                "administration.read_personal_data",
                cat(&[
                    me.plural_noun(),
                    " read everyone's personal data (SPEC §2.5)",
                ]),
            );
        }
        decision(
            false,
            "visibility.personal.owner_only",
            "personal data is visible to its owner only; supervisors see the professional \
             e-mail (SPEC §2.5)",
        )
    }

    fn decide_user_read(&self, me: Profile, resource: &Resource) -> Decision {
        let Resource::Account { relation, .. } = resource else {
            return decision(
                false,
                "visibility.account.unknown",
                "user.read is decided per account, and no target account was given",
            );
        };
        let (rule, reason) = match relation {
            Relation::Myself => (
                "visibility.account.myself",
                "everyone may read their own account (SPEC §2.5)",
            ),
            Relation::Supervisor => (
                "visibility.account.supervisor",
                "everyone may read the accounts of their supervision line (SPEC §2.5)",
            ),
            Relation::Subordinate => (
                "visibility.account.subordinate",
                "supervisors may read the accounts in their supervision subtree (SPEC §2.5)",
            ),
            Relation::Other => {
                let allowed = self.administration.see_all_accounts.contains(&me);
                return if allowed {
                    decision(
                        true,
                        "administration.see_all_accounts",
                        cat(&[me.plural_noun(), " may read every account (SPEC §2.5)"]),
                    )
                } else {
                    decision(
                        false,
                        "visibility.account.other",
                        cat(&[
                            me.plural_noun(),
                            " may only read their own account and those of their \
                             supervision line and subtree (SPEC §2.5)",
                        ]),
                    )
                };
            }
        };
        decision(true, rule, reason)
    }

    fn decide_block(&self, me: Profile, resource: &Resource, verb: &'static str) -> Decision {
        let allowed = self.administration.block_accounts.contains(&me);
        if allowed {
            if let Resource::Account {
                relation: Relation::Myself,
                ..
            } = resource
            {
                return decision(
                    false,
                    "administration.block_self",
                    cat(&["nobody may ", verb, " their own account (SPEC §3.5)"]),
                );
            }
        }
        decision(
            allowed,
            "administration.block_accounts",
            cat(&[
                me.plural_noun(),
                may(allowed),
                verb,
                " accounts (SPEC §3.5)",
            ]),
        )
    }

    /// SPEC §2.3 creation matrix: may `creator` create a `target` account?
    /// Never for `admin` or `public` targets, whatever the document says.
    pub fn may_create(&self, creator: Profile, target: Profile) -> bool {
        matrix_allows(&self.creation, creator, target)
    }

    /// SPEC §2.3 habilitation matrix: may `by` habilitate a `target` account?
    pub fn may_habilitate(&self, by: Profile, target: Profile) -> bool {
        matrix_allows(&self.habilitation, by, target)
    }

    /// The profiles `creator` may create, in [`Profile::ALL`] order.
    pub fn creatable_by(&self, creator: Profile) -> Vec<Profile> {
        Profile::ACCOUNT_PROFILES
            .into_iter()
            .filter(|t| self.may_create(creator, *t))
            .collect()
    }

    /// Whether the e-mail's domain (exactly the part after the last `@`,
    /// case-insensitive) is an allowed institutional domain (SPEC §3.1).
    /// Subdomains are not implied: list them explicitly.
    pub fn email_domain_allowed(&self, email: &str) -> bool {
        let Some((local, domain)) = email.rsplit_once('@') else {
            return false;
        };
        !local.is_empty()
            && !domain.is_empty()
            && self
                .accounts
                .allowed_email_domains
                .iter()
                .any(|d| d.eq_ignore_ascii_case(domain))
    }

    /// Maximum number of accounts of a profile, if limited. The webmaster
    /// limit never exceeds 2 (SPEC §2.1), even if the document omits it.
    pub fn profile_limit(&self, profile: Profile) -> Option<u32> {
        let configured = self.accounts.profile_limits.get(&profile).copied();
        if profile == Profile::Webmaster {
            return Some(configured.map_or(MAX_WEBMASTERS, |l| l.min(MAX_WEBMASTERS)));
        }
        configured
    }

    /// Whether `actor` reads every account, related to them or not: the
    /// `administration.see_all_accounts` rule that [`Policy::decide`] applies
    /// to `user.read` of an unrelated account (SPEC §2.5). Lists of accounts
    /// are filtered by it.
    pub fn sees_all_accounts(&self, actor: &Actor) -> bool {
        actor.profile != Profile::Public
            && self
                .administration
                .see_all_accounts
                .contains(&actor.profile)
    }

    /// Whether `actor` reads the personal data of an account that stands in
    /// `relation` to them: the rule of `user.read_personal` (SPEC §2.5). A
    /// view shows or leaves out those fields by it; nothing is refused.
    pub fn sees_personal_data(&self, actor: &Actor, relation: Relation) -> bool {
        actor.profile != Profile::Public
            && (relation == Relation::Myself
                || self
                    .administration
                    .read_personal_data
                    .contains(&actor.profile))
    }

    /// Profiles that may supervise an account of `profile`; empty when the
    /// profile has no supervisor (experts, admins, webmasters).
    pub fn supervisor_profiles(&self, profile: Profile) -> Vec<Profile> {
        self.accounts
            .supervisors
            .get(&profile)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default()
    }

    /// The processing rank of a profile (SPEC §2.6); 0 if the document has none.
    pub fn rank(&self, profile: Profile) -> u32 {
        self.priority.ranks.get(&profile).copied().unwrap_or(0)
    }

    /// Whether jobs of `a` are dispatched strictly before jobs of `b` (SPEC §2.6).
    pub fn outranks(&self, a: Profile, b: Profile) -> bool {
        self.rank(a) > self.rank(b)
    }

    /// Resource priority access of a profile (SPEC §2.4 last row).
    pub fn priority_access(&self, profile: Profile) -> PriorityAccess {
        self.priority
            .access
            .get(&profile)
            .copied()
            .unwrap_or(PriorityAccess::None)
    }

    /// Whether the SPEC §2.4 cell (capability, profile) is "to be confirmed".
    pub fn is_provisional(&self, capability: Capability, profile: Profile) -> bool {
        self.capabilities
            .get(&capability)
            .is_some_and(|r| r.provisional.contains(&profile))
    }
}

fn matrix_allows(
    matrix: &BTreeMap<Profile, BTreeSet<Profile>>,
    by: Profile,
    target: Profile,
) -> bool {
    by != Profile::Public
        && target != Profile::Public
        && target != Profile::Admin
        && matrix.get(&by).is_some_and(|s| s.contains(&target))
}

fn decide_matrix(
    matrix: &BTreeMap<Profile, BTreeSet<Profile>>,
    section: &'static str,
    verb: &'static str,
    me: Profile,
    target: Profile,
) -> Decision {
    match target {
        Profile::Admin => decision(
            false,
            cat(&[section, ".never.admin"]),
            cat(&[
                "nobody may ",
                verb,
                " admin accounts through the API: the first admin is created at \
                 installation (SPEC §2.3)",
            ]),
        ),
        Profile::Public => decision(
            false,
            cat(&[section, ".never.public"]),
            cat(&[
                "nobody may ",
                verb,
                " public accounts: anonymous visitors have no account (SPEC §2.1)",
            ]),
        ),
        _ => {
            let allowed = matrix_allows(matrix, me, target);
            let suffix = if allowed && target == Profile::Webmaster {
                " accounts, at most 2 webmasters in total (SPEC §2.3)"
            } else {
                " accounts (SPEC §2.3)"
            };
            decision(
                allowed,
                cat(&[section, ".", me.as_str(), ".", target.as_str()]),
                cat(&[
                    me.plural_noun(),
                    may(allowed),
                    verb,
                    " ",
                    target.as_str(),
                    suffix,
                ]),
            )
        }
    }
}

#[cfg(test)]
mod facts {
    use super::super::{Action, Actor, Policy, Profile, Relation, Resource};

    /// The named facts say what [`Policy::decide`] says, for every profile
    /// and relation.
    #[test]
    fn facts_agree_with_decide() {
        let policy = Policy::default();
        for profile in Profile::ALL {
            for charter_accepted in [false, true] {
                let actor = Actor {
                    profile,
                    charter_accepted,
                };
                for relation in [
                    Relation::Myself,
                    Relation::Supervisor,
                    Relation::Subordinate,
                    Relation::Other,
                ] {
                    let account = Resource::Account {
                        profile: Profile::Novice,
                        relation,
                    };
                    assert_eq!(
                        policy.sees_personal_data(&actor, relation),
                        policy
                            .decide(&actor, &Action::UserReadPersonal, &account)
                            .allowed,
                        "{profile:?} {relation:?}"
                    );
                }
                let other = Resource::Account {
                    profile: Profile::Public,
                    relation: Relation::Other,
                };
                assert_eq!(
                    policy.sees_all_accounts(&actor),
                    policy.decide(&actor, &Action::UserRead, &other).allowed,
                    "{profile:?}"
                );
            }
        }
    }
}
