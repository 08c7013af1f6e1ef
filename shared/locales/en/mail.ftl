# E-mails (issue 13 §2), one group per kind: `mail-<kind>-…`, laid out by
# api/templates/mail/<kind>.txt and .html. Plain text: the HTML part escapes it.

## Every e-mail

mail-hello = Hello { $name },
mail-footer = This message was sent by Habilis. Replies to this address are not read.
mail-link-fallback = If the button does not work, copy this address into your browser:

## Names shown inside sentences

mail-profile = { $profile ->
    [novice] novice scientist
    [confirmed] confirmed scientist
    [expert] expert scientist
    [admin] administrator
    [webmaster] webmaster
   *[public] general public
}
mail-org-role = { $role ->
    [manager] manager
    [contributor] contributor
    [operator] operator
   *[user] user
}
mail-work-state = { $state ->
    [draft] draft
    [unpublished] unpublished
   *[published] published
}
mail-approver-role = { $role ->
    [sponsor] sponsor
   *[data_steward] data steward
}

## activation

mail-activation-subject = Activate your Habilis account
mail-activation-created = An account was created for you on Habilis. Open this link to activate it; it works once, until { $until }:
mail-activation-button = Activate my account
mail-activation-password = Your initial password is handed to you by the person who created the account, never by e-mail. You will choose a new one at your first sign-in.

## activation-outcome

mail-activation-outcome-subject = { $activated ->
    [true] Habilis: the account of { $name } was activated
   *[false] Habilis: the account of { $name } could not be activated
}
mail-activation-outcome-body = { $activated ->
    [true] The Habilis account of { $name } <{ $email }> was activated.
   *[false] The Habilis account of { $name } <{ $email }> could not be activated: the link had expired or was already used.
}

## promotion

mail-promotion-subject = Habilis: { $name } is now { $profile }
mail-promotion-body = { $name } <{ $email }> was promoted from { $from } to { $to } on Habilis. Their works stay theirs.

## secondment

mail-secondment-subject = Habilis: { $person } is seconded to { $host }
mail-secondment-body = { $person } is seconded to { $host } from { $starts } to { $ends }.
mail-secondment-scope = During this period { $host } sees what { $person } produces, as a supervisor would; afterwards only the published works, unless { $person } hands items over.

## org-joined

mail-org-joined-subject = Habilis: you joined { $org }
mail-org-joined-body = { $inviter } added you to { $org } as { $role }.

## org-invitation

mail-org-invitation-subject = Habilis: invitation to { $org }
mail-org-invitation-body = { $inviter } invites you to join { $org } on Habilis as { $role }.
mail-org-invitation-open = Once your account exists (your supervisor creates it), open this link:
mail-org-invitation-button = Accept the invitation
mail-org-invitation-expiry = The link works once and expires on { $until }.

## project-invitation

mail-project-invitation-subject = Habilis: you take part in "{ $project }"
mail-project-invitation-body = { $inviter } invites you to the project "{ $project }" on Habilis.
mail-project-invitation-pending = Your access opens once your account exists (your supervisor creates it).

## approval-request

mail-approval-request-subject = Habilis: project "{ $project }" waits for your approval
mail-approval-request-body = { $requester } asks for the project "{ $project }" in { $org } and names you { $role }.
mail-approval-request-inbox = Decide from your Approvals inbox.

## approval-decision

mail-approval-decision-subject = Habilis: project "{ $project }": { $approver } decided
mail-approval-decision-body = { $outcome ->
    [rejected] Project "{ $project }": { $approver } rejected it; the project is rejected.
    [approved] Project "{ $project }": { $approver } approved it; the project is active.
   *[awaiting] Project "{ $project }": { $approver } approved it; one approval is still awaited.
}
mail-approval-decision-comment = Comment: { $comment }

## order-request

mail-order-request-subject = Habilis: an order of "{ $offering }" for "{ $project }" waits for your approval
mail-order-request-body = { $requester } orders "{ $offering }" for the project "{ $project }", of which you are { $role }.

## order-decision

mail-order-decision-subject = Habilis: your order of "{ $offering }" for "{ $project }": { $approver } decided
mail-order-decision-body = { $outcome ->
    [rejected] Your order of "{ $offering }" for the project "{ $project }": { $approver } rejected it; the order is rejected.
    [approved] Your order of "{ $offering }" for the project "{ $project }": { $approver } approved it; the order is approved and you may launch the service.
   *[awaiting] Your order of "{ $offering }" for the project "{ $project }": { $approver } approved it; one approval is still awaited.
}

## work-transfer

mail-work-transfer-subject = Habilis: { $giver } gave you a work
mail-work-transfer-body = { $giver } gave you the work "{ $title }" ({ $state }); it is now yours.

## departure-notice

mail-departure-notice-subject = Habilis: your account closes in { $days ->
    [one] { $days } day
   *[other] { $days } days
}
mail-departure-notice-body = Your Habilis account closes on { $date }. Your works will then be handed to { $receiver }: { $drafts ->
        [one] { $drafts } draft
       *[other] { $drafts } drafts
    }, { $unpublished } unpublished, { $published } published.
mail-departure-notice-publish = Until then you may publish your drafts.
mail-departure-notice-publish-or-delete = Until then you may publish or delete your drafts.

## departure-done

mail-departure-done-subject = Habilis: { $name } has left
mail-departure-done-body = { $name } has left the platform.
mail-departure-done-works = You now own { $works ->
        [one] their work
       *[other] their { $works } works
    }.
mail-departure-done-people = You now supervise { $subordinates ->
        [one] the person
       *[other] the { $subordinates } people
    } who reported to them.

## inactivity-warning

mail-inactivity-warning-subject = Habilis: your account is inactive
mail-inactivity-warning-body = You have not signed in to Habilis for a long time. Sign in before { $until }, or your account will be blocked (never deleted).

## password-reset

mail-password-reset-subject = Choose a new Habilis password
mail-password-reset-body = Someone asked to choose a new password for your Habilis account. Open this link to do it; it works once, until { $until }:
mail-password-reset-button = Choose a new password
mail-password-reset-ignore = If you did not ask for it, ignore this message: your password stays as it is.

## password-changed

mail-password-changed-subject = Your Habilis password was changed
mail-password-changed-body = The password of your Habilis account was changed with a reset link. Every session and API token of the account was ended.
mail-password-changed-warning = If you did not do it, ask for a new password at once and tell an administrator.

## email-changed

mail-email-changed-subject = Habilis: your e-mail address was changed
mail-email-changed-body = The e-mail address of the Habilis account of { $name } was changed from { $old } to { $new }. You sign in with the new address from now on.
mail-email-changed-warning = If this is a mistake, contact the person who manages your account or an administrator.

## instance-idle

mail-instance-idle-subject = Habilis: your service { $instance } is idle
mail-instance-idle-body = Your service { $instance } has not been used for a long time. It will be stopped on { $until } unless you keep it:
mail-instance-idle-button = Keep it running
mail-instance-idle-lost = Once stopped, its data (databases, notebooks and files in its working directory) is deleted after a grace period.

## instance-lost

mail-instance-lost-subject = Habilis: your service { $instance } stopped unexpectedly
mail-instance-lost-body = The process of your service { $instance } was found gone (for instance after a server restart). It is marked as lost and no longer counts in your project's usage.
mail-instance-lost-button = See my services

## ticket-update

mail-ticket-update-subject = Habilis support [{ $reference }]: { $subject }
mail-ticket-update-body = { $update ->
    [created] Your ticket "{ $subject }" was received; an agent of the desk will take it.
    [awaiting_approval] Your request "{ $subject }" waits for an approval before an agent takes it.
    [approved] { $author } approved your request "{ $subject }"; it is open.
    [rejected] { $author } rejected your request "{ $subject }"; it is closed.
    [assigned] { $author } now handles your ticket "{ $subject }".
    [escalated] Your ticket "{ $subject }" was passed on to the group desk by { $author }.
    [resolved] { $author } resolved your ticket "{ $subject }". If the problem remains, reopen it.
    [reopened] Your ticket "{ $subject }" was reopened by { $author }.
    [closed] Your ticket "{ $subject }" was closed by { $author }.
    [attached] { $author } attached a file to the ticket "{ $subject }":
    [followed] { $author } added you to the ticket "{ $subject }": you will receive its updates and may answer them.
   *[comment] { $author } wrote on your ticket "{ $subject }":
}
mail-ticket-update-reply = Reply to this e-mail to add a comment to the ticket.

## ticket-approval

mail-ticket-approval-subject = Habilis: a support request of { $requester } waits for your approval
mail-ticket-approval-body = { $requester } asks "{ $subject }" (category { $category }); as { $role ->
    [sponsor] the project's sponsor
   *[supervisor] their supervisor
}, you approve or reject it in your approvals.
