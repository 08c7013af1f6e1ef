#!/usr/bin/env python3
"""Prepares a fresh server for scripts/tus-interop.sh and prints, as JSON,
what the tus clients need: {"token": <a contributor's access token>,
"dataset": <dataset id>, "project": <project id>}.

    tus_interop_seed.py BASE ADMIN_EMAIL ADMIN_PASSWORD

Everything goes through the REST API, as a person would: the first admin
changes the generated password and accepts the charter; an expert who
manages an organisation requests a project, which its sponsor (the admin)
and its data steward (a second expert) approve; the manager makes a dataset
in it. The uploader is a confirmed account, a **contributor** of the
organisation (`org.files.upload`, `org.datasets.download`) and a
participant of the project (contributors see the projects they were
granted): the policy, not a shortcut, lets them upload and download.

Standard library only.
"""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from seed import call, init, settle  # noqa: E402

BASE, ADMIN_EMAIL, ADMIN_PASSWORD = sys.argv[1:4]
init(BASE)


def person(token, first, last, profile, charter):
    """Creates an account, opens its activation link, signs in, replaces
    the initial password and accepts the charter."""
    email = f"tus.{last.lower()}@inserm.fr"
    created = call("POST", "/users", token, {
        "first_name": first, "last_name": last, "email": email, "profile": profile,
    })
    user = created["user"]
    password = created["initial_password"]
    new_password = f"{last} passphrase for the tus interop test"
    settle(email, password, new_password, charter)
    # A fresh session after the password change.
    user["jwt"] = call("POST", "/auth/login", body={"email": email, "password": new_password})["access_token"]
    return user


admin_jwt = call("POST", "/auth/login", body={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})["access_token"]
call("POST", "/auth/password", admin_jwt,
     {"current_password": ADMIN_PASSWORD, "new_password": "tus interop admin passphrase"})
admin_jwt = call("POST", "/auth/login",
                 body={"email": ADMIN_EMAIL, "password": "tus interop admin passphrase"})["access_token"]
me = call("GET", "/me", admin_jwt)
charter = me["current_charter_version"]
call("POST", "/me/charter", admin_jwt, {"version": charter})
domain = call("GET", "/policy")["organizations"]["project_domains"][0]

mia = person(admin_jwt, "Mia", "Manager", "expert", charter)
sam = person(admin_jwt, "Sam", "Steward", "expert", charter)
cleo = person(mia["jwt"], "Cleo", "Contributor", "confirmed", charter)

org = call("POST", "/organizations", admin_jwt, {"name": "Tus Interop Lab"})
for emails, role in (([mia["email"]], "manager"), ([sam["email"]], "user"), ([cleo["email"]], "contributor")):
    res = call("POST", f"/organizations/{org['id']}/invitations", admin_jwt, {"emails": emails, "role": role})
    outcomes = [r["outcome"] for r in res["results"]]
    if outcomes != ["added"]:
        sys.exit(f"seed: inviting {emails} as {role}: {res}")

project = call("POST", "/projects", mia["jwt"], {
    "organization_id": org["id"], "name": "Resumable uploads", "data_class": "standard",
    "domain": domain, "description": "tus interoperability.",
    "sponsor_id": me["user"]["id"], "data_steward_id": sam["id"],
})
for jwt in (admin_jwt, sam["jwt"]):
    waiting = call("GET", "/approvals", jwt)["items"]
    mine = [a for a in waiting if a["subject_id"] == project["id"] and not a.get("decision")]
    if not mine:
        sys.exit(f"seed: no approval of the project for this approver: {waiting}")
    call("POST", f"/approvals/{mine[0]['id']}/decision", jwt, {"decision": "approve"})
state = call("GET", f"/projects/{project['id']}", mia["jwt"])["state"]
if state != "active":
    sys.exit(f"seed: the project is {state} after both approvals")
call("POST", f"/projects/{project['id']}/participants", mia["jwt"], {"email": cleo["email"], "role": "analyst"})
dataset = call("POST", f"/projects/{project['id']}/datasets", mia["jwt"], {"name": "Interop uploads"})

print(json.dumps({"token": cleo["jwt"], "dataset": dataset["id"], "project": project["id"]}))
