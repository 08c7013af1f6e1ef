# compute : la file des tâches, « pourquoi j'attends » (api/src/compute/scheduler.rs).
# $profile est un code de profil ; $profiles une liste de profils (les
# messages queue-profile*) ; les autres arguments sont des nombres.

queue-profile = { $profile ->
    [public] visiteurs anonymes
    [novice] scientifiques novices
    [confirmed] scientifiques confirmés
    [expert] scientifiques experts
    [admin] administrateurs
   *[webmaster] webmestres
}
queue-profile-pair = { $first } et { $second }
queue-profile-more = { $first }, { $rest }
queue-profile-none = aucun profil

queue-reason-next = Votre tâche démarre à la prochaine répartition.
queue-reason-capacity = Votre tâche est la prochaine : elle démarre dès qu'un des { $capacity } emplacements se libère.
queue-reason-rank = { $jobs ->
    [one] Une tâche de rang supérieur ({ $profiles }) passe
   *[other] { $jobs } tâches de rang supérieur ({ $profiles }) passent
} avant la vôtre (rang { $rank }).
queue-reason-turn = Les personnes d'un même rang passent chacune à leur tour : { $jobs ->
    [one] une tâche
   *[other] { $jobs } tâches
} { $people ->
    [one] d'une personne
   *[other] de { $people } personnes
} { $jobs ->
    [one] passe
   *[other] passent
} avant la vôtre.
queue-reason-max-running = Vous avez déjà { $running ->
    [one] une tâche
   *[other] { $running } tâches
} en cours, le maximum simultané pour une personne de votre profil ({ $profiles }) (max_running = { $cap }) ; votre tâche démarre quand l'une d'elles se termine.
queue-reason-max-share = Les tâches de votre profil ({ $profiles }) occupent déjà { $running ->
    [one] un emplacement
   *[other] { $running } emplacements
}, la part des { $capacity } emplacements qui lui revient (max_share : { $cap }) ; votre tâche démarre quand l'une d'elles se termine.
queue-reason-public-last = Les requêtes préparées du site public passent après toutes les autres tâches : { $jobs ->
    [one] une tâche est
   *[other] { $jobs } tâches sont
} devant la vôtre.
