# orgs
orgs-name-taken = An organisation already has this name.
orgs-last-manager = This is the last manager of the organisation: name another one first.
orgs-invite-none = Give at least one address.
orgs-invite-too-many = At most { $max } addresses per request (got { $count }); nothing was applied.
orgs-invitation-unusable = This invitation { $why ->
        [used] was already used
        [revoked] was revoked
       *[expired] has expired
    }; ask a manager of the organisation for a new one.
orgs-invitation-wrong-recipient = This invitation was sent to another e-mail address.
orgs-already-member = You are already a member of this organisation.
