## Catalogue de services et commandes (issue 16)
catalog-id-taken = Une offre a déjà cet identifiant (les offres retirées gardent le leur).
catalog-field-invalid = { $detail }
orders-project-not-active = { $state ->
    [pending] Le projet attend encore ses approbations : il ne prend pas encore de commandes.
    [rejected] Le projet a été rejeté : il ne prend pas de commandes.
   *[closed] Le projet est clos : il ne prend pas de commandes.
}
orders-offering-unknown = Aucune offre du catalogue n'a cet identifiant.
orders-cancelled = La commande est annulée.
orders-subject = { $offering } pour { $project }
