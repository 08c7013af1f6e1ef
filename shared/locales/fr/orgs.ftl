# orgs
orgs-name-taken = Une organisation porte déjà ce nom.
orgs-last-manager = C'est le dernier responsable de l'organisation : désignez-en d'abord un autre.
orgs-invite-none = Indiquez au moins une adresse.
orgs-invite-too-many = { $max } adresses au plus par demande ({ $count } reçues) ; rien n'a été appliqué.
orgs-invitation-unusable = Cette invitation { $why ->
        [used] a déjà été utilisée
        [revoked] a été révoquée
       *[expired] a expiré
    } ; demandez-en une nouvelle à un responsable de l'organisation.
orgs-invitation-wrong-recipient = Cette invitation a été envoyée à une autre adresse e-mail.
orgs-already-member = Vous êtes déjà membre de cette organisation.
