#!/usr/bin/env python3
"""Drives a fresh server through the Python client generated from
openapi/openapi.json (openapi-python-client), as an integrator would:

    python_client_check.py CLIENT_DIR BASE ADMIN_EMAIL ADMIN_PASSWORD

CLIENT_DIR holds the generated package `habilis_client`. The first admin
signs in, replaces the generated password and accepts the charter, policy
and all read through the client; then creates an account and finds it in
the list of accounts, walking its pages. Any answer other than the expected
model fails the run.
"""

import sys

CLIENT_DIR, BASE, ADMIN_EMAIL, ADMIN_PASSWORD = sys.argv[1:5]
sys.path.insert(0, CLIENT_DIR)

from habilis_client import AuthenticatedClient, Client  # noqa: E402
from habilis_client.api.auth import change_password, login  # noqa: E402
from habilis_client.api.me import accept_charter, get_me  # noqa: E402
from habilis_client.api.policy import get_policy  # noqa: E402
from habilis_client.api.users import create_user, list_users  # noqa: E402
from habilis_client.models import (  # noqa: E402
    AcceptCharter,
    ChangePassword,
    CreatedUser,
    CreateUser,
    Login,
    Me,
    Policy,
    Profile,
    TokenPair,
    UserPage,
)


def expect(value, kind, what):
    if not isinstance(value, kind):
        sys.exit(f"python client: {what} gave {value!r}, expected {kind.__name__}")
    return value


def sign_in(password):
    anonymous = Client(base_url=BASE, raise_on_unexpected_status=True)
    pair = expect(
        login.sync(client=anonymous, body=Login(email=ADMIN_EMAIL, password=password)),
        TokenPair,
        "POST /auth/login",
    )
    return AuthenticatedClient(base_url=BASE, token=pair.access_token, raise_on_unexpected_status=True), pair


anonymous = Client(base_url=BASE, raise_on_unexpected_status=True)
policy = expect(get_policy.sync(client=anonymous), Policy, "GET /policy")
domain = policy.accounts.allowed_email_domains[0]

admin, pair = sign_in(ADMIN_PASSWORD)
new_password = "python client admin passphrase"
if pair.must_change_password:
    res = change_password.sync_detailed(
        client=admin,
        body=ChangePassword(current_password=ADMIN_PASSWORD, new_password=new_password),
    )
    if res.status_code != 204:
        sys.exit(f"python client: POST /auth/password gave {res.status_code}: {res.content!r}")
    admin, _ = sign_in(new_password)
me = expect(get_me.sync(client=admin), Me, "GET /me")
res = accept_charter.sync_detailed(client=admin, body=AcceptCharter(version=me.current_charter_version))
if res.status_code != 200:
    sys.exit(f"python client: POST /me/charter gave {res.status_code}: {res.content!r}")

email = f"python.client@{domain}"
created = expect(
    create_user.sync(
        client=admin,
        body=CreateUser(email=email, first_name="Pia", last_name="Python", profile=Profile.EXPERT),
    ),
    CreatedUser,
    "POST /users",
)
seen, cursor, pages = [], None, 0
while True:
    kwargs = {"limit": 1}
    if cursor:
        kwargs["cursor"] = cursor
    page = expect(list_users.sync(client=admin, **kwargs), UserPage, "GET /users")
    seen.extend(u.email for u in page.items)
    pages += 1
    cursor = page.next_cursor if isinstance(page.next_cursor, str) else None
    if not cursor or pages > 50:
        break
if created.user.email not in seen:
    sys.exit(f"python client: {created.user.email} not among the listed accounts {seen}")
print(f"python client: signed in, created {created.user.email}, listed {len(seen)} accounts in {pages} pages")
