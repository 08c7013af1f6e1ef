//! The one decision function (SPEC §2.2): (actor, action, resource) → allow /
//! deny + the rule that decided + a reason. Every API handler and
//! `POST /api/v1/authz/check` go through [`Policy::decide`], plus the named
//! queries built on the same matrices (`may_create`, `sees_all_accounts`,
//! ...), so that a handler never asks a made-up question to learn a fact.
//!
//! Every rule id is written here as a literal (`grep -r creation.expert.novice`
//! finds where it is decided; a test checks it). `decide` never panics and
//! allocates nothing: a few `BTreeMap`/`BTreeSet` look-ups on tiny maps, a
//! `&'static str` rule and a [`Reason`] of static pieces, rendered in the
//! reader's language only when written out.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::validate::MAX_WEBMASTERS;
use super::{
    Action, Actor, Capability, Decision, OrgCapability, Policy, PriorityAccess, Profile,
    ProjectRelation, Reason, Relation, Resource, WorkState,
};

fn decision(allowed: bool, rule: &'static str, reason: Reason) -> Decision {
    Decision {
        allowed,
        rule: Cow::Borrowed(rule),
        reason,
    }
}

/// The `allowed` argument of a reason: the catalogs say "may" or "may not".
fn yes_no(allowed: bool) -> &'static str {
    if allowed {
        "yes"
    } else {
        "no"
    }
}

/// A reason that depends on the outcome and on the actor's profile.
fn profile_reason(key: &'static str, allowed: bool, me: Profile) -> Reason {
    Reason::new(key)
        .arg("allowed", yes_no(allowed))
        .arg("profile", me.as_str())
}

fn charter_required() -> Decision {
    decision(
        false,
        "charter.required",
        Reason::new("policy-charter-required"),
    )
}

/// An action decided per object, asked about no object.
fn no_target(action: &Action) -> Decision {
    decision(
        false,
        "visibility.unknown",
        Reason::new("policy-target-missing").arg("action", action.code_str()),
    )
}

/// Support tickets (SPEC §8): the requester, the participants and the
/// agents of the ticket's desks read and comment on it; only those agents
/// work it (internal notes, assignment, escalation, resolution); the
/// requester and those agents close or reopen it. Nobody else learns of
/// it, administrators included.
fn decide_ticket(action: &Action, resource: &Resource) -> Decision {
    let Resource::Ticket {
        requester,
        participant,
        agent,
    } = *resource
    else {
        return no_target(action);
    };
    let (allowed, rule, key) = match action {
        Action::TicketRead => (
            requester || participant || agent,
            "support.ticket.read",
            "policy-ticket-read",
        ),
        Action::TicketComment => (
            requester || participant || agent,
            "support.ticket.comment",
            "policy-ticket-comment",
        ),
        Action::TicketWork => (agent, "support.ticket.work", "policy-ticket-work"),
        Action::TicketSettle => (
            requester || agent,
            "support.ticket.settle",
            "policy-ticket-settle",
        ),
        Action::TicketParticipants => (
            requester || agent,
            "support.ticket.participants",
            "policy-ticket-participants",
        ),
        _ => return no_target(action),
    };
    decision(
        allowed,
        rule,
        Reason::new(key).arg("allowed", yes_no(allowed)),
    )
}

/// The rule of a SPEC §2.4 capability.
fn capability_rule(c: Capability) -> &'static str {
    match c {
        Capability::CharterSign => "capabilities.charter.sign",
        Capability::ResultsRead => "capabilities.results.read",
        Capability::DataDownload => "capabilities.data.download",
        Capability::ResultsCreate => "capabilities.results.create",
        Capability::ResultsPublish => "capabilities.results.publish",
        Capability::ResultsModify => "capabilities.results.modify",
        Capability::EngineRun => "capabilities.engine.run",
        Capability::EngineModify => "capabilities.engine.modify",
        Capability::EngineCreate => "capabilities.engine.create",
    }
}

/// The rule of a row of the SPEC §4 organisation table.
fn org_rule(c: OrgCapability) -> &'static str {
    match c {
        OrgCapability::ProjectsReadAll => "organizations.roles.org.projects.read_all",
        OrgCapability::ProjectsReadGranted => "organizations.roles.org.projects.read_granted",
        OrgCapability::ProjectsReadNames => "organizations.roles.org.projects.read_names",
        OrgCapability::ProjectsManage => "organizations.roles.org.projects.manage",
        OrgCapability::MembersRead => "organizations.roles.org.members.read",
        OrgCapability::MembersManage => "organizations.roles.org.members.manage",
        OrgCapability::MembersExport => "organizations.roles.org.members.export",
        OrgCapability::ProjectsAccess => "organizations.roles.org.projects.access",
        OrgCapability::FilesUpload => "organizations.roles.org.files.upload",
        OrgCapability::DatasetsDownload => "organizations.roles.org.datasets.download",
        OrgCapability::ProcessingLaunch => "organizations.roles.org.processing.launch",
        OrgCapability::Annotate => "organizations.roles.org.annotate",
        OrgCapability::FilesDelete => "organizations.roles.org.files.delete",
    }
}

/// The SPEC §2.3 matrices.
#[derive(Clone, Copy)]
enum Matrix {
    Creation,
    Habilitation,
}

/// The rule of a cell of a SPEC §2.3 matrix (`actor` is never `Public`:
/// anonymous visitors are answered before).
#[rustfmt::skip]
fn matrix_rule(matrix: Matrix, actor: Profile, target: Profile) -> &'static str {
    use Matrix::{Creation as C, Habilitation as H};
    use Profile::{Admin, Confirmed, Expert, Novice, Public, Webmaster};
    match (matrix, actor, target) {
        (C, _, Admin) => "creation.never.admin",
        (C, _, Public) => "creation.never.public",
        (H, _, Admin) => "habilitation.never.admin",
        (H, _, Public) => "habilitation.never.public",
        (_, Public, _) => "public.no_account",
        (C, Novice, Novice) => "creation.novice.novice",
        (C, Novice, Confirmed) => "creation.novice.confirmed",
        (C, Novice, Expert) => "creation.novice.expert",
        (C, Novice, Webmaster) => "creation.novice.webmaster",
        (C, Confirmed, Novice) => "creation.confirmed.novice",
        (C, Confirmed, Confirmed) => "creation.confirmed.confirmed",
        (C, Confirmed, Expert) => "creation.confirmed.expert",
        (C, Confirmed, Webmaster) => "creation.confirmed.webmaster",
        (C, Expert, Novice) => "creation.expert.novice",
        (C, Expert, Confirmed) => "creation.expert.confirmed",
        (C, Expert, Expert) => "creation.expert.expert",
        (C, Expert, Webmaster) => "creation.expert.webmaster",
        (C, Admin, Novice) => "creation.admin.novice",
        (C, Admin, Confirmed) => "creation.admin.confirmed",
        (C, Admin, Expert) => "creation.admin.expert",
        (C, Admin, Webmaster) => "creation.admin.webmaster",
        (C, Webmaster, Novice) => "creation.webmaster.novice",
        (C, Webmaster, Confirmed) => "creation.webmaster.confirmed",
        (C, Webmaster, Expert) => "creation.webmaster.expert",
        (C, Webmaster, Webmaster) => "creation.webmaster.webmaster",
        (H, Novice, Novice) => "habilitation.novice.novice",
        (H, Novice, Confirmed) => "habilitation.novice.confirmed",
        (H, Novice, Expert) => "habilitation.novice.expert",
        (H, Novice, Webmaster) => "habilitation.novice.webmaster",
        (H, Confirmed, Novice) => "habilitation.confirmed.novice",
        (H, Confirmed, Confirmed) => "habilitation.confirmed.confirmed",
        (H, Confirmed, Expert) => "habilitation.confirmed.expert",
        (H, Confirmed, Webmaster) => "habilitation.confirmed.webmaster",
        (H, Expert, Novice) => "habilitation.expert.novice",
        (H, Expert, Confirmed) => "habilitation.expert.confirmed",
        (H, Expert, Expert) => "habilitation.expert.expert",
        (H, Expert, Webmaster) => "habilitation.expert.webmaster",
        (H, Admin, Novice) => "habilitation.admin.novice",
        (H, Admin, Confirmed) => "habilitation.admin.confirmed",
        (H, Admin, Expert) => "habilitation.admin.expert",
        (H, Admin, Webmaster) => "habilitation.admin.webmaster",
        (H, Webmaster, Novice) => "habilitation.webmaster.novice",
        (H, Webmaster, Confirmed) => "habilitation.webmaster.confirmed",
        (H, Webmaster, Expert) => "habilitation.webmaster.expert",
        (H, Webmaster, Webmaster) => "habilitation.webmaster.webmaster",
    }
}

/// The rule of a promotion (SPEC §3.4), by the promoted profile.
fn promotion_rule(profile: Profile) -> &'static str {
    match profile {
        Profile::Public => "promotion.public",
        Profile::Novice => "promotion.novice",
        Profile::Confirmed => "promotion.confirmed",
        Profile::Expert => "promotion.expert",
        Profile::Admin => "promotion.admin",
        Profile::Webmaster => "promotion.webmaster",
    }
}

/// The rule of a departure (SPEC §3.6), by the leaving profile.
fn departure_rule(profile: Profile) -> &'static str {
    match profile {
        Profile::Public => "departure.public",
        Profile::Novice => "departure.novice",
        Profile::Confirmed => "departure.confirmed",
        Profile::Expert => "departure.expert",
        Profile::Admin => "departure.admin",
        Profile::Webmaster => "departure.webmaster",
    }
}

/// The rule of a self-service action every account holder has (SPEC §11),
/// and what it lets one do (the `what` of the reason).
fn account_holder_rule(action: &Action) -> (&'static str, &'static str) {
    match action {
        Action::UserList => ("account_holder.user.list", "list"),
        Action::AuthzCheck => ("account_holder.authz.check", "check"),
        Action::MeRead => ("account_holder.me.read", "read"),
        Action::MeUpdate => ("account_holder.me.update", "update"),
        Action::TokensManage => ("account_holder.me.tokens", "tokens"),
        Action::OrgList => ("account_holder.org.list", "orgs"),
        Action::ProjectList => ("account_holder.project.list", "projects"),
        Action::ApprovalList => ("account_holder.approval.list", "approvals"),
        Action::WorkList => ("account_holder.work.list", "works"),
        Action::InvitationAccept => ("account_holder.invitation.accept", "invitation"),
        Action::Logout => ("account_holder.auth.logout", "logout"),
        Action::CatalogRead => ("account_holder.catalog.read", "catalog"),
        Action::EngineList => ("account_holder.engine.list", "engines"),
        Action::QueueRead => ("account_holder.queue.read", "queue"),
        Action::DeskList => ("account_holder.desk.list", "desks"),
        Action::TicketList => ("account_holder.ticket.list", "tickets"),
        _ => ("account_holder.auth.password", "password"),
    }
}

impl Policy {
    /// THE decision function (SPEC §2.2). Every API handler calls it.
    /// Never panics; `rule` is a stable dotted identifier of the deciding rule.
    pub fn decide(&self, actor: &Actor, action: &Action, resource: &Resource) -> Decision {
        let me = actor.profile;
        if *action == Action::PolicyRead {
            return decision(true, "policy.read", Reason::new("policy-read"));
        }
        if *action == Action::KbRead {
            return self.decide_kb_read(me);
        }
        if me == Profile::Public {
            return decision(
                false,
                "public.no_account",
                Reason::new("policy-public-no-account"),
            );
        }
        match action {
            Action::Capability(c) => self.decide_capability(actor, *c),
            Action::UserCreate(p) => decide_matrix(&self.creation, Matrix::Creation, me, *p),
            Action::UserHabilitate(p) => {
                decide_matrix(&self.habilitation, Matrix::Habilitation, me, *p)
            }
            Action::UserList
            | Action::AuthzCheck
            | Action::MeRead
            | Action::MeUpdate
            | Action::TokensManage
            | Action::OrgList
            | Action::ProjectList
            | Action::ApprovalList
            | Action::WorkList
            | Action::InvitationAccept
            | Action::Logout
            | Action::CatalogRead
            | Action::EngineList
            | Action::QueueRead
            | Action::DeskList
            | Action::TicketList
            | Action::PasswordChange => {
                let (rule, what) = account_holder_rule(action);
                decision(
                    true,
                    rule,
                    Reason::new("policy-account-holder").arg("what", what),
                )
            }
            Action::UserRead => self.decide_user_read(me, action, resource),
            Action::UserReadPersonal => self.decide_personal(me, action, resource),
            Action::WorkCreate => self.decide_work_create(actor),
            Action::WorkRead => self.decide_work_read(actor, action, resource),
            Action::WorkAdvance(to) => self.decide_work_advance(actor, action, resource, *to),
            Action::WorkDelete => self.decide_work_delete(me, action, resource),
            Action::WorkAnnotate => self.decide_work_annotate(actor, action, resource),
            Action::ActivityRead => self.decide_activity(me, action, resource),
            Action::UserPromote => self.decide_promote(me, action, resource),
            Action::UserDepart => self.decide_depart(me, action, resource),
            Action::UserHandover => self.decide_handover(me, action, resource),
            Action::UserSecond => self.decide_second(me, action, resource),
            Action::WorkTransfer | Action::WorkFile => {
                self.decide_work_transfer(me, action, resource)
            }
            Action::OrgCreate => {
                let allowed = self.organizations.administer.contains(&me);
                decision(
                    allowed,
                    "organizations.administer",
                    profile_reason("policy-org-create", allowed, me),
                )
            }
            Action::Org(c) => self.decide_org(actor, *c, resource),
            Action::ProjectRead
            | Action::ProjectReadName
            | Action::ProjectManage
            | Action::ProjectParticipants
            | Action::ProjectWorks => self.decide_project(actor, action, resource),
            Action::DatasetRead
            | Action::DatasetManage
            | Action::FileUpload
            | Action::FileDownload
            | Action::FileDelete => self.decide_dataset(actor, action, resource),
            Action::CatalogManage => {
                let allowed = self.services.manage_catalog.contains(&me);
                decision(
                    allowed,
                    "services.manage_catalog",
                    profile_reason("policy-catalog-manage", allowed, me),
                )
            }
            Action::OrderCreate
            | Action::OrderRead
            | Action::OrderManage
            | Action::InstanceLaunch
            | Action::InstanceRead
            | Action::InstanceManage => self.decide_service(actor, action, resource),
            Action::JobSubmit | Action::JobRead | Action::JobCancel => {
                self.decide_job(actor, action, resource)
            }
            Action::DeskRead
            | Action::DeskAgentsManage
            | Action::DeskAgentsRead
            | Action::TicketCreate => self.decide_desk(actor, action, resource),
            Action::TicketRead
            | Action::TicketComment
            | Action::TicketWork
            | Action::TicketSettle
            | Action::TicketParticipants => decide_ticket(action, resource),
            Action::KbReadDrafts | Action::KbWrite => self.decide_kb(me, action, resource),
            Action::ApprovalDecide => {
                let allowed = matches!(resource, Resource::Approval { approver: true });
                decision(
                    allowed,
                    "approvals.approver",
                    Reason::new("policy-approval-approver").arg("allowed", yes_no(allowed)),
                )
            }
            Action::UserBlock | Action::UserUnblock => self.decide_block(me, action, resource),
            Action::UserEdit | Action::UserActivation => self.decide_identity(me, action, resource),
            Action::AuditRead => {
                let allowed = self.administration.read_audit.contains(&me);
                decision(
                    allowed,
                    "administration.read_audit",
                    profile_reason("policy-audit-read", allowed, me),
                )
            }
            // Answered above; kept for exhaustiveness.
            Action::PolicyRead => decision(true, "policy.read", Reason::new("policy-read")),
            Action::KbRead => self.decide_kb_read(me),
        }
    }

    fn decide_capability(&self, actor: &Actor, c: Capability) -> Decision {
        let me = actor.profile;
        let rule_id = capability_rule(c);
        let Some(rule) = self.capabilities.get(&c) else {
            return decision(
                false,
                rule_id,
                Reason::new("policy-capability-unassigned").arg("capability", c.ident()),
            );
        };
        let allowed = rule.allowed.contains(&me);
        if allowed && c != Capability::CharterSign && !actor.charter_accepted {
            return decision(
                false,
                "charter.required",
                Reason::new("policy-charter-required-for")
                    .arg("profile", me.as_str())
                    .arg("capability", c.ident()),
            );
        }
        let key = if rule.provisional.contains(&me) {
            "policy-capability-provisional"
        } else {
            "policy-capability"
        };
        decision(
            allowed,
            rule_id,
            profile_reason(key, allowed, me).arg("capability", c.ident()),
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
            profile_reason("policy-works-create", allowed, actor.profile),
        )
    }

    /// SPEC §2.5, in one place. The owner sees all of their works; published
    /// works are for everyone who may read sensitive results; the webmaster
    /// reads everything; admins see no works; drafts and unpublished works
    /// go up the supervision line only: a confirmed supervisor sees those of
    /// their novices, an expert those of the novices of their subtree and,
    /// if `expert_sees_confirmed_drafts`, of the confirmed they supervise.
    /// Peers and superiors see nothing private.
    fn decide_work_read(&self, actor: &Actor, action: &Action, resource: &Resource) -> Decision {
        let me = actor.profile;
        let Resource::Work {
            owner,
            relation,
            state,
        } = *resource
        else {
            return no_target(action);
        };
        let v = &self.visibility;
        if relation == Relation::Myself {
            return decision(
                true,
                "visibility.work.owner",
                Reason::new("policy-work-owner"),
            );
        }
        if me == Profile::Admin && !v.admin_sees_works {
            return decision(
                false,
                "visibility.admin_sees_works",
                Reason::new("policy-work-admin"),
            );
        }
        if me == Profile::Webmaster && v.webmaster_reads_everything {
            return decision(
                true,
                "visibility.webmaster_reads_everything",
                Reason::new("policy-work-webmaster"),
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
                Reason::new("policy-work-published"),
            );
        }
        if relation != Relation::Subordinate {
            return decision(
                false,
                "visibility.work.private",
                Reason::new("policy-work-private"),
            );
        }
        let (allowed, rule, key) = match (me, owner) {
            (Profile::Confirmed, Profile::Novice) => (
                v.confirmed_sees_novice_drafts,
                "visibility.confirmed_sees_novice_drafts",
                "policy-work-confirmed-novices",
            ),
            (Profile::Expert, Profile::Novice) => (
                true,
                "visibility.work.expert_novices",
                "policy-work-expert-novices",
            ),
            (Profile::Expert, Profile::Confirmed) => (
                v.expert_sees_confirmed_drafts,
                "visibility.expert_sees_confirmed_drafts",
                "policy-work-expert-confirmed",
            ),
            _ => (
                false,
                "visibility.work.private",
                "policy-work-private-profile",
            ),
        };
        decision(
            allowed,
            rule,
            Reason::new(key).arg("allowed", yes_no(allowed)),
        )
    }

    fn decide_work_advance(
        &self,
        actor: &Actor,
        action: &Action,
        resource: &Resource,
        to: WorkState,
    ) -> Decision {
        // Whether `to` is the next state is the service's check (409, after
        // this decision): the policy says who may move a work, not when.
        let Resource::Work { relation, .. } = *resource else {
            return no_target(action);
        };
        if relation != Relation::Myself {
            return decision(
                false,
                "works.owner_only",
                Reason::new("policy-work-owner-only").arg("action", action.code_str()),
            );
        }
        let capability = match to {
            WorkState::Published => Capability::ResultsPublish,
            _ => Capability::ResultsCreate,
        };
        self.decide_capability(actor, capability)
    }

    fn decide_work_delete(&self, me: Profile, action: &Action, resource: &Resource) -> Decision {
        let Resource::Work { relation, .. } = *resource else {
            return no_target(action);
        };
        if relation != Relation::Myself {
            return decision(
                false,
                "works.owner_only",
                Reason::new("policy-work-owner-only").arg("action", action.code_str()),
            );
        }
        let allowed = self.works.delete_own.contains(&me);
        decision(
            allowed,
            "works.delete_own",
            profile_reason("policy-work-delete-own", allowed, me),
        )
    }

    fn decide_work_annotate(
        &self,
        actor: &Actor,
        action: &Action,
        resource: &Resource,
    ) -> Decision {
        let read = self.decide_work_read(actor, action, resource);
        if !read.allowed {
            return read;
        }
        self.decide_capability(actor, Capability::ResultsModify)
    }

    /// SPEC §2.5: one's own log; supervisors over their subtree; admins over
    /// every scientist; the webmaster over everyone, admins included.
    fn decide_activity(&self, me: Profile, action: &Action, resource: &Resource) -> Decision {
        let Resource::Account { profile, relation } = *resource else {
            return no_target(action);
        };
        let v = &self.visibility;
        let scientist = matches!(
            profile,
            Profile::Novice | Profile::Confirmed | Profile::Expert
        );
        let (allowed, rule, key) = if relation == Relation::Myself {
            (true, "visibility.activity.myself", "policy-activity-myself")
        } else if me == Profile::Webmaster && v.webmaster_reads_everything {
            (
                true,
                "visibility.webmaster_reads_everything",
                "policy-activity-webmaster",
            )
        } else if me == Profile::Admin && v.admin_sees_all_activity_logs && scientist {
            (
                true,
                "visibility.admin_sees_all_activity_logs",
                "policy-activity-admin",
            )
        } else if relation == Relation::Subordinate && v.supervisors_see_subordinate_activity {
            (
                true,
                "visibility.supervisors_see_subordinate_activity",
                "policy-activity-supervisors",
            )
        } else {
            (
                false,
                "visibility.activity.private",
                "policy-activity-private",
            )
        };
        decision(allowed, rule, Reason::new(key))
    }

    /// SPEC §3.6: the creator line schedules departures; seats (admin,
    /// webmaster) are never deleted, only handed over.
    fn decide_depart(&self, me: Profile, action: &Action, resource: &Resource) -> Decision {
        let Resource::Account { profile, relation } = *resource else {
            return no_target(action);
        };
        let Some(rule) = self.departure.get(&profile) else {
            return decision(
                false,
                "departure.seat",
                Reason::new("policy-departure-seat").arg("profile", profile.as_str()),
            );
        };
        let allowed = relation != Relation::Myself
            && rule.by.contains(&me)
            && (!rule.from_supervision_line || relation == Relation::Subordinate);
        decision(
            allowed,
            departure_rule(profile),
            Reason::new("policy-departure")
                .arg("allowed", yes_no(allowed))
                .arg("profile", profile.as_str()),
        )
    }

    /// Secondment (SPEC §2.5): someone who has supervisors (novice,
    /// confirmed) is attached to a host by a profile that may supervise
    /// them, from above in their line.
    fn decide_second(&self, me: Profile, action: &Action, resource: &Resource) -> Decision {
        let Resource::Account { profile, relation } = *resource else {
            return no_target(action);
        };
        let supervisors = self.accounts.supervisors.get(&profile);
        let allowed =
            relation == Relation::Subordinate && supervisors.is_some_and(|s| s.contains(&me));
        decision(
            allowed,
            "secondment.supervision_line",
            Reason::new("policy-secondment")
                .arg("allowed", yes_no(allowed))
                .arg("profile", profile.as_str()),
        )
    }

    /// A row of the SPEC §4 table: the actor's role in the organisation
    /// must hold it, and the platform capability it names too (an
    /// organisation role never grants what the profile forbids). Platform
    /// administrators manage the people of every organisation.
    fn decide_org(&self, actor: &Actor, c: OrgCapability, resource: &Resource) -> Decision {
        let me = actor.profile;
        let Resource::Organization { role } = *resource else {
            return no_target(&Action::Org(c));
        };
        if c.is_administrative() && self.organizations.administer.contains(&me) {
            return decision(
                true,
                "organizations.administer",
                Reason::new("policy-org-administer").arg("profile", me.as_str()),
            );
        }
        let rule = self.organizations.roles.get(&c);
        let Some(role) = role else {
            return decision(false, org_rule(c), Reason::new("policy-org-members-only"));
        };
        let role_reason = |allowed: bool| {
            Reason::new("policy-org-role")
                .arg("allowed", yes_no(allowed))
                .arg("role", role.as_str())
                .arg("action", c.code())
        };
        if !rule.is_some_and(|r| r.roles.contains(&role)) {
            return decision(false, org_rule(c), role_reason(false));
        }
        if let Some(needed) = rule.and_then(|r| r.requires) {
            let platform = self.decide_capability(actor, needed);
            if !platform.allowed {
                return decision(
                    false,
                    capability_rule(needed),
                    Reason::new("policy-org-profile-forbids")
                        .arg("profile", me.as_str())
                        .arg("capability", needed.ident()),
                );
            }
        }
        decision(true, org_rule(c), role_reason(true))
    }

    /// Projects (SPEC §4): managers see and manage every project of their
    /// organisation; members see the projects they were granted (operators:
    /// names only); owner, sponsor and data steward see theirs and manage
    /// who accesses it, as do managers (`org.projects.access`).
    fn decide_project(&self, actor: &Actor, action: &Action, resource: &Resource) -> Decision {
        let Resource::Project { org_role, relation } = *resource else {
            return no_target(action);
        };
        let org = Resource::Organization { role: org_role };
        let may = |c: OrgCapability| self.decide_org(actor, c, &org).allowed;
        let granted = relation != ProjectRelation::None;
        let (allowed, rule, key) = match action {
            Action::ProjectRead => {
                if may(OrgCapability::ProjectsReadAll) {
                    (
                        true,
                        "organizations.roles.org.projects.read_all",
                        "policy-project-read-managers",
                    )
                } else if relation.answers_for_it() {
                    (
                        true,
                        "projects.answerable",
                        "policy-project-read-answerable",
                    )
                } else if granted && may(OrgCapability::ProjectsReadGranted) {
                    (
                        true,
                        "organizations.roles.org.projects.read_granted",
                        "policy-project-read-granted",
                    )
                } else {
                    (
                        false,
                        "organizations.roles.org.projects.read_granted",
                        "policy-project-read-denied",
                    )
                }
            }
            Action::ProjectReadName => (
                may(OrgCapability::ProjectsReadAll)
                    || relation.answers_for_it()
                    || (granted && may(OrgCapability::ProjectsReadNames)),
                "organizations.roles.org.projects.read_names",
                "policy-project-read-name",
            ),
            Action::ProjectManage => (
                may(OrgCapability::ProjectsManage),
                "organizations.roles.org.projects.manage",
                "policy-project-manage",
            ),
            Action::ProjectWorks => (
                self.decide_project(actor, &Action::ProjectRead, resource)
                    .allowed
                    && may(OrgCapability::Annotate),
                "organizations.roles.org.annotate",
                "policy-project-works",
            ),
            _ => (
                relation.answers_for_it() || may(OrgCapability::ProjectsAccess),
                "projects.participants",
                "policy-project-participants",
            ),
        };
        decision(
            allowed,
            rule,
            Reason::new(key).arg("allowed", yes_no(allowed)),
        )
    }

    /// Datasets and their files (SPEC §4 table, §5): a dataset is read as
    /// its project is; managing datasets is for the organisation's managers
    /// and the project's owner; uploading needs the project's name and
    /// `org.files.upload` (operators included); downloading and deleting a
    /// file need the project read and `org.datasets.download` (with the
    /// profile's `data.download`) or `org.files.delete`.
    fn decide_dataset(&self, actor: &Actor, action: &Action, resource: &Resource) -> Decision {
        let Resource::Project { org_role, relation } = *resource else {
            return no_target(action);
        };
        let org = Resource::Organization { role: org_role };
        let may = |c: OrgCapability| self.decide_org(actor, c, &org).allowed;
        let reads = |a: Action| self.decide_project(actor, &a, resource).allowed;
        let (allowed, rule, key) = match action {
            Action::DatasetRead => (
                reads(Action::ProjectRead),
                "datasets.read",
                "policy-dataset-read",
            ),
            Action::DatasetManage => (
                may(OrgCapability::ProjectsManage) || relation == ProjectRelation::Owner,
                "datasets.manage",
                "policy-dataset-manage",
            ),
            Action::FileUpload => (
                reads(Action::ProjectReadName) && may(OrgCapability::FilesUpload),
                "organizations.roles.org.files.upload",
                "policy-file-upload",
            ),
            Action::FileDownload => (
                reads(Action::ProjectRead) && may(OrgCapability::DatasetsDownload),
                "organizations.roles.org.datasets.download",
                "policy-file-download",
            ),
            _ => (
                reads(Action::ProjectRead) && may(OrgCapability::FilesDelete),
                "organizations.roles.org.files.delete",
                "policy-file-delete",
            ),
        };
        decision(
            allowed,
            rule,
            Reason::new(key).arg("allowed", yes_no(allowed)),
        )
    }

    /// Orders and instances of the service catalog (SPEC §6): ordering and
    /// launching need the project read and an organisation role that may
    /// launch processing (with the profile's `engine.run`); the orders of a
    /// project are read as the project is; an order is modified or
    /// cancelled, an instance seen and stopped, by whoever requested or owns
    /// it and by the project's managers (the organisation's and the
    /// project's owner).
    fn decide_service(&self, actor: &Actor, action: &Action, resource: &Resource) -> Decision {
        let (org_role, relation, mine) = match *resource {
            Resource::Project { org_role, relation } => (org_role, relation, false),
            Resource::Service {
                org_role,
                relation,
                mine,
            } => (org_role, relation, mine),
            _ => return no_target(action),
        };
        let project = Resource::Project { org_role, relation };
        let org = Resource::Organization { role: org_role };
        let may = |c: OrgCapability| self.decide_org(actor, c, &org).allowed;
        let reads = self
            .decide_project(actor, &Action::ProjectRead, &project)
            .allowed;
        let manager = may(OrgCapability::ProjectsManage) || relation == ProjectRelation::Owner;
        let is_service = matches!(resource, Resource::Service { .. });
        let (allowed, rule, key) = match action {
            Action::OrderCreate => (
                reads && may(OrgCapability::ProcessingLaunch),
                "services.order.create",
                "policy-order-create",
            ),
            Action::InstanceLaunch => (
                reads && may(OrgCapability::ProcessingLaunch),
                "services.instance.launch",
                "policy-instance-launch",
            ),
            Action::OrderRead => (reads, "services.order.read", "policy-order-read"),
            Action::OrderManage => {
                if !is_service {
                    return no_target(action);
                }
                (
                    mine || manager,
                    "services.order.manage",
                    "policy-order-manage",
                )
            }
            Action::InstanceRead => {
                if !is_service {
                    return no_target(action);
                }
                (
                    mine || manager,
                    "services.instance.read",
                    "policy-instance-read",
                )
            }
            _ => {
                if !is_service {
                    return no_target(action);
                }
                (
                    mine || manager,
                    "services.instance.manage",
                    "policy-instance-manage",
                )
            }
        };
        decision(
            allowed,
            rule,
            Reason::new(key).arg("allowed", yes_no(allowed)),
        )
    }

    /// Compute jobs (SPEC §7, §2.4, §2.5): submitting needs what launching
    /// a service needs (the project read, an organisation role that may
    /// launch processing) and the profile's `engine.run`, charter first; a
    /// job is seen by its owner, the project's managers and whoever sees
    /// the owner's activity log; it is cancelled by its owner and the
    /// project's managers.
    fn decide_job(&self, actor: &Actor, action: &Action, resource: &Resource) -> Decision {
        let (org_role, relation, job) = match *resource {
            Resource::Project { org_role, relation } => (org_role, relation, None),
            Resource::Job {
                org_role,
                relation,
                owner,
                owner_relation,
            } => (org_role, relation, Some((owner, owner_relation))),
            _ => return no_target(action),
        };
        let project = Resource::Project { org_role, relation };
        let org = Resource::Organization { role: org_role };
        let may = |c: OrgCapability| self.decide_org(actor, c, &org).allowed;
        let manager = may(OrgCapability::ProjectsManage) || relation == ProjectRelation::Owner;
        let (allowed, rule, key) = match (action, job) {
            (Action::JobSubmit, _) => {
                let reads = self
                    .decide_project(actor, &Action::ProjectRead, &project)
                    .allowed;
                if !(reads && may(OrgCapability::ProcessingLaunch)) {
                    (false, "compute.job.submit", "policy-job-submit")
                } else {
                    // The profile decides last, with its own rule and reason
                    // (`capabilities.engine.run`, or the charter first).
                    return self.decide_capability(actor, Capability::EngineRun);
                }
            }
            (Action::JobRead, Some((owner, owner_relation))) => {
                let mine = owner_relation == Relation::Myself;
                let line = self
                    .decide_activity(
                        actor.profile,
                        &Action::ActivityRead,
                        &Resource::Account {
                            profile: owner,
                            relation: owner_relation,
                        },
                    )
                    .allowed;
                (
                    mine || manager || line,
                    "compute.job.read",
                    "policy-job-read",
                )
            }
            (Action::JobCancel, Some((_, owner_relation))) => (
                owner_relation == Relation::Myself || manager,
                "compute.job.cancel",
                "policy-job-cancel",
            ),
            _ => return no_target(action),
        };
        decision(
            allowed,
            rule,
            Reason::new(key).arg("allowed", yes_no(allowed)),
        )
    }

    /// Support desks (SPEC §8, seed 002): the group desk is known to
    /// everyone, a local desk to its organisation's members, its agents and
    /// the administrators. A local desk's agents are named by the
    /// organisation's managers (`org.members.manage`, administrators
    /// included), the group desk's by `support.manage_group_desk`. A ticket
    /// is opened at a local desk by its organisation's members and agents,
    /// at the group desk by the agents of any desk (the local desks pass
    /// tickets on).
    fn decide_desk(&self, actor: &Actor, action: &Action, resource: &Resource) -> Decision {
        let Resource::Desk {
            group,
            org_role,
            agent,
            agent_elsewhere,
        } = *resource
        else {
            return no_target(action);
        };
        let me = actor.profile;
        let manages = if group {
            self.support.manage_group_desk.contains(&me)
        } else {
            self.decide_org(
                actor,
                OrgCapability::MembersManage,
                &Resource::Organization { role: org_role },
            )
            .allowed
        };
        let administers = self.organizations.administer.contains(&me);
        let (allowed, rule, key) = match action {
            Action::DeskRead => (
                group || agent || org_role.is_some() || administers,
                "support.desk.read",
                "policy-desk-read",
            ),
            Action::DeskAgentsManage => (
                manages,
                if group {
                    "support.manage_group_desk"
                } else {
                    "support.desk.agents.manage"
                },
                "policy-desk-agents-manage",
            ),
            Action::DeskAgentsRead => (
                manages || agent,
                "support.desk.agents.read",
                "policy-desk-agents-read",
            ),
            Action::TicketCreate if group => (
                agent || agent_elsewhere,
                "support.ticket.create.group",
                "policy-ticket-create-group",
            ),
            Action::TicketCreate => (
                agent || org_role.is_some(),
                "support.ticket.create.local",
                "policy-ticket-create-local",
            ),
            _ => return no_target(action),
        };
        decision(
            allowed,
            rule,
            Reason::new(key).arg("allowed", yes_no(allowed)),
        )
    }

    /// The published articles of the knowledge base (SPEC §8: a public
    /// FAQ): every account holder, and anonymous visitors as the policy
    /// says (`knowledge_base.public_read`).
    fn decide_kb_read(&self, me: Profile) -> Decision {
        if me == Profile::Public {
            let allowed = self.knowledge_base.public_read;
            return decision(
                allowed,
                "knowledge_base.public_read",
                Reason::new("policy-kb-read-public").arg("allowed", yes_no(allowed)),
            );
        }
        decision(true, "knowledge_base.read", Reason::new("policy-kb-read"))
    }

    /// Drafts and writing (issue 18 §4): the agents of a support desk,
    /// whatever their profile, then the profiles the policy names. Asked
    /// about nothing in particular ([`Resource::None`]), the actor is taken
    /// for someone who is no desk agent.
    fn decide_kb(&self, me: Profile, action: &Action, resource: &Resource) -> Decision {
        let drafts = *action == Action::KbReadDrafts;
        let what = if drafts { "drafts" } else { "write" };
        if matches!(resource, Resource::Kb { desk_agent: true }) {
            return decision(
                true,
                "knowledge_base.desk_agent",
                Reason::new("policy-kb-desk-agent").arg("what", what),
            );
        }
        let kb = &self.knowledge_base;
        let (profiles, rule, key) = if drafts {
            (
                &kb.read_drafts,
                "knowledge_base.read_drafts",
                "policy-kb-read-drafts",
            )
        } else {
            (&kb.write, "knowledge_base.write", "policy-kb-write")
        };
        let allowed = profiles.contains(&me);
        decision(allowed, rule, profile_reason(key, allowed, me))
    }

    fn decide_work_transfer(&self, me: Profile, action: &Action, resource: &Resource) -> Decision {
        let Resource::Work { relation, .. } = *resource else {
            return no_target(action);
        };
        // The owner files and gives away their own works when they record
        // works or run engines: a novice's works are their jobs' drafts.
        let holds = self.works.create.contains(&me)
            || self
                .capabilities
                .get(&Capability::EngineRun)
                .is_some_and(|r| r.allowed.contains(&me));
        let allowed = relation == Relation::Myself && holds;
        let (rule, key) = if *action == Action::WorkFile {
            ("works.file", "policy-work-file")
        } else {
            ("works.transfer", "policy-work-transfer")
        };
        decision(
            allowed,
            rule,
            Reason::new(key).arg("allowed", yes_no(allowed)),
        )
    }

    fn decide_handover(&self, me: Profile, action: &Action, resource: &Resource) -> Decision {
        let Resource::Account { profile, .. } = *resource else {
            return no_target(action);
        };
        if !self.accounts.seats.contains(&profile) {
            return decision(
                false,
                "handover.not_a_seat",
                Reason::new("policy-handover-not-a-seat").arg("profile", profile.as_str()),
            );
        }
        let allowed = self.administration.handover_seats.contains(&me);
        decision(
            allowed,
            "administration.handover_seats",
            profile_reason("policy-handover", allowed, me),
        )
    }

    /// SPEC §3.4: one level at a time, by the profiles the rule names (and
    /// from above in the supervision line when it says so); admins and
    /// webmasters never change profile.
    fn decide_promote(&self, me: Profile, action: &Action, resource: &Resource) -> Decision {
        let Resource::Account { profile, relation } = *resource else {
            return no_target(action);
        };
        let Some(rule) = self.promotion.get(&profile) else {
            return decision(
                false,
                "promotion.none",
                Reason::new("policy-promotion-none").arg("profile", profile.as_str()),
            );
        };
        let allowed = relation != Relation::Myself
            && rule.by.contains(&me)
            && (!rule.from_supervision_line || relation == Relation::Subordinate);
        let key = if rule.from_supervision_line {
            "policy-promotion-line"
        } else {
            "policy-promotion"
        };
        decision(
            allowed,
            promotion_rule(profile),
            Reason::new(key)
                .arg("allowed", yes_no(allowed))
                .arg("profile", profile.as_str())
                .arg("to", rule.to.as_str()),
        )
    }

    /// Personal data: its owner, and the profiles of
    /// `administration.read_personal_data` (SPEC §2.5).
    fn decide_personal(&self, me: Profile, action: &Action, resource: &Resource) -> Decision {
        let Resource::Account { relation, .. } = resource else {
            return no_target(action);
        };
        if *relation == Relation::Myself {
            return decision(
                true,
                "visibility.personal.myself",
                Reason::new("policy-personal-myself"),
            );
        }
        if self.administration.read_personal_data.contains(&me) {
            return decision(
                true,
                "administration.read_personal_data",
                Reason::new("policy-personal-everyone").arg("profile", me.as_str()),
            );
        }
        decision(
            false,
            "visibility.personal.owner_only",
            Reason::new("policy-personal-owner-only"),
        )
    }

    fn decide_user_read(&self, me: Profile, action: &Action, resource: &Resource) -> Decision {
        let Resource::Account { relation, .. } = resource else {
            return no_target(action);
        };
        let (rule, key) = match relation {
            Relation::Myself => ("visibility.account.myself", "policy-account-myself"),
            Relation::Supervisor => ("visibility.account.supervisor", "policy-account-line"),
            Relation::Subordinate => ("visibility.account.subordinate", "policy-account-subtree"),
            Relation::Other if self.sees_all_accounts(&Actor::new(me, true)) => {
                return decision(
                    true,
                    "administration.see_all_accounts",
                    Reason::new("policy-account-everyone").arg("profile", me.as_str()),
                );
            }
            Relation::Other => {
                return decision(
                    false,
                    "visibility.account.other",
                    Reason::new("policy-account-other").arg("profile", me.as_str()),
                );
            }
        };
        decision(true, rule, Reason::new(key))
    }

    fn decide_block(&self, me: Profile, action: &Action, resource: &Resource) -> Decision {
        let verb = if *action == Action::UserBlock {
            "block"
        } else {
            "unblock"
        };
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
                    Reason::new("policy-block-self").arg("action", verb),
                );
            }
        }
        decision(
            allowed,
            "administration.block_accounts",
            profile_reason("policy-block", allowed, me).arg("action", verb),
        )
    }

    /// SPEC §2.5: the professional identity of an account (name, e-mail) is
    /// the institution's: the creator line above the person (a profile the
    /// creation matrix lets create theirs, from above in the supervision
    /// line) or the profiles of `administration.manage_identities` correct
    /// it and send a new activation link. Nobody else, not the person.
    fn decide_identity(&self, me: Profile, action: &Action, resource: &Resource) -> Decision {
        let Resource::Account { profile, relation } = *resource else {
            return no_target(action);
        };
        let reason = |allowed: bool| {
            Reason::new("policy-identity")
                .arg("allowed", yes_no(allowed))
                .arg("profile", profile.as_str())
        };
        if self.administration.manage_identities.contains(&me) {
            return decision(true, "administration.manage_identities", reason(true));
        }
        let allowed = relation == Relation::Subordinate && self.may_create(me, profile);
        decision(allowed, "identity.creator_line", reason(allowed))
    }

    // -----------------------------------------------------------------------
    // Named queries: facts about what a profile may do or see in general,
    // derived from the same matrices as `decide` (tests check they agree).
    // -----------------------------------------------------------------------

    /// Whether `actor` reads the published works of anyone, including people
    /// it has no link with (SPEC §2.5: whoever may read sensitive results,
    /// the webmaster; not admins unless `admin_sees_works`): `work.read` on
    /// an unrelated published work.
    pub fn sees_published_works(&self, actor: &Actor) -> bool {
        let v = &self.visibility;
        match actor.profile {
            Profile::Public => false,
            Profile::Admin if !v.admin_sees_works => false,
            Profile::Webmaster if v.webmaster_reads_everything => true,
            _ => {
                self.decide_capability(actor, Capability::ResultsRead)
                    .allowed
            }
        }
    }

    /// Whether `actor` may learn anything about works at all, even how many
    /// someone has in each state (a departure's hand-over): every account
    /// holder but administrators, who see no works unless `admin_sees_works`
    /// (SPEC §2.5). Which works they then see is `work.read`'s.
    pub fn knows_of_works(&self, actor: &Actor) -> bool {
        match actor.profile {
            Profile::Public => false,
            Profile::Admin => self.visibility.admin_sees_works,
            _ => true,
        }
    }

    /// Whether `actor` reads every work in every state, drafts of unrelated
    /// people included (SPEC §2.5: the webmaster, `webmaster_reads_everything`).
    pub fn sees_every_work(&self, actor: &Actor) -> bool {
        actor.profile == Profile::Webmaster && self.visibility.webmaster_reads_everything
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
    cells: &BTreeMap<Profile, BTreeSet<Profile>>,
    matrix: Matrix,
    me: Profile,
    target: Profile,
) -> Decision {
    let action = match matrix {
        Matrix::Creation => "create",
        Matrix::Habilitation => "habilitate",
    };
    let rule = matrix_rule(matrix, me, target);
    let reason = match target {
        Profile::Admin => Reason::new("policy-never-admin").arg("action", action),
        Profile::Public => Reason::new("policy-never-public").arg("action", action),
        _ => {
            let allowed = matrix_allows(cells, me, target);
            let reason = profile_reason("policy-matrix", allowed, me)
                .arg("target", target.as_str())
                .arg("action", action);
            return decision(allowed, rule, reason);
        }
    };
    decision(false, rule, reason)
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
