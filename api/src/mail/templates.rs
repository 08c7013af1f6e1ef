//! Writing an [`Email`] for its [`Recipient`] (issue 13 §2).
//!
//! minijinja templates compiled into the binary from `api/templates/mail/`,
//! two per kind: `<kind>.txt` holds the `subject` block and the plain text,
//! `<kind>.html` the HTML part (autoescaped, as its name says). Templates
//! only lay the message out: every sentence comes from the Fluent catalogs
//! (`shared/locales/<lang>/mail.ftl`) through `t("mail-…", name=value)`, in
//! the recipient's language, and every date goes through the `date` or
//! `datetime` filter, in the recipient's date format. A template naming an
//! unknown variable or catalog key fails to render; the tests render every
//! kind in every language, so none ships.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use habilis_shared::dto::{DateFormat, Language};
use habilis_shared::i18n::{self, Arg};
use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Kwargs, Serde, Value, ValueKind};
use minijinja::{context, Environment, Error, ErrorKind, State, UndefinedBehavior};

use super::{Email, Message, Recipient};

/// `(name, source)` of the `.txt` and `.html` template of each kind.
macro_rules! templates {
    ($($kind:literal),* $(,)?) => {
        &[$(
            (concat!($kind, ".txt"), include_str!(concat!("../../templates/mail/", $kind, ".txt"))),
            (concat!($kind, ".html"), include_str!(concat!("../../templates/mail/", $kind, ".html"))),
        )*]
    };
}

/// The layout, then one pair per [`Email::kind`].
const TEMPLATES: &[(&str, &str)] = templates![
    "layout",
    "activation",
    "activation-outcome",
    "promotion",
    "secondment",
    "org-joined",
    "org-invitation",
    "project-invitation",
    "approval-request",
    "approval-decision",
    "order-request",
    "order-decision",
    "work-transfer",
    "departure-notice",
    "departure-done",
    "inactivity-warning",
    "password-reset",
    "password-changed",
    "email-changed",
    "instance-idle",
    "instance-lost",
    "ticket-update",
    "ticket-approval",
];

/// `email` written for `to`: subject, plain text and HTML.
pub(super) fn render(email: &Email<'_>, to: &Recipient) -> Result<Message, Error> {
    let env = environment()?;
    let kind = email.kind();
    let ctx = context! {
        lang => to.language.as_str(),
        date_format => to.date_format.as_str(),
        ..Value::from(Serde(email))
    };
    let mut text = env
        .get_template(&format!("{kind}.txt"))?
        .render_captured(ctx.clone())?;
    let subject = text.with_state_mut(|state| state.render_block("subject"))?;
    // One header line, whatever the names in it hold.
    let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    let html = env
        .get_template(&format!("{kind}.html"))?
        .render(context! { subject => &subject, ..ctx })?;
    let mut text = text.into_output();
    text.push('\n');
    Ok(Message {
        to: to.address.clone(),
        subject,
        text,
        html: Some(html),
    })
}

fn environment() -> Result<&'static Environment<'static>, Error> {
    static ENV: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();
    ENV.get_or_init(|| build().map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, e.clone()))
}

fn build() -> Result<Environment<'static>, Error> {
    let mut env = Environment::new();
    // Block tags on their own lines leave no blank lines in the text part.
    env.set_syntax(
        SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()?,
    );
    // A variable the e-mail lacks is a bug, not an empty sentence.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)?;
    }
    env.add_function("t", translate);
    env.add_filter("date", date);
    env.add_filter("datetime", datetime);
    Ok(env)
}

/// `t("mail-…", name=value, …)`: the catalog message in the recipient's
/// language, its named arguments numbers (for plurals) or text.
fn translate(state: &State, key: &str, args: Kwargs) -> Result<String, Error> {
    let lang = recipient_language(state)?;
    let mut named = Vec::new();
    for name in args.args() {
        let value: Value = args.get(name)?;
        named.push((name, arg(&value)));
    }
    let text = i18n::render(lang, key, &named);
    if text == key {
        return Err(Error::new(
            ErrorKind::UndefinedError,
            format!("no catalog message `{key}`"),
        ));
    }
    Ok(text)
}

fn arg(value: &Value) -> Arg {
    match value.kind() {
        ValueKind::Number => match i64::try_from(value.clone()) {
            Ok(n) => Arg::Number(n),
            Err(_) => Arg::from(value.to_string()),
        },
        // Selector keys of the catalogs; minijinja would write `True`.
        ValueKind::Bool if value.is_true() => Arg::from("true"),
        ValueKind::Bool => Arg::from("false"),
        _ => Arg::from(value.to_string()),
    }
}

/// `{{ until|date }}`: the day, in the recipient's date format.
fn date(state: &State, value: &str) -> Result<String, Error> {
    let day = day_pattern(recipient_date_format(state)?);
    Ok(instant(value)?.format(day).to_string())
}

/// `{{ starts|datetime }}`: the day in the recipient's date format, then
/// the time in UTC.
fn datetime(state: &State, value: &str) -> Result<String, Error> {
    let day = day_pattern(recipient_date_format(state)?);
    Ok(instant(value)?
        .format(&format!("{day} %H:%M UTC"))
        .to_string())
}

/// The chrono pattern of a date format (SPEC §4 preferences).
fn day_pattern(format: DateFormat) -> &'static str {
    match format {
        DateFormat::DayMonthYear => "%d/%m/%Y",
        DateFormat::MonthDayYear => "%m/%d/%Y",
    }
}

/// A date of an [`Email`], as serde wrote it (RFC 3339).
fn instant(value: &str) -> Result<DateTime<Utc>, Error> {
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            Error::new(ErrorKind::InvalidOperation, format!("not a date: {value}")).with_source(e)
        })
}

fn recipient_language(state: &State) -> Result<Language, Error> {
    state
        .lookup("lang")
        .as_ref()
        .and_then(Value::as_str)
        .and_then(Language::parse)
        .ok_or_else(|| Error::new(ErrorKind::UndefinedError, "no recipient language"))
}

fn recipient_date_format(state: &State) -> Result<DateFormat, Error> {
    state
        .lookup("date_format")
        .as_ref()
        .and_then(Value::as_str)
        .and_then(DateFormat::parse)
        .ok_or_else(|| Error::new(ErrorKind::UndefinedError, "no recipient date format"))
}

#[cfg(test)]
mod tests;
