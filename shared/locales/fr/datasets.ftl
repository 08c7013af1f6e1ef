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

# téléversements reprenables (tus)
datasets-upload-tus-version = Ce point d'accès parle tus 1.0.0 : envoyez l'en-tête `Tus-Resumable: 1.0.0`.
datasets-upload-content-type = Les octets d'un téléversement s'envoient avec `Content-Type: application/offset+octet-stream`.
datasets-upload-offset-header = `Upload-Offset` doit être un entier positif ou nul.
datasets-upload-offset-mismatch = Le téléversement contient { $offset } octets : envoyez les suivants avec `Upload-Offset: { $offset }`.
datasets-upload-length-header = Envoyez soit `Upload-Length` (un entier positif ou nul), soit `Upload-Defer-Length: 1`.
datasets-upload-length-fixed = La taille du téléversement est de { $length } octets et ne peut plus changer.
datasets-upload-length-short = La taille envoyée ({ $length } octets) est inférieure aux { $offset } octets déjà reçus.
datasets-upload-too-long = Ces octets dépasseraient la taille du téléversement ({ $length } octets).
datasets-upload-metadata = `Upload-Metadata` est une liste de paires `clé valeur-base64` séparées par des virgules et doit nommer le `filename`.
datasets-upload-sha256 = La métadonnée `sha256` doit être le base64 des 64 chiffres hexadécimaux minuscules d'un SHA-256.
datasets-upload-checksum-header = `Upload-Checksum` vaut `sha1 <base64>` ou `sha256 <base64>`.
datasets-upload-checksum-mismatch = Ce morceau n'a pas la somme de contrôle qui l'accompagnait ; il a été écarté : envoyez-le à nouveau.
datasets-upload-expired = Ce téléversement a expiré et ses octets ont été supprimés : commencez-en un nouveau.
datasets-upload-locked = Une autre requête envoie des octets à ce téléversement ; réessayez dans un instant.
datasets-uploads-pending = Des téléversements vers ce jeu de données sont en cours : terminez-les ou annulez-les d'abord.
