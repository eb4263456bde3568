"""Everything a peer can send wrong gets a clear JSON error and changes nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import gzip
import json
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from casedesk.server.db import accounts
from tests.sync.harness import PASSWORD, Server


def _enrol(client: httpx.Client, server: Server, device_id: str = "device-1", code: str | None = None) -> Any:
    return client.post(
        "/v1/enrol",
        json={"username": "ann", "password": PASSWORD, "code": code or server.code("ann"), "device_id": device_id},
    )


@pytest.fixture
def enrolled(any_server: Server) -> tuple[Server, httpx.Client, dict[str, str]]:
    org = any_server.org("Riverside Academy")
    any_server.user(org, "ann")
    client = any_server.client()
    token = _enrol(client, any_server).json()["device_token"]
    return any_server, client, {"Authorization": f"Bearer {token}", "X-CaseDesk-Device": "device-1"}


def _feed_size(server: Server) -> int:
    with server.store.read() as conn:
        return int(conn.execute(text("select count(*) from feed")).scalar())


def test_a_valid_token_works_and_the_token_is_stored_only_hashed(enrolled) -> None:
    server, client, headers = enrolled
    assert client.get("/v1/pull", headers=headers).status_code == 200
    with server.store.read() as conn:
        stored = conn.execute(text("select token_hash from devices")).scalar()
    assert headers["Authorization"].split()[1] not in stored


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"Authorization": "Bearer forged-token-value"}, "invalid_token"),
        ({"Authorization": ""}, "invalid_token"),
        ({"X-CaseDesk-Device": "someone-else"}, "invalid_token"),  # a token replayed from another device id
    ],
)
def test_forged_and_replayed_tokens_are_refused(enrolled, change: dict[str, str], error: str) -> None:
    server, client, headers = enrolled
    before = _feed_size(server)
    response = client.post("/v1/push", headers={**headers, **change}, json={"changes": []})
    assert response.status_code == 401 and response.json()["error"] == error
    assert _feed_size(server) == before


def test_an_old_token_stops_working_after_re_enrolment(enrolled) -> None:
    server, client, headers = enrolled
    _enrol(client, server)
    assert client.get("/v1/pull", headers=headers).status_code == 401


def test_a_revoked_device_is_told_so(enrolled) -> None:
    server, client, headers = enrolled
    accounts.revoke_device(server.store, "device-1")
    response = client.get("/v1/pull", headers=headers)
    assert response.status_code == 403 and response.json()["error"] == "device_revoked"
    again = _enrol(client, server)
    assert again.status_code == 403 and again.json()["error"] == "device_refused"


def test_enrolment_codes_are_one_time_and_passwords_are_rate_limited(enrolled) -> None:
    server, client, _headers = enrolled
    code = server.code("ann")
    assert _enrol(client, server, "device-2", code).status_code == 200
    replay = _enrol(client, server, "device-3", code)
    assert replay.status_code == 401 and replay.json()["error"] == "code_used"
    for _ in range(4):  # the replayed code counted as the first of five failures
        bad = client.post(
            "/v1/enrol", json={"username": "ann", "password": "wrong guess", "code": "X", "device_id": "device-9"}
        )
        assert bad.status_code == 401 and bad.json()["error"] == "bad_credentials"
    limited = _enrol(client, server, "device-9")
    assert limited.status_code == 429 and limited.json()["error"] == "rate_limited"


def test_oversized_and_bomb_pushes_get_413(enrolled) -> None:
    _server, client, headers = enrolled
    big = json.dumps({"changes": [], "pad": "x" * (9 * 1024 * 1024)}).encode()
    response = client.post("/v1/push", headers={**headers, "Content-Type": "application/json"}, content=big)
    assert response.status_code == 413 and response.json()["error"] == "too_large"
    bomb = gzip.compress(b" " * (64 * 1024 * 1024))  # ~64 KB on the wire, 64 MB inflated
    response = client.post(
        "/v1/push", content=bomb, headers={**headers, "Content-Encoding": "gzip", "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    too_many = {"changes": [{"change_id": str(i)} for i in range(501)]}
    response = client.post("/v1/push", headers=headers, json=too_many)
    assert response.status_code == 422 and response.json()["error"] == "invalid_request"


def test_malformed_json_gets_a_clear_error(enrolled) -> None:
    _server, client, headers = enrolled
    response = client.post("/v1/push", headers={**headers, "Content-Type": "application/json"}, content=b"{nope")
    assert response.status_code == 422 and set(response.json()) == {"error", "detail"}


def test_the_openapi_description_matches_the_endpoints(enrolled) -> None:
    _server, client, _headers = enrolled
    spec = client.get("/openapi.json").json()
    assert {"/v1/enrol", "/v1/push", "/v1/pull", "/v1/digest", "/v1/snapshot", "/health"} <= set(spec["paths"])
    push = spec["paths"]["/v1/push"]["post"]
    assert {"401", "403", "413", "422"} <= set(push["responses"])
    assert spec["components"]["schemas"]["PushRequest"]["properties"]["changes"]["maxItems"] == 500


def test_unknown_paths_answer_in_the_same_json_shape(enrolled) -> None:
    _server, client, _headers = enrolled
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404 and response.json()["error"] == "not_found"
