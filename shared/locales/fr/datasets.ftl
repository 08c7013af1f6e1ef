# datasets
datasets-project-not-active = { $state ->
    [pending] Ce projet attend encore son approbation : ses jeux de données sont en lecture seule.
    [rejected] Ce projet a été refusé : ses jeux de données sont en lecture seule.
   *[closed] Ce projet est clos : ses jeux de données sont en lecture seule.
}
datasets-name-taken = Le projet a déjà un jeu de données de ce nom.
datasets-not-empty = Supprimez d'abord les fichiers de ce jeu de données.
datasets-path-invalid = Un chemin de fichier est relatif (sans « / » initial), d'au plus 1024 octets, sans segment « .. », barre oblique inverse ni caractère de contrôle.
datasets-file-too-large = Ce fichier ({ $size } octets) dépasse les { $limit } octets permis pour un fichier.
datasets-quota-exceeded = Ce projet stocke { $used } octets ; { $size } de plus dépasseraient ses { $limit } octets.
datasets-digest-malformed = L'empreinte attendue n'est pas un SHA-256 en base64 (`sha-256=:…:`).
datasets-digest-mismatch = Le fichier reçu n'a pas le SHA-256 attendu ; rien n'a été enregistré.
datasets-range-invalid = La plage demandée est hors du fichier ({ $size } octets).
datasets-changed = Le fichier a changé entre-temps ; réessayez.
