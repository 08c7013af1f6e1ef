//! What an incoming message does: the decisions, in this order, each a
//! named refusal that is audited (`mail.ingest`, outcome `failure`) and
//! changes nothing else:
//!
//! 1. larger than `HABILIS_MAIL_MAX_BYTES` → [`Refusal::TooLarge`] (the
//!    caller never reads more than the limit and one byte);
//! 2. not a message `mail-parser` can read → [`Refusal::Malformed`];
//! 3. written by a machine (auto-reply, bounce, list, vacation) →
//!    [`Refusal::Automatic`] — the loop guard: no comment, no e-mail;
//! 4. sent to a reply address `support+<ticket>.<tag>@domain` that does
//!    not verify → [`Refusal::BadAddress`]; to neither a reply address
//!    nor the desk address → [`Refusal::NoRecipient`];
//! 5. from an address no active account holds → [`Refusal::UnknownSender`];
//! 6. a reply from someone who is neither the requester nor a participant
//!    of the ticket, or whom the policy refuses → [`Refusal::NotOnTicket`];
//! 7. nothing left once quoted history and signature are trimmed →
//!    [`Refusal::EmptyBody`].
//!
//! An accepted reply is a public comment of its sender
//! ([`service::comment`]); an accepted new mail opens an incident of
//! category `email` at the sender's local desk ([`service::create`]). Both
//! run the desk's own transaction (change, history, audit, e-mails); the
//! audit rows carry the message's `Message-ID` as request id.

use chrono::{DateTime, Utc};
use habilis_shared::dto::{AccountState, CreateTicket, TicketState, TicketType};
use habilis_shared::policy::{Action, Policy};
use serde_json::json;

use super::parse::{self, Automatic, Incoming, Malformed};
use crate::accounts::queries as users;
use crate::audit::{self, AuditAction, Event, Outcome as AuditOutcome};
use crate::auth::{Caller, Credential, ReqCtx};
use crate::config::Config;
use crate::db::DbConn;
use crate::support::service::{self, Outgoing, SupportError};
use crate::support::{address, desk_resource, queries, ticket_resource};

/// The category of tickets opened by e-mail.
pub const CATEGORY: &str = "email";
/// The longest subject and body a ticket takes (those of `POST /tickets`).
const SUBJECT_MAX: usize = 200;
const BODY_MAX: usize = 20_000;

/// What the ingest knows of this server's mail.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The domain of reply addresses (`HABILIS_MAIL_FROM`'s).
    pub domain: String,
    /// The desk's address (`HABILIS_SUPPORT_ADDRESS`), lower-case.
    pub desk_address: String,
    /// The largest message taken, in bytes.
    pub max_bytes: usize,
}

impl Settings {
    pub fn of(config: &Config) -> Settings {
        Settings {
            domain: config.mail_domain(),
            desk_address: config.support_address(),
            max_bytes: config.mail_max_bytes,
        }
    }
}

/// What the transport knows beyond the message: the SMTP envelope, or
/// what an MTA's pipe hands over.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Envelope {
    /// `MAIL FROM`: `Some("")` for the null path of a bounce.
    pub sender: Option<String>,
    /// `RCPT TO`s; empty = take the message's own headers.
    pub recipients: Vec<String>,
    /// Where it came from, for the audit log (`smtp 127.0.0.1`, `pipe`).
    pub source: String,
}

/// Why a message changed nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    TooLarge,
    Malformed(Malformed),
    Automatic(Automatic),
    BadAddress,
    NoRecipient,
    UnknownSender,
    NotOnTicket,
    /// The ticket is closed (or otherwise takes no comment).
    WrongState(TicketState),
    /// The sender belongs to no single organisation with a local desk.
    NoDesk,
    EmptyBody,
}

impl Refusal {
    /// The code written to the audit log and the catalog key's end
    /// (`mailin-refused-<code>`).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::TooLarge => "too_large",
            Refusal::Malformed(_) => "malformed",
            Refusal::Automatic(_) => "automatic",
            Refusal::BadAddress => "bad_address",
            Refusal::NoRecipient => "no_recipient",
            Refusal::UnknownSender => "unknown_sender",
            Refusal::NotOnTicket => "not_on_ticket",
            Refusal::WrongState(_) => "wrong_state",
            Refusal::NoDesk => "no_desk",
            Refusal::EmptyBody => "empty_body",
        }
    }

    /// Its sentence in the catalogs (`shared/locales/*/mailin.ftl`).
    pub fn message_key(&self) -> &'static str {
        match self {
            Refusal::TooLarge => "mailin-refused-too-large",
            Refusal::Malformed(_) => "mailin-refused-malformed",
            Refusal::Automatic(_) => "mailin-refused-automatic",
            Refusal::BadAddress => "mailin-refused-bad-address",
            Refusal::NoRecipient => "mailin-refused-no-recipient",
            Refusal::UnknownSender => "mailin-refused-unknown-sender",
            Refusal::NotOnTicket => "mailin-refused-not-on-ticket",
            Refusal::WrongState(_) => "mailin-refused-wrong-state",
            Refusal::NoDesk => "mailin-refused-no-desk",
            Refusal::EmptyBody => "mailin-refused-empty-body",
        }
    }

    /// The finer reason, when there is one.
    pub fn detail(&self) -> Option<&'static str> {
        match self {
            Refusal::Malformed(m) => Some(m.as_str()),
            Refusal::Automatic(a) => Some(a.as_str()),
            Refusal::WrongState(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// A machine's message: accepted and dropped in silence by the SMTP
    /// listener (nothing is answered that could start a loop).
    pub fn is_automatic(&self) -> bool {
        matches!(self, Refusal::Automatic(_))
    }
}

/// What an accepted message did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Accepted {
    Comment { ticket: String },
    Ticket { ticket: String },
}

/// What became of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Accepted(Accepted),
    Refused(Refusal),
}

/// A failure worth trying again later (the database is away): the MTA
/// keeps the message and retries.
#[derive(Debug, thiserror::Error)]
#[error("temporary failure: {0}")]
pub struct IngestError(pub String);

impl From<diesel::result::Error> for IngestError {
    fn from(e: diesel::result::Error) -> Self {
        IngestError(e.to_string())
    }
}

/// What the recipients of a message ask for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Reply(String),
    New,
}

/// Whether `address` is one this server takes mail for: the desk's, or a
/// reply address that verifies (the SMTP listener asks at `RCPT TO`).
pub fn target_of(key: &[u8], settings: &Settings, address: &str) -> Result<Target, Refusal> {
    let bare = address
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    if let Some(ticket) = address::verify(key, &settings.domain, bare) {
        return Ok(Target::Reply(ticket));
    }
    if bare.eq_ignore_ascii_case(&settings.desk_address) {
        return Ok(Target::New);
    }
    let ours = bare.rsplit_once('@').is_some_and(|(local, host)| {
        host.eq_ignore_ascii_case(&settings.domain)
            && local
                .to_ascii_lowercase()
                .starts_with(&format!("{}+", address::LOCAL))
    });
    Err(if ours {
        Refusal::BadAddress
    } else {
        Refusal::NoRecipient
    })
}

/// The target of a message sent to `recipients`: a reply address first,
/// then the desk address; a forged reply address names the refusal.
fn target(key: &[u8], settings: &Settings, recipients: &[String]) -> Result<Target, Refusal> {
    let mut refusal = Refusal::NoRecipient;
    let mut new = false;
    for r in recipients {
        match target_of(key, settings, r) {
            Ok(Target::Reply(t)) => return Ok(Target::Reply(t)),
            Ok(Target::New) => new = true,
            Err(Refusal::BadAddress) => refusal = Refusal::BadAddress,
            Err(_) => {}
        }
    }
    if new {
        Ok(Target::New)
    } else {
        Err(refusal)
    }
}

/// At most `max` characters of `text`, cut with an ellipsis.
fn at_most(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// Decides on `raw` (at most the limit and one byte, as read) and does
/// what it asks. Every refusal is audited here.
pub fn ingest(
    conn: &mut DbConn,
    policy: &Policy,
    now: DateTime<Utc>,
    settings: &Settings,
    raw: &[u8],
    envelope: &Envelope,
) -> Result<Outcome, IngestError> {
    let parsed = if raw.len() > settings.max_bytes {
        Err(Refusal::TooLarge)
    } else {
        parse::parse(raw).map_err(Refusal::Malformed)
    };
    let incoming = match parsed {
        Ok(m) => m,
        Err(refusal) => return refuse(conn, now, envelope, None, None, refusal),
    };
    match decide(conn, policy, now, settings, &incoming, envelope) {
        Ok(accepted) => {
            tracing::info!(from = %incoming.from, message_id = ?incoming.message_id, ?accepted, "support mail accepted");
            Ok(Outcome::Accepted(accepted))
        }
        Err(Decided::Refused(refusal, actor)) => {
            refuse(conn, now, envelope, Some(&incoming), actor, refusal)
        }
        Err(Decided::Failed(e)) => Err(e),
    }
}

enum Decided {
    /// With the sender's account when known.
    Refused(Refusal, Option<String>),
    Failed(IngestError),
}

impl From<Refusal> for Decided {
    fn from(r: Refusal) -> Self {
        Decided::Refused(r, None)
    }
}

/// The desk's helpers answer with API errors: only the database's reach
/// here.
fn api_failed(e: crate::error::ApiError) -> Decided {
    Decided::Failed(IngestError(e.detail.key().to_owned()))
}

impl From<diesel::result::Error> for Decided {
    fn from(e: diesel::result::Error) -> Self {
        Decided::Failed(e.into())
    }
}

fn decide(
    conn: &mut DbConn,
    policy: &Policy,
    now: DateTime<Utc>,
    settings: &Settings,
    m: &Incoming,
    envelope: &Envelope,
) -> Result<Accepted, Decided> {
    if let Some(why) = m.automatic {
        return Err(Refusal::Automatic(why).into());
    }
    if envelope
        .sender
        .as_deref()
        .is_some_and(|s| s.trim().is_empty())
    {
        return Err(Refusal::Automatic(Automatic::Bounce).into());
    }
    let key = queries::reply_key(conn)?;
    let recipients = if envelope.recipients.is_empty() {
        &m.recipients
    } else {
        &envelope.recipients
    };
    let target = target(&key, settings, recipients)?;
    // Our own messages coming back (a misrouted loop) are machines too.
    if target_of(&key, settings, &m.from).is_ok() {
        return Err(Refusal::Automatic(Automatic::AutoSubmitted).into());
    }
    let user = users::find_by_email_key(conn, &habilis_shared::Email::key_of(&m.from))?
        .filter(|u| matches!(u.state(), AccountState::Active | AccountState::Departing))
        .ok_or(Refusal::UnknownSender)?;
    let refused = |r: Refusal| Decided::Refused(r, Some(user.id.clone()));
    let caller = Caller {
        user: user.clone(),
        credential: Credential::Mail,
        ctx: ReqCtx {
            request_id: m.message_id.clone(),
            ip: envelope.source.clone(),
        },
    };
    if m.body.trim().is_empty() {
        return Err(refused(Refusal::EmptyBody));
    }
    let body = at_most(&m.body, BODY_MAX);
    let out = Outgoing {
        domain: settings.domain.clone(),
    };
    let actor = user.actor(policy);
    match target {
        Target::Reply(id) => {
            let ticket = queries::find_ticket(conn, &id)?.ok_or(Refusal::BadAddress)?;
            let resource = ticket_resource(conn, &caller, &ticket).map_err(api_failed)?;
            let habilis_shared::policy::Resource::Ticket {
                requester,
                participant,
                agent,
            } = resource
            else {
                return Err(refused(Refusal::NotOnTicket));
            };
            if !(requester || participant)
                || !policy
                    .decide(&actor, &Action::TicketComment, &resource)
                    .allowed
            {
                return Err(refused(Refusal::NotOnTicket));
            }
            match service::comment(conn, now, &out, &caller, &ticket.id, agent, &body, false) {
                Ok(_) => Ok(Accepted::Comment { ticket: ticket.id }),
                Err(SupportError::WrongState(s)) => Err(refused(Refusal::WrongState(s))),
                Err(SupportError::NotFound) => Err(refused(Refusal::BadAddress)),
                Err(SupportError::Db(e)) => Err(e.into()),
                Err(other) => Err(Decided::Failed(IngestError(other.to_string()))),
            }
        }
        Target::New => {
            let desk = match service::default_desk(conn, &caller) {
                Ok(d) => d,
                Err(SupportError::Db(e)) => return Err(e.into()),
                Err(_) => return Err(refused(Refusal::NoDesk)),
            };
            let mine = queries::agent_desks(conn, caller.id())?;
            let resource = desk_resource(conn, &caller, &desk, &mine).map_err(api_failed)?;
            if !policy
                .decide(&actor, &Action::TicketCreate, &resource)
                .allowed
            {
                return Err(refused(Refusal::NoDesk));
            }
            let first_line = body
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or_default();
            let subject = if m.subject.trim().is_empty() {
                first_line
            } else {
                m.subject.trim()
            };
            let req = CreateTicket {
                desk_id: None,
                kind: TicketType::Incident,
                category: CATEGORY.to_owned(),
                subject: at_most(subject, SUBJECT_MAX),
                body,
                project_id: None,
            };
            match service::create(conn, policy, now, &out, &caller, &desk, None, &req) {
                Ok(thread) => Ok(Accepted::Ticket {
                    ticket: thread.ticket.id,
                }),
                Err(SupportError::Db(e)) => Err(e.into()),
                Err(_) => Err(refused(Refusal::NoDesk)),
            }
        }
    }
}

/// Audits `refusal` (the only row a refused message writes) and logs it.
fn refuse(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    envelope: &Envelope,
    m: Option<&Incoming>,
    actor: Option<String>,
    refusal: Refusal,
) -> Result<Outcome, IngestError> {
    tracing::warn!(
        reason = refusal.code(),
        detail = ?refusal.detail(),
        from = ?m.map(|m| &m.from),
        message_id = ?m.and_then(|m| m.message_id.as_ref()),
        source = %envelope.source,
        "support mail refused"
    );
    let recipients = if envelope.recipients.is_empty() {
        m.map(|m| m.recipients.clone()).unwrap_or_default()
    } else {
        envelope.recipients.clone()
    };
    let mut event = Event::new(AuditAction::MailIngest, AuditOutcome::Failure).detail(json!({
        "reason": refusal.code(),
        "detail": refusal.detail(),
        "from": m.map(|m| &m.from),
        "to": recipients,
        "message_id": m.and_then(|m| m.message_id.as_ref()),
        "envelope_from": envelope.sender,
    }));
    event.request_id = m.and_then(|m| m.message_id.clone());
    event.ip = Some(envelope.source.clone());
    if let Some(actor) = actor {
        event = event.actor(actor);
    }
    audit::append(conn, now, event)?;
    Ok(Outcome::Refused(refusal))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn settings() -> Settings {
        Settings {
            domain: "h.test".into(),
            desk_address: "support@h.test".into(),
            max_bytes: 1024,
        }
    }

    #[test]
    fn recipients_are_a_reply_the_desk_or_nothing() {
        let s = settings();
        let reply = address::build(KEY, "0190-ab", "h.test");
        assert_eq!(
            target_of(KEY, &s, &format!("<{reply}>")),
            Ok(Target::Reply("0190-ab".into()))
        );
        assert_eq!(target_of(KEY, &s, "Support@H.test"), Ok(Target::New));
        assert_eq!(
            target_of(KEY, &s, &reply.replace("0190-ab", "0190-ac")),
            Err(Refusal::BadAddress)
        );
        assert_eq!(
            target_of(KEY, &s, "someone@h.test"),
            Err(Refusal::NoRecipient)
        );
        assert_eq!(
            target_of(KEY, &s, "support@evil.test"),
            Err(Refusal::NoRecipient)
        );
        // A reply address wins over the desk's among several recipients.
        assert_eq!(
            target(KEY, &s, &["support@h.test".into(), reply.clone()]),
            Ok(Target::Reply("0190-ab".into()))
        );
        assert_eq!(
            target(KEY, &s, &["x@y.test".into(), "support+1.2@h.test".into()]),
            Err(Refusal::BadAddress)
        );
    }

    #[test]
    fn long_text_is_cut() {
        assert_eq!(at_most("abc", 3), "abc");
        assert_eq!(at_most("abcd", 3), "ab…");
        assert_eq!(at_most("日本語です", 4), "日本語…");
    }
}
