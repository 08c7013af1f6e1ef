## Base de connaissances (issue 18 §4)
kb-service-unknown = Aucune offre du catalogue ne porte cet identifiant.
kb-sign-in = Connectez-vous pour lire la base de connaissances.
