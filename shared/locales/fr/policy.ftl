# policy : les motifs des décisions de la politique (shared/src/policy/decide.rs).
# Les arguments sont des codes : $profile, $target et $to des profils,
# $capability une habilitation (nom de variante : ResultsRead), $action une action, $role un rôle
# d'organisation, $allowed vaut « yes » ou « no ».

## Mots choisis d'après un code, utilisés par les messages ci-dessous.

policy-profiles = { $profile ->
    [public] les visiteurs anonymes
    [novice] les scientifiques novices
    [confirmed] les scientifiques confirmés
    [expert] les scientifiques experts
    [admin] les administrateurs
   *[webmaster] les webmestres
}
policy-profiles-subject = { $profile ->
    [public] Les visiteurs anonymes
    [novice] Les scientifiques novices
    [confirmed] Les scientifiques confirmés
    [expert] Les scientifiques experts
    [admin] Les administrateurs
   *[webmaster] Les webmestres
}
policy-target-accounts = { $target ->
    [novice] des comptes de scientifique novice
    [confirmed] des comptes de scientifique confirmé
    [expert] des comptes de scientifique expert
    [admin] des comptes d'administrateur
    [public] des comptes publics
   *[webmaster] des comptes de webmestre (2 au plus au total)
}
policy-to = { $to ->
    [novice] scientifique novice
    [confirmed] scientifique confirmé
    [expert] scientifique expert
    [admin] administrateur
    [public] public
   *[webmaster] webmestre
}
policy-capability-phrase = { $capability ->
    [CharterSign] signer la charte de confidentialité
    [ResultsRead] consulter des résultats scientifiques sensibles
    [DataDownload] télécharger des données sensibles
    [ResultsCreate] créer des résultats sensibles
    [ResultsPublish] publier des résultats sensibles
    [ResultsModify] modifier ou annoter des résultats sensibles
    [EngineRun] exécuter des moteurs de calcul
    [EngineModify] modifier le code des moteurs de calcul
   *[EngineCreate] créer des moteurs de calcul
}
policy-role = { $role ->
    [manager] gestionnaire
    [contributor] contributeur
    [user] utilisateur
   *[operator] opérateur
}
policy-may = { $allowed ->
    [yes] peuvent
   *[no] ne peuvent pas
}

## Motifs.

policy-as-received = { $text }
policy-read = Tout le monde, y compris les visiteurs anonymes, peut consulter la politique.
policy-public-no-account = Les visiteurs anonymes peuvent seulement consulter la politique : connectez-vous pour aller plus loin.
policy-charter-required = Veuillez d'abord accepter la charte de confidentialité.
policy-charter-required-for = Veuillez d'abord accepter la charte de confidentialité : { policy-profiles } peuvent { policy-capability-phrase } une fois la charte acceptée.
policy-target-missing = L'action { $action } se décide pour un objet précis, et aucun n'a été indiqué.
policy-account-holder = Tout titulaire d'un compte peut { $what ->
    [list] lister les comptes qui lui sont visibles
    [check] demander une décision à la politique
    [read] consulter son propre compte
    [update] modifier son propre compte
    [tokens] gérer ses jetons d'API personnels
    [orgs] lister les organisations dont il est membre
    [projects] lister les projets qu'il peut connaître
    [approvals] lister ses propres validations
    [works] lister les travaux qui lui sont visibles
    [invitation] accepter une invitation envoyée à son adresse
    [logout] se déconnecter
    [catalog] consulter le catalogue de services
    [engines] lister les moteurs de calcul
    [queue] voir la file de calcul par rang
    [desks] lister les guichets d'assistance qu'il peut utiliser
    [tickets] lister les tickets d'assistance qu'il peut voir
   *[password] changer son mot de passe
}.
policy-capability = { $allowed ->
    [yes] { policy-profiles-subject } peuvent { policy-capability-phrase }.
   *[no] { policy-profiles-subject } ne peuvent pas { policy-capability-phrase } : seuls les profils auxquels la politique l'accorde le peuvent.
}
policy-capability-provisional = { $allowed ->
    [yes] { policy-profiles-subject } peuvent { policy-capability-phrase } (provisoire : l'établissement doit encore le confirmer).
   *[no] { policy-profiles-subject } ne peuvent pas { policy-capability-phrase } (provisoire : l'établissement doit encore le confirmer).
}
policy-capability-unassigned = La politique n'accorde à personne le droit de { policy-capability-phrase }.
policy-works-create = { $allowed ->
    [yes] { policy-profiles-subject } peuvent enregistrer des travaux.
   *[no] { $profile ->
        [novice] { policy-profiles-subject } ne peuvent pas enregistrer de travaux à la main : leurs travaux sont les brouillons que laissent leurs calculs.
       *[other] { policy-profiles-subject } ne peuvent pas enregistrer de travaux : ce sont les scientifiques qui les enregistrent.
    }
}
policy-work-owner = Chacun voit ses propres travaux.
policy-work-admin = Les administrateurs ne voient aucun travail, pas même les travaux publiés.
policy-work-webmaster = Le webmestre consulte les travaux dans tous leurs états.
policy-work-published = Les travaux publiés sont visibles de tous ceux qui peuvent consulter des résultats sensibles.
policy-work-private = Les brouillons et les travaux non publiés ne sont visibles que de leur propriétaire et des responsables au-dessus de lui.
policy-work-confirmed-novices = { $allowed ->
    [yes] Les responsables confirmés voient les brouillons et les travaux non publiés de leurs novices.
   *[no] La politique ne permet pas aux responsables confirmés de voir les brouillons de leurs novices.
}
policy-work-expert-novices = Les experts voient les brouillons et les travaux non publiés des novices placés sous eux.
policy-work-expert-confirmed = { $allowed ->
    [yes] Les experts voient les brouillons et les travaux non publiés des scientifiques confirmés qu'ils encadrent.
   *[no] Les experts ne voient que les travaux publiés des scientifiques confirmés qu'ils encadrent.
}
policy-work-private-profile = Ces brouillons et travaux non publiés ne sont visibles que de leur propriétaire et des responsables au-dessus de lui.
policy-work-owner-only = Seul le propriétaire d'un travail peut effectuer cette action ({ $action }).
policy-work-delete-own = { $allowed ->
    [yes] { policy-profiles-subject } peuvent supprimer leurs propres travaux.
   *[no] { policy-profiles-subject } ne peuvent pas supprimer leurs propres travaux : leur responsable en hérite.
}
policy-work-transfer = { $allowed ->
    [yes] Le propriétaire peut céder un travail à quelqu'un d'autre.
   *[no] Seul le propriétaire d'un travail peut le céder.
}
policy-work-file = { $allowed ->
    [yes] Le propriétaire peut rattacher un travail à un projet.
   *[no] Seul le propriétaire d'un travail peut le rattacher à un projet.
}
policy-activity-myself = Chacun voit son propre journal d'activité.
policy-activity-webmaster = Le webmestre consulte le journal d'activité de chacun.
policy-activity-admin = Les administrateurs voient les journaux d'activité de tous les scientifiques.
policy-activity-supervisors = Les responsables voient les journaux d'activité des personnes placées sous eux.
policy-activity-private = Un journal d'activité n'est visible que de son titulaire, des responsables au-dessus de lui et de l'administration.
policy-departure-seat = { policy-profiles-subject } ne sont jamais supprimés : leur poste est transmis à une nouvelle personne.
policy-departure = { $allowed ->
    [yes] Pour { policy-profiles }, le départ est programmé par la lignée de création désignée par la politique.
   *[no] Pour { policy-profiles }, seule la lignée de création désignée par la politique programme le départ.
}
policy-secondment = { $allowed ->
    [yes] Pour { policy-profiles }, le détachement est organisé par un responsable placé au-dessus d'eux.
   *[no] Pour { policy-profiles }, seul un responsable placé au-dessus d'eux peut organiser le détachement.
}
policy-handover-not-a-seat = { policy-profiles-subject } partent par un départ, non par une passation.
policy-handover = { $allowed ->
    [yes] { policy-profiles-subject } peuvent transmettre un poste d'administrateur ou de webmestre.
   *[no] { policy-profiles-subject } ne peuvent pas transmettre un poste : ce sont les profils désignés par la politique qui le font.
}
policy-promotion-none = { policy-profiles-subject } ne sont jamais promus.
policy-promotion = { $allowed ->
    [yes] { policy-profiles-subject } peuvent être promus { policy-to } par votre profil.
   *[no] { policy-profiles-subject } ne sont promus { policy-to } que par les profils désignés par la politique.
}
policy-promotion-line = { $allowed ->
    [yes] { policy-profiles-subject } peuvent être promus { policy-to } par vous, depuis leur ligne hiérarchique.
   *[no] { policy-profiles-subject } ne sont promus { policy-to } que depuis leur ligne hiérarchique, par les profils désignés par la politique.
}
policy-personal-myself = Chacun peut consulter ses propres données personnelles.
policy-personal-everyone = { policy-profiles-subject } consultent les données personnelles de chacun.
policy-personal-owner-only = Les données personnelles ne sont visibles que de leur titulaire ; les responsables voient l'adresse électronique professionnelle.
policy-account-myself = Chacun peut consulter son propre compte.
policy-account-line = Chacun peut consulter les comptes de sa ligne hiérarchique.
policy-account-subtree = Les responsables peuvent consulter les comptes des personnes placées sous eux.
policy-account-everyone = { policy-profiles-subject } peuvent consulter tous les comptes.
policy-account-other = { policy-profiles-subject } ne peuvent consulter que leur propre compte, ceux de leur ligne hiérarchique et ceux des personnes placées sous eux.
policy-block-self = Personne ne peut { $action ->
    [block] bloquer
   *[unblock] débloquer
} son propre compte.
policy-block = { policy-profiles-subject } { policy-may } { $action ->
    [block] bloquer
   *[unblock] débloquer
} des comptes{ $allowed ->
    [yes] .
   *[no] {" "}: ce sont les profils désignés par la politique qui le font.
}
policy-audit-read = { $allowed ->
    [yes] { policy-profiles-subject } peuvent consulter le journal d'audit.
   *[no] { policy-profiles-subject } ne peuvent pas consulter le journal d'audit : c'est l'administration qui le consulte.
}
policy-approval-approver = { $allowed ->
    [yes] L'approbateur désigné dans la demande la tranche.
   *[no] Seul l'approbateur désigné dans la demande peut la trancher.
}
policy-org-create = { $allowed ->
    [yes] { policy-profiles-subject } peuvent créer des organisations.
   *[no] { policy-profiles-subject } ne peuvent pas créer d'organisations : ce sont les administrateurs qui le font.
}
policy-org-administer = { policy-profiles-subject } gèrent les membres de toutes les organisations.
policy-org-members-only = Seuls les membres de l'organisation y agissent.
policy-org-role = { $allowed ->
    [yes] Votre rôle dans l'organisation ({ policy-role }) permet cette action ({ $action }).
   *[no] Votre rôle dans l'organisation ({ policy-role }) ne permet pas cette action ({ $action }) : adressez-vous à un gestionnaire de l'organisation.
}
policy-org-profile-forbids = Un rôle d'organisation n'accorde jamais ce que le profil interdit : { policy-profiles } ne peuvent pas { policy-capability-phrase }.
policy-project-read-managers = Les gestionnaires voient tous les projets de leur organisation.
policy-project-read-answerable = Le porteur, le commanditaire et le responsable des données d'un projet le voient.
policy-project-read-granted = Les membres voient les projets auxquels ils ont accès.
policy-project-read-denied = Un projet n'est visible que des gestionnaires de son organisation, des personnes qui en répondent et de celles qui y ont accès.
policy-project-read-name = { $allowed ->
    [yes] Les membres voient le nom des projets auxquels ils ont accès.
   *[no] Le nom d'un projet n'est visible que de ses gestionnaires, des personnes qui en répondent et de celles qui y ont accès.
}
policy-project-manage = { $allowed ->
    [yes] Les gestionnaires créent, renomment, suppriment et clôturent les projets.
   *[no] Seuls les gestionnaires de l'organisation créent, renomment, suppriment et clôturent les projets.
}
policy-project-works = { $allowed ->
    [yes] Les membres qui voient un projet et peuvent annoter y rattachent des travaux.
   *[no] Seuls les membres qui voient le projet et dont le rôle permet d'annoter y rattachent des travaux.
}
policy-project-participants = { $allowed ->
    [yes] Le porteur, le commanditaire, le responsable des données et les gestionnaires décident de l'accès à un projet.
   *[no] Seuls le porteur, le commanditaire, le responsable des données et les gestionnaires décident de l'accès à un projet.
}
policy-never-admin = Personne ne peut { $action ->
    [create] créer
   *[habilitate] habiliter
} des comptes d'administrateur : le premier administrateur est créé à l'installation.
policy-never-public = Personne ne peut { $action ->
    [create] créer
   *[habilitate] habiliter
} des comptes publics : les visiteurs anonymes n'ont pas de compte.
policy-matrix = { $allowed ->
    [yes] { policy-profiles-subject } peuvent { $action ->
        [create] créer
       *[habilitate] habiliter
    } { policy-target-accounts }.
   *[no] { policy-profiles-subject } ne peuvent pas { $action ->
        [create] créer
       *[habilitate] habiliter
    } { policy-target-accounts } : adressez-vous à une personne dont le profil le permet.
}
policy-identity = { $allowed ->
    [yes] Pour { policy-profiles }, la lignée de création et l'administration corrigent le nom et l'adresse e-mail et envoient un nouveau lien d'activation.
   *[no] Pour { policy-profiles }, seules la lignée de création au-dessus et l'administration corrigent le nom et l'adresse e-mail ou envoient un nouveau lien d'activation.
}
policy-dataset-read = { $allowed ->
    [yes] Qui lit un projet lit ses jeux de données et leurs fichiers.
   *[no] Les jeux de données d'un projet ne sont lus que par ceux qui lisent le projet.
}
policy-dataset-manage = { $allowed ->
    [yes] Les gestionnaires de l'organisation et le porteur du projet créent, renomment et suppriment ses jeux de données.
   *[no] Seuls les gestionnaires de l'organisation et le porteur du projet créent, renomment et suppriment ses jeux de données.
}
policy-file-upload = { $allowed ->
    [yes] Les membres dont le rôle le permet déposent des fichiers dans les jeux de données des projets qu'ils voient.
   *[no] Seuls les gestionnaires, contributeurs et opérateurs qui voient le projet déposent des fichiers dans ses jeux de données.
}
policy-file-download = { $allowed ->
    [yes] Les membres dont le rôle et le profil le permettent téléchargent les fichiers des projets qu'ils voient.
   *[no] Seuls les gestionnaires, contributeurs et utilisateurs qui lisent le projet, et dont le profil permet de télécharger des données, téléchargent ses fichiers.
}
policy-file-delete = { $allowed ->
    [yes] Les gestionnaires et contributeurs qui lisent un projet suppriment les fichiers de ses jeux de données.
   *[no] Seuls les gestionnaires et contributeurs qui lisent le projet suppriment les fichiers de ses jeux de données.
}
policy-catalog-manage = { $allowed ->
    [yes] { policy-profiles-subject } ajoutent, modifient et retirent les offres du catalogue de services.
   *[no] { policy-profiles-subject } ne peuvent pas modifier le catalogue de services : ce sont les administrateurs qui le font.
}
policy-order-create = { $allowed ->
    [yes] Les membres qui lisent le projet et dont le rôle permet de lancer des traitements commandent des services pour lui.
   *[no] Seuls les gestionnaires, contributeurs et utilisateurs qui lisent le projet, et dont le profil permet d'exécuter des moteurs, commandent des services pour lui.
}
policy-order-read = { $allowed ->
    [yes] Qui lit un projet lit ses commandes.
   *[no] Les commandes d'un projet ne sont lues que par ceux qui lisent le projet.
}
policy-order-manage = { $allowed ->
    [yes] L'auteur d'une commande, les gestionnaires de l'organisation et le porteur du projet la modifient ou l'annulent.
   *[no] Seuls l'auteur de la commande, les gestionnaires de l'organisation et le porteur du projet la modifient ou l'annulent.
}
policy-instance-launch = { $allowed ->
    [yes] Les membres qui lisent le projet et dont le rôle permet de lancer des traitements lancent ses services.
   *[no] Seuls les gestionnaires, contributeurs et utilisateurs qui lisent le projet, et dont le profil permet d'exécuter des moteurs, lancent ses services.
}
policy-instance-read = { $allowed ->
    [yes] Un service est vu par son propriétaire, les gestionnaires de l'organisation et le porteur du projet.
   *[no] Seuls le propriétaire d'un service, les gestionnaires de l'organisation et le porteur du projet le voient.
}
policy-instance-manage = { $allowed ->
    [yes] Un service est arrêté ou conservé par son propriétaire, les gestionnaires de l'organisation et le porteur du projet.
   *[no] Seuls le propriétaire d'un service, les gestionnaires de l'organisation et le porteur du projet l'arrêtent ou le conservent.
}
policy-job-submit = { $allowed ->
    [yes] Les membres qui lisent le projet et dont le rôle permet de lancer des traitements y exécutent ses moteurs.
   *[no] Seuls les gestionnaires, contributeurs et utilisateurs qui lisent le projet, et dont le profil permet d'exécuter des moteurs, y lancent des calculs.
}
policy-job-read = { $allowed ->
    [yes] Un calcul est visible de son auteur, des gestionnaires du projet et de ceux qui voient l'activité de son auteur.
   *[no] Seuls l'auteur d'un calcul, les gestionnaires du projet et ceux qui voient l'activité de l'auteur le voient.
}
policy-job-cancel = { $allowed ->
    [yes] Un calcul est annulé par son auteur ou par les gestionnaires du projet.
   *[no] Seuls l'auteur d'un calcul et les gestionnaires du projet l'annulent.
}
policy-desk-read = { $allowed ->
    [yes] Le support groupe est connu de tous ; un support local, des membres de son organisation, de ses agents et des administrateurs.
   *[no] Seuls les membres d'une organisation, les agents de son support et les administrateurs connaissent son support local.
}
policy-desk-agents-manage = { $allowed ->
    [yes] Les agents d'un support local sont désignés par les gestionnaires de son organisation et les administrateurs ; ceux du support groupe, par les profils que nomme la politique.
   *[no] Seuls les gestionnaires de l'organisation et les administrateurs désignent les agents d'un support local ; seuls les profils que nomme la politique désignent ceux du support groupe.
}
policy-desk-agents-read = { $allowed ->
    [yes] La liste des agents d'un support est visible de ses agents et de ceux qui les désignent.
   *[no] Seuls les agents d'un support et ceux qui les désignent voient qui en sont les agents.
}
policy-ticket-create-local = { $allowed ->
    [yes] Un ticket est ouvert auprès d'un support local par les membres de son organisation et ses agents.
   *[no] Seuls les membres de l'organisation et les agents du support ouvrent des tickets auprès de son support local.
}
policy-ticket-create-group = { $allowed ->
    [yes] Un ticket est ouvert auprès du support groupe par les agents d'un support.
   *[no] Seuls les agents d'un support ouvrent des tickets auprès du support groupe ; les autres s'adressent à leur support local.
}
policy-ticket-read = { $allowed ->
    [yes] Un ticket est vu par son demandeur, ses participants et les agents de ses supports.
   *[no] Seuls le demandeur, les participants et les agents des supports du ticket le voient.
}
policy-ticket-comment = { $allowed ->
    [yes] Le demandeur, les participants et les agents des supports du ticket le commentent.
   *[no] Seuls le demandeur, les participants et les agents des supports du ticket le commentent.
}
policy-ticket-work = { $allowed ->
    [yes] Les agents des supports du ticket écrivent des notes internes, l'assignent, l'escaladent et le résolvent.
   *[no] Seuls les agents des supports du ticket écrivent des notes internes, l'assignent, l'escaladent ou le résolvent.
}
policy-ticket-settle = { $allowed ->
    [yes] Un ticket est clos ou rouvert par son demandeur et les agents de ses supports.
   *[no] Seuls le demandeur et les agents des supports du ticket le closent ou le rouvrent.
}
policy-ticket-participants = { $allowed ->
    [yes] Le demandeur et les agents des supports du ticket en désignent et en retirent les participants.
   *[no] Seuls le demandeur et les agents des supports du ticket en désignent ou en retirent les participants.
}
policy-kb-read = Tout titulaire d'un compte lit les articles publiés de la base de connaissances.
policy-kb-read-public = { $allowed ->
    [yes] Les visiteurs anonymes lisent les articles publiés de la base de connaissances.
   *[no] Connectez-vous pour lire la base de connaissances : elle est réservée aux titulaires d'un compte.
}
policy-kb-desk-agent = { $what ->
    [drafts] Les agents d'un guichet d'assistance lisent les brouillons de la base de connaissances.
   *[write] Les agents d'un guichet d'assistance rédigent, publient et suppriment les articles de la base de connaissances.
}
policy-kb-read-drafts = { $allowed ->
    [yes] { policy-profiles-subject } lisent les brouillons de la base de connaissances.
   *[no] { policy-profiles-subject } ne peuvent pas lire les brouillons de la base de connaissances : ce sont les agents d'assistance qui les lisent.
}
policy-kb-write = { $allowed ->
    [yes] { policy-profiles-subject } rédigent, publient et suppriment les articles de la base de connaissances.
   *[no] { policy-profiles-subject } ne peuvent pas rédiger d'articles de la base de connaissances : ce sont les agents d'assistance qui le font.
}
