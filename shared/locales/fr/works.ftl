# works
works-state-not-next = { $next ->
        [unpublished] Un brouillon ne peut devenir que non publié.
        [published] Un travail non publié ne peut devenir que publié.
       *[none] Un travail publié ne change plus d'état.
    }
works-changed = Le travail a été modifié entre-temps ; rechargez-le et réessayez.
works-transfer-unknown = Ce compte n'existe pas.
works-transfer-ineligible = Confiez vos travaux au responsable d'accueil de l'un de vos détachements ou à une personne au-dessus de vous, dont le compte doit être actif.
works-changed-hands = Le travail a changé de propriétaire entre-temps.
works-project-unknown = Ce projet n'existe pas, ou vous ne pouvez pas le voir.
works-project-not-active = { $state ->
    [pending] Ce projet attend encore son approbation : seuls les projets actifs reçoivent des travaux.
    [rejected] Ce projet a été refusé : seuls les projets actifs reçoivent des travaux.
   *[closed] Ce projet est clôturé : seuls les projets actifs reçoivent des travaux.
}
works-project-closed = Ce travail appartient à un projet clôturé, où il reste pour mémoire.
