//! Every kind renders in every language; the templates and the catalogs
//! name the same keys; HTML escapes, text does not; dates follow the
//! recipient's format.

use std::collections::BTreeSet;

use chrono::TimeZone;
use habilis_shared::i18n::LANGUAGES;
use habilis_shared::policy::{OrgRole, Profile, WorkState};

use super::*;
use crate::mail::{ApprovalOutcome, TicketUpdate};

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 9, 30, 0)
        .single()
        .unwrap_or_default()
}

/// One e-mail of every kind.
fn samples() -> Vec<Email<'static>> {
    vec![
        Email::Activation {
            name: "Alice Martin",
            link: "https://habilis.test/activate?token=abc",
            until: at(2026, 12, 8),
        },
        Email::ActivationOutcome {
            name: "Alice Martin",
            email: "alice@inserm.fr",
            activated: true,
        },
        Email::ActivationOutcome {
            name: "Alice Martin",
            email: "alice@inserm.fr",
            activated: false,
        },
        Email::Promotion {
            name: "Alice Martin",
            email: "alice@inserm.fr",
            from: Profile::Novice,
            to: Profile::Confirmed,
        },
        Email::Secondment {
            person: "Alice Martin",
            host: "Bob Durand",
            starts: at(2026, 12, 1),
            ends: at(2027, 3, 31),
        },
        Email::OrgJoined {
            inviter: "Bob Durand",
            org: "Lab 42",
            role: OrgRole::Contributor,
        },
        Email::OrgInvitation {
            inviter: "Bob Durand",
            org: "Lab 42",
            role: OrgRole::User,
            link: "https://habilis.test/invitations/hinv_abc",
            until: at(2026, 12, 15),
        },
        Email::ProjectInvitation {
            inviter: "Bob Durand",
            project: "Cohort",
            has_account: false,
        },
        Email::ApprovalRequest {
            requester: "Bob Durand",
            project: "Cohort",
            org: "Lab 42",
            role: "data_steward",
        },
        Email::ApprovalDecision {
            approver: "Carol Petit",
            project: "Cohort",
            outcome: ApprovalOutcome::Rejected,
            comment: Some("No data plan."),
        },
        Email::OrderRequest {
            requester: "Bob Durand",
            offering: "PostgreSQL database",
            project: "Cohort",
            role: "sponsor",
        },
        Email::OrderDecision {
            approver: "Carol Petit",
            offering: "PostgreSQL database",
            project: "Cohort",
            outcome: ApprovalOutcome::Approved,
            comment: None,
        },
        Email::OrderDecision {
            approver: "Carol Petit",
            offering: "JupyterLab",
            project: "Cohort",
            outcome: ApprovalOutcome::Rejected,
            comment: Some("Use the shared one."),
        },
        Email::WorkTransfer {
            giver: "Alice Martin",
            title: "Results",
            state: WorkState::Unpublished,
        },
        Email::DepartureNotice {
            name: "Alice Martin",
            date: at(2026, 12, 22),
            days: 21,
            receiver: "Bob Durand",
            drafts: 1,
            unpublished: 0,
            published: 3,
            may_delete: false,
        },
        Email::DepartureDone {
            name: "Alice Martin",
            works: 4,
            subordinates: 1,
        },
        Email::InactivityWarning {
            name: "Alice Martin",
            until: at(2027, 1, 1),
        },
        Email::PasswordReset {
            name: "Alice Martin",
            link: "https://habilis.test/reset-password?token=abc",
            until: at(2026, 12, 1),
        },
        Email::PasswordChanged {
            name: "Alice Martin",
        },
        Email::EmailChanged {
            name: "Alice Martin",
            old: "alice@inserm.fr",
            new: "alice.martin@inserm.fr",
        },
        Email::InstanceIdle {
            name: "Alice Martin",
            instance: "analysis-db",
            link: "https://habilis.test/services/0190-abc/keep",
            until: at(2026, 12, 4),
        },
        Email::InstanceLost {
            name: "Alice Martin",
            instance: "analysis-db",
            link: "https://habilis.test/services/0190-abc",
        },
        Email::TicketUpdate {
            update: TicketUpdate::Comment,
            reference: "0190abcd",
            subject: "VPN <down>",
            author: "Bob Durand",
            text: Some("Try again now."),
        },
        Email::TicketUpdate {
            update: TicketUpdate::Created,
            reference: "0190abcd",
            subject: "VPN down",
            author: "Alice Martin",
            text: None,
        },
        Email::TicketApproval {
            requester: "Alice Martin",
            subject: "Admin rights on the wiki",
            category: "admin-rights",
            role: "supervisor",
        },
    ]
}

fn reader(language: Language, date_format: DateFormat) -> Recipient {
    Recipient {
        address: "reader@inserm.fr".into(),
        language,
        date_format,
    }
}

fn written(email: &Email<'_>, to: &Recipient) -> Message {
    render(email, to).unwrap_or_else(|e| panic!("{} in {:?}: {e:#}", email.kind(), to.language))
}

fn html(message: &Message) -> &str {
    message.html.as_deref().unwrap_or_default()
}

#[test]
fn every_kind_renders_in_every_language() {
    for email in samples() {
        for lang in LANGUAGES {
            let m = written(&email, &reader(lang, DateFormat::DayMonthYear));
            let what = format!("{} in {}", email.kind(), lang.as_str());
            assert!(
                !m.subject.is_empty() && !m.subject.contains('\n'),
                "{what}: {m:?}"
            );
            assert!(
                m.text.ends_with(&format!(
                    "-- \n{}\n",
                    i18n::render(lang, "mail-footer", &[])
                )),
                "{what}: {}",
                m.text
            );
            assert!(
                !m.text.starts_with('\n') && !m.text.contains("\n\n\n"),
                "{what}: {}",
                m.text
            );
            assert!(
                html(&m).starts_with("<!DOCTYPE html>"),
                "{what}: {}",
                html(&m)
            );
            assert!(
                html(&m).contains(&format!("<html lang=\"{}\">", lang.as_str())),
                "{what}"
            );
        }
    }
}

#[test]
fn the_same_email_differs_by_language() {
    let email = &samples()[0];
    let en = written(email, &reader(Language::En, DateFormat::DayMonthYear));
    let fr = written(email, &reader(Language::Fr, DateFormat::DayMonthYear));
    let ja = written(email, &reader(Language::Ja, DateFormat::DayMonthYear));
    assert_eq!(en.subject, "Activate your Habilis account");
    assert_eq!(fr.subject, "Activez votre compte Habilis");
    assert!(ja.subject.contains("有効化"), "{}", ja.subject);
    assert!(fr.text.starts_with("Bonjour Alice Martin,"), "{}", fr.text);
    assert!(!fr.text.contains("Hello") && !en.text.contains("Bonjour"));
    assert!(html(&ja).contains("アカウントを有効化する"));
}

#[test]
fn html_escapes_what_the_text_shows_verbatim() {
    let email = Email::WorkTransfer {
        giver: "<script>alert(1)</script>",
        title: "A & B",
        state: WorkState::Draft,
    };
    let m = written(&email, &reader(Language::En, DateFormat::DayMonthYear));
    assert!(
        m.text
            .contains("<script>alert(1)</script> gave you the work \"A & B\" (draft)"),
        "{}",
        m.text
    );
    assert!(!html(&m).contains("<script>"), "{}", html(&m));
    assert!(
        html(&m).contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
        "{}",
        html(&m)
    );
    assert!(html(&m).contains("A &amp; B"), "{}", html(&m));
}

#[test]
fn dates_follow_the_recipient_date_format() {
    let email = &samples()[0]; // valid until 8 December 2026
    let dmy = written(email, &reader(Language::En, DateFormat::DayMonthYear));
    let mdy = written(email, &reader(Language::En, DateFormat::MonthDayYear));
    assert!(dmy.text.contains("until 08/12/2026:"), "{}", dmy.text);
    assert!(mdy.text.contains("until 12/08/2026:"), "{}", mdy.text);
    let secondment = samples()
        .into_iter()
        .find(|e| e.kind() == "secondment")
        .unwrap_or_else(|| panic!("a secondment sample"));
    let fr = written(&secondment, &reader(Language::Fr, DateFormat::MonthDayYear));
    assert!(
        fr.text
            .contains("du 12/01/2026 09:30 UTC au 03/31/2027 09:30 UTC"),
        "{}",
        fr.text
    );
}

#[test]
fn plurals_and_names_come_from_the_catalog() {
    let notice = samples()
        .into_iter()
        .find(|e| e.kind() == "departure-notice")
        .unwrap_or_else(|| panic!("a departure notice sample"));
    let en = written(&notice, &reader(Language::En, DateFormat::DayMonthYear));
    assert_eq!(en.subject, "Habilis: your account closes in 21 days");
    assert!(
        en.text.contains("1 draft, 0 unpublished, 3 published."),
        "{}",
        en.text
    );
    assert!(en.text.contains("Until then you may publish your drafts."));
    let activated = written(
        &samples()[1],
        &reader(Language::En, DateFormat::DayMonthYear),
    );
    assert_eq!(
        activated.subject,
        "Habilis: the account of Alice Martin was activated"
    );
    let failed = written(
        &samples()[2],
        &reader(Language::Ja, DateFormat::DayMonthYear),
    );
    assert!(
        failed.subject.contains("有効化できませんでした"),
        "{}",
        failed.subject
    );
    let promotion = samples()
        .into_iter()
        .find(|e| e.kind() == "promotion")
        .unwrap_or_else(|| panic!("a promotion sample"));
    let fr = written(&promotion, &reader(Language::Fr, DateFormat::DayMonthYear));
    assert!(
        fr.text
            .contains("de scientifique novice à scientifique confirmé"),
        "{}",
        fr.text
    );
}

/// The kinds of [`TEMPLATES`] (each with its `.txt` and `.html`, or the
/// build fails) are exactly those of the samples, so none goes untested.
#[test]
fn every_template_is_a_kind_and_every_kind_has_a_sample() {
    let templates: BTreeSet<&str> = TEMPLATES
        .iter()
        .filter_map(|(name, _)| name.strip_suffix(".txt"))
        .filter(|name| *name != "layout")
        .collect();
    let kinds: BTreeSet<&str> = samples().iter().map(Email::kind).collect();
    assert_eq!(templates, kinds);
}

/// Every `t("…")` of the templates is a catalog key, and every `mail-` key
/// of the catalogs is used by a template (the catalogs' own test keeps the
/// three languages in step).
#[test]
fn templates_and_catalog_name_the_same_keys() {
    let mut used = BTreeSet::new();
    for (name, source) in TEMPLATES {
        for piece in source.split("t(\"").skip(1) {
            let key = piece.split('"').next().unwrap_or_default();
            assert_ne!(
                i18n::render(Language::En, key, &[]),
                key,
                "{name}: `{key}` is not in the catalogs"
            );
            used.insert(key.to_owned());
        }
    }
    let catalog = include_str!("../../../../shared/locales/en/mail.ftl");
    let defined: BTreeSet<String> = catalog
        .lines()
        .filter_map(|line| line.split_once(" ="))
        .map(|(key, _)| key.to_owned())
        .filter(|key| key.starts_with("mail-"))
        .collect();
    let unused: Vec<_> = defined.difference(&used).collect();
    assert!(
        unused.is_empty(),
        "catalog keys no template uses: {unused:?}"
    );
}
