"""Schemathesis hooks for scripts/schemathesis.sh (loaded via SCHEMATHESIS_HOOKS).

Each pass authenticates with one personal access token (the only admin's,
then an expert's). Schemathesis learns ids from responses (GET /me,
GET /me/tokens) and reuses them in later requests, so it can reach the two
documented calls whose *success* ends that credential for the rest of the
run:

- POST /api/v1/users/{id}/handover with the caller's own id: an admin hands
  their seat to a new person and their own account is deleted (SPEC §3.7);
- DELETE /api/v1/me/tokens/{id} with the run's own token id: the token is
  revoked.

tus bodies (`application/offset+octet-stream`) are sent as the bytes they
are, like `application/octet-stream`.

After either, every later request answers 401 and the run tests nothing.
Only those exact cases are dropped; the operations still run with every
other id (someone else's seat, another token). The integration suite
covers seat handover (lifecycle.rs) and token revocation (auth.rs).
"""

import os

import schemathesis

USER_ID = os.environ.get("HABILIS_ST_USER_ID", "")
TOKEN_ID = os.environ.get("HABILIS_ST_TOKEN_ID", "")

schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")

SELF_DESTRUCTIVE = {
    "POST /api/v1/users/{id}/handover": USER_ID,
    "DELETE /api/v1/me/tokens/{id}": TOKEN_ID,
}


@schemathesis.hook
def filter_case(context, case):
    own = SELF_DESTRUCTIVE.get(case.operation.label)
    if not own:
        return True
    return (case.path_parameters or {}).get("id") != own
