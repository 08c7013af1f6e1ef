# accounts
accounts-email-domain = The e-mail address must be at an institutional domain ({ $domains }).
accounts-email-taken = An account with this e-mail address already exists.
accounts-profile-limit = There may be at most { $limit } accounts of profile { $profile }.
accounts-admin-exists = An admin account already exists; bootstrap-admin only creates the first one.
accounts-no-supervisor-for-profile = An account of profile { $profile } has no supervisor.
accounts-supervisor-outside-line = The supervisor must be you or someone you supervise.
accounts-supervisor-not-eligible = An account of profile { $profile } must be supervised by an active account of profile { $profiles }.
accounts-wrong-state = The account is { $state ->
    [created] not activated yet
    [active] active
    [departing] about to leave
    [blocked] blocked
    [deleted] closed
   *[other] { $state }
}.
accounts-charter-version = The current charter version is { $current }.
accounts-too-many-tokens = You may hold at most { $max } live tokens; revoke one first.
accounts-no-promotion = There is no promotion for profile { $profile }.
accounts-changed-meanwhile = The account changed meanwhile; reload and try again.
accounts-search-too-long = At most { $max } characters.
accounts-secondment-empty = Must be after the start of the secondment.
accounts-secondment-over = This period is already over.
accounts-secondment-host-unknown = There is no such account.
accounts-secondment-host-missing = Name the host by account or by e-mail address (one of the two).
accounts-secondment-host-not-eligible = The host must be another active account that may supervise profile { $profile }, not the current supervisor.
accounts-secondment-overlap = This person is already seconded during part of this period.
accounts-seat-never-deleted = Accounts of profile { $profile } are never deleted; hand the seat over instead.
accounts-heir-required = A departing account of profile { $profile } needs an heir.
accounts-heir-no-supervisor = This person has no supervisor: name an heir.
accounts-heir-not-eligible = The heir must be another active account of profile { $profiles }.
accounts-departure-date-past = The departure date must be in the future.
accounts-departure-exists = A departure is already scheduled for this person.
accounts-already-left = This person has already left.
accounts-seat-handed-over = This seat was already handed over.
accounts-already-activated = This account is already activated: a new activation link is only for accounts that were never activated.
accounts-field-blank = Must not be blank.
