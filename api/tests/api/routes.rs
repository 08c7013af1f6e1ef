//! The function-level matrix (issue 7): every route, from one table that
//! must list every documented operation, tried with no token and by each of
//! the five profiles, each with a body the route accepts. The expected
//! status is not written per profile: each row says which questions its
//! handler asks the policy (action, object of the fixture, 403 or 404 on
//! refusal), and the test asks the policy the server loaded the same
//! questions for each caller. Allowed → the row's success status (or the
//! outcome the route gives a valid request whoever asks, said in the row);
//! refused → 403, or 404 where existence must not leak; no token → 401.
//! Every row is also sent malformed JSON (→ 400) and invalid fields
//! (→ 422 with `errors`) when it takes a body, always as problem+json.

use std::collections::BTreeSet;

use habilis_shared::policy::{
    Action, Actor, Capability, OrgCapability, OrgRole, Policy, Profile, ProjectRelation, Relation,
    Resource, WorkState,
};
use serde_json::{json, Value};

use crate::helpers::*;

/// The accounts of the fixture the policy is asked about. The first five
/// are the callers; the leaver is only an object.
///
/// Supervision: the admin created the expert and the webmaster, the expert
/// the confirmed, the confirmed the novice, the leaver and the member (a
/// novice, only ever a target: `{member}`, the data steward). The
/// organisation "Matrix lab" (created by the admin, who is not a member):
/// expert manager, confirmed contributor, novice and member user,
/// webmaster operator. Its project "Matrix project" was asked for by the
/// expert (owner), with the confirmed as sponsor and the member as data
/// steward; the novice and the webmaster are its participants. The five
/// callers accepted the charter. These facts are what [`On::resource`] tells the
/// policy; `fixture()` builds exactly them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Acct {
    Admin,
    Expert,
    Webmaster,
    Confirmed,
    Novice,
    /// A novice of the confirmed, whose departure is scheduled.
    Leaver,
}

impl Acct {
    const CALLERS: [Acct; 5] = [
        Acct::Admin,
        Acct::Expert,
        Acct::Webmaster,
        Acct::Confirmed,
        Acct::Novice,
    ];

    fn profile(self) -> Profile {
        match self {
            Acct::Admin => Profile::Admin,
            Acct::Expert => Profile::Expert,
            Acct::Webmaster => Profile::Webmaster,
            Acct::Confirmed => Profile::Confirmed,
            Acct::Novice | Acct::Leaver => Profile::Novice,
        }
    }

    fn supervisor(self) -> Option<Acct> {
        match self {
            Acct::Confirmed => Some(Acct::Expert),
            Acct::Novice | Acct::Leaver => Some(Acct::Confirmed),
            Acct::Admin | Acct::Expert | Acct::Webmaster => None,
        }
    }

    /// Everyone above, nearest first.
    fn chain(self) -> Vec<Acct> {
        std::iter::successors(self.supervisor(), |a| a.supervisor()).collect()
    }

    /// How `target` relates to `self` in the supervision hierarchy.
    fn relation_to(self, target: Acct) -> Relation {
        if self == target {
            Relation::Myself
        } else if self.chain().contains(&target) {
            Relation::Supervisor
        } else if target.chain().contains(&self) {
            Relation::Subordinate
        } else {
            Relation::Other
        }
    }

    fn org_role(self) -> Option<OrgRole> {
        match self {
            Acct::Expert => Some(OrgRole::Manager),
            Acct::Confirmed => Some(OrgRole::Contributor),
            Acct::Novice => Some(OrgRole::User),
            Acct::Webmaster => Some(OrgRole::Operator),
            Acct::Admin | Acct::Leaver => None,
        }
    }

    fn project_relation(self) -> ProjectRelation {
        match self {
            Acct::Expert => ProjectRelation::Owner,
            Acct::Confirmed => ProjectRelation::Sponsor,
            Acct::Novice | Acct::Webmaster => ProjectRelation::Participant,
            Acct::Admin | Acct::Leaver => ProjectRelation::None,
        }
    }
}

/// The object of the fixture a policy question is about.
#[derive(Clone, Copy, Debug)]
enum On {
    Nothing,
    Account(Acct),
    /// The novice's draft.
    Draft,
    Org,
    Project,
    /// The approval the sponsor (the confirmed) is asked for.
    SponsorApproval,
    /// The expert's order for the active project.
    Order,
    /// The novice's (stopped) instance in the active project.
    Instance,
    /// The novice's (queued) job in the active project.
    Job,
    /// The local support desk of the organisation (the confirmed is its agent).
    Desk,
    /// The novice's ticket at that desk.
    Ticket,
    /// The knowledge base, as the caller stands to it (the confirmed is a
    /// desk agent); an anonymous visitor is asked about nothing.
    Kb,
}

impl On {
    /// The resource as the server builds it for `caller`.
    fn resource(self, caller: Option<Acct>) -> Resource {
        let Some(c) = caller else {
            assert!(
                matches!(self, On::Nothing | On::Kb),
                "anonymous callers are asked about nothing in particular"
            );
            return Resource::None;
        };
        match self {
            On::Nothing => Resource::None,
            On::Account(a) => Resource::Account {
                profile: a.profile(),
                relation: c.relation_to(a),
            },
            On::Draft => Resource::Work {
                owner: Profile::Novice,
                relation: c.relation_to(Acct::Novice),
                state: WorkState::Draft,
            },
            On::Org => Resource::Organization { role: c.org_role() },
            On::Project => Resource::Project {
                org_role: c.org_role(),
                relation: c.project_relation(),
            },
            On::SponsorApproval => Resource::Approval {
                approver: c == Acct::Confirmed,
            },
            On::Order => Resource::Service {
                org_role: c.org_role(),
                relation: c.project_relation(),
                mine: c == Acct::Expert,
            },
            On::Instance => Resource::Service {
                org_role: c.org_role(),
                relation: c.project_relation(),
                mine: c == Acct::Novice,
            },
            On::Job => Resource::Job {
                org_role: c.org_role(),
                relation: c.project_relation(),
                owner: Profile::Novice,
                owner_relation: c.relation_to(Acct::Novice),
            },
            On::Desk => Resource::Desk {
                group: false,
                org_role: c.org_role(),
                agent: c == Acct::Confirmed,
                agent_elsewhere: false,
            },
            On::Ticket => Resource::Ticket {
                requester: c == Acct::Novice,
                participant: false,
                agent: c == Acct::Confirmed,
            },
            On::Kb => Resource::Kb {
                desk_agent: c == Acct::Confirmed,
            },
        }
    }
}

/// One question a handler asks the policy, and what a refusal answers.
#[derive(Clone, Copy, Debug)]
struct Ask {
    action: Action,
    on: On,
    /// Refused → 404 (existence must not leak) rather than 403.
    hidden: bool,
}

/// A question whose refusal is a 403.
fn refuses(action: Action, on: On) -> Ask {
    Ask {
        action,
        on,
        hidden: false,
    }
}

/// A question whose refusal is a 404.
fn hides(action: Action, on: On) -> Ask {
    Ask {
        action,
        on,
        hidden: true,
    }
}

/// A state-changing route gets, for each caller the policy lets through, a
/// fresh object in place of the shared one, standing in the same relation
/// to that caller (so the expectation holds and the next caller still finds
/// the shared object as it was).
#[derive(Clone, Copy, Debug)]
enum Fresh {
    /// A novice created by the confirmed (`{novice}`).
    Novice,
    /// The same, blocked by the admin.
    BlockedNovice,
    /// A second webmaster created by the admin (`{webmaster}`).
    Webmaster,
    /// A draft of the novice (`{work}`).
    Draft,
    /// A novice of the confirmed, `user` of the organisation (`{member}`).
    Member,
    /// A pending invitation to the organisation (`{invitation}`).
    Invitation,
    /// A pending project of the expert, like the shared one (`{project}`).
    Project,
    /// The same, approved by its sponsor and its data steward, with the
    /// same participants.
    ActiveProject,
    /// A participant invited into the project (`{participant}`).
    Participant,
    /// An empty dataset of the active project, by the expert (`{dataset}`).
    Dataset,
    /// A file of the fixture's dataset, by the expert (`{file}`).
    File,
    /// An offering of the catalog, added by the admin (`{offering}`).
    Offering,
    /// A pending order of the expert for the active project (`{order}`).
    Order,
    /// An engine, registered by the admin (`{engine}`).
    Engine,
    /// A queued job of the novice in the active project (`{job}`).
    Job,
    /// The local desk of an organisation like the shared one (same
    /// members, same roles, the confirmed its agent) (`{desk}`).
    Desk,
    /// A new ticket of the novice at the shared desk (`{ticket}`).
    Ticket,
    /// The same, resolved by the confirmed.
    ResolvedTicket,
    /// The same, followed by the follower (`{follower}`).
    FollowedTicket,
    /// A published article of the knowledge base, by the admin
    /// (`{kb_article}`).
    KbArticle,
}

impl Fresh {
    fn placeholder(self) -> &'static str {
        match self {
            Fresh::Novice | Fresh::BlockedNovice => "{novice}",
            Fresh::Webmaster => "{webmaster}",
            Fresh::Draft => "{work}",
            Fresh::Member => "{member}",
            Fresh::Invitation => "{invitation}",
            Fresh::Project | Fresh::ActiveProject => "{project}",
            Fresh::Participant => "{participant}",
            Fresh::Dataset => "{dataset}",
            Fresh::File => "{file}",
            Fresh::Offering => "{offering}",
            Fresh::Order => "{order}",
            Fresh::Engine => "{engine}",
            Fresh::Job => "{job}",
            Fresh::Desk => "{desk}",
            Fresh::Ticket | Fresh::ResolvedTicket | Fresh::FollowedTicket => "{ticket}",
            Fresh::KbArticle => "{kb_article}",
        }
    }
}

struct Route {
    method: &'static str,
    /// Placeholders (`{novice}`, `{org}`, ...) name objects of the fixture.
    path: &'static str,
    /// Reachable without a token.
    public: bool,
    /// Takes a JSON body: an example of invalid fields (→ 422).
    invalid: Option<Value>,
    /// A body the route accepts, sent by every caller, so that only the
    /// policy can be the reason for a refusal. `{caller}`, `{email}`,
    /// `{password}`, `{refresh}` are the caller's own.
    valid: Option<Value>,
    /// The questions the handler asks the policy, in its order; the first
    /// refusal decides the status. None: every account holder may.
    asks: Vec<Ask>,
    /// The status when every question is allowed.
    ok: u16,
    /// Why `ok` is not a 2xx, when it is not.
    because: &'static str,
    fresh: Option<Fresh>,
    /// Sent from a session of its own (signing out ends the session).
    own_session: bool,
    /// A 204 changes the caller's password to [`MATRIX_PASSWORD`].
    changes_password: bool,
    /// A tus request: these headers (and `Tus-Resumable: 1.0.0`), and this
    /// body as it is (no JSON).
    tus: Option<(Headers, &'static [u8])>,
}

/// Header names and values of a row.
type Headers = &'static [(&'static str, &'static str)];

impl Route {
    fn public(mut self) -> Self {
        self.public = true;
        self
    }
    fn invalid(mut self, body: Value) -> Self {
        self.invalid = Some(body);
        self
    }
    fn valid(mut self, body: Value) -> Self {
        self.valid = Some(body);
        self
    }
    fn asks(mut self, asks: &[Ask]) -> Self {
        self.asks = asks.to_vec();
        self
    }
    fn ok(mut self, status: u16) -> Self {
        self.ok = status;
        self
    }
    fn ok_because(mut self, status: u16, because: &'static str) -> Self {
        self.ok = status;
        self.because = because;
        self
    }
    fn fresh(mut self, kind: Fresh) -> Self {
        self.fresh = Some(kind);
        self
    }
    fn tus(
        mut self,
        headers: &'static [(&'static str, &'static str)],
        body: &'static [u8],
    ) -> Self {
        self.tus = Some((headers, body));
        self
    }
}

fn r(method: &'static str, path: &'static str) -> Route {
    Route {
        method,
        path,
        public: false,
        invalid: None,
        valid: None,
        asks: Vec::new(),
        ok: 200,
        because: "",
        fresh: None,
        own_session: false,
        changes_password: false,
        tus: None,
    }
}

/// The new password of every caller after `POST /auth/password`.
const MATRIX_PASSWORD: &str = "matrix password 0007";

fn table() -> Vec<Route> {
    use Acct::{Leaver, Novice, Webmaster};
    use Action as A;
    use OrgCapability as O;
    let sees_org = hides(A::Org(O::ProjectsReadNames), On::Org);
    let manages_members = refuses(A::Org(O::MembersManage), On::Org);
    let sees_project = hides(A::ProjectReadName, On::Project);
    let manages_project = refuses(A::ProjectManage, On::Project);
    let manages_access = refuses(A::ProjectParticipants, On::Project);
    let sees_draft = hides(A::WorkRead, On::Draft);
    let sees_instance = hides(A::InstanceRead, On::Instance);
    let manages_instance = refuses(A::InstanceManage, On::Instance);
    let sees_job = hides(A::JobRead, On::Job);
    let sees_desk = hides(A::DeskRead, On::Desk);
    let sees_ticket = hides(A::TicketRead, On::Ticket);
    let sees = |a: Acct| hides(A::UserRead, On::Account(a));
    let may = |action: Action, a: Acct| refuses(action, On::Account(a));
    vec![
        r("POST", "/api/v1/auth/login")
            .public()
            .invalid(json!({ "email": "", "password": "" }))
            .valid(json!({ "email": "{email}", "password": "{password}" })),
        r("POST", "/api/v1/auth/refresh")
            .public()
            .invalid(json!({ "refresh_token": "" }))
            .valid(json!({ "refresh_token": "{refresh}" })),
        Route {
            own_session: true,
            ..r("POST", "/api/v1/auth/logout")
                .asks(&[refuses(A::Logout, On::Nothing)])
                .ok(204)
        },
        r("POST", "/api/v1/auth/activate")
            .public()
            .invalid(json!({ "token": "" }))
            .valid(json!({ "token": "no-such-activation-link" }))
            .ok_because(
                404,
                "no policy question: the e-mailed link decides, and this one is unknown to everyone",
            ),
        // Each caller asks for a link to their own address (the anonymous
        // one for the novice's): the same 202 whoever asks, for any address.
        r("POST", "/api/v1/auth/password-reset")
            .public()
            .invalid(json!({ "email": "" }))
            .valid(json!({ "email": "{email}" }))
            .ok(202),
        r("POST", "/api/v1/auth/password-reset/confirm")
            .public()
            .invalid(json!({ "token": "", "new_password": "x" }))
            .valid(json!({ "token": "no-such-reset-link", "new_password": MATRIX_PASSWORD }))
            .ok_because(
                404,
                "no policy question: the e-mailed link decides, and this one is unknown to everyone",
            ),
        // After login, refresh and logout: a new password ends the caller's
        // other sessions (among them the novice's spare one used above).
        Route {
            changes_password: true,
            ..r("POST", "/api/v1/auth/password")
                .invalid(json!({ "current_password": "", "new_password": 5 }))
                .valid(json!({ "current_password": "{password}", "new_password": MATRIX_PASSWORD }))
                .asks(&[refuses(A::PasswordChange, On::Nothing)])
                .ok(204)
        },
        r("GET", "/api/v1/me").asks(&[refuses(A::MeRead, On::Nothing)]),
        r("PATCH", "/api/v1/me")
            .invalid(json!({ "language": "klingon" }))
            .valid(json!({ "language": "fr" }))
            .asks(&[refuses(A::MeUpdate, On::Nothing)]),
        r("POST", "/api/v1/me/charter")
            .invalid(json!({ "version": "" }))
            .valid(json!({ "version": "{charter}" }))
            .asks(&[refuses(
                A::Capability(Capability::CharterSign),
                On::Nothing,
            )]),
        r("GET", "/api/v1/me/tokens").asks(&[refuses(A::TokensManage, On::Nothing)]),
        r("POST", "/api/v1/me/tokens")
            .invalid(json!({ "name": "", "scopes": [] }))
            .valid(json!({ "name": "{caller} token", "scopes": ["read"] }))
            .asks(&[refuses(A::TokensManage, On::Nothing)])
            .ok(201),
        // Each caller revokes a token of their own (someone else's: idor.rs).
        r("DELETE", "/api/v1/me/tokens/{my_token}")
            .asks(&[refuses(A::TokensManage, On::Nothing)])
            .ok(204),
        r("GET", "/api/v1/policy")
            .public()
            .asks(&[refuses(A::PolicyRead, On::Nothing)]),
        r("POST", "/api/v1/authz/check")
            .invalid(json!({ "action": "" }))
            .valid(json!({ "action": "results.read" }))
            .asks(&[refuses(A::AuthzCheck, On::Nothing)]),
        r("GET", "/api/v1/users").asks(&[refuses(A::UserList, On::Nothing)]),
        r("POST", "/api/v1/users")
            .invalid(
                json!({ "first_name": "", "last_name": "x", "email": "nope", "profile": "novice" }),
            )
            .valid(
                json!({ "first_name": "N", "last_name": "X", "email": "{caller}-created@inserm.fr", "profile": "novice" }),
            )
            .asks(&[refuses(A::UserCreate(Profile::Novice), On::Nothing)])
            .ok(201),
        r("GET", "/api/v1/users/{webmaster}").asks(&[sees(Webmaster)]),
        r("POST", "/api/v1/users/{novice}/block")
            .asks(&[sees(Novice), may(A::UserBlock, Novice)])
            .fresh(Fresh::Novice),
        r("POST", "/api/v1/users/{novice}/unblock")
            .asks(&[sees(Novice), may(A::UserUnblock, Novice)])
            .fresh(Fresh::BlockedNovice),
        r("PATCH", "/api/v1/users/{novice}")
            .invalid(json!({ "email": "nope", "first_name": "" }))
            .valid(json!({ "first_name": "Renamed by {caller}" }))
            .asks(&[sees(Novice), may(A::UserEdit, Novice)]),
        // A fresh novice has not opened its activation link yet.
        r("POST", "/api/v1/users/{novice}/activation")
            .asks(&[sees(Novice), may(A::UserActivation, Novice)])
            .ok(202)
            .fresh(Fresh::Novice),
        r("GET", "/api/v1/audit").asks(&[refuses(A::AuditRead, On::Nothing)]),
        r("POST", "/api/v1/users/{novice}/promote")
            .asks(&[sees(Novice), may(A::UserPromote, Novice)])
            .fresh(Fresh::Novice),
        r("DELETE", "/api/v1/users/{novice}")
            .asks(&[sees(Novice), may(A::UserDepart, Novice)])
            .ok(204)
            .fresh(Fresh::Novice),
        r("POST", "/api/v1/users/{novice}/departure")
            .invalid(json!({ "date": "soon" }))
            .valid(json!({ "date": "2999-01-01T00:00:00Z" }))
            .asks(&[sees(Novice), may(A::UserDepart, Novice)])
            .ok(201)
            .fresh(Fresh::Novice),
        r("GET", "/api/v1/users/{leaver}/departure").asks(&[sees(Leaver)]),
        r("GET", "/api/v1/users/{novice}/departure/preview")
            .asks(&[sees(Novice), may(A::UserDepart, Novice)]),
        r("POST", "/api/v1/users/{webmaster}/handover")
            .invalid(json!({ "email": "nope", "first_name": "", "last_name": "x" }))
            .valid(json!({ "email": "{caller}-seat@inserm.fr", "first_name": "S", "last_name": "T" }))
            .asks(&[sees(Webmaster), may(A::UserHandover, Webmaster)])
            .ok(201)
            .fresh(Fresh::Webmaster),
        r("GET", "/api/v1/users/{webmaster}/activity")
            .asks(&[sees(Webmaster), may(A::ActivityRead, Webmaster)]),
        r("POST", "/api/v1/users/{novice}/secondments")
            .invalid(
                json!({ "host_supervisor_id": "", "starts_at": "2999-01-01T00:00:00Z", "ends_at": "2999-02-01T00:00:00Z" }),
            )
            .valid(
                json!({ "host_supervisor_id": "{expert}", "starts_at": "2999-01-01T00:00:00Z", "ends_at": "2999-02-01T00:00:00Z" }),
            )
            .asks(&[sees(Novice), may(A::UserSecond, Novice)])
            .ok(201)
            .fresh(Fresh::Novice),
        r("GET", "/api/v1/users/{webmaster}/secondments").asks(&[sees(Webmaster)]),
        r("POST", "/api/v1/works/{work}/transfer")
            .invalid(json!({ "to": "" }))
            .valid(json!({ "to": "{confirmed}" }))
            .asks(&[sees_draft, refuses(A::WorkTransfer, On::Draft)])
            .fresh(Fresh::Draft),
        // A list filtered by the policy row by row, behind a gate.
        r("GET", "/api/v1/organizations").asks(&[refuses(A::OrgList, On::Nothing)]),
        r("POST", "/api/v1/organizations")
            .invalid(json!({ "name": "" }))
            .valid(json!({ "name": "{caller} lab" }))
            .asks(&[refuses(A::OrgCreate, On::Nothing)])
            .ok(201),
        r("GET", "/api/v1/organizations/{org}").asks(&[sees_org]),
        r("PATCH", "/api/v1/organizations/{org}")
            .invalid(json!({ "name": "" }))
            .valid(json!({ "name": "Renamed lab" }))
            .asks(&[sees_org, manages_members]),
        // Not for operators (SPEC §4: names of granted projects only).
        r("GET", "/api/v1/organizations/{org}/members")
            .asks(&[sees_org, refuses(A::Org(O::MembersRead), On::Org)]),
        r("GET", "/api/v1/organizations/{org}/members.csv")
            .asks(&[sees_org, refuses(A::Org(O::MembersExport), On::Org)]),
        // Setting the role the member has: the same answer every time.
        r("PATCH", "/api/v1/organizations/{org}/members/{member}")
            .invalid(json!({ "role": "boss" }))
            .valid(json!({ "role": "user" }))
            .asks(&[sees_org, manages_members]),
        r("DELETE", "/api/v1/organizations/{org}/members/{member}")
            .asks(&[sees_org, manages_members])
            .ok(204)
            .fresh(Fresh::Member),
        // Blocking a blocked member (or unblocking an active one) answers
        // 200 again: no fresh member needed.
        r("POST", "/api/v1/organizations/{org}/members/{member}/block")
            .asks(&[sees_org, manages_members]),
        r(
            "POST",
            "/api/v1/organizations/{org}/members/{member}/unblock",
        )
        .asks(&[sees_org, manages_members]),
        r("GET", "/api/v1/organizations/{org}/invitations").asks(&[sees_org, manages_members]),
        r("POST", "/api/v1/organizations/{org}/invitations")
            .invalid(json!({ "emails": 3, "role": "user" }))
            .valid(json!({ "emails": "{caller}-invited@inserm.fr", "role": "user" }))
            .asks(&[sees_org, manages_members]),
        r(
            "DELETE",
            "/api/v1/organizations/{org}/invitations/{invitation}",
        )
        .asks(&[sees_org, manages_members])
        .ok(204)
        .fresh(Fresh::Invitation),
        r("POST", "/api/v1/invitations/{secret}/accept")
            .asks(&[refuses(A::InvitationAccept, On::Nothing)])
            .ok_because(
            403,
            "the link is bound to the address it was sent to, someone outside the \
             fixture, so every account is the wrong recipient",
        ),
        // A list filtered by the policy row by row, behind a gate.
        r("GET", "/api/v1/projects").asks(&[refuses(A::ProjectList, On::Nothing)]),
        r("POST", "/api/v1/projects")
            .invalid(
                json!({ "organization_id": "", "name": "", "data_class": "hds", "domain": "x", "sponsor_id": "a", "data_steward_id": "b" }),
            )
            .valid(
                json!({ "organization_id": "{org}", "name": "{caller} project", "data_class": "standard", "domain": "ecology", "sponsor_id": "{confirmed}", "data_steward_id": "{member}" }),
            )
            .asks(&[sees_org, refuses(A::Org(O::ProjectsManage), On::Org)])
            .ok(201),
        r("GET", "/api/v1/projects/{project}").asks(&[sees_project]),
        r("PATCH", "/api/v1/projects/{project}")
            .invalid(json!({ "name": "" }))
            .valid(json!({ "name": "Renamed project" }))
            .asks(&[sees_project, manages_project]),
        r("DELETE", "/api/v1/projects/{project}")
            .asks(&[sees_project, manages_project])
            .ok(204)
            .fresh(Fresh::Project),
        r("POST", "/api/v1/projects/{project}/close")
            .asks(&[sees_project, manages_project])
            .fresh(Fresh::ActiveProject),
        r("GET", "/api/v1/projects/{project}/participants").asks(&[
            sees_project,
            refuses(A::ProjectRead, On::Project),
        ]),
        r("POST", "/api/v1/projects/{project}/participants")
            .invalid(json!({ "email": "nope" }))
            .valid(json!({ "email": "{caller}-guest@inserm.fr" }))
            .asks(&[sees_project, manages_access])
            .ok(201),
        r(
            "DELETE",
            "/api/v1/projects/{project}/participants/{participant}",
        )
        .asks(&[sees_project, manages_access])
        .ok(204)
        .fresh(Fresh::Participant),
        // Datasets are decided on as their project (`On::Project`: the
        // active one stands to every caller as the shared one).
        r("GET", "/api/v1/projects/{project}/datasets").asks(&[sees_project]),
        r("POST", "/api/v1/projects/{project}/datasets")
            .invalid(json!({ "name": "" }))
            .valid(json!({ "name": "{caller} dataset" }))
            .asks(&[sees_project, refuses(A::DatasetManage, On::Project)])
            .ok(201)
            .fresh(Fresh::ActiveProject),
        r("GET", "/api/v1/projects/{project}/usage")
            .asks(&[sees_project, refuses(A::ProjectRead, On::Project)]),
        r("GET", "/api/v1/datasets/{dataset}").asks(&[sees_project]),
        r("PATCH", "/api/v1/datasets/{dataset}")
            .invalid(json!({ "name": "" }))
            .valid(json!({ "name": "Renamed dataset" }))
            .asks(&[sees_project, refuses(A::DatasetManage, On::Project)]),
        r("DELETE", "/api/v1/datasets/{dataset}")
            .asks(&[sees_project, refuses(A::DatasetManage, On::Project)])
            .ok(204)
            .fresh(Fresh::Dataset),
        r("GET", "/api/v1/datasets/{dataset}/files")
            .asks(&[sees_project, refuses(A::DatasetRead, On::Project)]),
        r("GET", "/api/v1/datasets/{dataset}/manifest.sha256")
            .asks(&[sees_project, refuses(A::DatasetRead, On::Project)]),
        // The JSON body is the file's content; each caller its own path.
        r("PUT", "/api/v1/datasets/{dataset}/files/{caller}.json")
            .valid(json!({ "uploaded by": "{caller}" }))
            .asks(&[sees_project, refuses(A::FileUpload, On::Project)])
            .ok(201),
        r("GET", "/api/v1/files/{file}/content")
            .asks(&[sees_project, refuses(A::FileDownload, On::Project)]),
        r("DELETE", "/api/v1/files/{file}")
            .asks(&[sees_project, refuses(A::FileDelete, On::Project)])
            .ok(204)
            .fresh(Fresh::File),
        // tus: what the server speaks needs no token; uploads are created
        // as `file.upload` allows, and `{upload}` is each caller's own (an
        // upload is only ever its creator's), decided again on each use.
        r("OPTIONS", "/api/v1/datasets/{dataset}/uploads")
            .public()
            .ok(204),
        r("POST", "/api/v1/datasets/{dataset}/uploads")
            .tus(
                &[
                    ("Upload-Length", "10"),
                    ("Upload-Metadata", "filename bWF0cml4LmJpbg=="),
                ],
                b"",
            )
            .asks(&[sees_project, refuses(A::FileUpload, On::Project)])
            .ok(201),
        r("HEAD", "/api/v1/uploads/{upload}")
            .tus(&[], b"")
            .asks(&[sees_project, refuses(A::FileUpload, On::Project)]),
        r("PATCH", "/api/v1/uploads/{upload}")
            .tus(
                &[
                    ("Upload-Offset", "0"),
                    ("Content-Type", "application/offset+octet-stream"),
                ],
                b"abc",
            )
            .asks(&[sees_project, refuses(A::FileUpload, On::Project)])
            .ok(204),
        r("DELETE", "/api/v1/uploads/{upload}")
            .tus(&[], b"")
            .asks(&[sees_project, refuses(A::FileUpload, On::Project)])
            .ok(204),
        // My own approvals, behind a gate.
        r("GET", "/api/v1/approvals").asks(&[refuses(A::ApprovalList, On::Nothing)]),
        // Only the sponsor may, and does so once.
        r("POST", "/api/v1/approvals/{approval}/decision")
            .invalid(json!({ "decision": "maybe" }))
            .valid(json!({ "decision": "approve" }))
            .asks(&[hides(A::ApprovalDecide, On::SponsorApproval)]),
        // A list filtered by the policy row by row, behind a gate.
        r("GET", "/api/v1/works").asks(&[refuses(A::WorkList, On::Nothing)]),
        r("POST", "/api/v1/works")
            .invalid(json!({ "title": "" }))
            .valid(json!({ "title": "{caller} work" }))
            .asks(&[refuses(A::WorkCreate, On::Nothing)])
            .ok(201),
        r("GET", "/api/v1/works/{work}").asks(&[sees_draft]),
        // Filing out of no project: the owner's no-op, after the policy.
        r("PATCH", "/api/v1/works/{work}")
            .invalid(json!({ "project_id": 5 }))
            .valid(json!({ "project_id": null }))
            .asks(&[sees_draft, refuses(A::WorkFile, On::Draft)]),
        r("DELETE", "/api/v1/works/{work}")
            .asks(&[sees_draft, refuses(A::WorkDelete, On::Draft)])
            .ok(204)
            .fresh(Fresh::Draft),
        r("POST", "/api/v1/works/{work}/state")
            .invalid(json!({ "state": "archived" }))
            .valid(json!({ "state": "unpublished" }))
            .asks(&[
                sees_draft,
                refuses(A::WorkAdvance(WorkState::Unpublished), On::Draft),
            ])
            .fresh(Fresh::Draft),
        r("GET", "/api/v1/works/{work}/annotations").asks(&[sees_draft]),
        r("POST", "/api/v1/works/{work}/annotations")
            .invalid(json!({ "body": "" }))
            .valid(json!({ "body": "note" }))
            .asks(&[sees_draft, refuses(A::WorkAnnotate, On::Draft)])
            .ok(201),
        // The catalog: read by every account holder, kept by admins.
        r("GET", "/api/v1/catalog").asks(&[refuses(A::CatalogRead, On::Nothing)]),
        r("POST", "/api/v1/catalog")
            .invalid(json!({ "id": "Not a slug", "name": "", "category": "x",
                             "config_schema": { "type": "object" }, "price_per_hour": 1,
                             "unit": "EUR", "spawner": { "kind": "slurm" } }))
            .valid(json!({ "id": "{caller}-offering", "name": "{caller} offering",
                           "category": "Tools", "config_schema": { "type": "object" },
                           "price_per_hour": 0.5, "unit": "EUR",
                           "spawner": { "kind": "kubernetes" } }))
            .asks(&[refuses(A::CatalogManage, On::Nothing)])
            .ok(201),
        r("GET", "/api/v1/catalog/{offering}").asks(&[refuses(A::CatalogRead, On::Nothing)]),
        r("PATCH", "/api/v1/catalog/{offering}")
            .invalid(json!({ "name": "" }))
            .valid(json!({ "description": "Changed by {caller}" }))
            .asks(&[refuses(A::CatalogManage, On::Nothing)]),
        r("DELETE", "/api/v1/catalog/{offering}")
            .asks(&[refuses(A::CatalogManage, On::Nothing)])
            .ok(204)
            .fresh(Fresh::Offering),
        // Orders are decided on as their project, and as the requester's.
        r("POST", "/api/v1/projects/{project}/orders")
            .invalid(json!({ "offering_id": "" }))
            .valid(json!({ "offering_id": "postgresql", "comment": "for {caller}" }))
            .asks(&[sees_project, refuses(A::OrderCreate, On::Project)])
            .ok(201)
            .fresh(Fresh::ActiveProject),
        r("GET", "/api/v1/projects/{project}/orders")
            .asks(&[sees_project, refuses(A::OrderRead, On::Project)]),
        r("GET", "/api/v1/orders/{order}").asks(&[sees_project, refuses(A::OrderRead, On::Order)]),
        // Modifying sends it back to the approvers: pending again, each time.
        r("PATCH", "/api/v1/orders/{order}")
            .invalid(json!({ "offering_id": "" }))
            .valid(json!({ "comment": "modified by {caller}" }))
            .asks(&[sees_project, refuses(A::OrderManage, On::Order)]),
        r("POST", "/api/v1/orders/{order}/cancel")
            .asks(&[sees_project, refuses(A::OrderManage, On::Order)])
            .fresh(Fresh::Order),
        // Instances: launched from approved orders (the fixture's awaits
        // its approvals), decided on as a service of their project.
        r("POST", "/api/v1/orders/{order}/instances")
            .invalid(json!({ "name": "" }))
            .valid(json!({ "name": "{caller}-instance" }))
            .asks(&[sees_project, refuses(A::InstanceLaunch, On::Project)])
            .ok_because(
                409,
                "the fixture's order awaits its approvals: order_not_approved, nothing started",
            ),
        r("GET", "/api/v1/instances").asks(&[refuses(A::CatalogRead, On::Nothing)]),
        r("GET", "/api/v1/instances/{instance}").asks(&[sees_instance]),
        // Deleting an ended instance again answers the same.
        r("DELETE", "/api/v1/instances/{instance}")
            .invalid(json!({ "confirm": 5 }))
            .valid(json!({ "confirm": "matrix-instance" }))
            .asks(&[sees_instance, manages_instance])
            .ok(204),
        r("GET", "/api/v1/instances/{instance}/logs").asks(&[sees_instance, manages_instance]),
        r("POST", "/api/v1/instances/{instance}/keep")
            .asks(&[sees_instance, manages_instance])
            .ok_because(409, "the fixture's instance is stopped: there is nothing to keep"),
        r("GET", "/api/v1/me/configurations").asks(&[refuses(A::CatalogRead, On::Nothing)]),
        r("POST", "/api/v1/me/configurations")
            .invalid(json!({ "name": "", "offering_id": "postgresql", "config": {} }))
            .valid(json!({ "name": "{caller} settings", "offering_id": "postgresql",
                           "config": { "max_connections": 50 } }))
            .asks(&[refuses(A::CatalogRead, On::Nothing)])
            .ok(201),
        // Each caller deletes a configuration of their own (someone
        // else's: idor.rs).
        r("DELETE", "/api/v1/me/configurations/{my_configuration}")
            .asks(&[refuses(A::CatalogRead, On::Nothing)])
            .ok(204),
        r("GET", "/api/v1/projects/{project}/usage.csv")
            .asks(&[sees_project, refuses(A::ProjectRead, On::Project)]),
        // Engines: listed for every account holder, registered and
        // changed as the profile's engine rights say.
        r("GET", "/api/v1/engines").asks(&[refuses(A::EngineList, On::Nothing)]),
        r("POST", "/api/v1/engines")
            .invalid(json!({ "name": "", "command": [], "timeout_secs": 0 }))
            .valid(json!({ "name": "{caller} engine", "command": ["true"], "timeout_secs": 5 }))
            .asks(&[refuses(A::Capability(Capability::EngineCreate), On::Nothing)])
            .ok(201),
        r("GET", "/api/v1/engines/{engine}").asks(&[refuses(A::EngineList, On::Nothing)]),
        r("PATCH", "/api/v1/engines/{engine}")
            .invalid(json!({ "timeout_secs": 0 }))
            .valid(json!({ "description": "changed by {caller}" }))
            .asks(&[refuses(A::Capability(Capability::EngineModify), On::Nothing)]),
        r("DELETE", "/api/v1/engines/{engine}")
            .asks(&[refuses(A::Capability(Capability::EngineModify), On::Nothing)])
            .ok(204)
            .fresh(Fresh::Engine),
        // Jobs: submitted as the project's, seen as their owner's.
        r("POST", "/api/v1/projects/{project}/jobs")
            .invalid(json!({ "engine_id": "" }))
            .valid(json!({ "engine_id": "{engine}", "name": "{caller} job" }))
            .asks(&[sees_project, refuses(A::JobSubmit, On::Project)])
            .ok(201)
            .fresh(Fresh::ActiveProject),
        r("GET", "/api/v1/jobs"),
        r("GET", "/api/v1/jobs/{job}").asks(&[sees_job]),
        r("POST", "/api/v1/jobs/{job}/cancel")
            .asks(&[sees_job, refuses(A::JobCancel, On::Job)])
            .fresh(Fresh::Job),
        r("GET", "/api/v1/jobs/{job}/logs").asks(&[sees_job]),
        r("GET", "/api/v1/jobs/{job}/queue").asks(&[sees_job]),
        r("GET", "/api/v1/queue").asks(&[refuses(A::QueueRead, On::Nothing)]),
        // The knowledge base: published articles for everyone, anonymous
        // visitors included; drafts and writing for desk agents (the
        // confirmed is one) and the profiles the policy names. (The desk
        // rows name the data steward, no caller, an agent of fresh desks.)
        r("GET", "/api/v1/kb/articles")
            .public()
            .asks(&[refuses(A::KbRead, On::Kb)]),
        r("POST", "/api/v1/kb/articles")
            .invalid(json!({ "title": "" }))
            .valid(json!({ "title": "{caller} article", "body": "Some *help*." }))
            .asks(&[refuses(A::KbWrite, On::Kb)])
            .ok(201),
        r("GET", "/api/v1/kb/articles/{kb_article}")
            .public()
            .asks(&[refuses(A::KbRead, On::Kb)]),
        r("GET", "/api/v1/kb/articles/{kb_draft}")
            .public()
            .asks(&[hides(A::KbReadDrafts, On::Kb)]),
        r("PATCH", "/api/v1/kb/articles/{kb_article}")
            .invalid(json!({ "title": "" }))
            .valid(json!({ "title": "Changed by {caller}" }))
            .asks(&[refuses(A::KbWrite, On::Kb)]),
        r("PATCH", "/api/v1/kb/articles/{kb_draft}")
            .invalid(json!({ "state": "archived" }))
            .valid(json!({ "body": "Changed by {caller}" }))
            .asks(&[
                hides(A::KbReadDrafts, On::Kb),
                refuses(A::KbWrite, On::Kb),
            ]),
        r("DELETE", "/api/v1/kb/articles/{kb_article}")
            .asks(&[refuses(A::KbWrite, On::Kb)])
            .ok(204)
            .fresh(Fresh::KbArticle),
        r("GET", "/api/v1/kb/search")
            .public()
            .asks(&[refuses(A::KbRead, On::Kb)]),
        r("GET", "/api/v1/kb/suggest")
            .public()
            .asks(&[refuses(A::KbRead, On::Kb)]),
        // Support desks and tickets: a desk is known to its organisation's
        // members and agents, a ticket to its requester and desk agents.
        r("GET", "/api/v1/desks").asks(&[refuses(A::DeskList, On::Nothing)]),
        r("GET", "/api/v1/desks/{desk}/agents")
            .asks(&[sees_desk, refuses(A::DeskAgentsRead, On::Desk)]),
        r("POST", "/api/v1/desks/{desk}/agents")
            .invalid(json!({ "account_id": "" }))
            // Not a caller: a caller named an agent of any desk would write
            // the knowledge base from then on (kb.write for desk agents).
            .valid(json!({ "account_id": "{member}" }))
            .asks(&[sees_desk, refuses(A::DeskAgentsManage, On::Desk)])
            .ok(201)
            .fresh(Fresh::Desk),
        r("DELETE", "/api/v1/desks/{desk}/agents/{confirmed}")
            .asks(&[sees_desk, refuses(A::DeskAgentsManage, On::Desk)])
            .ok(204)
            .fresh(Fresh::Desk),
        r("POST", "/api/v1/tickets")
            .invalid(json!({ "type": "incident", "category": "Not A Code", "subject": "", "body": "" }))
            .valid(json!({ "desk_id": "{desk}", "type": "incident", "category": "printer",
                           "subject": "{caller} cannot print", "body": "Nothing comes out." }))
            .asks(&[sees_desk, refuses(A::TicketCreate, On::Desk)])
            .ok(201),
        r("GET", "/api/v1/tickets").asks(&[refuses(A::TicketList, On::Nothing)]),
        r("GET", "/api/v1/tickets/{ticket}").asks(&[sees_ticket]),
        r("POST", "/api/v1/tickets/{ticket}/comments")
            .invalid(json!({ "body": "" }))
            .valid(json!({ "body": "a word from {caller}" }))
            .asks(&[sees_ticket, refuses(A::TicketComment, On::Ticket)])
            .ok(201),
        r("POST", "/api/v1/tickets/{ticket}/assign")
            .invalid(json!({ "agent_id": "" }))
            .valid(json!({ "agent_id": "{confirmed}" }))
            .asks(&[sees_ticket, refuses(A::TicketWork, On::Ticket)])
            .fresh(Fresh::Ticket),
        r("POST", "/api/v1/tickets/{ticket}/escalate")
            .invalid(json!({ "reason": "" }))
            .valid(json!({ "reason": "beyond {caller}" }))
            .asks(&[sees_ticket, refuses(A::TicketWork, On::Ticket)])
            .fresh(Fresh::Ticket),
        r("POST", "/api/v1/tickets/{ticket}/resolve")
            .invalid(json!({ "resolution": "" }))
            .valid(json!({ "resolution": "fixed by {caller}" }))
            .asks(&[sees_ticket, refuses(A::TicketWork, On::Ticket)])
            .fresh(Fresh::Ticket),
        r("POST", "/api/v1/tickets/{ticket}/reopen")
            .asks(&[sees_ticket, refuses(A::TicketSettle, On::Ticket)])
            .fresh(Fresh::ResolvedTicket),
        r("POST", "/api/v1/tickets/{ticket}/close")
            .asks(&[sees_ticket, refuses(A::TicketSettle, On::Ticket)])
            .fresh(Fresh::ResolvedTicket),
        // A file: its bytes are the body (here the JSON), its name in the
        // query; each caller its own name.
        r("POST", "/api/v1/tickets/{ticket}/attachments?name={caller}.json")
            .valid(json!({ "attached by": "{caller}" }))
            .asks(&[sees_ticket, refuses(A::TicketComment, On::Ticket)])
            .ok(201),
        r("GET", "/api/v1/tickets/{ticket}/attachments/{attachment}").asks(&[sees_ticket]),
        r("GET", "/api/v1/tickets/{ticket}/participants").asks(&[sees_ticket]),
        r("POST", "/api/v1/tickets/{ticket}/participants")
            .invalid(json!({ "account_id": "" }))
            .valid(json!({ "account_id": "{expert}" }))
            .asks(&[sees_ticket, refuses(A::TicketParticipants, On::Ticket)])
            .ok(201)
            .fresh(Fresh::Ticket),
        // The follower is none of the callers (one leaving is reading).
        r("DELETE", "/api/v1/tickets/{ticket}/participants/{follower}")
            .asks(&[sees_ticket, refuses(A::TicketParticipants, On::Ticket)])
            .ok(204)
            .fresh(Fresh::FollowedTicket),
        // An article drafted from a resolved ticket: by those who see the
        // ticket and write articles.
        r("POST", "/api/v1/tickets/{ticket}/article")
            .asks(&[sees_ticket, refuses(A::KbWrite, On::Kb)])
            .ok(201)
            .fresh(Fresh::ResolvedTicket),
        r("GET", "/healthz").public(),
        r("GET", "/readyz").public(),
        r("GET", "/metrics").public(),
    ]
}

/// Placeholders of the table → parameter names of the OpenAPI document.
const PARAMETERS: [(&str, &str); 29] = [
    ("{desk}", "{id}"),
    ("{ticket}", "{id}"),
    ("{attachment}", "{attachment_id}"),
    ("{follower}", "{account_id}"),
    ("{confirmed}", "{account_id}"),
    ("{engine}", "{id}"),
    ("{kb_article}", "{id}"),
    ("{kb_draft}", "{id}"),
    ("{job}", "{id}"),
    ("{instance}", "{id}"),
    ("{my_configuration}", "{id}"),
    ("{offering}", "{id}"),
    ("{order}", "{id}"),
    ("{upload}", "{id}"),
    ("{caller}.json", "{path}"),
    ("{dataset}", "{id}"),
    ("{file}", "{id}"),
    ("{novice}", "{id}"),
    ("{webmaster}", "{id}"),
    ("{leaver}", "{id}"),
    ("{my_token}", "{id}"),
    ("{work}", "{id}"),
    ("{org}", "{id}"),
    ("{member}", "{user_id}"),
    ("{invitation}", "{invitation_id}"),
    ("{secret}", "{token}"),
    ("{project}", "{id}"),
    ("{participant}", "{participant_id}"),
    ("{approval}", "{id}"),
];

#[test]
fn the_table_lists_every_documented_operation() {
    let documented: BTreeSet<String> = documented_operations()
        .into_iter()
        .map(|op| format!("{} {}", op.method, op.path))
        .collect();
    let tested: BTreeSet<String> = table()
        .iter()
        .map(|r| {
            // A query of the row is not part of the operation's path.
            let path = r.path.split('?').next().unwrap_or(r.path);
            let p = PARAMETERS
                .iter()
                .fold(path.to_owned(), |p, (from, to)| p.replace(from, to));
            format!("{} {p}", r.method)
        })
        .collect();
    assert_eq!(
        documented, tested,
        "every route needs a row in tests/api/routes.rs"
    );
}

#[test]
fn every_row_is_well_formed() {
    for route in table() {
        let what = format!("{} {}", route.method, route.path);
        assert!(
            route.ok < 300 || !route.because.is_empty(),
            "{what}: say why a valid request answers {}",
            route.ok
        );
        assert!(
            !route.public
                || route
                    .asks
                    .iter()
                    .all(|a| matches!(a.on, On::Nothing | On::Kb)),
            "{what}: a public route asks about nothing in particular (or how one stands to the knowledge base)"
        );
        if let Some(kind) = route.fresh {
            assert!(
                route.path.contains(kind.placeholder()),
                "{what}: a fresh {kind:?} replaces {}",
                kind.placeholder()
            );
        }
    }
}

/// What the policy says `caller` gets from `route`.
fn expected(route: &Route, policy: &Policy, caller: Option<Acct>) -> u16 {
    if caller.is_none() && !route.public {
        return 401;
    }
    let actor = caller.map_or_else(Actor::anonymous, |c| Actor::new(c.profile(), true));
    for ask in &route.asks {
        if !policy
            .decide(&actor, &ask.action, &ask.on.resource(caller))
            .allowed
        {
            return if ask.hidden { 404 } else { 403 };
        }
    }
    route.ok
}

/// A caller of the matrix: one of the five profiles, or nobody (no token;
/// public routes then use a spare session of the novice for their body).
struct Caller {
    acct: Option<Acct>,
    session: Session,
    /// An API token of this caller's, for `DELETE /me/tokens/{id}`.
    token: String,
    /// A saved configuration of this caller's, for
    /// `DELETE /me/configurations/{id}`.
    configuration: String,
}

impl Caller {
    fn name(&self) -> &'static str {
        self.acct.map_or("anonymous", |a| a.profile().as_str())
    }
}

/// The shared objects of the fixture.
struct Fixture {
    admin: Session,
    expert: Session,
    webmaster: Session,
    confirmed: Session,
    novice: Session,
    member: Session,
    leaver: String,
    charter: String,
    work: String,
    org: String,
    invitation: String,
    secret: String,
    project: String,
    participant: String,
    approval: String,
    /// An active project like the shared one (same people, same standing).
    active: String,
    /// A dataset of `active`, and a file in it.
    dataset: String,
    file: String,
    /// An upload into `dataset` of each caller's (by account id), 10 bytes
    /// long, nothing sent yet.
    uploads: std::collections::BTreeMap<String, String>,
    /// A pending order of the expert for `active`.
    order: String,
    /// A stopped instance of the novice in `active` (`matrix-instance`).
    instance: String,
    /// An engine of the admin's.
    engine: String,
    /// A queued job of the novice's in `active` (no replica runs jobs).
    job: String,
    /// The organisation's local desk (the confirmed its agent), and a new
    /// ticket of the novice's there.
    desk: String,
    ticket: String,
    /// A file the novice attached to that ticket.
    attachment: String,
    /// A user of the organisation, none of the callers, who follows the
    /// tickets of [`Fresh::FollowedTicket`].
    follower: Session,
    /// A published article of the knowledge base and a draft, both the
    /// admin's.
    kb_article: String,
    kb_draft: String,
}

async fn json_of(res: reqwest::Response, status: u16) -> Value {
    let got = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).expect("json")
}

async fn id_of(res: reqwest::Response, status: u16) -> String {
    json_of(res, status).await["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

impl Fixture {
    fn fill(&self, text: &str, caller: &Caller) -> String {
        text.replace("{caller}", caller.name())
            .replace("{email}", &caller.session.email)
            .replace("{password}", &caller.session.password)
            .replace("{refresh}", &caller.session.refresh)
            .replace("{my_token}", &caller.token)
            .replace("{charter}", &self.charter)
            .replace("{novice}", &self.novice.id)
            .replace("{webmaster}", &self.webmaster.id)
            .replace("{expert}", &self.expert.id)
            .replace("{confirmed}", &self.confirmed.id)
            .replace("{leaver}", &self.leaver)
            .replace("{member}", &self.member.id)
            .replace("{work}", &self.work)
            .replace("{org}", &self.org)
            .replace("{invitation}", &self.invitation)
            .replace("{secret}", &self.secret)
            .replace("{project}", &self.project)
            .replace("{participant}", &self.participant)
            .replace("{approval}", &self.approval)
            .replace("{dataset}", &self.dataset)
            .replace("{file}", &self.file)
            .replace("{order}", &self.order)
            .replace("{instance}", &self.instance)
            .replace("{engine}", &self.engine)
            .replace("{job}", &self.job)
            .replace("{desk}", &self.desk)
            .replace("{ticket}", &self.ticket)
            .replace("{attachment}", &self.attachment)
            .replace("{follower}", &self.follower.id)
            .replace("{kb_article}", &self.kb_article)
            .replace("{kb_draft}", &self.kb_draft)
            .replace("{my_configuration}", &caller.configuration)
            .replace("{offering}", "postgresql")
            .replace(
                "{upload}",
                self.uploads
                    .get(&caller.session.id)
                    .map_or("none", String::as_str),
            )
    }

    /// A dataset of the active project, created by the expert.
    async fn dataset(&self, app: &TestApp, name: &str) -> String {
        id_of(
            app.post(
                &format!("/api/v1/projects/{}/datasets", self.active),
                &self.expert.access,
                json!({ "name": name }),
            )
            .await,
            201,
        )
        .await
    }

    /// A pending order of the expert's for the active project.
    /// An engine registered by the admin.
    async fn engine(&self, app: &TestApp, name: &str) -> String {
        id_of(
            app.post(
                "/api/v1/engines",
                &self.admin.access,
                json!({ "name": name, "command": ["true"], "timeout_secs": 5 }),
            )
            .await,
            201,
        )
        .await
    }

    /// A queued job of the novice's in the active project.
    async fn job(&self, app: &TestApp) -> String {
        id_of(
            app.post(
                &format!("/api/v1/projects/{}/jobs", self.active),
                &self.novice.access,
                json!({ "engine_id": self.engine }),
            )
            .await,
            201,
        )
        .await
    }

    /// An article of the knowledge base by the admin, in `state`.
    async fn kb_article(&self, app: &TestApp, title: &str, state: &str) -> String {
        id_of(
            app.post(
                "/api/v1/kb/articles",
                &self.admin.access,
                json!({ "title": title, "body": "How to.", "state": state }),
            )
            .await,
            201,
        )
        .await
    }

    /// The local desk of organisation `org`, with the confirmed its agent.
    async fn desk_of(&self, app: &TestApp, org: &str) -> String {
        let desk = app.local_desk(&self.admin, org).await;
        let res = app
            .post(
                &format!("/api/v1/desks/{desk}/agents"),
                &self.admin.access,
                json!({ "account_id": self.confirmed.id }),
            )
            .await;
        assert_eq!(res.status(), 201, "the confirmed, an agent of the desk");
        desk
    }

    /// A new ticket of the novice's at the shared desk; `resolved` by the
    /// confirmed.
    async fn ticket(&self, app: &TestApp, resolved: bool) -> String {
        let thread = json_of(
            app.post(
                "/api/v1/tickets",
                &self.novice.access,
                json!({ "desk_id": self.desk, "type": "incident", "category": "printer",
                        "subject": "The printer", "body": "It jams." }),
            )
            .await,
            201,
        )
        .await;
        let id = thread["ticket"]["id"].as_str().expect("id").to_owned();
        if resolved {
            let res = app
                .post(
                    &format!("/api/v1/tickets/{id}/resolve"),
                    &self.confirmed.access,
                    json!({ "resolution": "Unjammed." }),
                )
                .await;
            assert_eq!(res.status(), 200, "resolve a fresh ticket");
        }
        id
    }

    async fn order(&self, app: &TestApp) -> String {
        id_of(
            app.post(
                &format!("/api/v1/projects/{}/orders", self.active),
                &self.expert.access,
                json!({ "offering_id": "jupyterlab" }),
            )
            .await,
            201,
        )
        .await
    }

    /// A file of the fixture's dataset, uploaded by the expert.
    async fn file(&self, app: &TestApp, name: &str) -> String {
        let res = app
            .client
            .put(app.url(&format!("/api/v1/datasets/{}/files/{name}", self.dataset)))
            .bearer_auth(&self.expert.access)
            .body(format!("the bytes of {name}"))
            .send()
            .await
            .expect("sent");
        id_of(res, 201).await
    }

    async fn invite(&self, app: &TestApp, emails: &[&str], role: &str) {
        let res = app
            .post(
                &format!("/api/v1/organizations/{}/invitations", self.org),
                &self.admin.access,
                json!({ "emails": emails, "role": role }),
            )
            .await;
        assert_eq!(res.status(), 200, "invite {emails:?}");
    }

    /// The pending invitation of the organisation sent to `email`.
    async fn invitation_to(&self, app: &TestApp, email: &str) -> String {
        let list = json_of(
            app.get(
                &format!("/api/v1/organizations/{}/invitations", self.org),
                &self.admin.access,
            )
            .await,
            200,
        )
        .await;
        list["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["email"] == email)
            .and_then(|i| i["id"].as_str())
            .expect("invitation")
            .to_owned()
    }

    /// The approval of `project` waiting in `approver`'s inbox.
    async fn approval_of(app: &TestApp, approver: &Session, project: &str) -> String {
        let inbox = json_of(app.get("/api/v1/approvals", &approver.access).await, 200).await;
        inbox["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|a| a["subject_id"] == project)
            .and_then(|a| a["id"].as_str())
            .expect("approval")
            .to_owned()
    }

    /// A pending project like the shared one: the expert owns it, the
    /// confirmed sponsors it, the member is its data steward.
    async fn project(&self, app: &TestApp, name: &str) -> String {
        id_of(
            app.post(
                "/api/v1/projects",
                &self.expert.access,
                json!({ "organization_id": self.org, "name": name, "data_class": "standard",
                        "domain": "ecology", "sponsor_id": self.confirmed.id,
                        "data_steward_id": self.member.id }),
            )
            .await,
            201,
        )
        .await
    }

    /// A participant of the shared project, invited by the expert.
    async fn participant(&self, app: &TestApp, email: &str) -> String {
        id_of(
            app.post(
                &format!("/api/v1/projects/{}/participants", self.project),
                &self.expert.access,
                json!({ "email": email }),
            )
            .await,
            201,
        )
        .await
    }

    /// A fresh object of `kind` (see [`Fresh`]); `n` keeps names unique.
    async fn fresh(&self, app: &TestApp, kind: Fresh, n: usize) -> String {
        let email = format!("fresh-{n}@inserm.fr");
        match kind {
            Fresh::Novice => {
                app.create(&self.confirmed, Profile::Novice, &email)
                    .await
                    .0
                    .id
            }
            Fresh::BlockedNovice => {
                let id = app
                    .create(&self.confirmed, Profile::Novice, &email)
                    .await
                    .0
                    .id;
                let res = app
                    .post(
                        &format!("/api/v1/users/{id}/block"),
                        &self.admin.access,
                        json!({}),
                    )
                    .await;
                assert_eq!(res.status(), 200, "block a fresh novice");
                id
            }
            Fresh::Webmaster => {
                app.create(&self.admin, Profile::Webmaster, &email)
                    .await
                    .0
                    .id
            }
            Fresh::Draft => {
                app.job_draft(&self.novice, &format!("fresh draft {n}"))
                    .await
            }
            Fresh::Member => {
                let id = app
                    .create(&self.confirmed, Profile::Novice, &email)
                    .await
                    .0
                    .id;
                self.invite(app, &[email.as_str()], "user").await;
                id
            }
            Fresh::Invitation => {
                self.invite(app, &[email.as_str()], "user").await;
                self.invitation_to(app, &email).await
            }
            Fresh::Project => self.project(app, &format!("Fresh project {n}")).await,
            Fresh::ActiveProject => {
                let id = self.project(app, &format!("Fresh project {n}")).await;
                for approver in [&self.confirmed, &self.member] {
                    let approval = Self::approval_of(app, approver, &id).await;
                    let res = app
                        .post(
                            &format!("/api/v1/approvals/{approval}/decision"),
                            &approver.access,
                            json!({ "decision": "approve" }),
                        )
                        .await;
                    assert_eq!(res.status(), 200, "approve a fresh project");
                }
                // The same participants as the shared one.
                for email in [&self.novice.email, &self.webmaster.email] {
                    let res = app
                        .post(
                            &format!("/api/v1/projects/{id}/participants"),
                            &self.expert.access,
                            json!({ "email": email }),
                        )
                        .await;
                    assert_eq!(res.status(), 201, "a participant of a fresh project");
                }
                id
            }
            Fresh::Participant => self.participant(app, &email).await,
            Fresh::Dataset => self.dataset(app, &format!("Fresh dataset {n}")).await,
            Fresh::File => self.file(app, &format!("fresh-{n}.txt")).await,
            Fresh::Offering => {
                id_of(
                    app.post(
                        "/api/v1/catalog",
                        &self.admin.access,
                        json!({ "id": format!("fresh-{n}"), "name": format!("Fresh {n}"),
                                "category": "Tools", "config_schema": { "type": "object" },
                                "price_per_hour": 1, "unit": "EUR",
                                "spawner": { "kind": "slurm" } }),
                    )
                    .await,
                    201,
                )
                .await
            }
            Fresh::Order => self.order(app).await,
            Fresh::Engine => self.engine(app, &format!("Fresh engine {n}")).await,
            Fresh::Job => self.job(app).await,
            Fresh::Desk => {
                let org = id_of(
                    app.post(
                        "/api/v1/organizations",
                        &self.admin.access,
                        json!({ "name": format!("Fresh lab {n}") }),
                    )
                    .await,
                    201,
                )
                .await;
                for (email, role) in [
                    (&self.expert.email, "manager"),
                    (&self.confirmed.email, "contributor"),
                    (&self.novice.email, "user"),
                    (&self.webmaster.email, "operator"),
                    (&self.member.email, "user"),
                ] {
                    let res = app
                        .post(
                            &format!("/api/v1/organizations/{org}/invitations"),
                            &self.admin.access,
                            json!({ "emails": [email], "role": role }),
                        )
                        .await;
                    assert_eq!(res.status(), 200, "a member of a fresh organisation");
                }
                self.desk_of(app, &org).await
            }
            Fresh::Ticket => self.ticket(app, false).await,
            Fresh::ResolvedTicket => self.ticket(app, true).await,
            Fresh::FollowedTicket => {
                let id = self.ticket(app, false).await;
                let res = app
                    .post(
                        &format!("/api/v1/tickets/{id}/participants"),
                        &self.novice.access,
                        json!({ "account_id": self.follower.id }),
                    )
                    .await;
                assert_eq!(res.status(), 201, "the follower follows a fresh ticket");
                id
            }
            Fresh::KbArticle => {
                self.kb_article(app, &format!("Fresh article {n}"), "published")
                    .await
            }
        }
    }
}

/// Builds the fixture described at [`Acct`]; returns it with the callers.
async fn fixture(app: &TestApp) -> (Fixture, Vec<Caller>) {
    let h = app.hierarchy().await;
    let member = app
        .ready(&h.confirmed, Profile::Novice, "member@inserm.fr")
        .await;
    let follower = app
        .ready(&h.confirmed, Profile::Novice, "follower@inserm.fr")
        .await;
    let leaver = app
        .create(&h.confirmed, Profile::Novice, "leaver@inserm.fr")
        .await
        .0
        .id;
    let res = app
        .post(
            &format!("/api/v1/users/{leaver}/departure"),
            &h.confirmed.access,
            json!({ "date": "2999-01-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(res.status(), 201, "schedule the leaver's departure");
    for s in [&h.admin, &h.expert, &h.webmaster, &h.confirmed, &h.novice] {
        app.accept_charter(s).await;
    }
    let policy = json_of(app.request("GET", "/api/v1/policy", None, None).await, 200).await;
    let work = app.job_draft(&h.novice, "Matrix draft").await;
    let org = id_of(
        app.post(
            "/api/v1/organizations",
            &h.admin.access,
            json!({ "name": "Matrix lab" }),
        )
        .await,
        201,
    )
    .await;
    let mut fx = Fixture {
        charter: policy["charter_version"]
            .as_str()
            .expect("charter")
            .to_owned(),
        admin: h.admin.clone(),
        expert: h.expert.clone(),
        webmaster: h.webmaster.clone(),
        confirmed: h.confirmed.clone(),
        novice: h.novice.clone(),
        member,
        leaver,
        work,
        org,
        invitation: String::new(),
        secret: String::new(),
        project: String::new(),
        participant: String::new(),
        approval: String::new(),
        active: String::new(),
        dataset: String::new(),
        file: String::new(),
        uploads: Default::default(),
        order: String::new(),
        instance: String::new(),
        engine: String::new(),
        job: String::new(),
        desk: String::new(),
        ticket: String::new(),
        attachment: String::new(),
        follower,
        kb_article: String::new(),
        kb_draft: String::new(),
    };
    fx.invite(app, &[h.expert.email.as_str()], "manager").await;
    fx.invite(app, &[h.confirmed.email.as_str()], "contributor")
        .await;
    fx.invite(
        app,
        &[
            h.novice.email.as_str(),
            fx.member.email.as_str(),
            fx.follower.email.as_str(),
        ],
        "user",
    )
    .await;
    fx.invite(app, &[h.webmaster.email.as_str()], "operator")
        .await;
    // An invitation to an address without an account yet: its link.
    fx.invite(app, &["invitee@inserm.fr"], "user").await;
    fx.invitation = fx.invitation_to(app, "invitee@inserm.fr").await;
    let mail = app
        .wait_for_mail(|m| m.contains("To: invitee@inserm.fr") && m.contains("/invitations/hinv_"))
        .await;
    let start = mail.find("/invitations/hinv_").expect("link") + "/invitations/".len();
    fx.secret = mail[start..]
        .split(char::is_whitespace)
        .next()
        .expect("secret")
        .to_owned();
    fx.project = fx.project(app, "Matrix project").await;
    fx.participant(app, &h.novice.email).await;
    fx.participant(app, &h.webmaster.email).await;
    fx.participant = fx.participant(app, "guest@inserm.fr").await;
    fx.approval = Fixture::approval_of(app, &h.confirmed, &fx.project).await;
    // The active project: the same people in the same places.
    fx.active = fx.project(app, "Matrix data").await;
    app.approve(&fx.active, &[&h.confirmed, &fx.member]).await;
    for email in [&h.novice.email, &h.webmaster.email] {
        let res = app
            .post(
                &format!("/api/v1/projects/{}/participants", fx.active),
                &h.expert.access,
                json!({ "email": email }),
            )
            .await;
        assert_eq!(res.status(), 201, "a participant of the active project");
    }
    fx.dataset = fx.dataset(app, "Matrix dataset").await;
    fx.file = fx.file(app, "matrix.txt").await;
    fx.order = fx.order(app).await;
    fx.engine = fx.engine(app, "Matrix engine").await;
    fx.job = fx.job(app).await;
    fx.desk = fx.desk_of(app, &fx.org.clone()).await;
    fx.ticket = fx.ticket(app, false).await;
    fx.attachment = id_of(
        app.client
            .post(app.url(&format!(
                "/api/v1/tickets/{}/attachments?name=matrix.txt",
                fx.ticket
            )))
            .bearer_auth(&h.novice.access)
            .body("the printer's log")
            .send()
            .await
            .expect("sent"),
        201,
    )
    .await;
    fx.kb_article = fx.kb_article(app, "Matrix article", "published").await;
    fx.kb_draft = fx.kb_article(app, "Matrix draft article", "draft").await;
    // A stopped instance of the novice's from that order (no process: the
    // routes answer from its row).
    fx.instance = {
        use habilis_api::instances::queries::{insert, InstanceRow};
        let now = habilis_api::clock::db_time(chrono::Utc::now());
        let row = InstanceRow {
            id: uuid::Uuid::now_v7().to_string(),
            order_id: fx.order.clone(),
            project_id: fx.active.clone(),
            offering_id: "jupyterlab".into(),
            owner_id: h.novice.id.clone(),
            name: "matrix-instance".into(),
            config: "{}".into(),
            state: "stopped".into(),
            spawner_kind: "local".into(),
            handle: None,
            open_url: None,
            secrets: None,
            failure: None,
            created_at: now,
            started_at: Some(now),
            stopped_at: Some(now),
            last_activity_at: None,
            idle_notice_at: None,
            kept_at: None,
            deleted_at: None,
            lease_owner: None,
            lease_until: None,
        };
        let id = row.id.clone();
        app.with_db(move |c| insert(c, &row).expect("the fixture's instance"))
            .await;
        id
    };
    // Each caller's upload: begun by the expert, then made the caller's
    // (as if begun while the policy let it; the novice's no longer may).
    for s in [&h.admin, &h.expert, &h.webmaster, &h.confirmed, &h.novice] {
        let res = app
            .client
            .post(app.url(&format!("/api/v1/datasets/{}/uploads", fx.dataset)))
            .bearer_auth(&h.expert.access)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", "10")
            .header("Upload-Metadata", "filename bWF0cml4LmJpbg==")
            .send()
            .await
            .expect("sent");
        assert_eq!(res.status(), 201, "an upload of the fixture");
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .expect("location")
            .to_owned();
        let id = location.rsplit('/').next().expect("id").to_owned();
        let owner = s.id.clone();
        let upload = id.clone();
        app.with_db(move |c| {
            use diesel::prelude::*;
            use habilis_api::db::schema::uploads;
            diesel::update(uploads::table.find(upload))
                .set(uploads::created_by.eq(owner))
                .execute(c)
                .expect("the caller's upload")
        })
        .await;
        fx.uploads.insert(s.id.clone(), id);
    }

    // The callers, each with an API token of their own; nobody's public
    // requests use a spare session of the novice.
    let spare = app.login(&h.novice.email, &h.novice.password).await;
    let mut callers = vec![Caller {
        acct: None,
        session: spare,
        token: "none".into(),
        configuration: "none".into(),
    }];
    for (acct, s) in
        Acct::CALLERS
            .into_iter()
            .zip([&h.admin, &h.expert, &h.webmaster, &h.confirmed, &h.novice])
    {
        let token = id_of(
            app.post(
                "/api/v1/me/tokens",
                &s.access,
                json!({ "name": "matrix", "scopes": ["read"] }),
            )
            .await,
            201,
        )
        .await;
        let configuration = id_of(
            app.post(
                "/api/v1/me/configurations",
                &s.access,
                json!({ "name": "matrix", "offering_id": "postgresql", "config": {} }),
            )
            .await,
            201,
        )
        .await;
        callers.push(Caller {
            acct: Some(acct),
            session: s.clone(),
            token,
            configuration,
        });
    }
    (fx, callers)
}

#[actix_web::test]
async fn every_route_answers_every_caller_as_the_policy_says() {
    let app = TestApp::new().await;
    let policy = app.state.policy.clone();
    let (fx, mut callers) = fixture(&app).await;
    let mut wrong = Vec::new();
    let (mut tried, mut fresh) = (0, 0);
    for route in table() {
        let what = format!("{} {}", route.method, route.path);
        let path = fx.fill(route.path, &callers[0]);

        if !route.public {
            let res = app
                .request(route.method, &path, Some("Bearer-garbage"), None)
                .await;
            if route.method == "HEAD" {
                assert_eq!(res.status(), 401, "{what}");
                assert!(content_type(&res).starts_with("application/problem+json"));
            } else {
                problem(res, 401).await;
            }
        }

        if let Some(invalid) = &route.invalid {
            let res = app
                .client
                .request(route.method.parse().expect("method"), app.url(&path))
                .bearer_auth(&fx.admin.access)
                .header("content-type", "application/json")
                .body("{\"oops\": ")
                .send()
                .await
                .expect("sent");
            problem(res, 400).await;
            let res = app
                .request(
                    route.method,
                    &path,
                    Some(&fx.admin.access),
                    Some(invalid.clone()),
                )
                .await;
            let body = problem(res, 422).await;
            assert!(body["errors"].is_object(), "{what}: {body}");
        }

        for caller in callers.iter_mut() {
            let expect = expected(&route, &policy, caller.acct);
            let mut path = route.path.to_owned();
            if let (Some(kind), true) = (route.fresh, expect == route.ok) {
                fresh += 1;
                let id = fx.fresh(&app, kind, fresh).await;
                path = path.replace(kind.placeholder(), &id);
            }
            let path = fx.fill(&path, caller);
            let body = route.valid.as_ref().map(|v| {
                serde_json::from_str(&fx.fill(&v.to_string(), caller)).expect("valid body")
            });
            let token = match caller.acct {
                None => None,
                Some(_) if route.own_session => Some(
                    app.login(&caller.session.email, &caller.session.password)
                        .await
                        .access,
                ),
                Some(_) => Some(caller.session.access.clone()),
            };
            let res = match route.tus {
                None => {
                    app.request(route.method, &path, token.as_deref(), body)
                        .await
                }
                Some((headers, raw)) => {
                    let mut req = app
                        .client
                        .request(route.method.parse().expect("method"), app.url(&path))
                        .header("Tus-Resumable", "1.0.0")
                        .body(raw.to_vec());
                    for (k, v) in headers {
                        req = req.header(*k, *v);
                    }
                    if let Some(t) = &token {
                        req = req.bearer_auth(t);
                    }
                    req.send().await.expect("sent")
                }
            };
            let got = res.status().as_u16();
            let problem_json = content_type(&res).starts_with("application/problem+json");
            let text = res.text().await.unwrap_or_default();
            tried += 1;
            if got != expect {
                wrong.push(format!(
                    "{what} as {}: expected {expect}, got {got}: {text}",
                    caller.name()
                ));
            } else if got >= 400 && !problem_json {
                wrong.push(format!(
                    "{what} as {}: {got} without problem+json: {text}",
                    caller.name()
                ));
            }
            if route.changes_password && got == 204 {
                caller.session.password = MATRIX_PASSWORD.into();
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {tried} answers contradict the policy:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(tried, table().len() * 6, "every route × every caller");
}
