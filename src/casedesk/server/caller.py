"""Who is calling: every device request's checks, in the order they have always run — the token (a revoked device
is told so, whatever its app's age), the request counted against its address and device (refused tokens against
the address), then the app's version against the published minimum.

On PostgreSQL each statement is a round trip to another process, and these checks ran before every request as
three connections from the pool (a liveness ping each), two read transactions (BEGIN, SELECT, ROLLBACK) and an
upsert: eleven round trips, about a third of a small sync round's statements. Here they take one connection and
two statements: the device row with the minimum version beside it (`client_versions.minimum_column`), then the
counters. The connection is one of `ServerDB.unsynced`'s (autocommit): reads need no transaction at PostgreSQL's
READ COMMITTED, where every statement sees its own snapshot anyway, and the counters are what that connection is
for. The read is the same one as before, so a token revoked a moment ago is refused at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection

from casedesk.server import client_versions
from casedesk.server.auth import AuthFailure
from casedesk.server.db import ServerDB, accounts
from casedesk.server.db.ratelimits import Limiter


def device(
    store: ServerDB, limiter: Limiter, address: str, authorization: str, device_id: str, app_version: str
) -> Any:
    """The calling device (a `accounts.device_for_token` row), or AuthFailure / RateLimited."""
    scheme, _, token = authorization.partition(" ")
    with _connection(store) as conn:
        try:
            if scheme.lower() != "bearer" or not token.strip():
                raise AuthFailure("invalid_token", "A device token is required; enrol this device first.")
            found = accounts.device_for_token(conn, token.strip(), device_id, [client_versions.minimum_column()])
        except AuthFailure:
            limiter.sync_request(address, None, _unsynced(store, conn))  # refused tokens count against their address
            raise
        limiter.sync_request(address, found.device_id, _unsynced(store, conn))
    accounts.note_seen(store, found)
    client_versions.require(found.client_minimum, app_version)
    return found


@contextmanager
def _connection(store: ServerDB) -> Iterator[Connection]:
    if store.is_sqlite:  # one process, counters in memory: an ordinary read
        with store.read() as conn:
            yield conn
    else:
        with store.unsynced().connect() as conn:
            yield conn


def _unsynced(store: ServerDB, conn: Connection) -> Connection | None:
    return None if store.is_sqlite else conn
