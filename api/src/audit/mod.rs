//! Append-only, hash-chained audit log (SPEC §11, §12).
//!
//! Each row stores the previous row's hash and its own hash over a canonical
//! serialisation of its content, so editing, deleting or reordering a row
//! breaks the chain and `habilis audit verify` names the first broken link.
//! Rows are written in the same transaction as the change they record: if
//! the audit row cannot be written, the change fails (fail closed). Appends
//! lock the single `audit_head` row first, which serialises writers on
//! PostgreSQL and takes the write lock up front on SQLite.

pub mod routes;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::clock::{db_time, utc};
use crate::db::schema::{audit_head, audit_log};
use crate::db::DbConn;

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

macro_rules! audit_actions {
    ($($variant:ident = $code:literal,)*) => {
        /// What an audit row records, declared once: the variant names the
        /// change, the code is what the `action` column holds (a contract
        /// with whoever reads the log, so codes never change).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum AuditAction {
            $($variant,)*
        }

        impl AuditAction {
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant),*];

            pub const fn code(self) -> &'static str {
                match self {
                    $(AuditAction::$variant => $code,)*
                }
            }
        }
    };
}

audit_actions! {
    ApprovalDecide = "approval.decide",
    AuthActivate = "auth.activate",
    AuthLogin = "auth.login",
    AuthLogout = "auth.logout",
    AuthPassword = "auth.password",
    AuthPasswordReset = "auth.password_reset",
    AuthPasswordResetRequest = "auth.password_reset_request",
    AuthRefreshReuse = "auth.refresh_reuse",
    CatalogCreate = "catalog.create",
    CatalogDelete = "catalog.delete",
    CatalogSeed = "catalog.seed",
    CatalogUpdate = "catalog.update",
    CharterSign = "charter.sign",
    DatasetCreate = "dataset.create",
    DeskAgentAdd = "desk.agent.add",
    DeskAgentRemove = "desk.agent.remove",
    DatasetDelete = "dataset.delete",
    DatasetUpdate = "dataset.update",
    EngineCreate = "engine.create",
    EngineRetire = "engine.retire",
    EngineUpdate = "engine.update",
    FileDelete = "file.delete",
    FileDownload = "file.download",
    FileUpload = "file.upload",
    InstanceDelete = "instance.delete",
    InstanceFail = "instance.fail",
    InstanceIdleNotice = "instance.idle_notice",
    InstanceKeep = "instance.keep",
    InstanceLaunch = "instance.launch",
    InstanceLost = "instance.lost",
    InstancePurge = "instance.purge",
    InstanceRemove = "instance.remove",
    InstanceStop = "instance.stop",
    JobCancel = "job.cancel",
    JobRecover = "job.recover",
    JobSubmit = "job.submit",
    KbCreate = "kb.create",
    KbDelete = "kb.delete",
    KbUpdate = "kb.update",
    MailIngest = "mail.ingest",
    MeTokensCreate = "me.tokens.create",
    MeTokensRevoke = "me.tokens.revoke",
    MeUpdate = "me.update",
    OrderCancel = "order.cancel",
    OrderCreate = "order.create",
    OrderUpdate = "order.update",
    OrgCreate = "org.create",
    OrgInvitationAccept = "org.invitation.accept",
    OrgInvitationRevoke = "org.invitation.revoke",
    OrgInvite = "org.invite",
    OrgUpdate = "org.update",
    OrgMemberRole = "org.member.role",
    OrgMemberBlock = "org.member.block",
    OrgMemberUnblock = "org.member.unblock",
    OrgMemberRemove = "org.member.remove",
    ProjectClose = "project.close",
    ProjectCreate = "project.create",
    ProjectDelete = "project.delete",
    ProjectParticipantInvite = "project.participant.invite",
    ProjectParticipantRevoke = "project.participant.revoke",
    ProjectUpdate = "project.update",
    TicketAssign = "ticket.assign",
    TicketAttach = "ticket.attach",
    TicketClose = "ticket.close",
    TicketComment = "ticket.comment",
    TicketCreate = "ticket.create",
    TicketEscalate = "ticket.escalate",
    TicketParticipantAdd = "ticket.participant.add",
    TicketParticipantRemove = "ticket.participant.remove",
    TicketReopen = "ticket.reopen",
    TicketResolve = "ticket.resolve",
    UserBlock = "user.block",
    UserUnblock = "user.unblock",
    UploadCreate = "upload.create",
    UploadExpire = "upload.expire",
    UploadTerminate = "upload.terminate",
    UserActivationResend = "user.activation_resend",
    UserUpdate = "user.update",
    UserBootstrapAdmin = "user.bootstrap_admin",
    UserCreate = "user.create",
    UserDelete = "user.delete",
    UserDepart = "user.depart",
    UserHandover = "user.handover",
    UserInactivityWarning = "user.inactivity_warning",
    UserPromote = "user.promote",
    UserSecond = "user.second",
    WorkAnnotate = "work.annotate",
    WorkCreate = "work.create",
    WorkDelete = "work.delete",
    WorkFile = "work.file",
    WorkProjectCleared = "work.project_cleared",
    WorkState = "work.state",
    WorkTransfer = "work.transfer",
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Denied,
    Failure,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Denied => "denied",
            Outcome::Failure => "failure",
        }
    }
}

/// Who did what to which object, from where.
#[derive(Clone, Debug)]
pub struct Event {
    pub actor_id: Option<String>,
    pub action: String,
    pub target_type: Option<&'static str>,
    pub target_id: Option<String>,
    pub outcome: Outcome,
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pub detail: serde_json::Value,
}

impl Event {
    pub fn new(action: AuditAction, outcome: Outcome) -> Self {
        Self::with_code(action.code().to_owned(), outcome)
    }

    /// A refusal by the policy: the row's action is the policy's action
    /// code (`user.create.expert`, …), the outcome `denied`.
    pub fn denial(action: &habilis_shared::policy::Action) -> Self {
        Self::with_code(action.code(), Outcome::Denied)
    }

    fn with_code(action: String, outcome: Outcome) -> Self {
        Event {
            actor_id: None,
            action,
            target_type: None,
            target_id: None,
            outcome,
            request_id: None,
            ip: None,
            detail: serde_json::Value::Object(Default::default()),
        }
    }
    pub fn actor(mut self, id: impl Into<String>) -> Self {
        self.actor_id = Some(id.into());
        self
    }
    pub fn target(mut self, kind: &'static str, id: impl Into<String>) -> Self {
        self.target_type = Some(kind);
        self.target_id = Some(id.into());
        self
    }
    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = detail;
        self
    }
    pub fn ctx(mut self, ctx: &crate::auth::ReqCtx) -> Self {
        self.request_id = ctx.request_id.clone();
        self.ip = Some(ctx.ip.clone());
        self
    }
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub seq: i64,
    pub at: chrono::NaiveDateTime,
    pub actor_id: Option<String>,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub outcome: String,
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRow {
    /// SHA-256 over a JSON array of every column but `hash`, in a fixed
    /// order; times as RFC 3339 with microseconds.
    pub fn compute_hash(&self) -> String {
        let canonical = serde_json::json!([
            self.seq,
            utc(self.at).to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            self.actor_id,
            self.action,
            self.target_type,
            self.target_id,
            self.outcome,
            self.request_id,
            self.ip,
            self.detail,
            self.prev_hash,
        ]);
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
    }
}

/// Appends one event to the chain (inside the caller's transaction when
/// there is one; a savepoint otherwise costs nothing).
pub fn append(conn: &mut DbConn, now: DateTime<Utc>, event: Event) -> QueryResult<i64> {
    let written = append_row(conn, now, event);
    if written.is_err() {
        crate::metrics::AUDIT_WRITE_FAILURES.inc();
    }
    written
}

/// Appends `events` in their order under one lock of the chain's head:
/// one read and one write of the head for them all (the dispatcher
/// records the ends of tens of jobs at once). The last row's seq, if any.
pub fn append_many(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    events: Vec<Event>,
) -> QueryResult<Option<i64>> {
    if events.is_empty() {
        return Ok(None);
    }
    let written = append_rows(conn, now, events).map(Some);
    if written.is_err() {
        crate::metrics::AUDIT_WRITE_FAILURES.inc();
    }
    written
}

fn append_row(conn: &mut DbConn, now: DateTime<Utc>, event: Event) -> QueryResult<i64> {
    append_rows(conn, now, vec![event])
}

fn append_rows(conn: &mut DbConn, now: DateTime<Utc>, events: Vec<Event>) -> QueryResult<i64> {
    conn.transaction(|conn| {
        // Lock the head first (a write), then read it.
        diesel::update(audit_head::table.find(1))
            .set(audit_head::id.eq(1))
            .execute(conn)?;
        let (mut seq, mut hash): (i64, String) = audit_head::table
            .find(1)
            .select((audit_head::seq, audit_head::hash))
            .first(conn)?;
        for event in events {
            let mut row = AuditRow {
                seq: seq + 1,
                at: db_time(now),
                actor_id: event.actor_id,
                action: event.action,
                target_type: event.target_type.map(str::to_owned),
                target_id: event.target_id,
                outcome: event.outcome.as_str().to_owned(),
                request_id: event.request_id,
                ip: event.ip,
                detail: event.detail.to_string(),
                prev_hash: hash,
                hash: String::new(),
            };
            row.hash = row.compute_hash();
            diesel::insert_into(audit_log::table)
                .values((
                    audit_log::seq.eq(row.seq),
                    audit_log::at.eq(row.at),
                    audit_log::actor_id.eq(&row.actor_id),
                    audit_log::action.eq(&row.action),
                    audit_log::target_type.eq(&row.target_type),
                    audit_log::target_id.eq(&row.target_id),
                    audit_log::outcome.eq(&row.outcome),
                    audit_log::request_id.eq(&row.request_id),
                    audit_log::ip.eq(&row.ip),
                    audit_log::detail.eq(&row.detail),
                    audit_log::prev_hash.eq(&row.prev_hash),
                    audit_log::hash.eq(&row.hash),
                ))
                .execute(conn)?;
            seq = row.seq;
            hash = row.hash;
        }
        diesel::update(audit_head::table.find(1))
            .set((audit_head::seq.eq(seq), audit_head::hash.eq(&hash)))
            .execute(conn)?;
        Ok(seq)
    })
}

/// Result of walking the chain.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Ok { rows: u64 },
    Broken { seq: i64, reason: String },
}

/// Walks the whole chain in order, in batches.
pub fn verify(conn: &mut DbConn) -> QueryResult<Verdict> {
    let mut expected_prev = GENESIS.to_owned();
    let mut expected_seq = 1i64;
    let mut rows = 0u64;
    loop {
        let batch: Vec<AuditRow> = audit_log::table
            .filter(audit_log::seq.ge(expected_seq))
            .order(audit_log::seq.asc())
            .limit(1000)
            .select(AuditRow::as_select())
            .load(conn)?;
        if batch.is_empty() {
            break;
        }
        for row in batch {
            if row.seq != expected_seq {
                return Ok(Verdict::Broken {
                    seq: expected_seq,
                    reason: format!("row {expected_seq} is missing (next is {})", row.seq),
                });
            }
            if row.prev_hash != expected_prev {
                return Ok(Verdict::Broken {
                    seq: row.seq,
                    reason: "prev_hash does not match the previous row's hash".into(),
                });
            }
            if row.compute_hash() != row.hash {
                return Ok(Verdict::Broken {
                    seq: row.seq,
                    reason: "content does not match its hash (row edited)".into(),
                });
            }
            expected_prev = row.hash;
            expected_seq += 1;
            rows += 1;
        }
    }
    let (head_seq, head_hash): (i64, String) = audit_head::table
        .find(1)
        .select((audit_head::seq, audit_head::hash))
        .first(conn)?;
    if head_seq != expected_seq - 1 || head_hash != expected_prev {
        return Ok(Verdict::Broken {
            seq: head_seq,
            reason: format!(
                "chain head says row {head_seq} but the log ends at row {}",
                expected_seq - 1
            ),
        });
    }
    Ok(Verdict::Ok { rows })
}

#[cfg(test)]
mod tests {
    use super::AuditAction;

    /// Codes are what the log holds and what its readers filter on: each
    /// names one action, in the dotted lower-case form of the policy's codes.
    #[test]
    fn audit_codes_are_unique_and_dotted() {
        let mut seen = std::collections::BTreeSet::new();
        for action in AuditAction::ALL {
            let code = action.code();
            assert!(seen.insert(code), "{code} twice");
            assert!(
                code.contains('.')
                    && code
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_'),
                "{code}"
            );
        }
    }
}
