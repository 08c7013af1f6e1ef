# Support desks and tickets (issue 18).
support-wrong-state = The ticket is { $state ->
    [new] new
    [awaiting_approval] waiting for an approval
    [open] open
    [pending] waiting for the requester
    [resolved] resolved
   *[closed] closed
}: this is not possible now.
support-already-group = The ticket is already at the group desk.
support-not-an-agent = This account is not an agent of the ticket's desk.
support-unknown-account = No active account has this id.
support-not-member = This account is not a member of the desk's organisation.
support-already-agent = This account is already an agent of the desk.
support-no-desk = Name the desk: you belong to no organisation, or to several.
support-unknown-project = No such project.
support-no-approver = This request needs an approval, and you have no supervisor to give it: name the project it is for.
support-participant-unknown = No active account of the requester's organisations, nor agent of the ticket's desks, has this id.
support-already-participant = This person already follows the ticket.
support-too-many-participants = The ticket already has { $limit } participants, the most it takes.
support-attachment-too-large = This file ({ $size } bytes) is larger than the { $limit } bytes a ticket's file may have: put large data in a dataset.
support-too-many-attachments = The ticket already holds { $limit } files, the most it takes.
support-bad-file-name = Name the file in 1 to 200 characters, without "/", "\" or control characters.
support-bad-filter = Unknown value for this filter.
