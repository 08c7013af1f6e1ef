## La référence de la politique (`habilis policy doc`, shared/src/policy/doc.rs) :
## titres, noms de colonnes et une ligne par code d'action.

policydoc-title = Référence de la politique
policydoc-intro = Voici le document de politique que le serveur applique (version de format { $version }, version de la charte { $charter }), écrit par `habilis policy doc`. Les codes en `police fixe` sont ceux du document (`habilis policy print`) et de `POST /api/v1/authz/check`. Ne modifiez pas ce fichier à la main : modifiez le document de politique et régénérez-le.
policydoc-profile = { $profile ->
    [public] Visiteur anonyme
    [novice] Scientifique novice
    [confirmed] Scientifique confirmé
    [expert] Scientifique expert
    [admin] Administrateur
   *[webmaster] Webmestre
}
policydoc-nobody = personne
policydoc-yes = oui
policydoc-no = non
policydoc-from-line = au-dessus, dans la lignée d'encadrement
policydoc-seat-handover = jamais supprimé : le poste est transmis
policydoc-profiles = Profils
policydoc-profiles-intro = Chaque compte a un profil. Les visiteurs anonymes (`public`) n'ont pas de compte. Encadrement : qui peut encadrer un compte de ce profil. Les postes ne sont jamais supprimés, seulement transmis à une nouvelle personne.
policydoc-col-code = Code
policydoc-col-name = Profil
policydoc-col-limit = Au plus
policydoc-col-supervisors = Encadré par
policydoc-col-seat = Poste
policydoc-creation = Qui crée quels comptes
policydoc-creation-intro = Une ligne crée des comptes des colonnes qu'elle marque ✓. Personne ne crée d'administrateur : le premier est créé à l'installation (`habilis bootstrap-admin`).
policydoc-habilitation = Qui habilite qui
policydoc-habilitation-intro = Une ligne accorde les habilitations des colonnes qu'elle marque ✓.
policydoc-col-by-for = par \ pour
policydoc-capabilities = Droits
policydoc-capabilities-intro = Ce que chaque profil peut faire. { $yes } autorisé, { $no } non autorisé ; { $provisional } signale une valeur provisoire que l'institution doit encore confirmer. Un rôle dans une organisation n'accorde jamais ce que le profil interdit.
policydoc-col-capability = Droit
policydoc-lifecycle = Promotion et départ
policydoc-col-profile = Profil
policydoc-col-promoted-to = Promu en
policydoc-col-promoted-by = Promu par
policydoc-col-departure-by = Départ programmé par
policydoc-col-heir-required = Héritier obligatoire
policydoc-works = Les travaux sont enregistrés par { $create } ; { $delete } peuvent supprimer leurs propres travaux (ceux des autres passent à leur responsable à leur départ).
policydoc-administration = Administration
policydoc-col-right = Droit
policydoc-col-profiles = Profils
policydoc-admin-block_accounts = Bloquer et débloquer des comptes
policydoc-admin-read_audit = Consulter le journal d'audit
policydoc-admin-see_all_accounts = Voir tous les comptes, pas seulement sa hiérarchie
policydoc-admin-read_personal_data = Consulter les données personnelles de chacun
policydoc-admin-handover_seats = Transmettre un poste d'administrateur ou de webmestre à une nouvelle personne
policydoc-admin-notified_of_activations = Prévenu par e-mail quand un compte est activé ou que son lien expire
policydoc-admin-organizations_administer = Créer des organisations et gérer les membres de toutes (jamais leur contenu scientifique)
policydoc-visibility = Paramètres de visibilité
policydoc-visibility-intro = Chacun voit ses propres travaux et son activité ; les responsables voient les personnes placées sous eux. Ces paramètres règlent le reste.
policydoc-col-switch = Paramètre
policydoc-col-meaning = Signification
policydoc-col-value = Valeur
policydoc-switch-expert_sees_confirmed_drafts = Les experts voient les brouillons et travaux non publiés des scientifiques confirmés qu'ils encadrent
policydoc-switch-admin_sees_works = Les administrateurs voient les travaux
policydoc-switch-admin_sees_all_activity_logs = Les administrateurs voient le journal d'activité de chaque scientifique
policydoc-switch-webmaster_reads_everything = Le webmestre a accès en lecture à tout
policydoc-switch-supervisors_see_professional_email_only = Parmi les données personnelles, les responsables ne voient que l'adresse e-mail professionnelle
policydoc-switch-confirmed_sees_novice_drafts = Les responsables confirmés voient les brouillons et travaux non publiés de leurs novices
policydoc-switch-supervisors_see_subordinate_activity = Les responsables voient le journal d'activité des personnes placées sous eux
policydoc-switch-secondment_host_sees_period_work = Le responsable d'accueil d'un détachement voit les travaux produits pendant celui-ci
policydoc-organisations = Rôles dans les organisations
policydoc-organisations-intro = Ce que chaque rôle peut faire dans son organisation ({ $yes } oui, { $no } non). La dernière colonne nomme le droit que le profil du membre doit aussi détenir.
policydoc-col-org-capability = Dans l'organisation
policydoc-col-requires = Exige aussi
policydoc-organisations-missing = Détenus par personne (absents du document) : { $list }.
policydoc-organisations-settings = Domaines de recherche qu'un projet peut citer : { $domains }. Au plus { $max } adresses par invitation groupée ; un lien d'invitation est valable { $days } jours.
policydoc-services = Catalogue de services et instances
policydoc-services-settings = Profils qui gèrent le catalogue de services : { $profiles }. Le propriétaire d'une instance inactive est prévenu après { $notice } heures sans activité ; l'instance est arrêtée après { $purge } heures et supprimée { $grace } heures plus tard. Au plus { $per_user } instances en cours par personne et { $per_project } par projet (les limites propres à une offre s'appliquent aussi).
policydoc-kb = Base de connaissances
policydoc-kb-settings = Articles publiés lisibles sans compte : { $public }. Les agents d'assistance lisent les brouillons et rédigent, publient et suppriment les articles ; ces profils le font aussi sans être agents : brouillons { $drafts } ; rédaction { $write }.
policydoc-priority = Priorité de traitement
policydoc-priority-intro = Les rangs les plus élevés passent en premier ; les plafonds s'appliquent même sur une plateforme inoccupée.
policydoc-col-rank = Rang
policydoc-col-access = Priorité d'accès aux ressources
policydoc-col-max-running = Tâches simultanées (max.)
policydoc-col-max-share = Part maximale
policydoc-col-quota = Quota de stockage (Go)
policydoc-access = { $access ->
    [none] aucune
    [partial] partielle
   *[total] totale
}
policydoc-precedence = Paires de préséance (plus haut > plus bas) : { $pairs }.
policydoc-accounts = Comptes et connexion
policydoc-accounts-domains = Domaines d'adresse e-mail autorisés : { $list }.
policydoc-accounts-activation = Un lien d'activation est valable { $days } jours.
policydoc-accounts-password = Les mots de passe ont au moins { $length } caractères.
policydoc-accounts-inactivity = Après { $days } jours sans connexion, un compte est réexaminé ; il est désactivé { $grace } jours après l'avertissement.
policydoc-accounts-departure-warnings = Les avertissements de départ partent ce nombre de jours avant la date : { $list }.
policydoc-accounts-tokens = Un jeton d'accès vit { $minutes } minutes ; une session (jeton de renouvellement) { $days } jours.
policydoc-accounts-lockout = { $failures } échecs de connexion en { $window } minutes verrouillent le compte pendant { $minutes } minutes.
policydoc-actions = Codes d'action
policydoc-actions-intro = Chaque action que la politique décide, telle que nommée dans `POST /api/v1/authz/check` et dans le journal d'audit.
policydoc-col-action = Action
policydoc-col-description = Ce qu'elle permet
policydoc-action-capability = { $capability ->
    [CharterSign] Signer la charte de confidentialité
    [ResultsRead] Consulter des résultats scientifiques sensibles
    [DataDownload] Télécharger des données sensibles
    [ResultsCreate] Créer des résultats sensibles
    [ResultsPublish] Publier des résultats sensibles
    [ResultsModify] Modifier ou annoter des résultats sensibles
    [EngineRun] Exécuter des moteurs de calcul (sans changer leur code)
    [EngineModify] Modifier le code des moteurs de calcul
   *[EngineCreate] Créer de nouveaux moteurs de calcul
}
policydoc-action-org = { $capability ->
    [ProjectsReadAll] Voir tous les projets de l'organisation
    [ProjectsReadGranted] Voir les projets auxquels on a accès
    [ProjectsReadNames] Voir les noms des projets auxquels on a accès
    [ProjectsManage] Créer, renommer, modifier, clore et supprimer des projets
    [MembersManage] Inviter et retirer des membres, changer les rôles, bloquer des membres
    [MembersExport] Exporter les membres en CSV
    [ProjectsAccess] Gérer qui accède à un projet
    [FilesUpload] Déposer des fichiers dans les jeux de données d'un projet
    [DatasetsDownload] Télécharger des jeux de données
    [ProcessingLaunch] Lancer des traitements, demander une analyse avancée
    [Annotate] Annoter
   *[FilesDelete] Supprimer des fichiers d'un jeu de données
}
policydoc-action-user-create = Créer { policy-target-accounts }
policydoc-action-user-habilitate = Habiliter { policy-target-accounts }
policydoc-action-work-state = { $state ->
    [draft] Ramener un travail à l'état de brouillon
    [unpublished] Passer son brouillon à l'état non publié
   *[published] Publier son travail non publié
}
policydoc-action-user-list = Lister les comptes visibles
policydoc-action-user-read = Consulter un compte
policydoc-action-user-read_personal = Consulter les données personnelles d'un compte
policydoc-action-user-block = Bloquer un compte
policydoc-action-user-unblock = Débloquer un compte
policydoc-action-audit-read = Consulter le journal d'audit
policydoc-action-policy-read = Consulter la politique
policydoc-action-authz-check = Demander une décision à la politique
policydoc-action-me-read = Consulter son propre compte
policydoc-action-me-update = Modifier son propre compte (langue, format de date, téléphone, charte)
policydoc-action-me-tokens = Gérer ses jetons d'API personnels
policydoc-action-auth-password = Changer son mot de passe
policydoc-action-work-create = Enregistrer un travail (un brouillon)
policydoc-action-work-read = Consulter un travail
policydoc-action-work-delete = Supprimer un travail
policydoc-action-work-annotate = Annoter un travail
policydoc-action-activity-read = Consulter le journal d'activité d'une personne
policydoc-action-user-promote = Promouvoir une personne d'un niveau
policydoc-action-user-depart = Programmer le départ d'une personne
policydoc-action-user-handover = Transmettre un poste d'administrateur ou de webmestre à une nouvelle personne
policydoc-action-user-second = Organiser le détachement d'une personne
policydoc-action-work-transfer = Donner un travail à quelqu'un d'autre
policydoc-action-work-file = Rattacher son travail à un projet, ou l'en retirer
policydoc-action-project-works = Rattacher des travaux à un projet
policydoc-action-user-edit = Corriger le nom et l'adresse électronique d'un compte
policydoc-action-user-activation = Envoyer un nouveau lien d'activation à un compte jamais activé
policydoc-action-org-list = Lister ses organisations
policydoc-action-project-list = Lister les projets visibles
policydoc-action-approval-list = Lister ses demandes d'approbation et ses décisions
policydoc-action-work-list = Lister les travaux visibles
policydoc-action-invitation-accept = Accepter une invitation dans une organisation
policydoc-action-auth-logout = Se déconnecter
policydoc-action-org-create = Créer une organisation
policydoc-action-project-read = Consulter un projet
policydoc-action-project-read_name = Voir le nom d'un projet
policydoc-action-project-manage = Gérer un projet (modifier, clore, supprimer)
policydoc-action-project-participants = Inviter et révoquer les participants d'un projet
policydoc-action-approval-decide = Approuver ou rejeter un projet en tant que sponsor ou responsable des données
policydoc-action-dataset-read = Lire un jeu de données et lister ses fichiers
policydoc-action-dataset-manage = Créer, renommer et supprimer les jeux de données d'un projet
policydoc-action-file-upload = Déposer un fichier dans un jeu de données
policydoc-action-file-download = Télécharger un fichier d'un jeu de données
policydoc-action-file-delete = Supprimer un fichier d'un jeu de données
policydoc-action-catalog-read = Consulter le catalogue de services
policydoc-action-catalog-manage = Ajouter, modifier et retirer des offres du catalogue
policydoc-action-order-create = Commander un service pour un projet
policydoc-action-order-read = Lire les commandes d'un projet
policydoc-action-order-manage = Modifier ou annuler une commande
policydoc-action-instance-launch = Lancer une instance d'une commande approuvée
policydoc-action-instance-read = Voir un service en cours
policydoc-action-instance-manage = Arrêter, supprimer ou conserver un service en cours
policydoc-action-engine-list = Consulter la liste des moteurs de calcul
policydoc-action-queue-read = Voir la file de calcul par rang
policydoc-action-job-submit = Exécuter un moteur dans un projet
policydoc-action-job-read = Voir un calcul
policydoc-action-job-cancel = Annuler un calcul
policydoc-action-desk-list = Lister les supports
policydoc-action-desk-read = Voir un support
policydoc-action-desk-agents-manage = Désigner ou retirer les agents d'un support
policydoc-action-desk-agents-read = Voir les agents d'un support
policydoc-action-ticket-create = Ouvrir un ticket auprès d'un support
policydoc-action-ticket-list = Lister ses tickets et les files de ses supports
policydoc-action-ticket-read = Voir un ticket et son historique
policydoc-action-ticket-comment = Commenter un ticket
policydoc-action-ticket-work = Traiter un ticket : notes internes, assignation, escalade, résolution
policydoc-action-ticket-settle = Clore ou rouvrir un ticket résolu
policydoc-action-ticket-participants = Désigner ou retirer les participants d'un ticket
policydoc-support = Supports (assistance)
policydoc-support-settings = Catégories de demandes approuvées d'abord par le responsable du demandeur (ou le sponsor du projet que nomme le ticket) : { $categories }. Un incident n'attend jamais d'approbation. Profils qui désignent les agents du support groupe : { $profiles }.
policydoc-support-attachments = Un ticket porte au plus { $count } pièces jointes de { $bytes } octets chacune au plus (environ { $mib } Mio).
policydoc-support-none = aucune
policydoc-action-kb-read = Lire les articles publiés de la base de connaissances
policydoc-action-kb-read_drafts = Lire les brouillons de la base de connaissances
policydoc-action-kb-write = Rédiger, publier et supprimer les articles de la base de connaissances
