# Incoming support mail (issue 18 §3): why a message changed nothing.
mailin-refused-too-large = The message is larger than the desk accepts.
mailin-refused-malformed = The message could not be read (malformed MIME or no sender).
mailin-refused-automatic = The message was written by a machine (automatic reply, bounce, mailing list or vacation notice): it never adds a comment.
mailin-refused-bad-address = The reply address is not one this server gave, or it was altered.
mailin-refused-no-recipient = The message is addressed neither to the support desk nor to a ticket.
mailin-refused-unknown-sender = No active account has the sender's address.
mailin-refused-not-on-ticket = The sender is neither the requester nor a participant of the ticket.
mailin-refused-wrong-state = The ticket takes no more comments.
mailin-refused-no-desk = The sender has no local desk to open a ticket at.
mailin-refused-empty-body = Nothing is left of the message once the quoted history and the signature are removed.
