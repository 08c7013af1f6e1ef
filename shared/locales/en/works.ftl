# works
works-state-not-next = { $next ->
        [unpublished] A draft can only become unpublished.
        [published] An unpublished work can only become published.
       *[none] A published work cannot change state any more.
    }
works-changed = The work changed meanwhile; reload it and try again.
works-transfer-unknown = There is no such account.
works-transfer-ineligible = Give works to a host of one of your secondments or to someone above you, who must be active.
works-changed-hands = The work changed hands meanwhile.
works-project-unknown = There is no such project, or you cannot see it.
works-project-not-active = { $state ->
    [pending] This project is still awaiting approval: works go into active projects only.
    [rejected] This project was rejected: works go into active projects only.
   *[closed] This project is closed: works go into active projects only.
}
works-project-closed = This work belongs to a closed project, where it stays as a record.
