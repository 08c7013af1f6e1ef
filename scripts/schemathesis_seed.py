#!/usr/bin/env python3
"""Prepares a fresh server for scripts/schemathesis.sh and prints, as JSON,
the credentials schemathesis uses: {"admin": {"token", "token_id",
"user_id"}, "expert": {…}}.

    schemathesis_seed.py BASE ADMIN_EMAIL ADMIN_PASSWORD

The first admin changes the generated password (403 password_change_required
everywhere otherwise) and accepts the charter. Then a few real objects are
made, so that generated requests reach more than 404: schemathesis learns
their ids from the list answers (GET /users, /works, /organizations,
/projects, /approvals, …) and every answer about them is checked against
its schema too. Last, personal access tokens with the read and write scopes
for the admin and for the first expert (who owns the work and manages the
organisation's projects, which an admin may not): tokens, not sessions,
because schemathesis calls /auth/logout and /auth/refresh, which would end a
session mid-run but leave a token alone.

Standard library only: it runs before (and without) the schemathesis venv.
"""

import datetime
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from seed import call, init, settle  # noqa: E402

BASE, ADMIN_EMAIL, ADMIN_PASSWORD = sys.argv[1:4]
init(BASE)


def person(token, first, last, profile, charter=None):
    """Creates an account; settles it when `charter` is given."""
    email = f"st.{last.lower()}@inserm.fr"
    created = call("POST", "/users", token, {
        "first_name": first, "last_name": last, "email": email, "profile": profile,
    })
    user = created["user"]
    if charter:
        user["jwt"] = settle(email, created["initial_password"], f"{last} passphrase for schemathesis", charter)
    return user


admin_jwt = call("POST", "/auth/login", body={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})["access_token"]
call("POST", "/auth/password", admin_jwt,
     {"current_password": ADMIN_PASSWORD, "new_password": "schemathesis admin passphrase"})
me = call("GET", "/me", admin_jwt)
charter = me["current_charter_version"]
call("POST", "/me/charter", admin_jwt, {"version": charter})
domain = call("GET", "/policy")["organizations"]["project_domains"][0]

# People: two experts, a confirmed and a novice under the first expert.
eve = person(admin_jwt, "Eve", "Expert", "expert", charter)
sam = person(admin_jwt, "Sam", "Steward", "expert", charter)
paul = person(eve["jwt"], "Paul", "Confirmed", "confirmed", charter)
nina = person(eve["jwt"], "Nina", "Novice", "novice")

# Works: a draft with an annotation.
work = call("POST", "/works", eve["jwt"], {"title": "Plankton counts", "summary": "Seeded."})
call("POST", f"/works/{work['id']}/annotations", eve["jwt"], {"body": "A first note."})

# An organisation with members, a pending project (an approval waits for
# the admin) and an active one with a participant.
org = call("POST", "/organizations", admin_jwt, {"name": "Schemathesis Lab"})
call("POST", f"/organizations/{org['id']}/invitations", admin_jwt,
     {"emails": [eve["email"], paul["email"]], "role": "manager"})
call("POST", f"/organizations/{org['id']}/invitations", admin_jwt,
     {"emails": [sam["email"]], "role": "user"})


def project(name):
    return call("POST", "/projects", eve["jwt"], {
        "organization_id": org["id"], "name": name, "data_class": "standard", "domain": domain,
        "description": "Seeded.", "sponsor_id": me["user"]["id"], "data_steward_id": sam["id"],
    })


project("Pending survey")
active = project("Active survey")
for jwt in (admin_jwt, sam["jwt"]):
    waiting = call("GET", "/approvals", jwt)["items"]
    mine = [a for a in waiting if a["subject_id"] == active["id"] and not a.get("decision")]
    if not mine:
        sys.exit(f"seed: no approval of the active project for this approver: {waiting}")
    call("POST", f"/approvals/{mine[0]['id']}/decision", jwt, {"decision": "approve"})
call("POST", f"/projects/{active['id']}/participants", eve["jwt"], {"email": paul["email"], "role": "analyst"})

# A departure scheduled for the novice, a secondment for the confirmed.
now = datetime.datetime.now(datetime.timezone.utc)
iso = lambda t: t.replace(microsecond=0).isoformat().replace("+00:00", "Z")  # noqa: E731
call("POST", f"/users/{nina['id']}/departure", eve["jwt"], {"date": iso(now + datetime.timedelta(days=60))})
call("POST", f"/users/{paul['id']}/secondments", eve["jwt"], {
    "host_supervisor_id": sam["id"], "starts_at": iso(now + datetime.timedelta(days=1)),
    "ends_at": iso(now + datetime.timedelta(days=30)),
})


def api_token(jwt, user_id):
    made = call("POST", "/me/tokens", jwt, {"name": "schemathesis", "scopes": ["read", "write"], "expires_in_days": 1})
    call("POST", "/auth/logout", jwt)
    return {"token": made["token"], "token_id": made["id"], "user_id": user_id}


print(json.dumps({"admin": api_token(admin_jwt, me["user"]["id"]), "expert": api_token(eve["jwt"], eve["id"])}))
