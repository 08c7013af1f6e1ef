"""What the test scripts' seeds (schemathesis_seed.py, tus_interop_seed.py)
share: JSON calls to a fresh server and the activation links it e-mails.

Standard library only: the seeds run before (and without) any virtualenv.
Call `init(base)` first.
"""

import glob
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request

BASE = None


def init(base):
    """The server the calls go to (`http://127.0.0.1:PORT`)."""
    global BASE
    BASE = base


def call(method, path, token=None, body=None, expect=(200, 201, 204)):
    """`method /api/v1{path}` with a JSON body; the decoded answer, or the
    script stops with the status and body when it is not one of `expect`."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{BASE}/api/v1{path}", data=data, method=method)
    if data is not None:
        req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            status, text = res.status, res.read().decode()
    except urllib.error.HTTPError as err:
        status, text = err.code, err.read().decode()
    if status not in expect:
        sys.exit(f"seed: {method} {path} answered {status}: {text}")
    return json.loads(text) if text else None


def activation_token(email):
    """The token of the activation link e-mailed to `email` (the server
    writes e-mails as .eml files under HABILIS_DATA_DIR/mail)."""
    mail_dir = os.path.join(os.environ.get("HABILIS_DATA_DIR", "data"), "mail")
    for _ in range(300):
        for path in glob.glob(os.path.join(mail_dir, "*.eml")):
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            if email.lower() in text.lower():
                m = re.search(r"activate\?token=([A-Za-z0-9_-]+)", text)
                if m:
                    return m.group(1)
        time.sleep(0.1)
    sys.exit(f"seed: no activation e-mail for {email} in {mail_dir}")


def settle(email, password, new_password, charter):
    """Opens the activation link, signs in, replaces the initial password,
    accepts the charter; the session's access token."""
    call("POST", "/auth/activate", body={"token": activation_token(email)})
    jwt = call("POST", "/auth/login", body={"email": email, "password": password})["access_token"]
    call("POST", "/auth/password", jwt, {"current_password": password, "new_password": new_password})
    call("POST", "/me/charter", jwt, {"version": charter})
    return jwt
