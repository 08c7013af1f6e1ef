//! Semantic validation of a parsed policy document (SPEC §2.2: the API
//! refuses to start on an invalid policy "with a clear message").
//!
//! Parsing already refuses unknown fields, profiles, capabilities and
//! malformed values; this file checks the SPEC invariants the types cannot
//! express, section by section in document order, and reports the FIRST
//! violation with a hand-built path (`accounts.profile_limits.webmaster`,
//! `priority.precedence[3]`, ...).

use std::collections::{BTreeMap, BTreeSet};

use super::model::push_key;
use super::{Capability, Policy, PolicyError, PriorityAccess, Profile, SupportPolicy};

/// The SPEC §2.1 ceiling on webmaster accounts ("at most 2 accounts").
pub const MAX_WEBMASTERS: u32 = 2;
/// The smallest acceptable `accounts.password_min_length`.
pub const MIN_PASSWORD_LENGTH: u32 = 12;
/// The largest acceptable `auth.access_token_minutes` (SPEC §11).
pub const MAX_ACCESS_TOKEN_MINUTES: u32 = 15;

type Check = Result<(), PolicyError>;

fn err(path: impl Into<String>, message: impl Into<String>) -> Check {
    Err(PolicyError {
        path: path.into(),
        message: message.into(),
    })
}

/// `section.key` with TOML quoting of the key when needed.
fn key_path(section: &str, key: &str) -> String {
    let mut p = section.to_owned();
    push_key(&mut p, key);
    p
}

fn at_least(path: &str, value: u32, min: u32) -> Check {
    if value < min {
        return err(path, format!("must be at least {min} (got {value})"));
    }
    Ok(())
}

fn no_public(path: &str, profiles: &BTreeSet<Profile>, what: &str) -> Check {
    if profiles.contains(&Profile::Public) {
        return err(
            path,
            format!("`public` (anonymous visitors) may not be granted {what}"),
        );
    }
    Ok(())
}

fn covers_all<V>(path: &str, map: &BTreeMap<Profile, V>) -> Check {
    if let Some(missing) = Profile::ALL.into_iter().find(|p| !map.contains_key(p)) {
        return err(
            path,
            format!("missing an entry for `{missing}` (every profile needs one)"),
        );
    }
    Ok(())
}

impl Policy {
    /// Checks the SPEC §2 invariants; the error names the first violation in
    /// document order and its path.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.version != 1 {
            return err(
                "version",
                format!("unsupported policy version {} (expected 1)", self.version),
            );
        }
        if self.charter_version.trim().is_empty() {
            return err("charter_version", "must not be empty");
        }
        self.validate_accounts()?;
        self.validate_auth()?;
        validate_matrix("creation", &self.creation)?;
        validate_matrix("habilitation", &self.habilitation)?;
        self.validate_capabilities()?;
        self.validate_administration()?;
        self.validate_priority()?;
        self.validate_promotion()?;
        self.validate_organizations()?;
        self.validate_services()?;
        self.validate_support()?;
        self.validate_knowledge_base()
    }

    /// SPEC §8: anonymous visitors read published articles at most
    /// (`public_read`); drafts and writing need an account.
    fn validate_knowledge_base(&self) -> Check {
        let kb = &self.knowledge_base;
        no_public(
            "knowledge_base.read_drafts",
            &kb.read_drafts,
            "the draft articles",
        )?;
        no_public("knowledge_base.write", &kb.write, "writing articles")
    }

    /// SPEC §8: approval categories are codes a ticket can name.
    fn validate_support(&self) -> Check {
        let s = &self.support;
        no_public(
            "support.manage_group_desk",
            &s.manage_group_desk,
            "the group desk",
        )?;
        if s.attachment_max_bytes == 0 {
            return err(
                "support.attachment_max_bytes",
                "must be at least 1 (a byte)",
            );
        }
        if s.attachments_per_ticket == 0 {
            return err("support.attachments_per_ticket", "must be at least 1");
        }
        match s
            .approval_categories
            .iter()
            .find(|c| !SupportPolicy::is_category(c))
        {
            Some(bad) => err(
                "support.approval_categories",
                format!("`{bad}` is not a category code (a-z, 0-9, `-`; 1 to 64, not starting with `-`)"),
            ),
            None => Ok(()),
        }
    }

    /// SPEC §6: the idle timeline moves forward (notice, then stop) and the
    /// caps let at least one instance run.
    fn validate_services(&self) -> Check {
        let s = &self.services;
        no_public("services.manage_catalog", &s.manage_catalog, "the catalog")?;
        at_least(
            "services.idle_notice_after_hours",
            s.idle_notice_after_hours,
            1,
        )?;
        if s.idle_purge_after_hours <= s.idle_notice_after_hours {
            return err(
                "services.idle_purge_after_hours",
                format!(
                    "must be more than idle_notice_after_hours ({} ≤ {})",
                    s.idle_purge_after_hours, s.idle_notice_after_hours
                ),
            );
        }
        at_least("services.max_running_per_user", s.max_running_per_user, 1)?;
        at_least(
            "services.max_running_per_project",
            s.max_running_per_project,
            1,
        )
    }

    /// SPEC §4: bulk invitations are bounded; links expire; domains are named.
    fn validate_organizations(&self) -> Check {
        let o = &self.organizations;
        if !(1..=1000).contains(&o.max_invitations_per_request) {
            return err(
                "organizations.max_invitations_per_request",
                format!(
                    "must be between 1 and 1000 (got {})",
                    o.max_invitations_per_request
                ),
            );
        }
        at_least(
            "organizations.invitation_ttl_days",
            o.invitation_ttl_days,
            1,
        )?;
        at_least(
            "organizations.upload_expiry_hours",
            o.upload_expiry_hours,
            1,
        )?;
        for (i, d) in o.project_domains.iter().enumerate() {
            if d.trim().is_empty() {
                return err(
                    format!("organizations.project_domains[{i}]"),
                    "must not be empty",
                );
            }
        }
        Ok(())
    }

    /// SPEC §3.4: admins and webmasters never change profile, nobody becomes
    /// one by promotion, and a promotion goes up the hierarchy.
    fn validate_promotion(&self) -> Check {
        let scientific =
            |p: Profile| matches!(p, Profile::Novice | Profile::Confirmed | Profile::Expert);
        for (from, rule) in &self.promotion {
            let path = format!("promotion.{}", from.as_str());
            if !scientific(*from) {
                return err(
                    path,
                    format!(
                        "{} accounts never change profile (SPEC §3.4)",
                        from.as_str()
                    ),
                );
            }
            if !scientific(rule.to) || self.rank(rule.to) <= self.rank(*from) {
                return err(
                    format!("{path}.to"),
                    format!(
                        "a {} may only be promoted to a higher scientific profile (SPEC §3.4)",
                        from.as_str()
                    ),
                );
            }
            if rule.by.contains(&Profile::Public) {
                return err(format!("{path}.by"), "the public promotes nobody");
            }
        }
        Ok(())
    }

    fn validate_accounts(&self) -> Check {
        let a = &self.accounts;
        if a.allowed_email_domains.is_empty() {
            return err(
                "accounts.allowed_email_domains",
                "at least one institutional e-mail domain is required (SPEC §3.1)",
            );
        }
        for (i, d) in a.allowed_email_domains.iter().enumerate() {
            let ok = !d.is_empty()
                && !d.starts_with('.')
                && !d.ends_with('.')
                && !d.contains("..")
                && d.chars()
                    .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
            if !ok {
                return err(
                    format!("accounts.allowed_email_domains[{i}]"),
                    format!("`{d}` is not a domain name (expected e.g. `inserm.fr`)"),
                );
            }
        }
        for (profile, limit) in &a.profile_limits {
            let path = key_path("accounts.profile_limits", profile.as_str());
            if *profile == Profile::Public {
                return err(path, "`public` has no accounts to limit");
            }
            if *profile == Profile::Webmaster && *limit > MAX_WEBMASTERS {
                return err(
                    path,
                    format!("at most {MAX_WEBMASTERS} webmasters (SPEC §2.1), got {limit}"),
                );
            }
        }
        at_least("accounts.activation_link_days", a.activation_link_days, 1)?;
        at_least(
            "accounts.password_min_length",
            a.password_min_length,
            MIN_PASSWORD_LENGTH,
        )?;
        at_least("accounts.inactive_after_days", a.inactive_after_days, 1)?;
        for (i, d) in a.departure_warning_days.iter().enumerate() {
            at_least(&format!("accounts.departure_warning_days[{i}]"), *d, 1)?;
        }
        Ok(())
    }

    fn validate_auth(&self) -> Check {
        let a = &self.auth;
        if !(1..=MAX_ACCESS_TOKEN_MINUTES).contains(&a.access_token_minutes) {
            return err(
                "auth.access_token_minutes",
                format!(
                    "must be between 1 and {MAX_ACCESS_TOKEN_MINUTES} (got {})",
                    a.access_token_minutes
                ),
            );
        }
        at_least("auth.refresh_token_days", a.refresh_token_days, 1)?;
        at_least("auth.lockout_max_failures", a.lockout_max_failures, 1)?;
        at_least("auth.lockout_window_minutes", a.lockout_window_minutes, 1)?;
        at_least("auth.lockout_minutes", a.lockout_minutes, 1)
    }

    fn validate_capabilities(&self) -> Check {
        for (cap, rule) in &self.capabilities {
            let base = key_path("capabilities", cap.code());
            no_public(&format!("{base}.allowed"), &rule.allowed, "any capability")?;
        }
        if let Some(missing) = Capability::ALL
            .into_iter()
            .find(|c| !self.capabilities.contains_key(c))
        {
            return err(
                "capabilities",
                format!(
                    "missing capability `{}` (every SPEC §2.4 capability needs a rule)",
                    missing.code()
                ),
            );
        }
        Ok(())
    }

    fn validate_administration(&self) -> Check {
        let a = &self.administration;
        no_public(
            "administration.block_accounts",
            &a.block_accounts,
            "administrative rights",
        )?;
        no_public(
            "administration.read_audit",
            &a.read_audit,
            "administrative rights",
        )?;
        no_public(
            "administration.see_all_accounts",
            &a.see_all_accounts,
            "administrative rights",
        )?;
        no_public(
            "administration.manage_identities",
            &a.manage_identities,
            "administrative rights",
        )
    }

    fn validate_priority(&self) -> Check {
        let p = &self.priority;
        covers_all("priority.ranks", &p.ranks)?;
        let public_rank = p.ranks.get(&Profile::Public).copied().unwrap_or(0);
        for (profile, rank) in &p.ranks {
            if *profile != Profile::Public && *rank <= public_rank {
                return err(
                    key_path("priority.ranks", profile.as_str()),
                    format!(
                        "must be greater than the rank of `public` ({public_rank}): \
                         public jobs are always lowest (SPEC §2.6)"
                    ),
                );
            }
        }
        covers_all("priority.access", &p.access)?;
        if p.access.get(&Profile::Public) != Some(&PriorityAccess::None) {
            return err(
                "priority.access.public",
                "`public` may not be granted resource priority (SPEC §2.4)",
            );
        }
        covers_all("priority.caps", &p.caps)?;
        for (profile, cap) in &p.caps {
            let base = key_path("priority.caps", profile.as_str());
            at_least(&format!("{base}.max_running"), cap.max_running, 1)?;
            if !(cap.max_share > 0.0 && cap.max_share <= 1.0) {
                return err(
                    format!("{base}.max_share"),
                    format!("must satisfy 0 < max_share <= 1 (got {})", cap.max_share),
                );
            }
        }
        covers_all("priority.storage_quota_gb", &p.storage_quota_gb)?;
        self.validate_precedence()
    }

    /// SPEC §2.6: an imported precedence matrix must be a strict order
    /// (irreflexive, antisymmetric) and agree with the ranks. Relation-wide
    /// properties are checked before the rank agreement, so the seed 004 §8.2
    /// matrix (confirmed ≻ webmaster and webmaster ≻ confirmed) is reported as
    /// the contradiction it is.
    fn validate_precedence(&self) -> Check {
        let pairs = &self.priority.precedence;
        for (j, [a, b]) in pairs.iter().enumerate() {
            if a == b {
                return err(
                    format!("priority.precedence[{j}]"),
                    format!("`{a}` cannot take precedence over itself"),
                );
            }
            if let Some(i) = pairs[..j].iter().position(|[x, y]| x == b && y == a) {
                return err(
                    format!("priority.precedence[{j}]"),
                    format!(
                        "[{a}, {b}] contradicts priority.precedence[{i}] = [{b}, {a}]: \
                         the precedence relation must be antisymmetric (SPEC §2.6)"
                    ),
                );
            }
        }
        for (i, [a, b]) in pairs.iter().enumerate() {
            let ra = self.rank(*a);
            let rb = self.rank(*b);
            if ra <= rb {
                return err(
                    format!("priority.precedence[{i}]"),
                    format!(
                        "`{a}` takes precedence over `{b}` but its rank ({ra}) is not \
                         greater than theirs ({rb}) in priority.ranks"
                    ),
                );
            }
        }
        Ok(())
    }
}

/// SPEC §2.3: nobody creates (or habilitates) `admin` or `public` accounts;
/// `public` creates nothing.
fn validate_matrix(section: &str, matrix: &BTreeMap<Profile, BTreeSet<Profile>>) -> Check {
    for (creator, targets) in matrix {
        let path = key_path(section, creator.as_str());
        if *creator == Profile::Public && !targets.is_empty() {
            return err(
                path,
                "`public` (anonymous visitors) may not create any account",
            );
        }
        if targets.contains(&Profile::Admin) {
            return err(
                path,
                "`admin` may not be listed: admin accounts are never created through \
                 the API, only by `habilis bootstrap-admin` (SPEC §2.3)",
            );
        }
        if targets.contains(&Profile::Public) {
            return err(
                path,
                "`public` may not be listed: anonymous visitors have no account",
            );
        }
    }
    Ok(())
}
