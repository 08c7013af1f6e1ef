# compute: the job queue, "why am I waiting" (api/src/compute/scheduler.rs).
# $profile is a profile code; $profiles a list of profiles (the messages
# queue-profile*); the other arguments are numbers.

queue-profile = { $profile ->
    [public] anonymous visitors
    [novice] novice scientists
    [confirmed] confirmed scientists
    [expert] expert scientists
    [admin] administrators
   *[webmaster] webmasters
}
queue-profile-pair = { $first } and { $second }
queue-profile-more = { $first }, { $rest }
queue-profile-none = no profile

queue-reason-next = Your job starts at the next dispatch.
queue-reason-capacity = Your job is next: it starts as soon as one of the { $capacity } slots is free.
queue-reason-rank = { $jobs ->
    [one] One job of higher rank ({ $profiles }) goes
   *[other] { $jobs } jobs of higher rank ({ $profiles }) go
} before yours (rank { $rank }).
queue-reason-turn = People of the same rank take turns: { $jobs ->
    [one] one job
   *[other] { $jobs } jobs
} of { $people ->
    [one] one person
   *[other] { $people } people
} { $jobs ->
    [one] is
   *[other] are
} ahead of yours.
queue-reason-max-running = You already have { $running ->
    [one] one job
   *[other] { $running } jobs
} running, the most one person of your profile ({ $profiles }) may run at once (max_running = { $cap }); your job starts when one of them ends.
queue-reason-max-share = Jobs of your profile ({ $profiles }) already hold { $running ->
    [one] one slot
   *[other] { $running } slots
}, the share of the { $capacity } slots it may use (max_share: { $cap }); your job starts when one of them ends.
queue-reason-public-last = Prepared queries of the public site go after every other job: { $jobs ->
    [one] one job is
   *[other] { $jobs } jobs are
} ahead of yours.
