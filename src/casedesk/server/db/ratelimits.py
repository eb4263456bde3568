"""Rate limits kept in the server database, so every worker process (and a restarted server) sees one count.

Two kinds of limit, each a fixed window per key:
- **failed enrolments** (guessed passwords or codes), counted per (address, user name) pair, per user name and per
  address. The pair limit is the tight one, so guessing at one account locks out the guesser at that address,
  not everyone behind the same address (a school's NAT); the user limit stops a guess spread over many
  addresses, and the much larger address limit stops one address trying many accounts.
- **sync requests**, per device and per address, so one device or address cannot monopolise the server.

Keys are stored hashed (no addresses or user names at rest). Counters are upserted in one statement on both
SQLite and PostgreSQL. A server on SQLite runs as one process (see `casedesk-server --workers`), so its request
counters — one per request, too many to queue behind SQLite's single writer — stay in that process's memory;
on PostgreSQL they are in the database like the rest, every key of a request in one statement on a connection of
their own that commits without waiting for the disk (`synchronous_commit` off: a crash may forget the last moment's
hits, never corrupt them). They were a transaction of four round trips and a flush to disk before every sync
request; under load that was a large part of a small round's time.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from casedesk.server.db import ServerDB, rate_limits

Hit = tuple[str, int, int]  # key, limit, window seconds


@dataclass(frozen=True)
class Limits:
    pair_failures: int = 5  # failed enrolments per (address, user name) in `failure_window`
    user_failures: int = 20
    address_failures: int = 100
    failure_window: int = 900
    device_requests: int = 600  # sync requests per device in `request_window`
    address_requests: int = 20_000  # a whole office behind one NAT syncing at once
    request_window: int = 60


class RateLimited(Exception):
    """Too many attempts or requests; `retry_after` says when the window ends (seconds)."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after


def _hashed(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _window(now: float, seconds: int) -> int:
    return int(now // seconds) * seconds


def _upsert(conn: Connection, key: str, start: int) -> int:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(rate_limits).values(key=key, window_start=start, hits=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[rate_limits.c.key],
        set_={
            "hits": case((rate_limits.c.window_start == start, rate_limits.c.hits + 1), else_=1),
            "window_start": start,
        },
    ).returning(rate_limits.c.hits)
    return int(conn.execute(stmt).scalar_one())


def _upsert_all(conn: Connection, keys: list[tuple[str, int]]) -> list[int]:
    """Every (key, window start) counted in one PostgreSQL statement; the keys are distinct."""
    rows = postgresql.insert(rate_limits).values([{"key": k, "window_start": s, "hits": 1} for k, s in keys])
    upsert = rows.on_conflict_do_update(
        index_elements=[rate_limits.c.key],
        set_={
            "hits": case((rate_limits.c.window_start == rows.excluded.window_start, rate_limits.c.hits + 1), else_=1),
            "window_start": rows.excluded.window_start,
        },
    ).returning(rate_limits.c.key, rate_limits.c.hits)
    counted = {key: int(hits) for key, hits in conn.execute(upsert)}
    return [counted[key] for key, _ in keys]


class DatabaseCounter:
    def __init__(self, store: ServerDB, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock

    def hit(self, hits: Sequence[Hit], unsynced: Connection | None = None) -> list[int]:
        """Count `hits`; on PostgreSQL on `unsynced` when the caller holds one of `ServerDB.unsynced`'s
        connections already (the request's token was read on it), else on one of them."""
        now = self.clock()
        keys = [(_hashed(key), _window(now, seconds)) for key, _limit, seconds in hits]
        if not self.store.is_sqlite and len({k for k, _ in keys}) == len(keys):
            if unsynced is not None:
                return _upsert_all(unsynced, keys)
            with self.store.unsynced().connect() as conn:
                return _upsert_all(conn, keys)
        with self.store.engine.begin() as conn:  # one row per key: no feed lock needed
            return [_upsert(conn, key, start) for key, start in keys]

    def peek(self, hits: Sequence[Hit]) -> list[int]:
        now = self.clock()
        counts = []
        with self.store.read() as conn:
            for key, _limit, seconds in hits:
                row = conn.execute(
                    select(rate_limits.c.window_start, rate_limits.c.hits).where(rate_limits.c.key == _hashed(key))
                ).first()
                counts.append(int(row.hits) if row and row.window_start == _window(now, seconds) else 0)
        return counts


class MemoryCounter:
    """The same fixed windows in this process's memory (an SQLite server is one process)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._counts: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def hit(self, hits: Sequence[Hit], unsynced: Connection | None = None) -> list[int]:
        now = self.clock()
        out = []
        with self._lock:
            for key, _limit, seconds in hits:
                start = _window(now, seconds)
                held_start, count = self._counts.get(key, (start, 0))
                count = count + 1 if held_start == start else 1
                self._counts[key] = (start, count)
                out.append(count)
            if len(self._counts) > 100_000:  # old windows of keys not seen again
                self._counts = {k: v for k, v in self._counts.items() if v[0] >= _window(now, 3600)}
        return out


class Limiter:
    """The server's limits over its database (see the module docstring)."""

    def __init__(self, store: ServerDB, limits: Limits | None = None, clock: Callable[[], float] = time.time) -> None:
        self.limits = limits or Limits()
        self.clock = clock
        self.failures = DatabaseCounter(store, clock)
        self.requests: DatabaseCounter | MemoryCounter = (
            MemoryCounter(clock) if store.is_sqlite else DatabaseCounter(store, clock)
        )

    def _failure_keys(self, address: str, username: str) -> list[Hit]:
        lim, user = self.limits, username.strip().lower()
        return [
            (f"fail:pair:{address}\n{user}", lim.pair_failures, lim.failure_window),
            (f"fail:user:{user}", lim.user_failures, lim.failure_window),
            (f"fail:addr:{address}", lim.address_failures, lim.failure_window),
        ]

    def _refuse(self, detail: str, seconds: int) -> RateLimited:
        now = self.clock()
        return RateLimited(detail, max(1, int(_window(now, seconds) + seconds - now)))

    def check_enrolment(self, address: str, username: str) -> None:
        hits = self._failure_keys(address, username)
        for (_key, limit, seconds), count in zip(hits, self.failures.peek(hits), strict=True):
            if count >= limit:
                raise self._refuse("Too many failed attempts; wait a few minutes.", seconds)

    def enrolment_failed(self, address: str, username: str) -> None:
        self.failures.hit(self._failure_keys(address, username))

    def sync_request(self, address: str, device_id: str | None, unsynced: Connection | None = None) -> None:
        """Count a sync request (and refuse it past a limit); `unsynced`: see `DatabaseCounter.hit`."""
        lim = self.limits
        hits = [(f"req:addr:{address}", lim.address_requests, lim.request_window)]
        if device_id:
            hits.append((f"req:dev:{device_id}", lim.device_requests, lim.request_window))
        for (_key, limit, seconds), count in zip(hits, self.requests.hit(hits, unsynced), strict=True):
            if count > limit:
                raise self._refuse("Too many requests; the device will try again shortly.", seconds)


def forget_old(store: ServerDB, older_than: int = 86_400) -> None:
    """Drop counters whose window ended long ago (run with the daily sweep)."""
    with store.engine.begin() as conn:
        conn.execute(delete(rate_limits).where(rate_limits.c.window_start < int(time.time()) - older_than))
