"""Administration over the API: an administrator sees and acts on their own organisation only, everyone else is
refused, and every call (refusals included) is in the administration audit — as are the command line's."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import httpx

from casedesk.domain.ids import new_id
from casedesk.server import administration
from casedesk.server.db import accounts, user_roles
from tests.sync.fixtures import fast_passwords, server  # noqa: F401
from tests.sync.harness import PASSWORD, SRC, Server


def _enrol(client: httpx.Client, server: Server, username: str) -> dict[str, str]:  # noqa: F811
    device_id = new_id()
    body = {"username": username, "password": PASSWORD, "code": server.code(username), "device_id": device_id}
    answer = client.post("/v1/enrol", json=body)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['device_token']}", "X-CaseDesk-Device": device_id}


def _audit(server: Server) -> list[tuple[str, str, str, str]]:  # noqa: F811
    return [(e["actor"], e["action"], e["target"], e["outcome"]) for e in administration.audit_log(server.store)]


def test_an_administrator_sees_and_acts_on_their_own_organisation_only(server: Server) -> None:  # noqa: F811
    riverside, hillside = server.org("Riverside Academy"), server.org("Hillside Academy")
    accounts.create_user(server.store, riverside, "alex", PASSWORD, administrator=True)
    server.user(riverside, "ann")
    server.user(hillside, "hal")
    client = server.client()
    alex, ann, hal = (_enrol(client, server, name) for name in ("alex", "ann", "hal"))

    me = client.get("/v1/me", headers=alex).json()
    assert me == {"username": "alex", "organisation_id": riverside, "administrator": True}
    assert client.get("/v1/me", headers=ann).json()["administrator"] is False

    seen: dict[str, Any] = client.get("/v1/admin/overview", headers=alex).json()
    assert seen["organisation"] == "Riverside Academy"
    assert [(u["username"], u["administrator"], u["devices"]) for u in seen["users"]] == [
        ("alex", True, 1),
        ("ann", False, 1),
    ]
    assert sorted(d["username"] for d in seen["devices"]) == ["alex", "ann"]  # not Hillside's
    assert all(d["last_sync"] for d in seen["devices"])

    hal_device = hal["X-CaseDesk-Device"]
    other = client.post(f"/v1/admin/devices/{hal_device}/revoke", headers=alex)
    assert other.status_code == 404 and other.json()["error"] == "not_found"
    assert client.get("/v1/state", headers=hal).status_code == 200  # untouched
    refused_code = client.post("/v1/admin/enrolment-codes", headers=alex, json={"username": "hal"})
    assert refused_code.status_code == 404

    ann_device = ann["X-CaseDesk-Device"]
    revoked = client.post(f"/v1/admin/devices/{ann_device}/revoke", headers=alex)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert client.get("/v1/state", headers=ann).json()["error"] == "device_revoked"

    issued = client.post("/v1/admin/enrolment-codes", headers=alex, json={"username": "ann", "hours": 2}).json()
    body = {"username": "ann", "password": PASSWORD, "code": issued["code"], "device_id": new_id()}
    assert client.post("/v1/enrol", json=body).status_code == 200  # the code enrols ann's new computer

    assert _audit(server)[::-1] == [
        ("alex", "list", "", "done"),
        ("alex", "revoke_device", ann_device, "done"),
        ("alex", "enrolment_code", "ann", "done"),
    ]


def test_everyone_else_is_refused_and_the_refusal_is_audited(server: Server) -> None:  # noqa: F811
    org = server.org("Riverside Academy")
    server.user(org, "ann")
    server.user(org, "ben")
    client = server.client()
    ann, ben = _enrol(client, server, "ann"), _enrol(client, server, "ben")
    for method, path, body in (
        ("GET", "/v1/admin/overview", None),
        ("POST", f"/v1/admin/devices/{ben['X-CaseDesk-Device']}/revoke", None),
        ("POST", "/v1/admin/enrolment-codes", {"username": "ben"}),
    ):
        answer = client.request(method, path, headers=ann, json=body)
        assert answer.status_code == 403 and answer.json() == {
            "error": "not_administrator",
            "detail": "Only your organisation's CaseDesk administrators can do this.",
        }
    assert client.get("/v1/state", headers=ben).status_code == 200
    assert client.get("/v1/admin/overview").json()["error"] == "invalid_token"  # no token: nothing at all
    assert _audit(server)[::-1] == [
        ("ann", "list", "", "refused"),
        ("ann", "revoke_device", ben["X-CaseDesk-Device"], "refused"),
        ("ann", "enrolment_code", "ben", "refused"),
    ]


def test_the_command_line_administers_too_and_is_audited(server: Server) -> None:  # noqa: F811
    env = {**os.environ, "PYTHONPATH": str(SRC), "CASEDESK_USER_PASSWORD": PASSWORD}

    def admin(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "casedesk.server.cli", "--database-url", server.url, "admin", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    org = admin("create-org", "Riverside Academy").stdout.strip()
    assert admin("create-user", "alex", "--org", org, "--administrator").returncode == 0
    assert admin("create-user", "ann", "--org", org).returncode == 0
    assert admin("set-administrator", "ann").returncode == 0
    assert admin("set-administrator", "ann", "--off").returncode == 0
    assert admin("enrolment-code", "ann").returncode == 0
    missing = admin("set-administrator", "nobody")
    assert missing.returncode == 1 and "No user called 'nobody'" in missing.stderr
    client = server.client()
    ann = _enrol(client, server, "ann")
    assert client.get("/v1/me", headers=ann).json()["administrator"] is False
    assert admin("revoke-device", ann["X-CaseDesk-Device"]).returncode == 0
    listed = admin("audit").stdout
    assert "(command line)" in listed and "revoke_device" in listed
    cli = [e[1:] for e in _audit(server) if e[0] == administration.COMMAND_LINE][::-1]
    assert cli == [
        ("create_user", "alex", "done"),
        ("create_user", "ann", "done"),
        ("set_administrator", "ann", "done"),
        ("unset_administrator", "ann", "done"),
        ("enrolment_code", "ann", "done"),
        ("revoke_device", ann["X-CaseDesk-Device"], "done"),
    ]


def test_the_administrator_role_administers_as_the_flag_does(server: Server) -> None:  # noqa: F811
    """An organisation's administrator made with the sharing roles (`admin user role NAME administrator`) gets the
    administration API without the older flag; a safeguarding lead does not."""
    riverside = server.org("Riverside Academy")
    server.user(riverside, "ria")
    server.user(riverside, "sam")
    user_roles.set_role(server.store, "ria", "administrator")
    client = server.client()
    ria, sam = (_enrol(client, server, name) for name in ("ria", "sam"))
    assert client.get("/v1/me", headers=ria).json()["administrator"] is True
    assert client.get("/v1/admin/overview", headers=ria).status_code == 200
    assert client.get("/v1/me", headers=sam).json()["administrator"] is False
    assert client.get("/v1/admin/overview", headers=sam).status_code == 403
