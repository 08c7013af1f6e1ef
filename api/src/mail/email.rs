//! The e-mails Habilis sends: one [`Email`] variant per kind, holding what
//! its template shows, and the [`Recipient`] whose language and date format
//! the message is written in (issue 13 §2).

use chrono::{DateTime, Utc};
use diesel::QueryResult;
use habilis_shared::dto::{DateFormat, Language};
use habilis_shared::policy::{OrgRole, Profile, WorkState};
use serde::Serialize;

use crate::accounts::queries::{self as users_q, UserRow};
use crate::db::DbConn;

/// Who reads an e-mail, and how: the account's language and date format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    pub address: String,
    pub language: Language,
    pub date_format: DateFormat,
}

impl Recipient {
    /// An account, in its own preferences.
    pub fn of(user: &UserRow) -> Recipient {
        Recipient {
            address: user.email.clone(),
            language: user.language(),
            date_format: DateFormat::parse(&user.date_format).unwrap_or(DateFormat::DayMonthYear),
        }
    }

    /// An address without an account (an outsider being invited) reads
    /// the inviter's language and date format.
    pub fn outsider(address: &str, inviter: &UserRow) -> Recipient {
        Recipient {
            address: address.to_owned(),
            ..Recipient::of(inviter)
        }
    }

    /// The account holding `address` if there is one, else an outsider
    /// reading like `inviter`.
    pub fn by_address(
        conn: &mut DbConn,
        address: &str,
        inviter: &UserRow,
    ) -> QueryResult<Recipient> {
        Ok(
            match users_q::find_by_email_key(conn, &habilis_shared::Email::key_of(address))? {
                Some(account) => Recipient::of(&account),
                None => Recipient::outsider(address, inviter),
            },
        )
    }
}

/// How a project approval ended for its requester (SPEC §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalOutcome {
    /// One approver rejected: the project is rejected.
    Rejected,
    /// The last approval came in: the project is active.
    Approved,
    /// Approved, another approval is still awaited.
    Awaiting,
}

/// What happened to a support ticket, for its requester (issue 18 §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketUpdate {
    /// The ticket was received.
    Created,
    /// It waits for an approval before an agent takes it.
    AwaitingApproval,
    /// Its approval was given: it is open.
    Approved,
    /// Its approval was refused: it is closed.
    Rejected,
    /// Someone commented.
    Comment,
    /// An agent took it.
    Assigned,
    /// It went to the group desk.
    Escalated,
    /// It is resolved.
    Resolved,
    /// It was reopened.
    Reopened,
    /// It is closed.
    Closed,
    /// A file was attached (`text`: its name).
    Attached,
    /// The recipient was named a participant: they follow it now.
    Followed,
}

/// One e-mail of each kind. Its template is `api/templates/mail/<kind>.txt`
/// (subject and plain text) and `<kind>.html`; the sentences are the
/// `mail-<kind>-…` keys of the catalogs. Names and titles are shown as
/// given; dates are written in the recipient's date format.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum Email<'a> {
    /// The single-use link that activates a new account (SPEC §3.1).
    Activation {
        name: &'a str,
        link: &'a str,
        until: DateTime<Utc>,
    },
    /// An activation succeeded or failed: to the person, their supervisors,
    /// the admins and the webmasters (SPEC §3.2).
    ActivationOutcome {
        name: &'a str,
        email: &'a str,
        activated: bool,
    },
    /// A promotion: to the person and their new supervisor (SPEC §3.4).
    Promotion {
        name: &'a str,
        email: &'a str,
        from: Profile,
        to: Profile,
    },
    /// A secondment window: to the person and the host (seed 004 §6).
    Secondment {
        person: &'a str,
        host: &'a str,
        starts: DateTime<Utc>,
        ends: DateTime<Utc>,
    },
    /// An existing account was added to an organisation (SPEC §4).
    OrgJoined {
        inviter: &'a str,
        org: &'a str,
        role: OrgRole,
    },
    /// A single-use invitation link to an organisation (SPEC §4).
    OrgInvitation {
        inviter: &'a str,
        org: &'a str,
        role: OrgRole,
        link: &'a str,
        until: DateTime<Utc>,
    },
    /// A participant was added to a project; `has_account` false when the
    /// access opens only once the account exists (SPEC §4).
    ProjectInvitation {
        inviter: &'a str,
        project: &'a str,
        has_account: bool,
    },
    /// A project waits for this approver (`role`: `sponsor` or
    /// `data_steward`, SPEC §4).
    ApprovalRequest {
        requester: &'a str,
        project: &'a str,
        org: &'a str,
        role: &'a str,
    },
    /// An approver decided on the requester's project (SPEC §4).
    ApprovalDecision {
        approver: &'a str,
        project: &'a str,
        outcome: ApprovalOutcome,
        comment: Option<&'a str>,
    },
    /// An order of a service for a project waits for this approver
    /// (`role`: `sponsor` or `data_steward`, SPEC §6).
    OrderRequest {
        requester: &'a str,
        offering: &'a str,
        project: &'a str,
        role: &'a str,
    },
    /// An approver decided on the requester's order (SPEC §6).
    OrderDecision {
        approver: &'a str,
        offering: &'a str,
        project: &'a str,
        outcome: ApprovalOutcome,
        comment: Option<&'a str>,
    },
    /// A work was given to the recipient (SPEC §2.5, seed 004 §6).
    WorkTransfer {
        giver: &'a str,
        title: &'a str,
        state: WorkState,
    },
    /// A scheduled departure comes near: what will be handed over, to whom
    /// (SPEC §3.6).
    DepartureNotice {
        name: &'a str,
        date: DateTime<Utc>,
        days: i64,
        receiver: &'a str,
        drafts: i64,
        unpublished: i64,
        published: i64,
        may_delete: bool,
    },
    /// A departure was carried out: to the receiver of the works and of the
    /// people who reported to the departed (SPEC §3.7).
    DepartureDone {
        name: &'a str,
        works: usize,
        subordinates: usize,
    },
    /// No sign-in for a long time: the account is blocked unless the person
    /// signs in before `until` (SPEC §3.8).
    InactivityWarning { name: &'a str, until: DateTime<Utc> },
    /// The single-use link to choose a new password (issue 14 §1).
    PasswordReset {
        name: &'a str,
        link: &'a str,
        until: DateTime<Utc>,
    },
    /// The password was changed with a reset link: every session and API
    /// token was ended.
    PasswordChanged { name: &'a str },
    /// The account's e-mail address was corrected (SPEC §2.5): to the old
    /// and the new address.
    EmailChanged {
        name: &'a str,
        old: &'a str,
        new: &'a str,
    },
    /// A running instance of the recipient's has been idle: it is stopped
    /// at `until` unless kept through `link` (issue 16 §5).
    InstanceIdle {
        name: &'a str,
        instance: &'a str,
        link: &'a str,
        until: DateTime<Utc>,
    },
    /// A public update of a support ticket, to its requester (issue 18
    /// §3): `text` the comment, resolution, reason or approval comment.
    TicketUpdate {
        update: TicketUpdate,
        reference: &'a str,
        subject: &'a str,
        author: &'a str,
        text: Option<&'a str>,
    },
    /// A support request waits for this approver (`role`: `supervisor` or
    /// `sponsor`, issue 18 §2).
    TicketApproval {
        requester: &'a str,
        subject: &'a str,
        category: &'a str,
        role: &'a str,
    },
    /// A running instance's process was found gone (issue 16 §4).
    InstanceLost {
        name: &'a str,
        instance: &'a str,
        link: &'a str,
    },
}

impl Email<'_> {
    /// The name of its templates and the middle of its catalog keys.
    pub fn kind(&self) -> &'static str {
        match self {
            Email::Activation { .. } => "activation",
            Email::ActivationOutcome { .. } => "activation-outcome",
            Email::Promotion { .. } => "promotion",
            Email::Secondment { .. } => "secondment",
            Email::OrgJoined { .. } => "org-joined",
            Email::OrgInvitation { .. } => "org-invitation",
            Email::ProjectInvitation { .. } => "project-invitation",
            Email::ApprovalRequest { .. } => "approval-request",
            Email::ApprovalDecision { .. } => "approval-decision",
            Email::OrderRequest { .. } => "order-request",
            Email::OrderDecision { .. } => "order-decision",
            Email::WorkTransfer { .. } => "work-transfer",
            Email::DepartureNotice { .. } => "departure-notice",
            Email::DepartureDone { .. } => "departure-done",
            Email::InactivityWarning { .. } => "inactivity-warning",
            Email::PasswordReset { .. } => "password-reset",
            Email::PasswordChanged { .. } => "password-changed",
            Email::EmailChanged { .. } => "email-changed",
            Email::InstanceIdle { .. } => "instance-idle",
            Email::InstanceLost { .. } => "instance-lost",
            Email::TicketUpdate { .. } => "ticket-update",
            Email::TicketApproval { .. } => "ticket-approval",
        }
    }
}
