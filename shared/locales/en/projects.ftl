# projects
projects-domain-unknown = Must be one of: { $domains }.
projects-approvers-same = The sponsor and the data steward must be two different people.
projects-approver-inactive = Must be an existing active account.
projects-approver-not-institutional = Must have an institutional e-mail address.
projects-participant-domain = The e-mail domain is not an allowed institutional domain.
projects-closed = The project is closed.
projects-delete-started = Only a pending or rejected project can be deleted; close an active one.
projects-close-not-active = Only an active project can be closed.
projects-participants-closed = { $state ->
        [rejected] The project was rejected: nobody can be invited to it.
       *[closed] The project is closed: nobody can be invited to it.
    }
projects-already-participant = This person already takes part in the project.
# approvals (projects/approvals)
projects-approval-comment-required = Say why the request is rejected.
projects-approval-not-pending = The request is already { $state ->
    [approved] approved
    [rejected] rejected
   *[other] { $state }
}.
projects-approval-already-decided = You have already decided.
