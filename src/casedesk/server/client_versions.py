"""Which app versions this server accepts: the oldest (older apps are told to update and cannot sync) and the
newest there is (apps before it are told a newer one exists). Set by the administrator
(`casedesk-server admin client-versions --minimum 0.2.0 --latest 0.3.0`), kept in the server's `meta` table so
every worker process and a restarted server see the same, and read afresh on each request (one primary-key read)
so a change takes effect at once.

An app sends its version with every request (`X-CaseDesk-Version`); one that sends none predates the header, so
it is older than any minimum.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select

from casedesk.domain import versions
from casedesk.server.auth import AuthFailure
from casedesk.server.db import ServerDB, meta
from casedesk.server.db.accounts import AdminError
from casedesk.sync.wire import ClientVersions

MINIMUM, LATEST = "client_minimum", "client_latest"
UPDATE_REQUIRED = 426  # HTTP "Upgrade Required"


def read(conn: Connection) -> ClientVersions:
    rows = dict(conn.execute(select(meta.c.key, meta.c.value).where(meta.c.key.in_((MINIMUM, LATEST)))).all())
    return ClientVersions(minimum=rows.get(MINIMUM), latest=rows.get(LATEST))


def publish(store: ServerDB, minimum: str | None, latest: str | None) -> ClientVersions:
    """Set both (None or "" clears one); refuses a version that is not one, or a minimum above the latest."""
    minimum, latest = (minimum or "").strip() or None, (latest or "").strip() or None
    try:
        versions.check_range(minimum, latest)
    except versions.BadVersion as exc:
        raise AdminError(str(exc)) from None
    with store.write() as conn:
        conn.execute(delete(meta).where(meta.c.key.in_((MINIMUM, LATEST))))
        for key, value in ((MINIMUM, minimum), (LATEST, latest)):
            if value:
                conn.execute(insert(meta).values(key=key, value=value))
        return read(conn)


def check(conn: Connection, app_version: str) -> None:
    """Refuse an app older than the minimum, with what to do, as `update_required` (HTTP 426)."""
    require(read(conn).minimum, app_version)


def minimum_column() -> Any:
    """The minimum as a column another query reads in the same statement (the device's token: one round trip to
    PostgreSQL for both; see `casedesk.server.caller`)."""
    return select(meta.c.value).where(meta.c.key == MINIMUM).scalar_subquery().label("client_minimum")


def require(minimum: str | None, app_version: str) -> None:
    """Refuse an app older than `minimum` (none: any is accepted), as `check` does."""
    if versions.needs_update(app_version, minimum):
        raise AuthFailure("update_required", versions.update_needed(app_version, minimum or ""), UPDATE_REQUIRED)


def command(store: ServerDB, minimum: str | None, latest: str | None) -> str:
    """`admin client-versions`: set what was given (keeping the other), and say what is published now."""
    if minimum is not None or latest is not None:
        with store.read() as conn:
            now = read(conn)
        publish(
            store,
            now.minimum if minimum is None else minimum,
            now.latest if latest is None else latest,
        )
    with store.read() as conn:
        now = read(conn)
    return f"Oldest accepted: {now.minimum or '(any)'}; newest: {now.latest or '(not published)'}."
