"""Set-up the sync benchmarks share (`sync_bench.py`, `restore_bench.py`): hashing made fast where it is not what
is measured, a caseload written through the unit of work, and a device enrolled with a server.

Import it after the benchmark has put `src/` on `sys.path`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher

from casedesk import config
from casedesk.server import auth
from casedesk.server.db import ServerDB
from casedesk.server.db import accounts as admin
from casedesk.services import sync
from casedesk.store import keyfile
from casedesk.store.database import Database
from casedesk.sync.http import HttpTransport

PASSWORD, PASSPHRASE = "benchmark password", "benchmark passphrase"
BATCH = 500  # children per unit of work


def fast_hashing() -> None:
    """Unlocking a database and logging in are not what these benchmarks time: cheap Argon2 for both."""
    keyfile.DEFAULT_KDF = keyfile.KdfParams(time_cost=1, memory_cost_kib=8192, parallelism=1)
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def write_caseload(db: Database, org_id: str, children: int, *, start: int = 0, status: bool, events: int) -> None:
    """Per child: its details, an involvement with `org_id`, a child-in-need status if `status`, and `events`
    chronology notes — `children` of them, numbered from `start`, journaled for sync."""
    now = datetime.now(UTC)
    for first in range(start, start + children, BATCH):
        with db.unit_of_work("bench") as uow:
            for i in range(first, min(start + children, first + BATCH)):
                child = uow.insert(
                    "children",
                    {
                        "given_name": f"Child{i}",
                        "family_name": "Example",
                        "date_of_birth": date(2010 + i % 8, 1 + i % 12, 1 + i % 28),
                        "postcode": "LS1 4AP",
                        "town": "Leeds",
                    },
                )
                if status:
                    uow.insert(
                        "status_periods", {"child_id": child, "kind": "child_in_need", "start_date": date(2024, 1, 8)}
                    )
                uow.insert(
                    "involvements",
                    {"child_id": child, "organisation_id": org_id, "role": "school", "start_date": date(2024, 9, 1)},
                )
                for k in range(events):
                    uow.insert(
                        "events",
                        {
                            "child_id": child,
                            "kind": "note",
                            "occurred_at": now,
                            "recorded_at": now,
                            "author": "bench",
                            "summary": f"Contact {k}",
                            "body": "Seen at school.",
                        },
                    )


def enrolled_device(
    tmp: Path, name: str, store: ServerDB, base: str, *, user: str | None = None, **transport: Any
) -> tuple[Database, HttpTransport]:
    """A new device database `name`, enrolled as `user` (default: `name`) with the server at `base` (extra
    `transport` options: an in-process client, no back-off sleeps)."""
    db = Database.create(tmp / f"{name}.db", PASSPHRASE)
    net = HttpTransport(base, device_id=db.device_id, **transport)
    user = user or name
    sync.enrol(db, base, user, PASSWORD, admin.enrolment_code(store, user), transport=net)
    net.token = db.get(config.DEVICE_TOKEN)
    return db, net
