//! The policy reference: the whole policy document written out as Markdown
//! for people (`habilis policy doc`, committed as `docs/policy.md`).
//!
//! Pure: [`reference`] reads a [`Policy`] and the catalogs and returns text,
//! so the committed file can be checked against it in a unit test. Codes
//! (profiles, capabilities, actions) stay as they are written in the document
//! and in `authz/check`; every sentence around them comes from the `policy`
//! catalog (`policydoc-*` keys), so the reference exists in en, fr and ja.

use std::collections::BTreeSet;

use crate::i18n::{render, Arg, Language};

use super::model::PriorityAccess;
use super::{Action, OrgCapability, OrgRole, Policy, Profile};

/// The policy reference of `policy`, in `lang`, as Markdown.
pub fn reference(policy: &Policy, lang: Language) -> String {
    let mut doc = Doc {
        out: String::new(),
        lang,
    };
    doc.header(policy);
    doc.profiles_table(policy);
    doc.matrix(policy, "creation", &policy.creation);
    doc.matrix(policy, "habilitation", &policy.habilitation);
    doc.capabilities(policy);
    doc.lifecycle(policy);
    doc.administration(policy);
    doc.visibility(policy);
    doc.organisations(policy);
    doc.services(policy);
    doc.support(policy);
    doc.knowledge_base(policy);
    doc.priority(policy);
    doc.accounts(policy);
    doc.actions();
    // One final newline, not the blank line that follows every block.
    let mut out = doc.out;
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The catalog key describing `action` and its arguments. Families share a
/// key with an argument; every other action has `policydoc-action-<code>`
/// (dots as dashes).
fn action_text(action: Action) -> (String, Vec<(&'static str, Arg)>) {
    match action {
        Action::Capability(c) => (
            "policydoc-action-capability".into(),
            vec![("capability", Arg::from(c.ident()))],
        ),
        Action::Org(c) => (
            "policydoc-action-org".into(),
            vec![("capability", Arg::from(c.ident()))],
        ),
        Action::UserCreate(p) => (
            "policydoc-action-user-create".into(),
            vec![("target", Arg::from(p.as_str()))],
        ),
        Action::UserHabilitate(p) => (
            "policydoc-action-user-habilitate".into(),
            vec![("target", Arg::from(p.as_str()))],
        ),
        Action::WorkAdvance(s) => (
            "policydoc-action-work-state".into(),
            vec![("state", Arg::from(s.as_str()))],
        ),
        other => (
            format!("policydoc-action-{}", other.code_str().replace('.', "-")),
            Vec::new(),
        ),
    }
}

/// The text of `key`, or `None` when no catalog has it.
fn lookup(lang: Language, key: &str, args: &[(&str, Arg)]) -> Option<String> {
    let text = render(lang, key, args);
    (text != key).then_some(text)
}

/// The one-line description of `action` in `lang` (`None`: no catalog has
/// one yet, which a test rules out for every listed action).
pub(crate) fn action_description(action: Action, lang: Language) -> Option<String> {
    let (key, args) = action_text(action);
    lookup(lang, &key, &args)
}

/// The visibility switches of the document, in document order, with their
/// values (read through serde so a new switch shows up without a change here).
fn switches(policy: &Policy) -> Vec<(String, bool)> {
    match serde_json::to_value(&policy.visibility) {
        Ok(serde_json::Value::Object(map)) => map
            .into_iter()
            .filter_map(|(k, v)| v.as_bool().map(|b| (k, b)))
            .collect(),
        _ => Vec::new(),
    }
}

struct Doc {
    out: String,
    lang: Language,
}

const YES: &str = "✓";
const NO: &str = "·";
const PROVISIONAL: &str = "†";

impl Doc {
    fn t(&self, key: &str) -> String {
        render(self.lang, key, &[])
    }

    fn t_args(&self, key: &str, args: &[(&str, Arg)]) -> String {
        render(self.lang, key, args)
    }

    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn heading(&mut self, key: &str) {
        let title = self.t(key);
        self.line(&format!("## {title}"));
        self.line("");
    }

    fn para(&mut self, text: &str) {
        self.line(text);
        self.line("");
    }

    fn table(&mut self, head: &[String], rows: &[Vec<String>]) {
        let cells = |row: &[String]| format!("| {} |", row.join(" | "));
        self.line(&cells(head));
        let rule: Vec<String> = head.iter().map(|_| "---".to_owned()).collect();
        self.line(&cells(&rule));
        for row in rows {
            self.line(&cells(row));
        }
        self.line("");
    }

    fn profile_name(&self, p: Profile) -> String {
        self.t_args("policydoc-profile", &[("profile", Arg::from(p.as_str()))])
    }

    /// `` `novice`, `confirmed` `` or the word for "nobody".
    fn list(&self, set: &BTreeSet<Profile>) -> String {
        if set.is_empty() {
            return self.t("policydoc-nobody");
        }
        set.iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn yes_no(&self, value: bool) -> String {
        self.t(if value {
            "policydoc-yes"
        } else {
            "policydoc-no"
        })
    }

    fn header(&mut self, policy: &Policy) {
        let title = self.t("policydoc-title");
        self.line(&format!("# {title}"));
        self.line("");
        let intro = self.t_args(
            "policydoc-intro",
            &[
                ("version", Arg::from(policy.version)),
                ("charter", Arg::from(policy.charter_version.clone())),
            ],
        );
        self.para(&intro);
    }

    fn profile_rows(&mut self, policy: &Policy) -> Vec<Vec<String>> {
        Profile::ALL
            .iter()
            .map(|&p| {
                let limit = policy
                    .accounts
                    .profile_limits
                    .get(&p)
                    .map_or_else(|| "—".to_owned(), u32::to_string);
                let supervisors = policy
                    .accounts
                    .supervisors
                    .get(&p)
                    .map_or_else(|| "—".to_owned(), |s| self.list(s));
                let seat = if !p.is_account() {
                    "—".to_owned()
                } else {
                    self.yes_no(policy.accounts.seats.contains(&p))
                };
                vec![
                    format!("`{p}`"),
                    self.profile_name(p),
                    limit,
                    supervisors,
                    seat,
                ]
            })
            .collect()
    }

    fn profiles_table(&mut self, policy: &Policy) {
        self.heading("policydoc-profiles");
        self.para(&self.t("policydoc-profiles-intro"));
        let head = [
            "policydoc-col-code",
            "policydoc-col-name",
            "policydoc-col-limit",
            "policydoc-col-supervisors",
            "policydoc-col-seat",
        ]
        .map(|k| self.t(k));
        let rows = self.profile_rows(policy);
        self.table(&head, &rows);
    }

    /// The creation or habilitation matrix: rows act on columns.
    fn matrix(
        &mut self,
        _policy: &Policy,
        which: &str,
        matrix: &std::collections::BTreeMap<Profile, BTreeSet<Profile>>,
    ) {
        self.heading(&format!("policydoc-{which}"));
        self.para(&self.t(&format!("policydoc-{which}-intro")));
        let mut head = vec![self.t("policydoc-col-by-for")];
        head.extend(Profile::ACCOUNT_PROFILES.iter().map(|p| format!("`{p}`")));
        let rows: Vec<Vec<String>> = Profile::ALL
            .iter()
            .map(|&actor| {
                let mut row = vec![format!("`{actor}`")];
                row.extend(Profile::ACCOUNT_PROFILES.iter().map(|target| {
                    let yes = matrix.get(&actor).is_some_and(|s| s.contains(target));
                    (if yes { YES } else { NO }).to_owned()
                }));
                row
            })
            .collect();
        self.table(&head, &rows);
    }

    fn capabilities(&mut self, policy: &Policy) {
        self.heading("policydoc-capabilities");
        let legend = self.t_args(
            "policydoc-capabilities-intro",
            &[
                ("yes", Arg::from(YES)),
                ("no", Arg::from(NO)),
                ("provisional", Arg::from(PROVISIONAL)),
            ],
        );
        self.para(&legend);
        let mut head = vec![self.t("policydoc-col-capability")];
        head.extend(Profile::ALL.iter().map(|p| format!("`{p}`")));
        let rows: Vec<Vec<String>> = policy
            .capabilities
            .iter()
            .map(|(capability, rule)| {
                let phrase = self.t_args(
                    "policydoc-action-capability",
                    &[("capability", Arg::from(capability.ident()))],
                );
                let mut row = vec![format!("`{capability}` {phrase}")];
                row.extend(Profile::ALL.iter().map(|p| {
                    let mark = if rule.allowed.contains(p) { YES } else { NO };
                    if rule.provisional.contains(p) {
                        format!("{mark} {PROVISIONAL}")
                    } else {
                        mark.to_owned()
                    }
                }));
                row
            })
            .collect();
        self.table(&head, &rows);
    }

    fn lifecycle(&mut self, policy: &Policy) {
        self.heading("policydoc-lifecycle");
        let head = [
            "policydoc-col-profile",
            "policydoc-col-promoted-to",
            "policydoc-col-promoted-by",
            "policydoc-col-departure-by",
            "policydoc-col-heir-required",
        ]
        .map(|k| self.t(k));
        let line = self.t("policydoc-from-line");
        let rows: Vec<Vec<String>> = Profile::ACCOUNT_PROFILES
            .iter()
            .map(|p| {
                let (to, by) = match policy.promotion.get(p) {
                    Some(rule) => {
                        let mut by = self.list(&rule.by);
                        if rule.from_supervision_line {
                            by.push_str(&format!(" ({line})"));
                        }
                        (format!("`{}`", rule.to), by)
                    }
                    None => ("—".to_owned(), "—".to_owned()),
                };
                let (departure, heir) = match policy.departure.get(p) {
                    Some(rule) => {
                        let mut by = self.list(&rule.by);
                        if rule.from_supervision_line {
                            by.push_str(&format!(" ({line})"));
                        }
                        (by, self.yes_no(rule.heir_required))
                    }
                    None if policy.accounts.seats.contains(p) => {
                        (self.t("policydoc-seat-handover"), "—".to_owned())
                    }
                    None => ("—".to_owned(), "—".to_owned()),
                };
                vec![format!("`{p}`"), to, by, departure, heir]
            })
            .collect();
        self.table(&head, &rows);
        let works = self.t_args(
            "policydoc-works",
            &[
                ("create", Arg::from(self.list(&policy.works.create))),
                ("delete", Arg::from(self.list(&policy.works.delete_own))),
            ],
        );
        self.para(&works);
    }

    fn administration(&mut self, policy: &Policy) {
        self.heading("policydoc-administration");
        let a = &policy.administration;
        let rows: Vec<Vec<String>> = [
            ("block_accounts", &a.block_accounts),
            ("read_audit", &a.read_audit),
            ("see_all_accounts", &a.see_all_accounts),
            ("read_personal_data", &a.read_personal_data),
            ("handover_seats", &a.handover_seats),
            ("notified_of_activations", &a.notified_of_activations),
            ("organizations_administer", &policy.organizations.administer),
        ]
        .into_iter()
        .map(|(name, set)| vec![self.t(&format!("policydoc-admin-{name}")), self.list(set)])
        .collect();
        let head = ["policydoc-col-right", "policydoc-col-profiles"].map(|k| self.t(k));
        self.table(&head, &rows);
    }

    fn visibility(&mut self, policy: &Policy) {
        self.heading("policydoc-visibility");
        self.para(&self.t("policydoc-visibility-intro"));
        let rows: Vec<Vec<String>> = switches(policy)
            .into_iter()
            .map(|(name, value)| {
                let key = format!("policydoc-switch-{name}");
                let text = lookup(self.lang, &key, &[]).unwrap_or_default();
                vec![format!("`{name}`"), text, self.yes_no(value)]
            })
            .collect();
        let head = [
            "policydoc-col-switch",
            "policydoc-col-meaning",
            "policydoc-col-value",
        ]
        .map(|k| self.t(k));
        self.table(&head, &rows);
    }

    fn organisations(&mut self, policy: &Policy) {
        let orgs = &policy.organizations;
        self.heading("policydoc-organisations");
        self.para(&self.t_args(
            "policydoc-organisations-intro",
            &[("yes", Arg::from(YES)), ("no", Arg::from(NO))],
        ));
        let mut head = vec![self.t("policydoc-col-org-capability")];
        head.extend(OrgRole::ALL.iter().map(|r| format!("`{r}`")));
        head.push(self.t("policydoc-col-requires"));
        let rows: Vec<Vec<String>> = orgs
            .roles
            .iter()
            .map(|(capability, rule)| {
                let phrase = self.t_args(
                    "policydoc-action-org",
                    &[("capability", Arg::from(capability.ident()))],
                );
                let mut row = vec![format!("`{capability}` {phrase}")];
                row.extend(
                    OrgRole::ALL
                        .iter()
                        .map(|r| (if rule.roles.contains(r) { YES } else { NO }).to_owned()),
                );
                row.push(
                    rule.requires
                        .map_or_else(|| "—".to_owned(), |c| format!("`{c}`")),
                );
                row
            })
            .collect();
        self.table(&head, &rows);
        // Capabilities the document leaves out are held by nobody.
        let missing: Vec<String> = OrgCapability::ALL
            .iter()
            .filter(|c| !orgs.roles.contains_key(c))
            .map(|c| format!("`{c}`"))
            .collect();
        if !missing.is_empty() {
            let text = self.t_args(
                "policydoc-organisations-missing",
                &[("list", Arg::from(missing.join(", ")))],
            );
            self.para(&text);
        }
        let domains = orgs
            .project_domains
            .iter()
            .map(|d| format!("`{d}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let text = self.t_args(
            "policydoc-organisations-settings",
            &[
                ("domains", Arg::from(domains)),
                ("max", Arg::from(orgs.max_invitations_per_request)),
                ("days", Arg::from(orgs.invitation_ttl_days)),
            ],
        );
        self.para(&text);
    }

    fn services(&mut self, policy: &Policy) {
        let s = &policy.services;
        self.heading("policydoc-services");
        let text = self.t_args(
            "policydoc-services-settings",
            &[
                ("profiles", Arg::from(self.list(&s.manage_catalog))),
                ("notice", Arg::from(s.idle_notice_after_hours)),
                ("purge", Arg::from(s.idle_purge_after_hours)),
                ("grace", Arg::from(s.purge_grace_hours)),
                ("per_user", Arg::from(s.max_running_per_user)),
                ("per_project", Arg::from(s.max_running_per_project)),
            ],
        );
        self.para(&text);
    }

    fn support(&mut self, policy: &Policy) {
        let s = &policy.support;
        self.heading("policydoc-support");
        let categories = if s.approval_categories.is_empty() {
            self.t("policydoc-support-none")
        } else {
            s.approval_categories
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let text = self.t_args(
            "policydoc-support-settings",
            &[
                ("categories", Arg::from(categories)),
                ("profiles", Arg::from(self.list(&s.manage_group_desk))),
            ],
        );
        self.para(&text);
        let text = self.t_args(
            "policydoc-support-attachments",
            &[
                (
                    "mib",
                    Arg::from(s.attachment_max_bytes.div_ceil(1024 * 1024)),
                ),
                ("bytes", Arg::from(s.attachment_max_bytes)),
                ("count", Arg::from(s.attachments_per_ticket)),
            ],
        );
        self.para(&text);
    }

    fn knowledge_base(&mut self, policy: &Policy) {
        let kb = &policy.knowledge_base;
        self.heading("policydoc-kb");
        let text = self.t_args(
            "policydoc-kb-settings",
            &[
                ("public", Arg::from(self.yes_no(kb.public_read))),
                ("drafts", Arg::from(self.list(&kb.read_drafts))),
                ("write", Arg::from(self.list(&kb.write))),
            ],
        );
        self.para(&text);
    }

    fn priority(&mut self, policy: &Policy) {
        let p = &policy.priority;
        self.heading("policydoc-priority");
        self.para(&self.t("policydoc-priority-intro"));
        let head = [
            "policydoc-col-profile",
            "policydoc-col-rank",
            "policydoc-col-access",
            "policydoc-col-max-running",
            "policydoc-col-max-share",
            "policydoc-col-quota",
        ]
        .map(|k| self.t(k));
        let dash = || "—".to_owned();
        let rows: Vec<Vec<String>> = Profile::ALL
            .iter()
            .map(|profile| {
                let access = p.access.get(profile).map_or_else(dash, |a| {
                    let code = match a {
                        PriorityAccess::None => "none",
                        PriorityAccess::Partial => "partial",
                        PriorityAccess::Total => "total",
                    };
                    self.t_args("policydoc-access", &[("access", Arg::from(code))])
                });
                let cap = p.caps.get(profile);
                vec![
                    format!("`{profile}`"),
                    p.ranks.get(profile).map_or_else(dash, u32::to_string),
                    access,
                    cap.map_or_else(dash, |c| c.max_running.to_string()),
                    cap.map_or_else(dash, |c| format!("{}%", (c.max_share * 100.0).round())),
                    p.storage_quota_gb
                        .get(profile)
                        .map_or_else(dash, u64::to_string),
                ]
            })
            .collect();
        self.table(&head, &rows);
        if !p.precedence.is_empty() {
            let pairs = p
                .precedence
                .iter()
                .map(|[a, b]| format!("`{a}` > `{b}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let text = self.t_args("policydoc-precedence", &[("pairs", Arg::from(pairs))]);
            self.para(&text);
        }
    }

    fn accounts(&mut self, policy: &Policy) {
        let a = &policy.accounts;
        let auth = &policy.auth;
        self.heading("policydoc-accounts");
        let domains = a
            .allowed_email_domains
            .iter()
            .map(|d| format!("`{d}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let warnings = a
            .departure_warning_days
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let items: Vec<String> = vec![
            self.t_args(
                "policydoc-accounts-domains",
                &[("list", Arg::from(domains))],
            ),
            self.t_args(
                "policydoc-accounts-activation",
                &[("days", Arg::from(a.activation_link_days))],
            ),
            self.t_args(
                "policydoc-accounts-password",
                &[("length", Arg::from(a.password_min_length))],
            ),
            self.t_args(
                "policydoc-accounts-inactivity",
                &[
                    ("days", Arg::from(a.inactive_after_days)),
                    ("grace", Arg::from(a.inactivity_grace_days)),
                ],
            ),
            self.t_args(
                "policydoc-accounts-departure-warnings",
                &[("list", Arg::from(warnings))],
            ),
            self.t_args(
                "policydoc-accounts-tokens",
                &[
                    ("minutes", Arg::from(auth.access_token_minutes)),
                    ("days", Arg::from(auth.refresh_token_days)),
                ],
            ),
            self.t_args(
                "policydoc-accounts-lockout",
                &[
                    ("failures", Arg::from(auth.lockout_max_failures)),
                    ("window", Arg::from(auth.lockout_window_minutes)),
                    ("minutes", Arg::from(auth.lockout_minutes)),
                ],
            ),
        ];
        for item in items {
            self.line(&format!("- {item}"));
        }
        self.line("");
    }

    fn actions(&mut self) {
        self.heading("policydoc-actions");
        self.para(&self.t("policydoc-actions-intro"));
        let head = ["policydoc-col-action", "policydoc-col-description"].map(|k| self.t(k));
        let rows: Vec<Vec<String>> = Action::ALL
            .iter()
            .map(|&action| {
                let text = action_description(action, self.lang).unwrap_or_default();
                vec![format!("`{action}`"), text]
            })
            .collect();
        self.table(&head, &rows);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::LANGUAGES;

    const REGENERATE: &str = "docs/policy.md is out of date: regenerate it with \
        `cargo run -q -p habilis-api -- policy doc > docs/policy.md` \
        (and the fr/ja files with `--lang fr` / `--lang ja`)";

    #[test]
    fn committed_reference_is_current() {
        let policy = Policy::default();
        for (lang, committed) in [
            (Language::En, include_str!("../../../docs/policy.md")),
            (Language::Fr, include_str!("../../../docs/policy.fr.md")),
            (Language::Ja, include_str!("../../../docs/policy.ja.md")),
        ] {
            assert!(
                committed == reference(&policy, lang),
                "{REGENERATE} ({} differs)",
                lang.as_str()
            );
        }
    }

    #[test]
    fn every_action_and_switch_has_a_text_in_every_language() {
        let policy = Policy::default();
        for lang in LANGUAGES {
            for action in Action::ALL {
                assert!(
                    action_description(action, lang).is_some_and(|t| !t.is_empty()),
                    "{action} has no description in {}: add `{}` to shared/locales/*/policydoc.ftl",
                    lang.as_str(),
                    action_text(action).0
                );
            }
            for (name, _) in switches(&policy) {
                assert!(
                    lookup(lang, &format!("policydoc-switch-{name}"), &[]).is_some(),
                    "visibility switch {name} has no text in {}",
                    lang.as_str()
                );
            }
        }
    }

    #[test]
    fn reference_shows_a_changed_document() {
        let mut policy = Policy::default();
        policy.accounts.allowed_email_domains = vec!["example.org".to_owned()];
        policy.visibility.admin_sees_works = true;
        let text = reference(&policy, Language::En);
        assert!(text.contains("`example.org`"), "{text}");
        assert!(text.contains("| `admin_sees_works` | Administrators see works | yes |"));
        assert_ne!(text, reference(&Policy::default(), Language::En));
        // Every action code appears once in the action table.
        for code in super::super::ACTION_CODES {
            assert!(text.contains(&format!("| `{code}` |")), "{code}");
        }
    }
}
