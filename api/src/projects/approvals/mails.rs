//! The e-mail a decision sends to the requester.
//!
//! TODO(mail templates): port to the template module of `crate::mail` (one
//! template, in the recipient's language); the text is still bilingual
//! English / French here.

use crate::mail::Mail;

/// What the decision did to the project.
pub enum Outcome {
    Rejected,
    Activated,
    /// Approved; another approval is still awaited.
    Awaiting,
}

/// To whoever asked for the project: `who` decided.
pub fn decided(
    to: &str,
    project: &str,
    who: &str,
    outcome: Outcome,
    comment: Option<&str>,
) -> Mail {
    let (en, fr) = match outcome {
        Outcome::Rejected => (
            "rejected it; the project is rejected",
            "l'a rejeté ; le projet est rejeté",
        ),
        Outcome::Activated => (
            "approved it; the project is active",
            "l'a approuvé ; le projet est actif",
        ),
        Outcome::Awaiting => (
            "approved it; one approval is still awaited",
            "l'a approuvé ; une approbation reste attendue",
        ),
    };
    let comment = comment
        .map(|c| format!("\nComment: {c}"))
        .unwrap_or_default();
    Mail {
        to: to.to_owned(),
        subject: format!("Habilis: project \"{project}\": {who} decided"),
        body: format!(
            "Project \"{project}\": {who} {en}.{comment}\n\n--\n\nProjet « {project} » : {who} {fr}.\n"
        ),
    }
}
