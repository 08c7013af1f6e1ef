# Supports et tickets (issue 18).
support-wrong-state = Le ticket est { $state ->
    [new] nouveau
    [awaiting_approval] en attente d'approbation
    [open] ouvert
    [pending] en attente du demandeur
    [resolved] résolu
   *[closed] clos
} : ce n'est pas possible maintenant.
support-already-group = Le ticket est déjà au support groupe.
support-not-an-agent = Ce compte n'est pas agent du support du ticket.
support-unknown-account = Aucun compte actif n'a cet identifiant.
support-not-member = Ce compte n'est pas membre de l'organisation du support.
support-already-agent = Ce compte est déjà agent de ce support.
support-no-desk = Indiquez le support : vous n'appartenez à aucune organisation, ou à plusieurs.
support-unknown-project = Projet inconnu.
support-no-approver = Cette demande doit être approuvée et vous n'avez pas de responsable pour le faire : indiquez le projet concerné.
support-participant-unknown = Aucun compte actif des organisations du demandeur, ni agent des supports du ticket, n'a cet identifiant.
support-already-participant = Cette personne suit déjà le ticket.
support-too-many-participants = Le ticket a déjà { $limit } participants, le maximum.
support-attachment-too-large = Ce fichier ({ $size } octets) dépasse les { $limit } octets permis pour un fichier de ticket : placez les données volumineuses dans un jeu de données.
support-too-many-attachments = Le ticket porte déjà { $limit } fichiers, le maximum.
support-bad-file-name = Nommez le fichier en 1 à 200 caractères, sans « / », « \ » ni caractère de contrôle.
support-bad-filter = Valeur inconnue pour ce filtre.
