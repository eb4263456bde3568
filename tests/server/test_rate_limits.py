"""Rate limits on enrolment and sync, kept in the server database: a guesser is locked out, not the school
behind the same address, and every worker process counts together (two apps over one database stand in for
two workers). Served on 127.0.0.1; a second client binds 127.0.0.2, another machine to the server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from casedesk.domain.ids import new_id
from casedesk.server.db.ratelimits import Limits
from casedesk.store import keyfile
from tests.sync.harness import PASSWORD, Server

SMALL = Limits(pair_failures=3, user_failures=5, address_failures=8, device_requests=4, address_requests=50)


@pytest.fixture(params=["sqlite", "postgres"])
def two_workers(
    request: pytest.FixtureRequest, tmp_path: Path, fast_kdf: keyfile.KdfParams, fast_passwords: None
) -> Iterator[tuple[Server, Server]]:
    url = f"sqlite:///{tmp_path / 'server.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    first = Server(url, limits=SMALL)
    second = Server(url, limits=SMALL)
    school = first.org("Riverside Academy")
    for name in ("ann", "ben", "cat"):
        first.user(school, name)
    yield first, second
    first.close(), second.close()


def _enrol(client: httpx.Client, username: str, password: str, code: str) -> httpx.Response:
    body = {"username": username, "password": password, "code": code, "device_id": new_id()}
    return client.post("/v1/enrol", json=body)


def test_a_guesser_is_locked_out_and_the_school_behind_the_same_address_is_not(two_workers) -> None:
    server, other = two_workers
    school, elsewhere = server.loopback(), server.loopback(source="127.0.0.2")
    for _ in range(SMALL.pair_failures):
        assert _enrol(school, "ann", "wrong guess", "X").status_code == 401
    locked = _enrol(school, "ann", PASSWORD, server.code("ann"))
    assert locked.status_code == 429 and locked.json()["error"] == "rate_limited"
    assert int(locked.headers["Retry-After"]) > 0
    # colleagues behind the same address enrol as usual, through either worker
    assert _enrol(school, "ben", PASSWORD, server.code("ben")).status_code == 200
    assert _enrol(other.loopback(), "cat", PASSWORD, server.code("cat")).status_code == 200
    # and ann herself, from another machine
    assert _enrol(elsewhere, "ann", PASSWORD, server.code("ann")).status_code == 200


def test_guesses_spread_over_addresses_and_workers_add_up(two_workers) -> None:
    server, other = two_workers
    first, second = server.loopback(), other.loopback(source="127.0.0.2")
    for client in (first, second, first, second, first):  # five failures, never three from one address
        assert _enrol(client, "ann", "wrong guess", "X").status_code == 401
    refused = _enrol(other.loopback(), "ann", PASSWORD, server.code("ann"))
    assert refused.status_code == 429  # the account's own limit, counted across both workers


def test_sync_requests_are_limited_per_device_across_workers(two_workers) -> None:
    server, other = two_workers
    client = server.loopback()
    device_id = new_id()
    body = {"username": "ann", "password": PASSWORD, "code": server.code("ann"), "device_id": device_id}
    token = client.post("/v1/enrol", json=body).json()["device_token"]
    headers = {"Authorization": f"Bearer {token}", "X-CaseDesk-Device": device_id}
    # on PostgreSQL the workers count together; an SQLite server is one process, so one app serves it all
    workers = (client, client) if server.store.is_sqlite else (client, other.loopback())
    answers = [workers[i % 2].get("/v1/pull", headers=headers).status_code for i in range(SMALL.device_requests + 1)]
    assert answers == [200] * SMALL.device_requests + [429]
    limited = client.get("/v1/pull", headers=headers)
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    # another device at the same address is not held back by this one
    other_id = new_id()
    body = {"username": "ben", "password": PASSWORD, "code": server.code("ben"), "device_id": other_id}
    token = client.post("/v1/enrol", json=body).json()["device_token"]
    fine = client.get("/v1/pull", headers={"Authorization": f"Bearer {token}", "X-CaseDesk-Device": other_id})
    assert fine.status_code == 200
