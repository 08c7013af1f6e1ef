# accounts
accounts-email-domain = L'adresse e-mail doit appartenir à un domaine de l'établissement ({ $domains }).
accounts-email-taken = Un compte existe déjà avec cette adresse e-mail.
accounts-profile-limit = Il ne peut y avoir plus de { $limit } comptes de profil { $profile }.
accounts-admin-exists = Un compte administrateur existe déjà ; bootstrap-admin ne crée que le premier.
accounts-no-supervisor-for-profile = Un compte de profil { $profile } n'a pas d'encadrant.
accounts-supervisor-outside-line = L'encadrant doit être vous-même ou une personne que vous encadrez.
accounts-supervisor-not-eligible = Un compte de profil { $profile } doit être encadré par un compte actif de profil { $profiles }.
accounts-wrong-state = Ce compte est { $state ->
    [created] pas encore activé
    [active] actif
    [departing] sur le départ
    [blocked] bloqué
    [deleted] fermé
   *[other] { $state }
}.
accounts-charter-version = La version en vigueur de la charte est la { $current }.
accounts-too-many-tokens = Vous pouvez détenir au plus { $max } jetons valides ; révoquez-en un d'abord.
accounts-no-promotion = Aucune promotion n'est prévue pour le profil { $profile }.
accounts-changed-meanwhile = Le compte a été modifié entre-temps ; rechargez la page et réessayez.
accounts-search-too-long = { $max } caractères au plus.
accounts-secondment-empty = Doit être postérieur au début du détachement.
accounts-secondment-over = Cette période est déjà terminée.
accounts-secondment-host-unknown = Ce compte n'existe pas.
accounts-secondment-host-missing = Désignez l'accueillant par son compte ou par son adresse e-mail (l'un des deux).
accounts-secondment-host-not-eligible = L'accueillant doit être un autre compte actif pouvant encadrer le profil { $profile }, et non l'encadrant actuel.
accounts-secondment-overlap = Cette personne est déjà détachée pendant une partie de cette période.
accounts-seat-never-deleted = Les comptes de profil { $profile } ne sont jamais supprimés ; transmettez plutôt le poste.
accounts-heir-required = Le départ d'un compte de profil { $profile } exige un successeur.
accounts-heir-no-supervisor = Cette personne n'a pas d'encadrant : désignez un successeur.
accounts-heir-not-eligible = Le successeur doit être un autre compte actif de profil { $profiles }.
accounts-departure-date-past = La date de départ doit être dans le futur.
accounts-departure-exists = Un départ est déjà prévu pour cette personne.
accounts-already-left = Cette personne est déjà partie.
accounts-seat-handed-over = Ce poste a déjà été transmis.
accounts-already-activated = Ce compte est déjà activé : un nouveau lien d'activation ne sert qu'aux comptes jamais activés.
accounts-field-blank = Ne doit pas être vide.
