//! E-mail: what is sent, in whose words, and its delivery (SPEC §10,
//! issue 13 §2).
//!
//! An [`Email`] is one kind of message with its data; [`queue`] writes it
//! for a [`Recipient`] (in their language and date format, see
//! [`templates`]) into the outbox, inside the caller's transaction, so an
//! e-mail exists exactly when the change that causes it committed. Workers
//! claim due rows with a compare-and-set lease (`UPDATE … WHERE lease
//! expired`), deliver outside any transaction (multipart/alternative: plain
//! text and HTML), then mark them sent; a failure schedules a retry with
//! exponential backoff. The lease makes several API processes on one
//! PostgreSQL deliver each message once.

mod email;
mod templates;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, MultiPart, SinglePart};

pub use email::{ApprovalOutcome, Email, Recipient, TicketUpdate};

use crate::clock::db_time;
use crate::db::schema::outbox;
use crate::db::{DbConn, DbPool};

/// How long a claimed message is reserved for its worker.
const LEASE_SECS: i64 = 120;
const MAX_BACKOFF_SECS: i64 = 3600;

/// A message as the outbox holds it: written, addressed, ready to deliver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub to: String,
    pub subject: String,
    pub text: String,
    /// Absent only for the plain-text [`Mail`]s not yet written from a
    /// template.
    pub html: Option<String>,
}

/// The reply and threading headers of a message (a support ticket's
/// updates: issue 18 §3), kept with it in the outbox as JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Headers {
    /// `Reply-To`: where a reply goes (a ticket's own address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    /// `Message-ID`, with its angle brackets; default `<outbox id@habilis>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// `In-Reply-To`, with its angle brackets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<String>,
    /// `References`: message ids, space-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub references: Option<String>,
}

/// Queues `email` for `to` as [`queue`] does, with reply and threading
/// `headers`.
pub fn queue_with(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    to: &Recipient,
    email: &Email<'_>,
    headers: &Headers,
) -> QueryResult<String> {
    let message = templates::render(email, to).map_err(|e| {
        let cause = format!("e-mail `{}` not written: {e:#}", email.kind());
        diesel::result::Error::QueryBuilderError(cause.into())
    })?;
    let id = insert(conn, now, &message)?;
    let json = serde_json::to_string(headers)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    diesel::update(outbox::table.find(&id))
        .set(outbox::headers.eq(Some(json)))
        .execute(conn)?;
    Ok(id)
}

/// Queues `email` for `to`, written in their language and date format.
/// Returns the outbox id. A template that fails to render (the unit tests
/// render every kind in every language) fails like the insert it prevents,
/// so every layer can `?` it and the transaction rolls back.
pub fn queue(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    to: &Recipient,
    email: &Email<'_>,
) -> QueryResult<String> {
    let message = templates::render(email, to).map_err(|e| {
        let cause = format!("e-mail `{}` not written: {e:#}", email.kind());
        diesel::result::Error::QueryBuilderError(cause.into())
    })?;
    insert(conn, now, &message)
}

/// A plain-text e-mail written by hand. TRANSITIONAL (issue 13 §2): the
/// departure and approval e-mails still use it until they become [`Email`]
/// kinds (their variants and templates are ready); then it goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Queues a [`Mail`] (TRANSITIONAL, see there).
pub fn enqueue(conn: &mut DbConn, now: DateTime<Utc>, mail: &Mail) -> QueryResult<String> {
    let message = Message {
        to: mail.to.clone(),
        subject: mail.subject.clone(),
        text: mail.body.clone(),
        html: None,
    };
    insert(conn, now, &message)
}

fn insert(conn: &mut DbConn, now: DateTime<Utc>, message: &Message) -> QueryResult<String> {
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(&id),
            outbox::created_at.eq(db_time(now)),
            outbox::to_addr.eq(&message.to),
            outbox::subject.eq(&message.subject),
            outbox::body.eq(&message.text),
            outbox::html.eq(&message.html),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(db_time(now)),
        ))
        .execute(conn)?;
    Ok(id)
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: String,
    pub to_addr: String,
    pub subject: String,
    /// The plain text.
    pub body: String,
    pub html: Option<String>,
    pub attempts: i32,
    /// [`Headers`] as JSON, if any.
    pub headers: Option<String>,
}

/// Where messages go.
pub trait Deliver: Send + Sync {
    fn deliver(&self, msg: &OutboxRow) -> Result<(), String>;
}

/// Writes RFC 5322 `.eml` files (the embedded default: a person can open the
/// activation link locally). Written to a temporary name then renamed, so a
/// reader never sees half a message.
pub struct FileDelivery {
    pub dir: PathBuf,
    pub from: String,
}

/// Sends over SMTP with lettre (`HABILIS_SMTP_URL`).
pub struct SmtpDelivery {
    pub transport: lettre::SmtpTransport,
    pub from: String,
}

/// `Auto-Submitted: auto-generated` (RFC 3834 §5): every message Habilis
/// sends is written by the server, so that auto-responders do not answer
/// it and the support desk's loop guard knows its own mail (issue 18 §3).
#[derive(Clone)]
struct AutoSubmitted;

impl lettre::message::header::Header for AutoSubmitted {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

fn build_message(from: &str, msg: &OutboxRow) -> Result<lettre::Message, String> {
    let from = from
        .parse()
        .map_err(|e| format!("bad sender address: {e}"))?;
    let to = msg
        .to_addr
        .parse()
        .map_err(|e| format!("bad recipient address: {e}"))?;
    let headers: Headers = msg
        .headers
        .as_deref()
        .and_then(|h| serde_json::from_str(h).ok())
        .unwrap_or_default();
    let mut builder = lettre::Message::builder()
        .from(from)
        .to(to)
        .subject(msg.subject.clone())
        .header(AutoSubmitted)
        .message_id(Some(
            headers
                .message_id
                .clone()
                .unwrap_or_else(|| format!("<{}@habilis>", msg.id)),
        ));
    if let Some(reply_to) = &headers.reply_to {
        let reply_to = reply_to
            .parse()
            .map_err(|e| format!("bad reply-to address: {e}"))?;
        builder = builder.reply_to(reply_to);
    }
    if let Some(id) = &headers.in_reply_to {
        builder = builder.in_reply_to(id.clone());
    }
    if let Some(ids) = &headers.references {
        builder = builder.references(ids.clone());
    }
    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(body_8bit(&msg.body));
    match &msg.html {
        // RFC 2046 §5.1.4: the richer part last.
        Some(html) => builder.multipart(
            MultiPart::alternative().singlepart(text).singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .body(body_8bit(html)),
            ),
        ),
        None => builder.singlepart(text),
    }
    .map_err(|e| e.to_string())
}

/// 8bit keeps links verbatim in the message (lettre would pick base64 for
/// lines over 76 characters), so a person, or a test, can copy them from the
/// `.eml`. RFC 5322 allows lines up to 998 octets; longer ones fall back.
fn body_8bit(text: &str) -> Body {
    let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
    if crlf.split("\r\n").all(|line| line.len() <= 998) {
        Body::dangerous_pre_encoded(crlf.into_bytes(), ContentTransferEncoding::EightBit)
    } else {
        Body::new(text.to_owned())
    }
}

impl Deliver for FileDelivery {
    fn deliver(&self, msg: &OutboxRow) -> Result<(), String> {
        let message = build_message(&self.from, msg)?;
        std::fs::create_dir_all(&self.dir).map_err(|e| e.to_string())?;
        let tmp = self.dir.join(format!(".{}.tmp", msg.id));
        let path = self.dir.join(format!("{}.eml", msg.id));
        std::fs::write(&tmp, message.formatted()).map_err(|e| e.to_string())?;
        std::fs::rename(&tmp, &path).map_err(|e| e.to_string())
    }
}

impl Deliver for SmtpDelivery {
    fn deliver(&self, msg: &OutboxRow) -> Result<(), String> {
        use lettre::Transport;
        let message = build_message(&self.from, msg)?;
        self.transport
            .send(&message)
            .map(drop)
            .map_err(|e| e.to_string())
    }
}

/// The configured transport: SMTP when a URL is set, files otherwise.
pub fn transport(
    smtp_url: Option<&str>,
    mail_dir: PathBuf,
    from: &str,
) -> Result<Arc<dyn Deliver>, String> {
    match smtp_url {
        Some(url) => {
            let transport = lettre::SmtpTransport::from_url(url)
                .map_err(|e| format!("invalid HABILIS_SMTP_URL: {e}"))?
                .build();
            Ok(Arc::new(SmtpDelivery {
                transport,
                from: from.to_owned(),
            }))
        }
        None => Ok(Arc::new(FileDelivery {
            dir: mail_dir,
            from: from.to_owned(),
        })),
    }
}

/// Claims up to `batch` due messages for `worker`, delivers them and
/// records the outcome. Returns how many were delivered.
pub fn deliver_due(
    pool: &DbPool,
    deliver: &dyn Deliver,
    worker: &str,
    now: DateTime<Utc>,
    batch: i64,
) -> Result<usize, String> {
    let mut pooled = pool.get().map_err(|e| e.to_string())?;
    let conn: &mut DbConn = &mut pooled;
    let now_db = db_time(now);
    let due: Vec<String> = outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::next_attempt_at.le(now_db))
        .filter(
            outbox::lease_until
                .is_null()
                .or(outbox::lease_until.lt(now_db)),
        )
        .order(outbox::next_attempt_at.asc())
        .limit(batch)
        .select(outbox::id)
        .load(conn)
        .map_err(|e| e.to_string())?;
    let lease_until = db_time(now + chrono::Duration::seconds(LEASE_SECS));
    let mut sent = 0;
    for id in due {
        // Compare-and-set claim: only one worker's UPDATE matches.
        let claimed = diesel::update(
            outbox::table
                .filter(outbox::id.eq(&id))
                .filter(outbox::sent_at.is_null())
                .filter(
                    outbox::lease_until
                        .is_null()
                        .or(outbox::lease_until.lt(now_db)),
                ),
        )
        .set((
            outbox::lease_owner.eq(worker),
            outbox::lease_until.eq(lease_until),
        ))
        .execute(conn)
        .map_err(|e| e.to_string())?;
        if claimed != 1 {
            continue;
        }
        let row: OutboxRow = outbox::table
            .find(&id)
            .select(OutboxRow::as_select())
            .first(conn)
            .map_err(|e| e.to_string())?;
        let owned = outbox::table
            .filter(outbox::id.eq(&id))
            .filter(outbox::lease_owner.eq(worker));
        match deliver.deliver(&row) {
            Ok(()) => {
                diesel::update(owned)
                    .set((
                        outbox::sent_at.eq(now_db),
                        outbox::attempts.eq(row.attempts + 1),
                        outbox::lease_owner.eq(None::<String>),
                        outbox::lease_until.eq(None::<chrono::NaiveDateTime>),
                        outbox::last_error.eq(None::<String>),
                    ))
                    .execute(conn)
                    .map_err(|e| e.to_string())?;
                sent += 1;
            }
            Err(err) => {
                let attempts = row.attempts + 1;
                let backoff = (5i64 << attempts.min(10)).min(MAX_BACKOFF_SECS);
                tracing::warn!(mail = %id, attempts, error = %err, "mail delivery failed; will retry");
                diesel::update(owned)
                    .set((
                        outbox::attempts.eq(attempts),
                        outbox::next_attempt_at
                            .eq(db_time(now + chrono::Duration::seconds(backoff))),
                        outbox::lease_owner.eq(None::<String>),
                        outbox::lease_until.eq(None::<chrono::NaiveDateTime>),
                        outbox::last_error.eq(Some(err)),
                    ))
                    .execute(conn)
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(sent)
}

/// Messages not yet delivered (for `/metrics`).
pub fn backlog(conn: &mut DbConn) -> QueryResult<i64> {
    outbox::table
        .filter(outbox::sent_at.is_null())
        .count()
        .get_result(conn)
}

/// The background loop inside `serve`.
pub fn spawn_worker(
    pool: DbPool,
    deliver: Arc<dyn Deliver>,
    clock: Arc<dyn crate::clock::Clock>,
    period: Duration,
) {
    let worker = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4());
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(period);
        loop {
            tick.tick().await;
            let (pool, deliver, clock, worker) =
                (pool.clone(), deliver.clone(), clock.clone(), worker.clone());
            let res = actix_web::web::block(move || {
                deliver_due(&pool, deliver.as_ref(), &worker, clock.now(), 50)
            })
            .await;
            match res {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "outbox worker pass failed"),
                Err(e) => tracing::warn!(error = %e, "outbox worker could not run"),
            }
        }
    });
}
