# Courriels entrants du support (ticket 18 §3) : pourquoi un message n'a rien changé.
mailin-refused-too-large = Le message dépasse la taille acceptée par le support.
mailin-refused-malformed = Le message est illisible (MIME mal formé ou expéditeur absent).
mailin-refused-automatic = Le message a été écrit par une machine (réponse automatique, message d'erreur de remise, liste de diffusion ou message d'absence) : il n'ajoute jamais de commentaire.
mailin-refused-bad-address = L'adresse de réponse n'a pas été donnée par ce serveur, ou elle a été modifiée.
mailin-refused-no-recipient = Le message n'est adressé ni au support ni à un ticket.
mailin-refused-unknown-sender = Aucun compte actif n'a l'adresse de l'expéditeur.
mailin-refused-not-on-ticket = L'expéditeur n'est ni le demandeur ni un participant du ticket.
mailin-refused-wrong-state = Le ticket n'accepte plus de commentaire.
mailin-refused-no-desk = L'expéditeur n'a pas de support local où ouvrir un ticket.
mailin-refused-empty-body = Il ne reste rien du message une fois l'historique cité et la signature retirés.
