# projects
projects-domain-unknown = Doit être l'un des domaines suivants : { $domains }.
projects-approvers-same = Le sponsor et l'administrateur des données doivent être deux personnes différentes.
projects-approver-inactive = Doit être un compte existant et actif.
projects-approver-not-institutional = Doit avoir une adresse e-mail institutionnelle.
projects-participant-domain = Le domaine de cette adresse e-mail n'est pas un domaine institutionnel autorisé.
projects-closed = Le projet est clos.
projects-delete-started = Seul un projet en attente ou refusé peut être supprimé ; un projet actif se clôt.
projects-close-not-active = Seul un projet actif peut être clos.
projects-participants-closed = { $state ->
        [rejected] Le projet a été refusé : personne ne peut y être invité.
       *[closed] Le projet est clos : personne ne peut y être invité.
    }
projects-already-participant = Cette personne participe déjà au projet.
# approvals (projects/approvals)
projects-approval-comment-required = Indiquez pourquoi la demande est rejetée.
projects-approval-not-pending = La demande est déjà { $state ->
    [approved] approuvée
    [rejected] rejetée
   *[other] { $state }
}.
projects-approval-already-decided = Vous avez déjà rendu votre décision.
