# instances en cours des services commandés (issue 16)
instances-order-not-approved = { $state ->
    [pending] Cette commande attend encore ses approbations : rien ne peut encore en être lancé.
    [rejected] Cette commande a été refusée : rien ne peut en être lancé.
   *[cancelled] Cette commande a été annulée : rien ne peut en être lancé.
}
instances-spawner-unavailable = Ce service ne peut pas encore fonctionner sur ce serveur ; la commande reste valable.
instances-config-invalid = { $reason }
instances-config-object = Une configuration est un objet JSON.
instances-schema-broken = Le schéma de configuration de l'offre est inutilisable : { $reason }
instances-configuration-unknown = Aucune de vos configurations enregistrées pour ce service n'a cet identifiant.
instances-configuration-name-taken = Vous avez déjà une configuration enregistrée de ce nom.
instances-offering-unknown = Aucun service du catalogue n'a cet identifiant.
instances-limit-user = Vous faites déjà tourner { $limit } instances, le maximum pour une personne. Supprimez-en une d'abord.
instances-limit-project = Ce projet fait déjà tourner { $limit } instances, le maximum pour un projet.
instances-limit-offering-user = Vous faites déjà tourner { $limit } instances de ce service, le maximum qu'il permet par personne.
instances-limit-offering-project = Ce projet fait déjà tourner { $limit } instances de ce service, le maximum qu'il permet par projet.
instances-name-taken = Le projet a déjà une instance de ce nom.
instances-confirm-mismatch = Tapez exactement le nom de l'instance pour confirmer sa suppression ; rien n'a été arrêté.
instances-wrong-state = { $state ->
    [starting] Cette instance démarre.
    [running] Cette instance tourne.
    [stopping] Cette instance est déjà en cours d'arrêt.
    [stopped] Cette instance est arrêtée.
    [failed] Cette instance a échoué.
   *[lost] Cette instance a été perdue.
}
instances-usage-time-invalid = Donnez un instant au format RFC 3339, par exemple 2026-12-01T00:00:00Z.
instances-usage-window-empty = La fin de la période doit venir après son début.
