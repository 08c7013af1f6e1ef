# moteurs et calculs
engines-field-invalid = { $detail }
engines-changed = Le moteur a été modifié entre-temps par quelqu'un d'autre : relisez-le.
engines-parameter-invalid = { $reason }
jobs-engine-unknown = Aucun moteur n'a cet identifiant, ou il est retiré.
jobs-input-unknown = Le moteur n'a pas d'entrée de ce nom.
jobs-input-missing = Cette entrée est obligatoire.
jobs-input-file = Aucun fichier de cet identifiant dans les jeux de données du projet.
jobs-project-not-active = Les calculs ne tournent que dans les projets actifs ; ce projet est { $state }.
jobs-not-cancellable = Le calcul est { $state } : il ne peut plus être annulé.
jobs-failure-exit = Le programme s'est terminé avec le code { $code }.
jobs-failure-signal = Le programme a été arrêté par un signal.
jobs-failure-timeout = Le calcul a dépassé sa limite de { $secs } secondes et a été arrêté.
jobs-failure-start = Le programme n'a pas pu démarrer : { $reason }
jobs-failure-lost = Le serveur qui exécutait le calcul s'est arrêté ; le calcul n'a pas pu être repris.
jobs-failure-executor = L'exécuteur a perdu le calcul : { $reason }
jobs-failure-cancelled = Annulé par { $who }.
jobs-work-summary = Résultat du calcul { $job } (moteur { $engine }, version { $version }) ; code de sortie { $code }.
jobs-not-waiting = Le calcul est { $state } : il n'attend pas dans la file.
engines-command-lone-brace = Un « {"}"} » isolé : écrivez « {"}}"} » pour une accolade.
engines-command-unclosed = Un « {"{"} » n'est pas fermé : écrivez « {"{{"} » pour une accolade.
engines-command-not-placeholder = « { $name } » n'est pas un paramètre substituable : un nom de paramètre, inputs.NOM, workdir ou outdir.
engines-command-unknown-parameter = « { $name } » ne désigne aucun paramètre du schéma.
engines-command-unknown-input = « inputs.{ $name } » ne désigne aucune entrée du moteur.
engines-command-program = Le programme est un texte fixe, jamais un paramètre.
engines-command-nul = Un argument contient un octet NUL.
jobs-outputs-not-kept = { $files } fichier(s) de sortie ({ $bytes } octets) n'ont pas été conservés : { $reason ->
    [quota] ils dépassent le quota de stockage du projet ou une taille de fichier maximale. Libérez de la place dans les données du projet, puis relancez le calcul.
   *[inactive] le projet n'est plus actif.
}
