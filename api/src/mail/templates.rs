//! E-mail texts. Plain text, English then French (the account's language is
//! not known before activation).

use super::Mail;

pub fn activation(to: &str, first_name: &str, link: &str, days: u32) -> Mail {
    Mail {
        to: to.to_owned(),
        subject: "Activate your Habilis account / Activez votre compte Habilis".into(),
        body: format!(
            "Hello {first_name},\n\n\
             An account was created for you on Habilis. Open this link to activate it \
             (valid {days} days, usable once):\n\n{link}\n\n\
             Your initial password is handed to you by the person who created the account, \
             never by e-mail. You will choose a new one at your first sign-in.\n\n\
             --\n\n\
             Bonjour {first_name},\n\n\
             Un compte Habilis a été créé pour vous. Ouvrez ce lien pour l'activer \
             (valable {days} jours, une seule fois) :\n\n{link}\n\n\
             Votre mot de passe initial vous est remis par la personne qui a créé le compte, \
             jamais par e-mail. Vous en choisirez un nouveau à la première connexion.\n"
        ),
    }
}

/// SPEC §3.2: activation success or failure is reported to the person,
/// their supervisors, the admins and the webmasters.
pub fn activation_outcome(to: &str, who: &str, email: &str, success: bool) -> Mail {
    let (en, fr) = if success {
        ("was activated", "a été activé")
    } else {
        (
            "could not be activated (expired or already used link)",
            "n'a pas pu être activé (lien expiré ou déjà utilisé)",
        )
    };
    Mail {
        to: to.to_owned(),
        subject: format!("Habilis: account of {who} {en}"),
        body: format!(
            "The Habilis account of {who} <{email}> {en}.\n\n--\n\n\
             Le compte Habilis de {who} <{email}> {fr}.\n"
        ),
    }
}
