//! Mail into the support desk (issue 18 §3, §6): the real `.eml` the
//! outbox wrote for a ticket update is answered, and the answer goes in
//! through `habilis mail ingest` (the binary, as an MTA's pipe runs it)
//! and through the SMTP listener (Python's `smtplib`, real SMTP): each adds
//! one public comment, trimmed of its quoted history and signature. A new
//! mail to the desk address opens an incident. Forged and mangled reply
//! addresses, strangers, auto-replies, bounces, vacation notices, a 50 MB
//! mail and malformed MIME change nothing but the audit log.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use diesel::prelude::*;
use habilis_api::db::schema::{audit_log, outbox, ticket_events, tickets};
use habilis_shared::policy::Profile;
use serde_json::{json, Value};

use crate::helpers::*;

/// A ticket of the novice at Help lab's desk, answered by its agent.
struct Fixture {
    h: Hierarchy,
    agent: Session,
    outsider: Session,
    ticket: String,
    /// The `.eml` of the agent's answer, as delivered.
    eml: String,
}

async fn json_of(res: reqwest::Response, status: u16) -> Value {
    let got = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).expect("json")
}

async fn fixture(app: &TestApp) -> Fixture {
    let h = app.hierarchy().await;
    let agent = app
        .ready(&h.expert, Profile::Confirmed, "agent@inserm.fr")
        .await;
    let outsider = app
        .ready(&h.admin, Profile::Expert, "outsider@inserm.fr")
        .await;
    let org = json_of(
        app.post(
            "/api/v1/organizations",
            &h.admin.access,
            json!({ "name": "Help lab" }),
        )
        .await,
        201,
    )
    .await["id"]
        .as_str()
        .expect("org")
        .to_owned();
    for (emails, role) in [
        (vec![h.expert.email.clone()], "manager"),
        (vec![agent.email.clone()], "contributor"),
        (vec![h.novice.email.clone()], "user"),
    ] {
        let res = app
            .post(
                &format!("/api/v1/organizations/{org}/invitations"),
                &h.admin.access,
                json!({ "emails": emails, "role": role }),
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    let local = app.local_desk(&h.admin, &org).await;
    let res = app
        .post(
            &format!("/api/v1/desks/{local}/agents"),
            &h.expert.access,
            json!({ "account_id": agent.id }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let created = json_of(
        app.post(
            "/api/v1/tickets",
            &h.novice.access,
            json!({ "type": "incident", "category": "software",
                    "subject": "The scheduler rejects my job", "body": "Exit code 137." }),
        )
        .await,
        201,
    )
    .await;
    let ticket = created["ticket"]["id"].as_str().expect("id").to_owned();
    let res = app
        .post(
            &format!("/api/v1/tickets/{ticket}/comments"),
            &agent.access,
            json!({ "body": "Please try again with --mem=8G." }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let to = format!("To: {}", h.novice.email);
    let eml = app
        .wait_for_mail(|m| m.contains(&to) && m.contains("--mem=8G"))
        .await;
    Fixture {
        h,
        agent,
        outsider,
        ticket,
        eml,
    }
}

/// The reply and threading headers of an `.eml`, read with the parser.
struct Thread {
    reply_to: String,
    message_id: String,
    subject: String,
}

fn thread_of(eml: &str) -> Thread {
    let m = mail_parser::MessageParser::default()
        .parse(eml.as_bytes())
        .expect("the outbox wrote a message");
    assert_eq!(
        m.header_raw("Auto-Submitted").map(str::trim),
        Some("auto-generated"),
        "our own mail says a machine wrote it"
    );
    Thread {
        reply_to: m
            .reply_to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .expect("Reply-To")
            .to_owned(),
        message_id: m.message_id().expect("Message-ID").to_owned(),
        subject: m.subject().expect("Subject").to_owned(),
    }
}

/// A reply to `thread` from `from`, as a mail client writes it: the
/// answer, the quoted message, a signature; `extra` headers first.
fn reply(thread: &Thread, from: &str, to: &str, extra: &str, text: &str) -> String {
    format!(
        "{extra}From: Someone <{from}>\r\n\
         To: {to}\r\n\
         Subject: Re: {subject}\r\n\
         Message-ID: <{id}@client.test>\r\n\
         In-Reply-To: <{parent}>\r\n\
         References: <{parent}>\r\n\
         Date: Mon, 1 Dec 2025 10:00:00 +0100\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\
         \r\n\
         {text}\r\n\
         \r\n\
         On Mon, 1 Dec 2025 at 09:00, Habilis <{reply_to}> wrote:\r\n\
         > Please try again with --mem=8G.\r\n\
         \r\n\
         -- \r\n\
         Nina Novice, Help lab\r\n",
        subject = thread.subject,
        id = uuid::Uuid::new_v4(),
        parent = thread.message_id,
        reply_to = thread.reply_to,
    )
}

/// `habilis mail ingest` on this test's database, `raw` on its stdin.
fn ingest(app: &TestApp, db_url: &str, raw: &[u8], args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_habilis"))
        .args(["mail", "ingest"])
        .args(args)
        .env_clear()
        .env("HABILIS_DATA_DIR", &app.state.config.data_dir)
        .env("DATABASE_URL", db_url)
        .env("HABILIS_MAIL_FROM", &app.state.config.mail_from)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("habilis starts");
    let mut stdin = child.stdin.take().expect("stdin");
    // A refused message may be dropped unread: a broken pipe is fine.
    let _ = stdin.write_all(raw);
    drop(stdin);
    child.wait_with_output().expect("habilis ends")
}

/// What a message may change: (public comments, tickets, outbox, refusals).
async fn counts(app: &TestApp, ticket: &str) -> (i64, i64, i64, i64) {
    let ticket = ticket.to_owned();
    app.with_db(move |c| {
        let comments: i64 = ticket_events::table
            .filter(ticket_events::ticket_id.eq(&ticket))
            .filter(ticket_events::kind.eq("comment"))
            .filter(ticket_events::internal.eq(false))
            .count()
            .get_result(c)
            .expect("events");
        let all: i64 = tickets::table.count().get_result(c).expect("tickets");
        let mails: i64 = outbox::table.count().get_result(c).expect("outbox");
        let refusals: i64 = audit_log::table
            .filter(audit_log::action.eq("mail.ingest"))
            .filter(audit_log::outcome.eq("failure"))
            .count()
            .get_result(c)
            .expect("audit");
        (comments, all, mails, refusals)
    })
    .await
}

/// The newest public comment of `ticket`: (author, body).
async fn last_comment(app: &TestApp, ticket: &str) -> (String, String) {
    let ticket = ticket.to_owned();
    app.with_db(move |c| {
        ticket_events::table
            .filter(ticket_events::ticket_id.eq(&ticket))
            .filter(ticket_events::kind.eq("comment"))
            .order(ticket_events::id.desc())
            .select((ticket_events::author_id, ticket_events::body))
            .first::<(String, Option<String>)>(c)
            .map(|(a, b)| (a, b.unwrap_or_default()))
            .expect("a comment")
    })
    .await
}

/// The reason of the newest refusal in the audit log.
async fn last_refusal(app: &TestApp) -> Value {
    app.with_db(|c| {
        let detail: String = audit_log::table
            .filter(audit_log::action.eq("mail.ingest"))
            .order(audit_log::seq.desc())
            .select(audit_log::detail)
            .first(c)
            .expect("a refusal");
        serde_json::from_str(&detail).expect("json")
    })
    .await
}

#[actix_web::test]
async fn a_reply_piped_to_mail_ingest_adds_one_public_comment() {
    let app = TestApp::new().await;
    let f = fixture(&app).await;
    let thread = thread_of(&f.eml);
    assert!(
        thread.reply_to.starts_with("support+"),
        "{}",
        thread.reply_to
    );
    let db = app.db_url().to_owned();
    let before = counts(&app, &f.ticket).await;

    let raw = reply(
        &thread,
        &f.h.novice.email.to_uppercase(),
        &thread.reply_to,
        "",
        "It works now, thank you.",
    );
    let out = ingest(&app, &db, raw.as_bytes(), &[]);
    assert!(out.status.success(), "{out:?}");

    let after = counts(&app, &f.ticket).await;
    assert_eq!(after.0, before.0 + 1, "one comment");
    assert_eq!(
        (after.1, after.3),
        (before.1, before.3),
        "no ticket, no refusal"
    );
    let (author, body) = last_comment(&app, &f.ticket).await;
    assert_eq!(author, f.h.novice.id);
    assert_eq!(
        body, "It works now, thank you.",
        "quote and signature trimmed"
    );
    // Visible to the requester and the agent as a public comment.
    let seen = json_of(
        app.get(&format!("/api/v1/tickets/{}", f.ticket), &f.agent.access)
            .await,
        200,
    )
    .await;
    assert!(seen.to_string().contains("It works now, thank you."));
    // Its audit row carries the message's id.
    let rid: Option<String> = app
        .with_db(|c| {
            audit_log::table
                .filter(audit_log::action.eq("ticket.comment"))
                .order(audit_log::seq.desc())
                .select(audit_log::request_id)
                .first(c)
                .expect("audit")
        })
        .await;
    assert!(rid.is_some_and(|r| r.ends_with("@client.test")));

    // Envelope recipients, as Postfix's pipe hands them over, work too.
    let raw = reply(&thread, &f.h.novice.email, "x@y.test", "", "Again.");
    let out = ingest(
        &app,
        &db,
        raw.as_bytes(),
        &[
            "--sender",
            &f.h.novice.email,
            "--recipient",
            &thread.reply_to,
        ],
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(counts(&app, &f.ticket).await.0, before.0 + 2);
}

#[actix_web::test]
async fn refused_mail_changes_nothing_but_the_audit_log() {
    let app = TestApp::new().await;
    let f = fixture(&app).await;
    let thread = thread_of(&f.eml);
    let db = app.db_url().to_owned();
    let novice = f.h.novice.email.clone();
    let (at, _) = thread.reply_to.split_once('@').expect("address");
    let (base, tag) = at.rsplit_once('.').expect("tag");
    let forged_ticket = {
        // Another ticket id under the same tag.
        let mut id: Vec<char> = f.ticket.chars().collect();
        let last = id.len() - 1;
        id[last] = if id[last] == '0' { '1' } else { '0' };
        let other: String = id.into_iter().collect();
        thread.reply_to.replace(&f.ticket, &other)
    };
    let mangled_tag = {
        let flipped: String = tag
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 {
                    if c == 'a' {
                        'b'
                    } else {
                        'a'
                    }
                } else {
                    c
                }
            })
            .collect();
        thread
            .reply_to
            .replace(&format!("{base}.{tag}"), &format!("{base}.{flipped}"))
    };
    let quoted_only = "> Please try again with --mem=8G.";
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "forged reply address",
            reply(&thread, &novice, &forged_ticket, "", "Hello"),
            "bad_address",
        ),
        (
            "mangled tag",
            reply(&thread, &novice, &mangled_tag, "", "Hello"),
            "bad_address",
        ),
        (
            "a stranger to the ticket",
            reply(&thread, &f.outsider.email, &thread.reply_to, "", "Hello"),
            "not_on_ticket",
        ),
        (
            "an unknown sender",
            reply(&thread, "nobody@example.org", &thread.reply_to, "", "Hello"),
            "unknown_sender",
        ),
        (
            "an auto-reply",
            reply(
                &thread,
                &novice,
                &thread.reply_to,
                "Auto-Submitted: auto-replied\r\n",
                "I am away",
            ),
            "automatic",
        ),
        (
            "a bounce",
            reply(
                &thread,
                &novice,
                &thread.reply_to,
                "Return-Path: <>\r\n",
                "Undeliverable",
            ),
            "automatic",
        ),
        (
            "a vacation notice",
            reply(&thread, &novice, &thread.reply_to, "", "Back on Monday")
                .replace("Subject: Re: ", "Subject: Out of office: Re: "),
            "automatic",
        ),
        (
            "a list",
            reply(
                &thread,
                &novice,
                &thread.reply_to,
                "Precedence: bulk\r\n",
                "News",
            ),
            "automatic",
        ),
        (
            "malformed MIME",
            reply(&thread, &novice, &thread.reply_to, "", "Hello").replace(
                "Content-Type: text/plain; charset=utf-8",
                "Content-Type: multipart/mixed; boundary=\"never-seen\"",
            ),
            "malformed",
        ),
        (
            "nothing but the quote",
            reply(&thread, &novice, &thread.reply_to, "", quoted_only),
            "empty_body",
        ),
        (
            "nobody of ours",
            reply(&thread, &novice, "someone@elsewhere.test", "", "Hello"),
            "no_recipient",
        ),
    ];
    for (what, raw, reason) in cases {
        let before = counts(&app, &f.ticket).await;
        let out = ingest(&app, &db, raw.as_bytes(), &[]);
        assert!(out.status.success(), "{what}: refused is exit 0: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("refused ({reason})")),
            "{what}: {stderr}"
        );
        let after = counts(&app, &f.ticket).await;
        assert_eq!(
            (after.0, after.1, after.2),
            (before.0, before.1, before.2),
            "{what}: nothing changed"
        );
        assert_eq!(after.3, before.3 + 1, "{what}: one refusal audited");
        assert_eq!(last_refusal(&app).await["reason"], reason, "{what}");
    }

    // A 50 MB mail is refused unread (at most the limit and a byte kept).
    let before = counts(&app, &f.ticket).await;
    let mut big = reply(&thread, &novice, &thread.reply_to, "", "Hello").into_bytes();
    let line = [b'x'; 998];
    while big.len() < 50 * 1024 * 1024 {
        big.extend_from_slice(&line);
        big.extend_from_slice(b"\r\n");
    }
    let out = ingest(&app, &db, &big, &[]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("refused (too_large)"));
    let after = counts(&app, &f.ticket).await;
    assert_eq!((after.0, after.1, after.2), (before.0, before.1, before.2));
    assert_eq!(after.3, before.3 + 1);

    // The database away: EX_TEMPFAIL, so that the MTA retries.
    let raw = reply(&thread, &novice, &thread.reply_to, "", "Hello");
    let out = ingest(
        &app,
        "postgres://postgres@127.0.0.1:1/none",
        raw.as_bytes(),
        &[],
    );
    assert_eq!(out.status.code(), Some(75), "{out:?}");
}

#[actix_web::test]
async fn a_new_mail_to_the_desk_opens_an_incident() {
    let app = TestApp::new().await;
    let f = fixture(&app).await;
    let db = app.db_url().to_owned();
    let desk = app.state.config.support_address();
    let raw = format!(
        "From: Nina <{}>\r\nTo: Help <{desk}>\r\nSubject: VPN down\r\nMessage-ID: <new-1@client.test>\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n\
         <p>The VPN &amp; the wiki are down.</p><script>alert(1)</script>\r\n",
        f.h.novice.email
    );
    let before = counts(&app, &f.ticket).await;
    let out = ingest(&app, &db, raw.as_bytes(), &[]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(counts(&app, &f.ticket).await.1, before.1 + 1);
    let mine = json_of(app.get("/api/v1/tickets", &f.h.novice.access).await, 200).await;
    let new = mine["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|t| t["subject"] == "VPN down")
        .expect("the new ticket")
        .clone();
    assert_eq!(new["type"], "incident");
    assert_eq!(new["category"], "email");
    assert_eq!(new["state"], "new");
    let id = new["id"].as_str().expect("id");
    let thread = json_of(
        app.get(&format!("/api/v1/tickets/{id}"), &f.h.novice.access)
            .await,
        200,
    )
    .await;
    assert_eq!(thread["ticket"]["body"], "The VPN & the wiki are down.");

    // A stranger to Habilis opens nothing.
    let raw = raw.replace(&f.h.novice.email, "nobody@example.org");
    let out = ingest(&app, &db, raw.as_bytes(), &[]);
    assert!(out.status.success());
    assert_eq!(counts(&app, &f.ticket).await.1, before.1 + 1);
    assert_eq!(last_refusal(&app).await["reason"], "unknown_sender");
}

/// Sends `data` over SMTP with Python's `smtplib`; returns what happened:
/// `{"ok": true}` or `{"error": "...", "code": N}`.
fn smtp_send(port: u16, from: &str, to: &str, data: &[u8]) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("message.eml");
    std::fs::write(&path, data).expect("write");
    let script = r#"
import json, smtplib, sys
port, sender, rcpt, path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
data = open(path, "rb").read()
try:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
        s.ehlo("client.test")
        assert s.has_extn("8bitmime"), "8BITMIME advertised"
        refused = s.sendmail(sender, [rcpt], data)
        print(json.dumps({"ok": not refused}))
except smtplib.SMTPRecipientsRefused as e:
    code = list(e.recipients.values())[0][0]
    print(json.dumps({"error": "recipient", "code": code}))
except smtplib.SMTPSenderRefused as e:
    print(json.dumps({"error": "sender", "code": e.smtp_code}))
except smtplib.SMTPDataError as e:
    print(json.dumps({"error": "data", "code": e.smtp_code}))
"#;
    let out = Command::new("python3")
        .args(["-c", script, &port.to_string(), from, to])
        .arg(&path)
        .output()
        .expect("python3 runs");
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.trim()).unwrap_or_else(|_| panic!("smtplib: {out:?}"))
}

#[actix_web::test]
async fn a_reply_over_smtp_adds_one_public_comment_and_the_listener_refuses_the_rest() {
    let app = TestApp::builder().with_smtp().start().await;
    let port = app.smtp_port.expect("SMTP listener");
    let f = fixture(&app).await;
    let thread = thread_of(&f.eml);
    let novice = f.h.novice.email.clone();
    let before = counts(&app, &f.ticket).await;

    let raw = reply(
        &thread,
        &novice,
        &thread.reply_to,
        "",
        "Merci, ça marche. ✓",
    );
    let sent = actix_web::web::block({
        let (to, raw) = (thread.reply_to.clone(), raw.clone());
        let novice = novice.clone();
        move || smtp_send(port, &novice, &to, raw.as_bytes())
    })
    .await
    .expect("blocking");
    assert_eq!(sent, json!({ "ok": true }));
    let after = counts(&app, &f.ticket).await;
    assert_eq!(after.0, before.0 + 1);
    assert_eq!(last_comment(&app, &f.ticket).await.1, "Merci, ça marche. ✓");

    // A forged address is refused at RCPT TO.
    let forged = thread.reply_to.replace("support+", "support+0");
    let sent = actix_web::web::block({
        let (raw, novice) = (raw.clone(), novice.clone());
        move || smtp_send(port, &novice, &forged, raw.as_bytes())
    })
    .await
    .expect("blocking");
    assert_eq!(sent, json!({ "error": "recipient", "code": 550 }));

    // An auto-reply is taken and dropped: nothing to answer, nothing added.
    let auto = reply(
        &thread,
        &novice,
        &thread.reply_to,
        "Auto-Submitted: auto-replied\r\n",
        "Away",
    );
    let sent = actix_web::web::block({
        let (to, novice) = (thread.reply_to.clone(), novice.clone());
        move || smtp_send(port, &novice, &to, auto.as_bytes())
    })
    .await
    .expect("blocking");
    assert_eq!(sent, json!({ "ok": true }));

    // A stranger is refused at the end of DATA.
    let stranger = reply(&thread, &f.outsider.email, &thread.reply_to, "", "Hi");
    let sent = actix_web::web::block({
        let (to, from) = (thread.reply_to.clone(), f.outsider.email.clone());
        move || smtp_send(port, &from, &to, stranger.as_bytes())
    })
    .await
    .expect("blocking");
    assert_eq!(sent, json!({ "error": "data", "code": 550 }));

    // Too big: refused (smtplib announces SIZE, so at MAIL FROM).
    let mut big = raw.clone().into_bytes();
    while big.len() <= app.state.config.mail_max_bytes {
        big.extend_from_slice(&[b'y'; 998]);
        big.extend_from_slice(b"\r\n");
    }
    let sent = actix_web::web::block({
        let (to, novice) = (thread.reply_to.clone(), novice.clone());
        move || smtp_send(port, &novice, &to, &big)
    })
    .await
    .expect("blocking");
    assert_eq!(sent["code"], 552, "{sent}");

    let end = counts(&app, &f.ticket).await;
    assert_eq!(end.0, after.0, "no other comment");
    assert_eq!(end.1, after.1, "no ticket");
    assert_eq!(
        end.3,
        after.3 + 2,
        "the auto-reply and the stranger audited"
    );
}

#[actix_web::test]
async fn a_participant_answers_by_mail_once_named_and_not_before() {
    let app = TestApp::new().await;
    let f = fixture(&app).await;
    let thread = thread_of(&f.eml);
    let db = app.db_url().to_owned();
    let colleague = &f.h.expert;
    let answer = |text: &str| reply(&thread, &colleague.email, &thread.reply_to, "", text);

    // Not on the ticket yet: refused, nothing written but the refusal.
    let before = counts(&app, &f.ticket).await;
    let out = ingest(&app, &db, answer("Same here.").as_bytes(), &[]);
    assert!(
        out.status.success(),
        "a refusal is not the MTA's error: {out:?}"
    );
    let after = counts(&app, &f.ticket).await;
    assert_eq!(after.0, before.0, "no comment");
    assert_eq!(after.3, before.3 + 1, "one refusal");
    assert_eq!(last_refusal(&app).await["reason"], "not_on_ticket");

    // Named by the requester, the colleague's answer is a comment.
    let res = app
        .post(
            &format!("/api/v1/tickets/{}/participants", f.ticket),
            &f.h.novice.access,
            json!({ "account_id": colleague.id }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let out = ingest(
        &app,
        &db,
        answer("Mine fails with 137 too.").as_bytes(),
        &[],
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(counts(&app, &f.ticket).await.0, before.0 + 1);
    let (author, body) = last_comment(&app, &f.ticket).await;
    assert_eq!(author, colleague.id);
    assert_eq!(body, "Mine fails with 137 too.");
    // The requester is told of it by mail (queued by the ingest's own
    // process); the colleague is not sent their own words.
    let queued = |to: String| {
        app.with_db(move |c| {
            outbox::table
                .filter(outbox::to_addr.eq(to))
                .filter(outbox::body.like("%Mine fails with 137 too.%"))
                .count()
                .get_result::<i64>(c)
                .expect("outbox")
        })
    };
    assert_eq!(queued(f.h.novice.email.clone()).await, 1);
    assert_eq!(queued(colleague.email.clone()).await, 0);
}
