//! E-mail: written in the recipient's language and date format, with a
//! plain-text and an escaped HTML part (issue 13 §2); delivered over real
//! SMTP to a fake server speaking just enough of RFC 5321 for lettre's plain
//! `smtp://` transport; the outbox lease across several API processes
//! (separate pools on one database).

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use diesel::prelude::*;
use habilis_api::clock::Clock;
use habilis_api::db::schema::outbox;
use habilis_api::mail::{self, Deliver, OutboxRow};
use habilis_shared::policy::Profile;
use serde_json::json;

use crate::helpers::*;

const FROM: &str = "Habilis <no-reply@habilis.local>";

/// One message as the fake server received it.
#[derive(Clone, Debug)]
struct Received {
    mail_from: String,
    rcpt_to: Vec<String>,
    data: String,
}

/// A bounded fake SMTP server: serves at most `max_connections`
/// connections, one at a time, and stops when told or when done.
struct FakeSmtp {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FakeSmtp {
    /// `rcpt_reply` answers every `RCPT TO` (e.g. `250 OK` or a 550).
    fn start(max_connections: usize, rcpt_reply: &'static str) -> FakeSmtp {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind fake SMTP");
        let port = listener.local_addr().expect("local addr").port();
        listener
            .set_nonblocking(true)
            .expect("nonblocking listener");
        let received = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (rx, st) = (received.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let mut served = 0;
            while served < max_connections && !st.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        served += 1;
                        // A broken conversation shows up as a missing message.
                        let _ = serve(stream, &rx, rcpt_reply);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    Err(_) => break,
                }
            }
        });
        FakeSmtp {
            port,
            received,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().expect("received lock").clone()
    }
}

impl Drop for FakeSmtp {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// One SMTP conversation: any number of transactions until QUIT or EOF.
fn serve(
    stream: TcpStream,
    received: &Mutex<Vec<Received>>,
    rcpt_reply: &str,
) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut out = stream.try_clone()?;
    let mut input = BufReader::new(stream);
    let mut reply = |text: &str| out.write_all(format!("{text}\r\n").as_bytes());
    reply("220 fake.smtp.test ESMTP ready")?;
    let mut current: Option<Received> = None;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let line = line.trim_end_matches(['\r', '\n']);
        let verb = line
            .split([' ', ':'])
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => {
                reply("250-fake.smtp.test greets you")?;
                reply("250-8BITMIME")?;
                reply("250 OK")?;
            }
            "HELO" => reply("250 fake.smtp.test")?,
            "MAIL" => {
                current = Some(Received {
                    mail_from: line.to_owned(),
                    rcpt_to: Vec::new(),
                    data: String::new(),
                });
                reply("250 OK")?;
            }
            "RCPT" => {
                if let Some(c) = current.as_mut() {
                    if rcpt_reply.starts_with('2') {
                        c.rcpt_to.push(line.to_owned());
                    }
                }
                reply(rcpt_reply)?;
            }
            "DATA" => {
                reply("354 end data with <CR><LF>.<CR><LF>")?;
                let mut data = String::new();
                loop {
                    let mut l = String::new();
                    if input.read_line(&mut l)? == 0 {
                        return Ok(());
                    }
                    if l == ".\r\n" || l == ".\n" {
                        break;
                    }
                    // Undo dot-stuffing (RFC 5321 §4.5.2).
                    data.push_str(l.strip_prefix('.').unwrap_or(&l));
                }
                if let Some(mut c) = current.take() {
                    c.data = data;
                    received
                        .lock()
                        .map_err(|e| std::io::Error::other(e.to_string()))?
                        .push(c);
                }
                reply("250 OK queued")?;
            }
            "RSET" => {
                current = None;
                reply("250 OK")?;
            }
            "NOOP" => reply("250 OK")?,
            "QUIT" => {
                reply("221 bye")?;
                return Ok(());
            }
            _ => reply("502 command not implemented")?,
        }
    }
}

/// `(subject, text, html)` of every e-mail queued for `to`, oldest first.
async fn written_to(app: &TestApp, to: &'static str) -> Vec<(String, String, Option<String>)> {
    app.with_db(move |c| {
        outbox::table
            .filter(outbox::to_addr.eq(to))
            .order(outbox::id.asc())
            .select((outbox::subject, outbox::body, outbox::html))
            .load(c)
            .expect("outbox rows")
    })
    .await
}

/// The latest e-mail queued for `to` (their activation came first).
async fn last_to(app: &TestApp, to: &'static str) -> (String, String, Option<String>) {
    written_to(app, to)
        .await
        .pop()
        .unwrap_or_else(|| panic!("no e-mail to {to}"))
}

/// `text` as the HTML part writes it (minijinja also escapes `/`).
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('/', "&#x2f;")
}

async fn prefer(app: &TestApp, s: &Session, language: &str, date_format: &str) {
    let res = app
        .request(
            "PATCH",
            "/api/v1/me",
            Some(&s.access),
            Some(json!({ "language": language, "date_format": date_format })),
        )
        .await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
}

/// A secondment is e-mailed to the person (French, month first) and to the
/// host (Japanese, day first): each reads subject, text and HTML in their
/// own language, with the window's dates in their own format.
#[actix_web::test]
async fn each_recipient_reads_their_language_and_date_format() {
    // arrange
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let host = app
        .ready(&h.expert, Profile::Confirmed, "host@inserm.fr")
        .await;
    for s in [&h.novice, &h.confirmed, &host] {
        app.accept_charter(s).await;
    }
    prefer(&app, &h.novice, "fr", "MM/dd/yyyy").await;
    prefer(&app, &host, "ja", "dd/MM/yyyy").await;
    let (starts, ends) = (
        app.clock.now() + chrono::Duration::days(1),
        app.clock.now() + chrono::Duration::days(11),
    );

    // act
    let res = app
        .post(
            &format!("/api/v1/users/{}/secondments", h.novice.id),
            &h.confirmed.access,
            json!({ "host_supervisor_id": host.id, "starts_at": starts.to_rfc3339(), "ends_at": ends.to_rfc3339() }),
        )
        .await;
    assert_eq!(res.status(), 201);

    // assert
    let (subject, text, html) = last_to(&app, "novice@inserm.fr").await;
    let html = html.expect("an HTML part");
    let window = format!(
        "du {} au {}",
        starts.format("%m/%d/%Y %H:%M UTC"),
        ends.format("%m/%d/%Y %H:%M UTC")
    );
    assert_eq!(
        subject,
        "Habilis : Test novice est détaché·e auprès de Test confirmed"
    );
    assert!(text.contains(&window), "{text}");
    assert!(text.contains("Pendant cette période"), "{text}");
    assert!(
        html.contains("<html lang=\"fr\">") && html.contains(&escaped(&window)),
        "{html}"
    );
    for english in ["is seconded", "During this period"] {
        assert!(!text.contains(english) && !html.contains(english), "{text}");
    }

    let (subject, text, html) = last_to(&app, "host@inserm.fr").await;
    let html = html.expect("an HTML part");
    let window = format!(
        "{} から {} まで",
        starts.format("%d/%m/%Y %H:%M UTC"),
        ends.format("%d/%m/%Y %H:%M UTC")
    );
    assert_eq!(
        subject,
        "【Habilis】Test novice さんが Test confirmed さんのもとに出向します"
    );
    assert!(text.contains(&window), "{text}");
    assert!(
        html.contains("<html lang=\"ja\">") && html.contains(&escaped(&window)),
        "{html}"
    );
    assert!(
        !text.contains("détaché") && !text.contains("seconded"),
        "{text}"
    );

    // Delivered as multipart/alternative: the text, then the HTML.
    let eml = app
        .wait_for_mail(|m| m.contains("To: host@inserm.fr") && m.contains(&window))
        .await;
    let (plain, rich) = (
        eml.find("Content-Type: text/plain; charset=utf-8")
            .expect("a text part"),
        eml.find("Content-Type: text/html; charset=utf-8")
            .expect("an HTML part"),
    );
    assert!(eml.contains("Content-Type: multipart/alternative"), "{eml}");
    assert!(plain < rich, "{eml}");
}

/// An address without an account reads the inviter's language and date
/// format.
#[actix_web::test]
async fn an_outsider_reads_the_inviters_language() {
    // arrange
    let app = TestApp::new().await;
    let admin = app.admin().await;
    prefer(&app, &admin, "ja", "MM/dd/yyyy").await;
    let res = app
        .post(
            "/api/v1/organizations",
            &admin.access,
            json!({ "name": "Lab <42>", "description": "a lab" }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let org: serde_json::Value = res.json().await.expect("json");
    let org = org["id"].as_str().expect("id");

    // act
    let res = app
        .post(
            &format!("/api/v1/organizations/{org}/invitations"),
            &admin.access,
            json!({ "emails": ["outsider@inserm.fr"], "role": "manager" }),
        )
        .await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);

    // assert
    let (subject, text, html) = last_to(&app, "outsider@inserm.fr").await;
    let html = html.expect("an HTML part");
    let until = (app.clock.now() + chrono::Duration::days(14)).format("%m/%d/%Y");
    assert_eq!(subject, "【Habilis】Lab <42> への招待");
    assert!(text.contains("管理者として参加"), "{text}");
    assert!(
        text.contains(&format!("{until} に期限が切れます")),
        "{text}"
    );
    assert!(
        html.contains("Lab &lt;42&gt;") && !html.contains("Lab <42>"),
        "{html}"
    );
    assert!(html.contains(&escaped(&until.to_string())), "{html}");
}

/// A name is shown as typed in the text and escaped in the HTML; the
/// activation link's expiry is in the new account's date format.
#[actix_web::test]
async fn html_part_escapes_what_people_typed() {
    // arrange
    let app = TestApp::new().await;
    let admin = app.admin().await;

    // act
    let res = app
        .post(
            "/api/v1/users",
            &admin.access,
            json!({ "first_name": "<script>alert(1)</script>", "last_name": "O'Hara & Co", "email": "eve@inserm.fr", "profile": "expert" }),
        )
        .await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);

    // assert
    let [(subject, text, html)] = &written_to(&app, "eve@inserm.fr").await[..] else {
        panic!("one activation e-mail");
    };
    let html = html.as_deref().expect("an HTML part");
    assert_eq!(subject, "Activate your Habilis account");
    assert!(
        text.starts_with("Hello <script>alert(1)</script> O'Hara & Co,"),
        "{text}"
    );
    assert!(!html.contains("<script>"), "{html}");
    assert!(
        html.contains("Hello &lt;script&gt;alert(1)&lt;&#x2f;script&gt; O&#x27;Hara &amp; Co,"),
        "{html}"
    );
    let until = (app.clock.now() + chrono::Duration::days(7)).format("%d/%m/%Y");
    assert!(text.contains(&format!("until {until}:")), "{text}");
    assert!(
        html.contains(&escaped(&format!("until {until}:"))),
        "{html}"
    );
}

fn message(to: &str, subject: &str) -> mail::Mail {
    mail::Mail {
        to: to.into(),
        subject: subject.into(),
        body: format!("Hello {to},\nthis is {subject}.\n"),
    }
}

/// An app without the background worker and with an empty outbox.
async fn quiet_app() -> TestApp {
    let app = TestApp::builder().without_mail_worker().start().await;
    app.with_db(|c| {
        // Start from nothing queued.
        diesel::delete(outbox::table).execute(c).expect("clear");
    })
    .await;
    app
}

#[actix_web::test]
async fn outbox_is_delivered_over_smtp() {
    let app = quiet_app().await;
    let now = app.state.now();
    let ids: Vec<String> = app
        .with_db(move |c| {
            [
                message("alice@inserm.fr", "First subject"),
                message("bob@inserm.fr", "Second subject"),
            ]
            .iter()
            .map(|m| mail::enqueue(c, now, m).expect("enqueue"))
            .collect()
        })
        .await;
    let smtp = FakeSmtp::start(10, "250 OK");
    let transport = mail::transport(Some(&smtp.url()), app.mail_dir(), FROM).expect("transport");
    let pool = app.state.pool.clone();
    let sent = actix_web::web::block(move || {
        mail::deliver_due(&pool, transport.as_ref(), "smtp-test", now, 10)
    })
    .await
    .expect("block")
    .expect("delivery pass");
    assert_eq!(sent, 2);

    let got = smtp.received();
    assert_eq!(got.len(), 2, "{got:#?}");
    for (to, subject) in [
        ("alice@inserm.fr", "First subject"),
        ("bob@inserm.fr", "Second subject"),
    ] {
        let m = got
            .iter()
            .find(|m| m.data.contains(&format!("Subject: {subject}")))
            .unwrap_or_else(|| panic!("no message with subject {subject}: {got:#?}"));
        assert!(m.data.contains(&format!("To: {to}")), "{}", m.data);
        assert!(
            m.data.contains("From: Habilis <no-reply@habilis.local>"),
            "{}",
            m.data
        );
        assert!(m.data.contains(&format!("Hello {to},")), "{}", m.data);
        assert!(
            m.mail_from.contains("<no-reply@habilis.local>"),
            "{}",
            m.mail_from
        );
        assert_eq!(m.rcpt_to.len(), 1);
        assert!(m.rcpt_to[0].contains(&format!("<{to}>")), "{:?}", m.rcpt_to);
    }
    // Nothing went to files.
    assert!(!app.mail_dir().exists());

    let rows: Vec<(String, bool, i32, Option<String>)> = app
        .with_db(|c| {
            outbox::table
                .select((
                    outbox::id,
                    outbox::sent_at.is_not_null(),
                    outbox::attempts,
                    outbox::last_error,
                ))
                .load(c)
                .expect("outbox rows")
        })
        .await;
    assert_eq!(rows.len(), 2);
    for (id, sent, attempts, error) in rows {
        assert!(ids.contains(&id));
        assert!(sent, "{id} marked sent");
        assert_eq!((attempts, error), (1, None));
    }
    // A second pass sends nothing more.
    let pool = app.state.pool.clone();
    let transport = mail::transport(Some(&smtp.url()), app.mail_dir(), FROM).expect("transport");
    let again = actix_web::web::block(move || {
        mail::deliver_due(&pool, transport.as_ref(), "smtp-test", now, 10)
    })
    .await
    .expect("block")
    .expect("delivery pass");
    assert_eq!(again, 0);
    assert_eq!(smtp.received().len(), 2);
}

#[actix_web::test]
async fn an_smtp_refusal_is_recorded_and_retried() {
    let app = quiet_app().await;
    let now = app.state.now();
    app.with_db(move |c| {
        mail::enqueue(c, now, &message("carol@inserm.fr", "Refused")).expect("enqueue");
    })
    .await;
    let smtp = FakeSmtp::start(10, "450 mailbox busy, try later");
    let transport = mail::transport(Some(&smtp.url()), app.mail_dir(), FROM).expect("transport");
    let pool = app.state.pool.clone();
    let sent = actix_web::web::block(move || {
        mail::deliver_due(&pool, transport.as_ref(), "smtp-test", now, 10)
    })
    .await
    .expect("block")
    .expect("delivery pass");
    assert_eq!(sent, 0);
    assert!(smtp.received().is_empty());
    let (sent_at, attempts, error): (Option<chrono::NaiveDateTime>, i32, Option<String>) = app
        .with_db(|c| {
            outbox::table
                .select((outbox::sent_at, outbox::attempts, outbox::last_error))
                .first(c)
                .expect("outbox row")
        })
        .await;
    assert_eq!(sent_at, None);
    assert_eq!(attempts, 1);
    let error = error.expect("the SMTP error is recorded");
    assert!(error.contains("450"), "{error}");
}

/// Counts deliveries per message id, from any thread.
#[derive(Default)]
struct Recording {
    seen: Mutex<Vec<String>>,
    calls: AtomicUsize,
}

impl Deliver for Recording {
    fn deliver(&self, msg: &OutboxRow) -> Result<(), String> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        // Widen the window between claim and mark-sent.
        std::thread::sleep(Duration::from_millis(1));
        self.seen
            .lock()
            .map_err(|e| e.to_string())?
            .push(msg.id.clone());
        Ok(())
    }
}

#[actix_web::test]
async fn several_api_processes_never_send_one_mail_twice() {
    const MESSAGES: usize = 100;
    let app = quiet_app().await;
    let now = app.state.now();
    let ids: Vec<String> = app
        .with_db(move |c| {
            (0..MESSAGES)
                .map(|i| {
                    mail::enqueue(c, now, &message(&format!("p{i}@inserm.fr"), "s"))
                        .expect("enqueue")
                })
                .collect()
        })
        .await;
    // Two pools on one database, as two API processes would have.
    let url = app.db_url().to_owned();
    let pools = actix_web::web::block(move || {
        [
            habilis_api::db::connect_pool(&url, 4).expect("pool of process A"),
            habilis_api::db::connect_pool(&url, 4).expect("pool of process B"),
        ]
    })
    .await
    .expect("block");
    let sink = Arc::new(Recording::default());
    let mut workers = Vec::new();
    for (p, pool) in pools.iter().enumerate() {
        for w in 0..3 {
            let (pool, sink) = (pool.clone(), sink.clone());
            workers.push(std::thread::spawn(move || {
                let name = format!("process-{p}-worker-{w}");
                let mut total = 0;
                // Bounded: far more passes than 100 messages need.
                for _ in 0..200 {
                    total += mail::deliver_due(&pool, sink.as_ref(), &name, now, 7)
                        .expect("delivery pass");
                    let mut conn = pool.get().expect("connection");
                    if mail::backlog(&mut conn).expect("backlog") == 0 {
                        break;
                    }
                }
                total
            }));
        }
    }
    let sent: usize = workers
        .into_iter()
        .map(|t| t.join().expect("worker thread"))
        .sum();
    assert_eq!(sent, MESSAGES);
    assert_eq!(sink.calls.load(Ordering::SeqCst), MESSAGES);
    let seen = sink.seen.lock().expect("lock").clone();
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(
        unique.len(),
        MESSAGES,
        "each message delivered exactly once"
    );
    let expected: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique, expected);
    let left: i64 = app
        .with_db(|c| {
            outbox::table
                .filter(outbox::sent_at.is_null())
                .count()
                .get_result(c)
                .expect("count")
        })
        .await;
    assert_eq!(left, 0);
    drop(pools);
}
