# E-mails (issue 13 §2), one group per kind: `mail-<kind>-…`, laid out by
# api/templates/mail/<kind>.txt and .html. Plain text: the HTML part escapes it.

## Every e-mail

mail-hello = Bonjour { $name },
mail-footer = Ce message a été envoyé par Habilis. Les réponses à cette adresse ne sont pas lues.
mail-link-fallback = Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :

## Names shown inside sentences

mail-profile = { $profile ->
    [novice] scientifique novice
    [confirmed] scientifique confirmé
    [expert] scientifique expert
    [admin] administrateur
    [webmaster] webmestre
   *[public] grand public
}
mail-org-role = { $role ->
    [manager] gestionnaire
    [contributor] contributeur
    [operator] opérateur
   *[user] utilisateur
}
mail-work-state = { $state ->
    [draft] brouillon
    [unpublished] non publié
   *[published] publié
}
mail-approver-role = { $role ->
    [sponsor] sponsor
   *[data_steward] responsable des données
}

## activation

mail-activation-subject = Activez votre compte Habilis
mail-activation-created = Un compte Habilis a été créé pour vous. Ouvrez ce lien pour l'activer ; il ne sert qu'une fois et reste valable jusqu'au { $until } :
mail-activation-button = Activer mon compte
mail-activation-password = Votre mot de passe initial vous est remis par la personne qui a créé le compte, jamais par e-mail. Vous en choisirez un nouveau à la première connexion.

## activation-outcome

mail-activation-outcome-subject = { $activated ->
    [true] Habilis : le compte de { $name } a été activé
   *[false] Habilis : le compte de { $name } n'a pas pu être activé
}
mail-activation-outcome-body = { $activated ->
    [true] Le compte Habilis de { $name } <{ $email }> a été activé.
   *[false] Le compte Habilis de { $name } <{ $email }> n'a pas pu être activé : le lien avait expiré ou avait déjà servi.
}

## promotion

mail-promotion-subject = Habilis : { $name } est désormais { $profile }
mail-promotion-body = { $name } <{ $email }> est passé·e de { $from } à { $to } sur Habilis. Ses travaux restent les siens.

## secondment

mail-secondment-subject = Habilis : { $person } est détaché·e auprès de { $host }
mail-secondment-body = { $person } est détaché·e auprès de { $host } du { $starts } au { $ends }.
mail-secondment-scope = Pendant cette période, { $host } voit ce que { $person } produit, comme un encadrant ; ensuite, seulement les travaux publiés, sauf si { $person } lui en transmet.

## org-joined

mail-org-joined-subject = Habilis : vous avez rejoint { $org }
mail-org-joined-body = { $inviter } vous a ajouté·e à { $org } comme { $role }.

## org-invitation

mail-org-invitation-subject = Habilis : invitation à rejoindre { $org }
mail-org-invitation-body = { $inviter } vous invite à rejoindre { $org } sur Habilis comme { $role }.
mail-org-invitation-open = Une fois votre compte créé (par votre encadrant), ouvrez ce lien :
mail-org-invitation-button = Accepter l'invitation
mail-org-invitation-expiry = Le lien ne sert qu'une fois et expire le { $until }.

## project-invitation

mail-project-invitation-subject = Habilis : vous participez à « { $project } »
mail-project-invitation-body = { $inviter } vous invite au projet « { $project } » sur Habilis.
mail-project-invitation-pending = Votre accès s'ouvrira une fois votre compte créé (par votre encadrant).

## approval-request

mail-approval-request-subject = Habilis : le projet « { $project } » attend votre approbation
mail-approval-request-body = { $requester } demande le projet « { $project } » dans { $org } et vous désigne comme { $role }.
mail-approval-request-inbox = Décidez depuis votre boîte « Approbations ».

## approval-decision

mail-approval-decision-subject = Habilis : projet « { $project } » : { $approver } a décidé
mail-approval-decision-body = { $outcome ->
    [rejected] Projet « { $project } » : { $approver } l'a rejeté ; le projet est rejeté.
    [approved] Projet « { $project } » : { $approver } l'a approuvé ; le projet est actif.
   *[awaiting] Projet « { $project } » : { $approver } l'a approuvé ; une approbation reste attendue.
}
mail-approval-decision-comment = Commentaire : { $comment }

## order-request

mail-order-request-subject = Habilis : une commande de « { $offering } » pour « { $project } » attend votre approbation
mail-order-request-body = { $requester } commande « { $offering } » pour le projet « { $project } », dont vous êtes { $role }.

## order-decision

mail-order-decision-subject = Habilis : votre commande de « { $offering } » pour « { $project } » : { $approver } a décidé
mail-order-decision-body = { $outcome ->
    [rejected] Votre commande de « { $offering } » pour le projet « { $project } » : { $approver } l'a rejetée ; la commande est rejetée.
    [approved] Votre commande de « { $offering } » pour le projet « { $project } » : { $approver } l'a approuvée ; la commande est approuvée et vous pouvez lancer le service.
   *[awaiting] Votre commande de « { $offering } » pour le projet « { $project } » : { $approver } l'a approuvée ; une approbation reste attendue.
}

## work-transfer

mail-work-transfer-subject = Habilis : { $giver } vous a confié un travail
mail-work-transfer-body = { $giver } vous a confié le travail « { $title } » ({ $state }) ; il est désormais à vous.

## departure-notice

mail-departure-notice-subject = Habilis : votre compte ferme dans { $days ->
    [one] { $days } jour
   *[other] { $days } jours
}
mail-departure-notice-body = Votre compte Habilis ferme le { $date }. Vos travaux seront alors confiés à { $receiver } : { $drafts ->
        [one] { $drafts } brouillon
       *[other] { $drafts } brouillons
    }, { $unpublished ->
        [one] { $unpublished } non publié
       *[other] { $unpublished } non publiés
    }, { $published ->
        [one] { $published } publié
       *[other] { $published } publiés
    }.
mail-departure-notice-publish = D'ici là, vous pouvez publier vos brouillons.
mail-departure-notice-publish-or-delete = D'ici là, vous pouvez publier ou supprimer vos brouillons.

## departure-done

mail-departure-done-subject = Habilis : { $name } est parti·e
mail-departure-done-body = { $name } a quitté la plateforme.
mail-departure-done-works = Vous détenez désormais { $works ->
        [one] son travail
       *[other] ses { $works } travaux
    }.
mail-departure-done-people = Vous encadrez désormais { $subordinates ->
        [one] la personne qui en dépendait
       *[other] les { $subordinates } personnes qui en dépendaient
    }.

## inactivity-warning

mail-inactivity-warning-subject = Habilis : votre compte est inactif
mail-inactivity-warning-body = Vous ne vous êtes pas connecté·e à Habilis depuis longtemps. Connectez-vous avant le { $until }, sinon votre compte sera bloqué (jamais supprimé).

## password-reset

mail-password-reset-subject = Choisissez un nouveau mot de passe Habilis
mail-password-reset-body = Une demande de nouveau mot de passe a été faite pour votre compte Habilis. Ouvrez ce lien pour le choisir ; il ne sert qu'une fois et reste valable jusqu'au { $until } :
mail-password-reset-button = Choisir un nouveau mot de passe
mail-password-reset-ignore = Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.

## password-changed

mail-password-changed-subject = Votre mot de passe Habilis a été changé
mail-password-changed-body = Le mot de passe de votre compte Habilis a été changé au moyen d'un lien de réinitialisation. Toutes les sessions et tous les jetons d'API du compte ont été fermés.
mail-password-changed-warning = Si vous n'en êtes pas à l'origine, demandez tout de suite un nouveau mot de passe et prévenez un administrateur.

## email-changed

mail-email-changed-subject = Habilis : votre adresse e-mail a été changée
mail-email-changed-body = L'adresse e-mail du compte Habilis de { $name } est passée de { $old } à { $new }. Vous vous connectez désormais avec la nouvelle adresse.
mail-email-changed-warning = S'il s'agit d'une erreur, contactez la personne qui gère votre compte ou un administrateur.

## instance-idle

mail-instance-idle-subject = Habilis : votre service { $instance } est inactif
mail-instance-idle-body = Votre service { $instance } n'a pas été utilisé depuis longtemps. Il sera arrêté le { $until } sauf si vous le conservez :
mail-instance-idle-button = Le garder en marche
mail-instance-idle-lost = Une fois arrêté, ses données (bases, notebooks et fichiers de son répertoire de travail) sont supprimées après un délai de grâce.

## instance-lost

mail-instance-lost-subject = Habilis : votre service { $instance } s'est arrêté de façon inattendue
mail-instance-lost-body = Le processus de votre service { $instance } a disparu (par exemple après un redémarrage du serveur). Il est marqué comme perdu et ne compte plus dans la consommation de votre projet.
mail-instance-lost-button = Voir mes services

## ticket-update

mail-ticket-update-subject = Assistance Habilis [{ $reference }] : { $subject }
mail-ticket-update-body = { $update ->
    [created] Votre ticket « { $subject } » a bien été reçu ; un agent du support va le prendre en charge.
    [awaiting_approval] Votre demande « { $subject } » attend une approbation avant d'être prise en charge.
    [approved] { $author } a approuvé votre demande « { $subject } » ; elle est ouverte.
    [rejected] { $author } a refusé votre demande « { $subject } » ; elle est close.
    [assigned] { $author } prend en charge votre ticket « { $subject } ».
    [escalated] Votre ticket « { $subject } » a été transmis au support groupe par { $author }.
    [resolved] { $author } a résolu votre ticket « { $subject } ». Si le problème persiste, rouvrez-le.
    [reopened] Votre ticket « { $subject } » a été rouvert par { $author }.
    [closed] Votre ticket « { $subject } » a été clos par { $author }.
    [attached] { $author } a joint un fichier au ticket « { $subject } » :
    [followed] { $author } vous a ajouté au ticket « { $subject } » : vous en recevrez les mises à jour et pourrez y répondre.
   *[comment] { $author } a écrit sur votre ticket « { $subject } » :
}
mail-ticket-update-reply = Répondez à ce message pour ajouter un commentaire au ticket.

## ticket-approval

mail-ticket-approval-subject = Habilis : une demande d'assistance de { $requester } attend votre approbation
mail-ticket-approval-body = { $requester } demande « { $subject } » (catégorie { $category }) ; en tant que { $role ->
    [sponsor] sponsor du projet
   *[supervisor] responsable
}, vous l'approuvez ou la refusez dans vos approbations.
