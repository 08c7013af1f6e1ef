//! The e-mails the account rules send, one function per kind, so that no
//! service holds a sentence.
//!
//! TODO(mail templates): port each function to the template module of
//! `crate::mail` (one template per kind, in the recipient's language); the
//! texts are still bilingual English / French here.

use chrono::{DateTime, Utc};
use habilis_shared::policy::Profile;

use crate::mail::Mail;

/// What a departure will hand over, as the warning tells it.
pub struct HandOver<'a> {
    pub date: DateTime<Utc>,
    pub receiver_name: &'a str,
    pub drafts: i64,
    pub unpublished: i64,
    pub published: i64,
    /// Whether the person may delete their own works (the policy's
    /// `works.delete_own`).
    pub may_delete: bool,
}

/// To the person whose account closes in `days` (SPEC §3.6).
pub fn departure_warning(to: &str, first_name: &str, days: u32, h: &HandOver) -> Mail {
    let date = h.date.format("%Y-%m-%d");
    let (receiver, drafts, unpublished, published) =
        (h.receiver_name, h.drafts, h.unpublished, h.published);
    let or_delete = if h.may_delete { " or delete them" } else { "" };
    Mail {
        to: to.to_owned(),
        subject: format!(
            "Habilis: your account closes in {days} days / votre compte ferme dans {days} jours"
        ),
        body: format!(
            "Hello {first_name},\n\nYour Habilis account closes on {date}. Your works will then be handed to {receiver}: \
             {drafts} draft(s), {unpublished} unpublished, {published} published. Until then you may publish your drafts{or_delete}.\n\n--\n\n\
             Bonjour {first_name},\n\nVotre compte Habilis ferme le {date}. Vos travaux seront alors confiés à {receiver} : \
             {drafts} brouillon(s), {unpublished} non publié(s), {published} publié(s). D'ici là, vous pouvez publier vos brouillons.\n"
        ),
    }
}

/// To whoever received a departed person's works and subordinates.
pub fn departed(to: &str, leaver: &str, works: usize, subordinates: usize) -> Mail {
    Mail {
        to: to.to_owned(),
        subject: format!("Habilis: {leaver} has left / {leaver} est parti·e"),
        body: format!(
            "{leaver} has left the platform. You now own their {works} work(s) and supervise {subordinates} person(s) who reported to them.\n\n--\n\n\
             {leaver} a quitté la plateforme. Vous détenez désormais ses {works} travaux et encadrez {subordinates} personne(s) qui en dépendai(en)t.\n"
        ),
    }
}

/// To an account without sign-in for long (SPEC §3.8).
pub fn inactivity_warning(to: &str, first_name: &str, grace_days: u32) -> Mail {
    Mail {
        to: to.to_owned(),
        subject: "Habilis: your account is inactive / votre compte est inactif".into(),
        body: format!(
            "Hello {first_name},\n\nYou have not signed in to Habilis for a long time. Sign in within {grace_days} days, \
             or your account will be blocked (never deleted).\n\n--\n\nBonjour {first_name},\n\nVous ne vous êtes pas \
             connecté·e à Habilis depuis longtemps. Connectez-vous d'ici {grace_days} jours, sinon votre compte sera bloqué \
             (jamais supprimé).\n"
        ),
    }
}

/// To the seconded person and to the host (SPEC §2.5).
pub fn seconded(
    to: &str,
    person: &str,
    host: &str,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> Mail {
    let (from, until) = (
        starts_at.format("%Y-%m-%d %H:%M UTC"),
        ends_at.format("%Y-%m-%d %H:%M UTC"),
    );
    Mail {
        to: to.to_owned(),
        subject: format!("Habilis: {person} is seconded to {host}"),
        body: format!(
            "{person} is seconded to {host} from {from} to {until}. During this period \
             {host} sees what {person} produces, as a supervisor would; afterwards only \
             published works, unless {person} transfers items.\n\n--\n\n\
             {person} est détaché·e auprès de {host} du {from} au {until}. Pendant cette \
             période, {host} voit ce que {person} produit, comme un encadrant ; ensuite, \
             seulement les travaux publiés, sauf transfert explicite.\n"
        ),
    }
}

/// To the promoted person and their (new) supervisor (SPEC §3.4).
pub fn promoted(to: &str, name: &str, email: &str, was: Profile, now: Profile) -> Mail {
    let (was, now) = (was.as_str(), now.as_str());
    Mail {
        to: to.to_owned(),
        subject: format!("Habilis: {name} is now {now}"),
        body: format!(
            "{name} <{email}> was promoted from {was} to {now} on Habilis. Their works stay theirs.\n\n--\n\n\
             {name} <{email}> est passé·e de {was} à {now} sur Habilis. Ses travaux restent les siens.\n"
        ),
    }
}
