//! The embedded SMTP listener (`HABILIS_SMTP_LISTEN`, off by default):
//! the subset of RFC 5321 a relay needs to hand support mail over.
//!
//! [`Session`] is the protocol alone (no I/O, unit-tested): `EHLO`/`HELO`,
//! `MAIL FROM`, `RCPT TO` — a recipient that is neither the desk address
//! nor a reply address that verifies is refused there with 550 —, `DATA`
//! with dot-unstuffing and the size limit (552), `RSET`, `NOOP`, `QUIT`;
//! `8BITMIME`, `SIZE` and `ENHANCEDSTATUSCODES` advertised; command lines
//! of at most 512 octets and text lines of at most 1,000 (RFC 5321
//! §4.5.3.1); after ten errors the connection is closed. [`serve`] drives
//! sessions over tokio with a timeout on every read and a bounded number
//! of connections, and runs the ingest on the blocking pool.
//!
//! What a message gets at the end of `DATA`: accepted, `250`; refused by a
//! rule, `550 5.7.1` (the relay, not Habilis, tells the sender); written
//! by a machine (the loop guard), `250` and dropped in silence, so an
//! auto-responder is never given anything to answer; the database away,
//! `451 4.3.0` so that the relay tries again.
//!
//! Why not a crate: `mailin-embedded` reads lines without a length limit
//! on threads of its own, `samotop` runs on async-std; this state machine
//! is small and fits tokio, which the server already runs.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWriteExt, BufReader};

use super::ingest::{self, Envelope, Outcome, Refusal, Settings};
use crate::clock::Clock;
use crate::db::DbPool;

/// Protocol limits.
#[derive(Clone, Debug)]
pub struct Limits {
    /// The largest message (`SIZE`), in bytes.
    pub max_bytes: usize,
    pub max_recipients: usize,
    /// Command line, CRLF included (RFC 5321 §4.5.3.1.4).
    pub command_line: usize,
    /// Text line of `DATA`, CRLF included (§4.5.3.1.6).
    pub text_line: usize,
    /// Errors before the connection is closed.
    pub max_errors: u32,
    /// The longest wait for a line (§4.5.3.2 suggests minutes).
    pub timeout: Duration,
    /// Connections served at once; more wait for a place.
    pub max_connections: usize,
}

impl Limits {
    pub fn new(max_bytes: usize) -> Limits {
        Limits {
            max_bytes,
            max_recipients: 100,
            command_line: 512,
            text_line: 1000,
            max_errors: 10,
            timeout: Duration::from_secs(300),
            max_connections: 32,
        }
    }
}

/// An answer: a code and its lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub lines: Vec<String>,
}

impl Reply {
    fn new(code: u16, text: impl Into<String>) -> Reply {
        Reply {
            code,
            lines: vec![text.into()],
        }
    }

    /// As sent: `250-first`, …, `250 last`, CRLF-terminated.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = String::new();
        for (i, line) in self.lines.iter().enumerate() {
            let sep = if i + 1 == self.lines.len() { ' ' } else { '-' };
            out.push_str(&format!("{}{sep}{line}\r\n", self.code));
        }
        out.into_bytes()
    }
}

/// What the driver does after a line.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Send this, read on.
    Reply(Reply),
    /// Send this, then close the connection.
    Close(Reply),
    /// Nothing to send (a line of `DATA`).
    Continue,
    /// A whole message: ingest it, then answer with [`Session::delivered`].
    Message { envelope: Envelope, data: Vec<u8> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Command,
    Data,
}

/// One SMTP conversation, without I/O.
pub struct Session {
    host: String,
    limits: Limits,
    accepts: Arc<dyn Fn(&str) -> bool + Send + Sync>,
    source: String,
    phase: Phase,
    greeted: bool,
    sender: Option<String>,
    recipients: Vec<String>,
    data: Vec<u8>,
    received: usize,
    overflow: bool,
    long_line: bool,
    errors: u32,
}

/// The address inside `<…>` after `prefix` (`FROM:`, `TO:`), and the
/// parameters after it.
fn path<'a>(args: &'a str, prefix: &str) -> Option<(&'a str, &'a str)> {
    let head = args.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = args[prefix.len()..].trim_start();
    let rest = rest.strip_prefix('<')?;
    let (addr, params) = rest.split_once('>')?;
    if addr.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    // A source route (`@a,@b:user@c`) is accepted and ignored (§4.1.2).
    let addr = addr.rsplit_once(':').map_or(addr, |(_, a)| a);
    Some((addr, params.trim()))
}

impl Session {
    pub fn new(
        host: &str,
        limits: Limits,
        source: &str,
        accepts: Arc<dyn Fn(&str) -> bool + Send + Sync>,
    ) -> Session {
        Session {
            host: host.to_owned(),
            limits,
            accepts,
            source: source.to_owned(),
            phase: Phase::Command,
            greeted: false,
            sender: None,
            recipients: Vec::new(),
            data: Vec::new(),
            received: 0,
            overflow: false,
            long_line: false,
            errors: 0,
        }
    }

    pub fn greeting(&self) -> Reply {
        Reply::new(220, format!("{} ESMTP Habilis support desk", self.host))
    }

    /// The longest line the next read may bring.
    pub fn line_limit(&self) -> usize {
        match self.phase {
            Phase::Command => self.limits.command_line,
            Phase::Data => self.limits.text_line,
        }
    }

    fn reset(&mut self) {
        self.sender = None;
        self.recipients.clear();
        self.data = Vec::new();
        self.received = 0;
        self.overflow = false;
        self.long_line = false;
        self.phase = Phase::Command;
    }

    fn error(&mut self, code: u16, text: &str) -> Step {
        self.errors += 1;
        if self.errors >= self.limits.max_errors {
            return Step::Close(Reply::new(421, "4.7.0 Too many errors, closing"));
        }
        Step::Reply(Reply::new(code, text))
    }

    /// One line as read (CRLF or LF included); `too_long` when the reader
    /// stopped at [`Session::line_limit`] and dropped the rest of it.
    pub fn line(&mut self, line: &[u8], too_long: bool) -> Step {
        match self.phase {
            Phase::Data => self.data_line(line, too_long),
            Phase::Command => self.command(line, too_long),
        }
    }

    fn data_line(&mut self, line: &[u8], too_long: bool) -> Step {
        let bare = line.strip_suffix(b"\n").unwrap_or(line);
        let bare = bare.strip_suffix(b"\r").unwrap_or(bare);
        if !too_long && bare == b"." {
            let step = if self.overflow {
                Step::Reply(Reply::new(552, "5.3.4 Message too big"))
            } else if self.long_line {
                Step::Reply(Reply::new(500, "5.5.6 Line too long"))
            } else {
                let envelope = Envelope {
                    sender: self.sender.clone(),
                    recipients: self.recipients.clone(),
                    source: self.source.clone(),
                };
                let data = std::mem::take(&mut self.data);
                self.reset();
                return Step::Message { envelope, data };
            };
            self.reset();
            return step;
        }
        self.long_line |= too_long;
        // Dot-unstuffing (§4.5.2).
        let line = line.strip_prefix(b".").unwrap_or(line);
        self.received = self.received.saturating_add(line.len());
        if self.received > self.limits.max_bytes {
            self.overflow = true;
            self.data = Vec::new();
            // A sender that never stops is cut off.
            if self.received > self.limits.max_bytes.saturating_mul(4) {
                return Step::Close(Reply::new(552, "5.3.4 Message too big"));
            }
        } else {
            self.data.extend_from_slice(line);
        }
        Step::Continue
    }

    fn command(&mut self, line: &[u8], too_long: bool) -> Step {
        if too_long {
            return self.error(500, "5.5.6 Line too long");
        }
        let Ok(text) = std::str::from_utf8(line) else {
            return self.error(500, "5.5.2 Syntax error");
        };
        let text = text.trim_end_matches(['\r', '\n']);
        let (verb, args) = text.split_once(' ').unwrap_or((text, ""));
        let args = args.trim();
        match verb.to_ascii_uppercase().as_str() {
            "EHLO" | "HELO" if args.is_empty() => self.error(501, "5.5.4 Domain required"),
            "EHLO" => {
                self.reset();
                self.greeted = true;
                Step::Reply(Reply {
                    code: 250,
                    lines: vec![
                        format!("{} greets {args}", self.host),
                        "8BITMIME".into(),
                        format!("SIZE {}", self.limits.max_bytes),
                        "ENHANCEDSTATUSCODES".into(),
                    ],
                })
            }
            "HELO" => {
                self.reset();
                self.greeted = true;
                Step::Reply(Reply::new(250, self.host.clone()))
            }
            "MAIL" => self.mail(args),
            "RCPT" => self.rcpt(args),
            "DATA" => {
                if !args.is_empty() {
                    return self.error(501, "5.5.4 No parameters allowed");
                }
                if self.sender.is_none() {
                    return self.error(503, "5.5.1 MAIL first");
                }
                if self.recipients.is_empty() {
                    return self.error(554, "5.5.1 No valid recipients");
                }
                self.phase = Phase::Data;
                Step::Reply(Reply::new(354, "End data with <CR><LF>.<CR><LF>"))
            }
            "RSET" if !args.is_empty() => self.error(501, "5.5.4 No parameters allowed"),
            "RSET" => {
                self.reset();
                Step::Reply(Reply::new(250, "2.0.0 OK"))
            }
            "NOOP" => Step::Reply(Reply::new(250, "2.0.0 OK")),
            "QUIT" => Step::Close(Reply::new(221, "2.0.0 Bye")),
            "VRFY" => Step::Reply(Reply::new(252, "2.1.5 Cannot verify, send some mail")),
            "STARTTLS" | "AUTH" | "EXPN" | "TURN" | "BDAT" | "HELP" => {
                self.error(502, "5.5.1 Command not implemented")
            }
            _ => self.error(500, "5.5.2 Command unrecognized"),
        }
    }

    fn mail(&mut self, args: &str) -> Step {
        if !self.greeted {
            return self.error(503, "5.5.1 EHLO or HELO first");
        }
        if self.sender.is_some() {
            return self.error(503, "5.5.1 Sender already given");
        }
        let Some((addr, params)) = path(args, "FROM:") else {
            return self.error(501, "5.5.4 Syntax: MAIL FROM:<address>");
        };
        for param in params.split_whitespace() {
            let (name, value) = param.split_once('=').unwrap_or((param, ""));
            match name.to_ascii_uppercase().as_str() {
                "BODY" if ["7BIT", "8BITMIME"].contains(&value.to_ascii_uppercase().as_str()) => {}
                "SIZE" => match value.parse::<usize>() {
                    Ok(n) if n > self.limits.max_bytes => {
                        return self.error(552, "5.3.4 Message too big");
                    }
                    Ok(_) => {}
                    Err(_) => return self.error(501, "5.5.4 Bad SIZE"),
                },
                _ => return self.error(555, "5.5.4 Parameter not recognized"),
            }
        }
        self.sender = Some(addr.to_owned());
        Step::Reply(Reply::new(250, "2.1.0 OK"))
    }

    fn rcpt(&mut self, args: &str) -> Step {
        if self.sender.is_none() {
            return self.error(503, "5.5.1 MAIL first");
        }
        let Some((addr, params)) = path(args, "TO:") else {
            return self.error(501, "5.5.4 Syntax: RCPT TO:<address>");
        };
        if !params.is_empty() {
            return self.error(555, "5.5.4 Parameter not recognized");
        }
        if self.recipients.len() >= self.limits.max_recipients {
            return Step::Reply(Reply::new(452, "4.5.3 Too many recipients"));
        }
        if !(self.accepts)(addr) {
            tracing::warn!(recipient = addr, source = %self.source, "SMTP recipient refused");
            return self.error(550, "5.1.1 No such mailbox here");
        }
        self.recipients.push(addr.to_owned());
        Step::Reply(Reply::new(250, "2.1.5 OK"))
    }

    /// The answer to a message once ingested (`Err`: a temporary failure).
    pub fn delivered(outcome: &Result<Outcome, ingest::IngestError>) -> Reply {
        match outcome {
            Ok(Outcome::Accepted(_)) => Reply::new(250, "2.0.0 Accepted"),
            Ok(Outcome::Refused(r)) if r.is_automatic() => Reply::new(250, "2.0.0 Accepted"),
            Ok(Outcome::Refused(Refusal::TooLarge)) => Reply::new(552, "5.3.4 Message too big"),
            Ok(Outcome::Refused(Refusal::Malformed(_))) => {
                Reply::new(554, "5.6.0 Malformed message")
            }
            Ok(Outcome::Refused(r)) => Reply::new(550, format!("5.7.1 Refused: {}", r.code())),
            Err(_) => Reply::new(451, "4.3.0 Temporary failure, try again later"),
        }
    }
}

/// Reads one line of at most `max` octets into `buf` (cleared first).
/// Returns `None` at the end of the stream, else whether the line was
/// longer (the rest of it is read and dropped).
async fn read_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<bool>> {
    buf.clear();
    let mut too_long = false;
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok(if buf.is_empty() && !too_long {
                None
            } else {
                Some(too_long)
            });
        }
        let (chunk, done) = match available.iter().position(|b| *b == b'\n') {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let room = max.saturating_sub(buf.len());
        if chunk.len() > room {
            too_long = true;
            buf.extend_from_slice(&chunk[..room]);
        } else {
            buf.extend_from_slice(chunk);
        }
        let used = chunk.len();
        reader.consume(used);
        if done {
            return Ok(Some(too_long));
        }
    }
}

/// What every connection shares.
#[derive(Clone)]
pub struct Ingress {
    pub pool: DbPool,
    pub policy: Arc<habilis_shared::policy::Policy>,
    pub clock: Arc<dyn Clock>,
    pub settings: Settings,
    pub limits: Limits,
    /// The key of the reply addresses, read once at start.
    pub key: Arc<Vec<u8>>,
}

/// Listens on `bind` (`HABILIS_SMTP_LISTEN`) for this server: returns the
/// port bound.
pub async fn start(bind: &str, state: &crate::state::AppState) -> anyhow::Result<u16> {
    let pool = state.pool.clone();
    let key = actix_web::web::block(move || -> anyhow::Result<Vec<u8>> {
        let mut conn = pool.get()?;
        Ok(crate::support::queries::reply_key(&mut conn)?)
    })
    .await??;
    let listener = std::net::TcpListener::bind(bind)
        .map_err(|e| anyhow::anyhow!("cannot listen for SMTP on {bind}: {e}"))?;
    let port = listener.local_addr()?.port();
    let settings = Settings::of(&state.config);
    let ingress = Ingress {
        pool: state.pool.clone(),
        policy: state.policy.clone(),
        clock: state.clock.clone(),
        limits: Limits::new(settings.max_bytes),
        settings,
        key: Arc::new(key),
    };
    serve(listener, ingress)?;
    tracing::info!(%bind, port, "SMTP listener for support mail");
    Ok(port)
}

/// Accepts connections on `listener` until the process ends.
pub fn serve(listener: std::net::TcpListener, ingress: Ingress) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let places = Arc::new(tokio::sync::Semaphore::new(ingress.limits.max_connections));
    actix_web::rt::spawn(async move {
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(l) => l,
            Err(e) => {
                tracing::error!(error = %e, "SMTP listener cannot start");
                return;
            }
        };
        loop {
            let Ok(permit) = places.clone().acquire_owned().await else {
                return;
            };
            match listener.accept().await {
                Ok((stream, peer)) => {
                    let ingress = ingress.clone();
                    actix_web::rt::spawn(async move {
                        if let Err(e) = connection(stream, peer, ingress).await {
                            tracing::debug!(%peer, error = %e, "SMTP connection ended");
                        }
                        drop(permit);
                    });
                }
                Err(e) => {
                    tracing::warn!(error = %e, "SMTP accept failed");
                    drop(permit);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    });
    Ok(())
}

async fn connection(
    stream: tokio::net::TcpStream,
    peer: std::net::SocketAddr,
    ingress: Ingress,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let accepts = {
        let (key, settings) = (ingress.key.clone(), ingress.settings.clone());
        Arc::new(move |a: &str| ingest::target_of(&key, &settings, a).is_ok())
    };
    let mut session = Session::new(
        &ingress.settings.domain,
        ingress.limits.clone(),
        &format!("smtp {}", peer.ip()),
        accepts,
    );
    write.write_all(&session.greeting().to_bytes()).await?;
    let mut buf = Vec::with_capacity(1024);
    loop {
        let limit = session.line_limit();
        let read = tokio::time::timeout(
            ingress.limits.timeout,
            read_line(&mut reader, &mut buf, limit),
        )
        .await;
        let too_long = match read {
            Err(_) => {
                let bye = Reply::new(421, "4.4.2 Timeout, closing");
                write.write_all(&bye.to_bytes()).await?;
                return Ok(());
            }
            Ok(Err(e)) => return Err(e),
            Ok(Ok(None)) => return Ok(()),
            Ok(Ok(Some(too_long))) => too_long,
        };
        match session.line(&buf, too_long) {
            Step::Continue => {}
            Step::Reply(r) => write.write_all(&r.to_bytes()).await?,
            Step::Close(r) => {
                write.write_all(&r.to_bytes()).await?;
                return Ok(());
            }
            Step::Message { envelope, data } => {
                let ing = ingress.clone();
                let outcome = tokio::task::spawn_blocking(move || {
                    let mut conn = ing
                        .pool
                        .get()
                        .map_err(|e| ingest::IngestError(e.to_string()))?;
                    ingest::ingest(
                        &mut conn,
                        &ing.policy,
                        ing.clock.now(),
                        &ing.settings,
                        &data,
                        &envelope,
                    )
                })
                .await
                .unwrap_or_else(|e| Err(ingest::IngestError(e.to_string())));
                if let Err(e) = &outcome {
                    tracing::error!(error = %e, "support mail not ingested; the relay will retry");
                }
                write
                    .write_all(&Session::delivered(&outcome).to_bytes())
                    .await?;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(max: usize) -> Session {
        let accepts: Arc<dyn Fn(&str) -> bool + Send + Sync> =
            Arc::new(|a: &str| a.eq_ignore_ascii_case("support@h.test"));
        Session::new("h.test", Limits::new(max), "smtp test", accepts)
    }

    fn code(step: Step) -> u16 {
        match step {
            Step::Reply(r) | Step::Close(r) => r.code,
            other => panic!("no reply: {other:?}"),
        }
    }

    fn say(s: &mut Session, line: &str) -> u16 {
        code(s.line(format!("{line}\r\n").as_bytes(), false))
    }

    #[test]
    fn a_whole_conversation() {
        let mut s = session(1000);
        assert_eq!(s.greeting().code, 220);
        let ehlo = s.line(b"EHLO client.test\r\n", false);
        let Step::Reply(r) = ehlo else { panic!() };
        let text = String::from_utf8(r.to_bytes()).expect("ascii");
        assert!(
            text.starts_with("250-h.test greets client.test\r\n"),
            "{text}"
        );
        assert!(
            text.contains("250-8BITMIME\r\n") && text.ends_with("250 ENHANCEDSTATUSCODES\r\n"),
            "{text}"
        );
        assert_eq!(
            say(
                &mut s,
                "MAIL FROM:<jane@example.org> BODY=8BITMIME SIZE=100"
            ),
            250
        );
        assert_eq!(say(&mut s, "RCPT TO:<someone@h.test>"), 550);
        assert_eq!(say(&mut s, "rcpt to:<Support@H.test>"), 250);
        assert_eq!(say(&mut s, "DATA"), 354);
        for line in ["Subject: hi", "", "..leading dot", "body"] {
            assert_eq!(
                s.line(format!("{line}\r\n").as_bytes(), false),
                Step::Continue
            );
        }
        let Step::Message { envelope, data } = s.line(b".\r\n", false) else {
            panic!("a message")
        };
        assert_eq!(envelope.sender.as_deref(), Some("jane@example.org"));
        assert_eq!(envelope.recipients, vec!["Support@H.test"]);
        assert_eq!(data, b"Subject: hi\r\n\r\n.leading dot\r\nbody\r\n");
        // The transaction is over; the greeting stays.
        assert_eq!(say(&mut s, "RCPT TO:<support@h.test>"), 503);
        assert_eq!(say(&mut s, "MAIL FROM:<>"), 250);
        assert_eq!(say(&mut s, "RSET"), 250);
        assert_eq!(say(&mut s, "NOOP"), 250);
        assert_eq!(say(&mut s, "QUIT"), 221);
    }

    #[test]
    fn order_and_syntax_are_checked() {
        let mut s = session(1000);
        assert_eq!(say(&mut s, "MAIL FROM:<a@b.test>"), 503, "EHLO first");
        assert_eq!(say(&mut s, "EHLO"), 501);
        assert_eq!(say(&mut s, "HELO c.test"), 250);
        assert_eq!(say(&mut s, "DATA"), 503);
        assert_eq!(say(&mut s, "MAIL FROM:a@b.test"), 501);
        assert_eq!(say(&mut s, "MAIL FROM:<a@b.test> SIZE=5000"), 552);
        assert_eq!(say(&mut s, "MAIL FROM:<a@b.test> FOO=1"), 555);
        assert_eq!(say(&mut s, "MAIL FROM:<a@b.test>"), 250);
        assert_eq!(say(&mut s, "MAIL FROM:<a@b.test>"), 503);
        assert_eq!(say(&mut s, "DATA"), 554, "no recipient yet");
        let mut s = session(1000);
        assert_eq!(say(&mut s, "STARTTLS"), 502);
        assert_eq!(say(&mut s, "WHAT"), 500);
        assert_eq!(code(s.line(b"NOOP", true)), 500, "line too long");
        assert_eq!(code(s.line(&[0xff, 0xfe, b'\r', b'\n'], false)), 500);
    }

    #[test]
    fn too_many_errors_close_the_connection() {
        let mut s = session(1000);
        for _ in 0..9 {
            assert!(matches!(s.line(b"BAD\r\n", false), Step::Reply(_)));
        }
        assert!(matches!(
            s.line(b"BAD\r\n", false),
            Step::Close(Reply { code: 421, .. })
        ));
    }

    #[test]
    fn a_message_over_the_limit_is_refused_at_its_end() {
        let mut s = session(100);
        say(&mut s, "EHLO c.test");
        say(&mut s, "MAIL FROM:<a@b.test>");
        say(&mut s, "RCPT TO:<support@h.test>");
        assert_eq!(say(&mut s, "DATA"), 354);
        for _ in 0..10 {
            assert_eq!(
                s.line(b"0123456789012345678901234567890\r\n", false),
                Step::Continue
            );
        }
        assert!(s.data.is_empty(), "nothing kept past the limit");
        assert_eq!(say(&mut s, "."), 552);
        // The session goes on, clean.
        assert_eq!(say(&mut s, "MAIL FROM:<a@b.test>"), 250);
        assert_eq!(say(&mut s, "RCPT TO:<support@h.test>"), 250);
        assert_eq!(say(&mut s, "DATA"), 354);
        s.line(b"x\r\n", true);
        assert_eq!(say(&mut s, "."), 500, "a text line too long");
        // A sender that never stops is cut off.
        say(&mut s, "MAIL FROM:<a@b.test>");
        say(&mut s, "RCPT TO:<support@h.test>");
        say(&mut s, "DATA");
        let mut last = Step::Continue;
        for _ in 0..20 {
            last = s.line(b"0123456789012345678901234567890\r\n", false);
            if !matches!(last, Step::Continue) {
                break;
            }
        }
        assert!(matches!(last, Step::Close(Reply { code: 552, .. })));
    }

    #[actix_web::test]
    async fn lines_are_read_within_their_limit() {
        let input: &[u8] = b"short\r\n0123456789abcdef\r\nlast";
        let mut reader = BufReader::with_capacity(4, input);
        let mut buf = Vec::new();
        assert_eq!(
            read_line(&mut reader, &mut buf, 10).await.expect("io"),
            Some(false)
        );
        assert_eq!(buf, b"short\r\n");
        assert_eq!(
            read_line(&mut reader, &mut buf, 10).await.expect("io"),
            Some(true)
        );
        assert_eq!(buf, b"0123456789");
        assert_eq!(
            read_line(&mut reader, &mut buf, 10).await.expect("io"),
            Some(false)
        );
        assert_eq!(buf, b"last");
        assert_eq!(
            read_line(&mut reader, &mut buf, 10).await.expect("io"),
            None
        );
    }
}
