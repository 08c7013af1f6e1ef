# auth
auth-activation-unknown = Ce lien d'activation n'est pas valide.
auth-activation-used = Ce lien d'activation a déjà été utilisé.
auth-activation-expired = Ce lien d'activation a expiré ; demandez un nouveau lien à la personne qui a créé votre compte.
auth-token-invalid = Ce jeton d'API n'est pas valide.
auth-token-revoked = Ce jeton d'API a été révoqué ou a expiré.
auth-access-token-invalid = Le jeton d'accès est invalide ou a expiré ; reconnectez-vous ou renouvelez-le.
auth-session-ended = Votre session est terminée ; reconnectez-vous.
auth-account-unusable = Ce compte est bloqué ou fermé.
auth-account-state = Ce compte est { $state ->
    [blocked] bloqué
    [departed] fermé
   *[other] { $state }
} ; contactez un administrateur.
auth-token-read-only = Ce jeton d'API ne permet que la lecture ; créez un jeton avec la portée d'écriture pour modifier.
auth-password-change-first = Choisissez d'abord un nouveau mot de passe : votre mot de passe initial doit être changé.
auth-bearer-missing = Connectez-vous d'abord : la requête ne porte pas d'en-tête Authorization: Bearer.
auth-bearer-malformed = L'en-tête Authorization est mal formé.
auth-bearer-expected = Un jeton Authorization: Bearer est attendu.
auth-locked-out = Trop d'échecs de connexion ; réessayez plus tard.
auth-credentials-invalid = E-mail ou mot de passe incorrect.
auth-refresh-missing = Aucun jeton de renouvellement n'a été fourni.
auth-refresh-invalid = Ce jeton de renouvellement n'est pas valide.
auth-refresh-reused = Ce jeton de renouvellement a déjà servi : la session a été fermée par sécurité ; reconnectez-vous.
auth-password-too-short = Doit comporter au moins { $min } caractères.
auth-password-same = Doit être différent du mot de passe actuel.
auth-password-is-email = Ne doit pas être votre adresse e-mail.
auth-password-incorrect = Mot de passe incorrect.
auth-activation-required = Ouvrez le lien d'activation reçu par e-mail avant de vous connecter. S'il a expiré, demandez-en un nouveau à la personne qui a créé votre compte.
auth-reset-unknown = Ce lien de réinitialisation du mot de passe n'est pas valide.
auth-reset-used = Ce lien de réinitialisation du mot de passe a déjà servi ; demandez-en un nouveau.
auth-reset-expired = Ce lien de réinitialisation du mot de passe a expiré ; demandez-en un nouveau.
auth-reset-locked-out = Trop de demandes de réinitialisation du mot de passe ; réessayez plus tard.
