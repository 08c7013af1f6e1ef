# auth
auth-activation-unknown = This activation link is not valid.
auth-activation-used = This activation link has already been used.
auth-activation-expired = This activation link has expired; ask the person who created your account for a new link.
auth-token-invalid = This API token is not valid.
auth-token-revoked = This API token was revoked or has expired.
auth-access-token-invalid = The access token is invalid or has expired; sign in again or refresh it.
auth-session-ended = Your session has ended; sign in again.
auth-account-unusable = This account is blocked or closed.
auth-account-state = This account is { $state ->
    [blocked] blocked
    [departed] closed
   *[other] { $state }
}; contact an administrator.
auth-token-read-only = This API token may only read; create a token with the write scope to make changes.
auth-password-change-first = Choose a new password first: your initial password must be changed.
auth-bearer-missing = Sign in first: the request carries no Authorization: Bearer token.
auth-bearer-malformed = The Authorization header is malformed.
auth-bearer-expected = Expected an Authorization: Bearer token.
auth-locked-out = Too many failed sign-ins; try again later.
auth-credentials-invalid = Invalid e-mail or password.
auth-refresh-missing = No refresh token was given.
auth-refresh-invalid = This refresh token is not valid.
auth-refresh-reused = This refresh token was already used: the session has been ended for safety; sign in again.
auth-password-too-short = Must be at least { $min } characters long.
auth-password-same = Must differ from the current password.
auth-password-is-email = Must not be your e-mail address.
auth-password-incorrect = Incorrect password.
auth-activation-required = Open the activation link e-mailed to you before signing in. If it has expired, ask the person who created your account to send a new one.
auth-reset-unknown = This password reset link is not valid.
auth-reset-used = This password reset link has already been used; ask for a new one.
auth-reset-expired = This password reset link has expired; ask for a new one.
auth-reset-locked-out = Too many password reset requests; try again later.
