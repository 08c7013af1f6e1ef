//! One incoming message read with `mail-parser` (a real RFC 5322/MIME
//! parser: no pattern is ever run on the raw message), reduced to what the
//! ingest decides on: the sender, the recipients the headers name, the
//! subject, whether a machine wrote it (the loop guard), and the text a
//! person typed — the plain-text part, or the HTML one sanitised with
//! `ammonia` and turned into text, without the quoted history and the
//! signature.

use mail_parser::{HeaderValue, MessageParser, MimeHeaders, PartType};

/// Why a message is taken for one a machine wrote (RFC 3834): it never
/// adds a comment and never causes a mail, so two robots cannot answer
/// each other forever.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Automatic {
    /// `Auto-Submitted` other than `no`.
    AutoSubmitted,
    /// `Precedence: bulk | junk | list | auto_reply`.
    Precedence,
    /// A bounce: null return path (`Return-Path: <>`, `MAIL FROM:<>`) or
    /// a delivery report (`multipart/report`).
    Bounce,
    /// `X-Autoreply` / `X-Autorespond`.
    AutoReplyHeader,
    /// A vacation subject ("Out of office", "Réponse automatique", …).
    Vacation,
}

impl Automatic {
    pub fn as_str(self) -> &'static str {
        match self {
            Automatic::AutoSubmitted => "auto_submitted",
            Automatic::Precedence => "precedence",
            Automatic::Bounce => "bounce",
            Automatic::AutoReplyHeader => "auto_reply_header",
            Automatic::Vacation => "vacation_subject",
        }
    }
}

/// What is wrong with a message the parser could not make sense of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Malformed {
    /// Not a message at all (no header).
    NotAMessage,
    /// No `From` mailbox.
    NoSender,
    /// A multipart without a usable boundary, a part cut short, or a
    /// content transfer encoding that does not decode.
    BadMime,
}

impl Malformed {
    pub fn as_str(self) -> &'static str {
        match self {
            Malformed::NotAMessage => "not_a_message",
            Malformed::NoSender => "no_sender",
            Malformed::BadMime => "bad_mime",
        }
    }
}

/// An incoming message, as the ingest needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incoming {
    /// The bare `From` address, lower-case.
    pub from: String,
    /// The bare addresses of `To`, `Cc`, `Delivered-To` and
    /// `X-Original-To`, lower-case (used when no envelope is known).
    pub recipients: Vec<String>,
    pub subject: String,
    pub message_id: Option<String>,
    /// Set when a machine wrote it.
    pub automatic: Option<Automatic>,
    /// What the person wrote (trimmed; may be empty).
    pub body: String,
}

/// Subjects of vacation and other automatic replies (lower-case
/// prefixes), in the languages the desk's people write.
const VACATION: &[&str] = &[
    "out of office",
    "out of the office",
    "auto:",
    "automatic reply",
    "auto reply",
    "autoreply",
    "auto-reply",
    "absence",
    "absent",
    "réponse automatique",
    "reponse automatique",
    "répondeur",
    "message d'absence",
    "自動応答",
    "自動返信",
    "不在",
];

/// Reads `raw`. Only the text is looked at: attachments are not kept.
pub fn parse(raw: &[u8]) -> Result<Incoming, Malformed> {
    let message = MessageParser::default()
        .parse(raw)
        .ok_or(Malformed::NotAMessage)?;
    if message.headers().is_empty() {
        return Err(Malformed::NotAMessage);
    }
    if message.parts.iter().any(|p| p.is_encoding_problem) {
        return Err(Malformed::BadMime);
    }
    // A multipart whose boundary is missing or never found is read by the
    // parser as one text part: a sender's client never writes that.
    let root = message.root_part();
    let root_type = root.content_type();
    let multipart = root_type.is_some_and(|ct| ct.ctype().eq_ignore_ascii_case("multipart"));
    let report = multipart
        && root_type
            .and_then(|ct| ct.subtype())
            .is_some_and(|s| s.eq_ignore_ascii_case("report"));
    if multipart && !matches!(root.body, PartType::Multipart(_)) {
        return Err(Malformed::BadMime);
    }
    let from = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .map(|a| a.trim().to_lowercase())
        .filter(|a| a.contains('@'))
        .ok_or(Malformed::NoSender)?;

    let mut recipients = Vec::new();
    for addr in message
        .all_to()
        .chain(message.all_cc())
        .flat_map(|a| a.iter())
    {
        if let Some(a) = addr.address() {
            recipients.push(a.trim().to_lowercase());
        }
    }
    for (name, value) in message.headers_raw() {
        if name.eq_ignore_ascii_case("delivered-to") || name.eq_ignore_ascii_case("x-original-to") {
            let bare = value.trim().trim_start_matches('<').trim_end_matches('>');
            if !bare.is_empty() {
                recipients.push(bare.trim().to_lowercase());
            }
        }
    }

    let subject = message.subject().unwrap_or_default().trim().to_owned();
    let automatic = automatic(&message, &subject, report);
    let body = message
        .text_bodies()
        .find_map(|part| match &part.body {
            PartType::Text(text) => Some(text.to_string()),
            PartType::Html(html) => Some(html_to_text(html)),
            _ => None,
        })
        .unwrap_or_default();
    Ok(Incoming {
        from,
        recipients,
        subject,
        message_id: message.message_id().map(str::to_owned),
        automatic,
        body: trim_reply(&body),
    })
}

fn header_text<'a>(message: &'a mail_parser::Message<'_>, name: &str) -> Option<&'a str> {
    message
        .headers_raw()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

fn automatic(message: &mail_parser::Message<'_>, subject: &str, report: bool) -> Option<Automatic> {
    if let Some(v) = header_text(message, "Auto-Submitted") {
        let kind = v.split(';').next().unwrap_or_default().trim();
        if !kind.eq_ignore_ascii_case("no") {
            return Some(Automatic::AutoSubmitted);
        }
    }
    if let Some(v) = header_text(message, "Precedence") {
        let v = v.to_ascii_lowercase();
        if ["bulk", "junk", "list", "auto_reply"].contains(&v.as_str()) {
            return Some(Automatic::Precedence);
        }
    }
    let null_path = match message.return_path() {
        HeaderValue::Text(t) => t.trim().trim_matches(['<', '>']).trim().is_empty(),
        HeaderValue::TextList(l) => l
            .last()
            .is_some_and(|t| t.trim().trim_matches(['<', '>']).trim().is_empty()),
        HeaderValue::Empty => header_text(message, "Return-Path").is_some(),
        _ => false,
    };
    if null_path || report {
        return Some(Automatic::Bounce);
    }
    if header_text(message, "X-Autoreply").is_some()
        || header_text(message, "X-Autorespond").is_some()
    {
        return Some(Automatic::AutoReplyHeader);
    }
    let lower = subject.to_lowercase();
    if VACATION.iter().any(|v| lower.starts_with(v)) {
        return Some(Automatic::Vacation);
    }
    None
}

/// The text of an HTML body: sanitised by `ammonia` down to a few block
/// tags (scripts, styles and quoted `<blockquote>` history dropped with
/// their content), then the tags of that well-formed output turned into
/// line breaks and removed, and its entities decoded.
pub fn html_to_text(html: &str) -> String {
    let blocks = [
        "p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
    ];
    let clean = ammonia::Builder::empty()
        .tag_attributes(Default::default())
        .generic_attributes(Default::default())
        .add_tags(blocks)
        .clean_content_tags(["script", "style", "blockquote", "head", "title"].into())
        .clean(html)
        .to_string();
    let mut out = String::with_capacity(clean.len());
    let mut rest = clean.as_str();
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[lt + 1..lt + gt].trim_start_matches('/');
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if blocks.contains(&name.to_ascii_lowercase().as_str()) {
            out.push('\n');
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(rest);
    let text = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    // Block tags make runs of empty lines: keep at most one.
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim_end) {
        if line.trim().is_empty() && lines.last().is_some_and(|l| l.trim().is_empty()) {
            continue;
        }
        lines.push(line);
    }
    lines.join("\n").trim().to_owned()
}

fn is_attribution(line: &str) -> bool {
    let l = line.trim();
    let lower = l.to_lowercase();
    (lower.starts_with("on ") && lower.ends_with("wrote:"))
        || (lower.starts_with("le ")
            && (lower.ends_with("a écrit :") || lower.ends_with("a écrit:")))
        || l.ends_with("書きました:")
        || l.ends_with("書きました：")
}

fn is_original_message(line: &str) -> bool {
    let l = line.trim().to_lowercase();
    l.starts_with("-----")
        && (l.contains("original message")
            || l.contains("message d'origine")
            || l.contains("message original")
            || l.contains("元のメッセージ"))
}

fn header_line(line: &str, names: &[&str]) -> bool {
    let l = line.trim().to_lowercase();
    names.iter().any(|n| {
        l.strip_prefix(n)
            .is_some_and(|r| r.trim_start().starts_with([':', '：']))
    })
}

/// An Outlook block: `From: …` with `Sent: …` (or their French and
/// Japanese names) within the next lines.
fn is_outlook_block(lines: &[&str]) -> bool {
    let from = ["from", "de", "差出人"];
    let sent = ["sent", "date", "envoyé", "送信日時"];
    header_line(lines[0], &from) && lines[1..].iter().take(4).any(|l| header_line(l, &sent))
}

/// The text a person wrote, without the quoted history (`>` lines, an
/// attribution "On … wrote:" / "Le … a écrit :" — also when a client
/// wrapped it on two lines —, `-----Original Message-----`, an Outlook
/// `From: … Sent: …` block) and without the signature (below `-- `).
pub fn trim_reply(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.lines().collect();
    let mut kept: Vec<&str> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let two = match lines.get(i + 1) {
            Some(next) => format!("{} {}", line.trim(), next.trim()),
            None => line.to_string(),
        };
        let underscores = line.trim().len() >= 10 && line.trim().chars().all(|c| c == '_');
        if line.trim_end() == "--"
            || *line == "-- "
            || is_attribution(line)
            || (line.trim().to_lowercase().starts_with("on ") && is_attribution(&two))
            || (line.trim().to_lowercase().starts_with("le ") && is_attribution(&two))
            || is_original_message(line)
            || is_outlook_block(&lines[i..])
            || (underscores
                && lines.get(i + 1..).is_some_and(|r| {
                    r.iter()
                        .find(|l| !l.trim().is_empty())
                        .is_some_and(|l| header_line(l, &["from", "de", "差出人"]))
                }))
        {
            break;
        }
        if line.trim_start().starts_with('>') {
            continue;
        }
        kept.push(line.trim_end());
    }
    kept.join("\n").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_history_and_signatures_are_trimmed() {
        let cases: &[(&str, &str)] = &[
            (
                "Thanks, it works now.\n\nOn Mon, 1 Jan 2024 at 10:00, Habilis <support+x@h.test> wrote:\n> Try again\n> please",
                "Thanks, it works now.",
            ),
            (
                "Thanks.\nOn Mon, 1 Jan 2024 at 10:00 Habilis Support <\nsupport+x@h.test> wrote:\n> quoted",
                "Thanks.",
            ),
            (
                "Merci, c'est réglé.\n\nLe lun. 1 janv. 2024 à 10:00, Habilis <s@h.test> a écrit :\n> Essayez",
                "Merci, c'est réglé.",
            ),
            (
                "Fixed.\n\n-----Original Message-----\nFrom: Habilis\nSubject: x",
                "Fixed.",
            ),
            (
                "Still broken.\n\n________________________________\nFrom: Habilis <s@h.test>\nSent: Monday\nTo: me\n",
                "Still broken.",
            ),
            (
                "Still broken.\n\nFrom: Habilis <s@h.test>\nSent: Monday, 1 January 2024\nTo: me\nSubject: x\n\nold text",
                "Still broken.",
            ),
            (
                "De : Habilis\nEnvoyé : lundi\n\nold",
                "",
            ),
            ("Yes.\n-- \nJane Doe\nLab of things", "Yes."),
            ("> only a quote\n> nothing else\n", ""),
            (
                "I answer inline:\n> question one?\nyes\n> question two?\nno",
                "I answer inline:\nyes\nno",
            ),
            (
                "了解しました。\n\n2024年1月1日(月) 10:00 Habilis <s@h.test> さんは書きました:\n> 元の文",
                "了解しました。",
            ),
            // A line that only mentions "from" is kept.
            ("The error comes from: the scheduler\nSent twice.", "The error comes from: the scheduler\nSent twice."),
        ];
        for (input, expected) in cases {
            assert_eq!(trim_reply(input), *expected, "{input:?}");
        }
    }

    #[test]
    fn html_is_sanitised_then_turned_into_text() {
        let html = "<html><head><title>t</title><style>p{color:red}</style></head><body>\
            <p>Hello &amp; thanks,</p><div>it <b>works</b><br>now<script>alert(1)</script></div>\
            <img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">link</a>\
            <blockquote>old &lt;quoted&gt; text</blockquote></body></html>";
        let text = html_to_text(html);
        assert_eq!(text, "Hello & thanks,\n\nit works\nnow\nlink");
        assert!(!text.contains("alert"));
        assert!(!text.contains("quoted"));
    }

    fn mail(headers: &str, body: &str) -> Vec<u8> {
        format!(
            "From: Jane <Jane.Doe@Example.org>\r\nTo: support@h.test\r\nSubject: Help\r\nMessage-ID: <m1@example.org>\r\n{headers}\r\n{body}"
        )
        .into_bytes()
    }

    #[test]
    fn a_plain_message_is_read() {
        let m = parse(&mail(
            "Delivered-To: <support+a.b@h.test>\r\n",
            "Hello\r\n-- \r\nJane\r\n",
        ))
        .expect("parsed");
        assert_eq!(m.from, "jane.doe@example.org");
        assert_eq!(m.recipients, vec!["support@h.test", "support+a.b@h.test"]);
        assert_eq!(m.subject, "Help");
        assert_eq!(m.message_id.as_deref(), Some("m1@example.org"));
        assert_eq!(m.automatic, None);
        assert_eq!(m.body, "Hello");
    }

    #[test]
    fn plain_text_is_preferred_to_html() {
        let body = "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain words\r\n\
            --b\r\nContent-Type: text/html\r\n\r\n<p>html words</p>\r\n--b--\r\n";
        let m = parse(&mail(
            "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n",
            body,
        ))
        .expect("parsed");
        assert_eq!(m.body, "plain words");
        let only_html =
            "--b\r\nContent-Type: text/html\r\n\r\n<p>html <i>words</i></p>\r\n--b--\r\n";
        let m = parse(&mail(
            "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n",
            only_html,
        ))
        .expect("parsed");
        assert_eq!(m.body, "html words");
    }

    #[test]
    fn machines_are_recognised() {
        for (headers, why) in [
            ("Auto-Submitted: auto-replied\r\n", Automatic::AutoSubmitted),
            (
                "Auto-Submitted: auto-generated; owner=x\r\n",
                Automatic::AutoSubmitted,
            ),
            ("Precedence: bulk\r\n", Automatic::Precedence),
            ("Precedence: auto_reply\r\n", Automatic::Precedence),
            ("Return-Path: <>\r\n", Automatic::Bounce),
            ("X-Autoreply: yes\r\n", Automatic::AutoReplyHeader),
            ("X-Autorespond: yes\r\n", Automatic::AutoReplyHeader),
        ] {
            let m = parse(&mail(headers, "x\r\n")).expect("parsed");
            assert_eq!(m.automatic, Some(why), "{headers}");
        }
        for subject in [
            "Out of Office: Re: your ticket",
            "Auto: Re: x",
            "Automatic reply: x",
            "Absence du bureau",
            "Réponse automatique : x",
            "自動応答: x",
        ] {
            let raw =
                format!("From: a@b.test\r\nTo: support@h.test\r\nSubject: {subject}\r\n\r\nx\r\n");
            assert_eq!(
                parse(raw.as_bytes()).expect("parsed").automatic,
                Some(Automatic::Vacation),
                "{subject}"
            );
        }
        let raw = "From: a@b.test\r\nAuto-Submitted: no\r\nPrecedence: normal\r\nReturn-Path: <a@b.test>\r\nSubject: Re: absent data in my results\r\n\r\nx\r\n";
        // "Re: absent …" is a person answering, not a vacation notice.
        assert_eq!(parse(raw.as_bytes()).expect("parsed").automatic, None);
        let report = "--r\r\nContent-Type: text/plain\r\n\r\nundeliverable\r\n--r--\r\n";
        let m = parse(&mail(
            "Content-Type: multipart/report; report-type=delivery-status; boundary=r\r\n",
            report,
        ))
        .expect("parsed");
        assert_eq!(m.automatic, Some(Automatic::Bounce));
    }

    #[test]
    fn malformed_messages_are_refused() {
        assert_eq!(parse(b""), Err(Malformed::NotAMessage));
        assert_eq!(
            parse(b"To: support@h.test\r\nSubject: x\r\n\r\nno sender\r\n"),
            Err(Malformed::NoSender)
        );
        assert_eq!(
            parse(&mail(
                "Content-Type: multipart/mixed\r\n",
                "no boundary\r\n"
            )),
            Err(Malformed::BadMime)
        );
        assert_eq!(
            parse(&mail(
                "Content-Type: multipart/mixed; boundary=zz\r\n",
                "the boundary never comes\r\n"
            )),
            Err(Malformed::BadMime)
        );
        assert_eq!(
            parse(&mail(
                "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n",
                "!!!! not base64 @@@@\r\n"
            )),
            Err(Malformed::BadMime)
        );
    }
}
