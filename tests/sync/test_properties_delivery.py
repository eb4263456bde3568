"""Property: whatever change the server accepts reaches every entitled device byte-identical, and digests agree —
on an SQLite and on a PostgreSQL server.

Each example is three devices in two organisations (a school's two, social care's one) on the real app served on
127.0.0.1; hypothesis picks offline edits with arbitrary text and dates, notes, involvements of social care that
start and end, and syncs in any order. After every device has synced twice: nothing is left pending (every change
was applied, is in conflict, or was set aside with a reason); every row a device holds hashes to exactly the
server's canonical line for it, and it holds exactly the rows its organisation may see; a full digest matches.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from casedesk import config
from casedesk.errors import CaseDeskError
from casedesk.server.db import records
from casedesk.server.db.pulls import _seen_by
from casedesk.store import keyfile
from casedesk.store.journal import digest as sync_digest
from casedesk.store.journal import outbox as sync_outbox
from casedesk.sync.entities import ENTITIES, row_digest
from casedesk.sync.transport import Offline
from tests.sync.harness import Device, Server, make_device

TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=24)
FIELDS = ("preferred_name", "gender", "address_line1", "town", "family_name")  # address fields are critical
WHO = st.integers(0, 2)
step = st.one_of(
    st.tuples(st.just("child"), WHO, TEXT, TEXT, st.dates(date(1990, 1, 1), date(2030, 12, 31))),
    st.tuples(st.just("edit"), WHO, st.integers(0, 5), st.sampled_from(FIELDS), TEXT),
    st.tuples(st.just("note"), WHO, st.integers(0, 5), TEXT),
    st.tuples(st.just("involve"), WHO, st.integers(0, 5)),
    st.tuples(st.just("end"), WHO, st.integers(0, 5)),
    st.tuples(st.just("sync"), WHO),
)
_names = itertools.count()
# Shrinking replays whole multi-device examples; it stays on for a deeper run but not in the suite's budget.
PHASES = (
    [Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink]
    if os.environ.get("CASEDESK_PROPERTY_SHRINK")
    else [Phase.explicit, Phase.reuse, Phase.generate]
)


def _server_lines(server: Server, org_id: str, skip: set[str]) -> dict[str, set[str]]:
    """The canonical digest line of every row the organisation may see, per entity, as the server holds it."""
    lines: dict[str, set[str]] = {entity: set() for entity in ENTITIES}
    columns = (records.c.entity, records.c.row_id, records.c.data, records.c.deleted)
    with server.store.read() as conn:
        for r in conn.execute(_seen_by(org_id, *columns)):
            if r.row_id not in skip:
                lines[r.entity].add(row_digest(r.row_id, r.data, r.deleted, ENTITIES[r.entity]))
    return lines


def _device_lines(device: Device, skip: set[str]) -> dict[str, set[str]]:
    """The same lines as the device holds them, leaving out rows held back by a change set aside."""
    return {
        entity: {
            row_digest(i, values, deleted, spec)
            for i, deleted, values in sync_digest.digest_rows(device.db, entity)
            if i not in skip
        }
        for entity, spec in ENTITIES.items()
    }


def _apply(step: tuple[Any, ...], devices: list[Device], children: list[str], orgs: tuple[str, str]) -> None:
    kind, who, *rest = step
    device = devices[who]
    held = [c["child"]["id"] for c in device.export()["children"]] if kind in ("edit", "note", "involve", "end") else []
    pick = held[rest[0] % len(held)] if held else None  # a child this device holds
    with contextlib.suppress(CaseDeskError):  # what the device itself refuses never reaches the server
        if kind == "child":
            with device.db.unit_of_work(device.username) as uow:
                child = uow.insert(
                    "children", {"given_name": rest[0], "family_name": rest[1], "date_of_birth": rest[2]}
                )
                org = orgs[1] if who == 2 else orgs[0]
                uow.insert(
                    "involvements",
                    {
                        "child_id": child,
                        "organisation_id": org,
                        "role": "designated_safeguarding_lead",
                        "start_date": rest[2],
                    },
                )
            children.append(child)
        elif kind == "edit" and pick:
            device.edit("children", pick, **{rest[1]: rest[2]})
        elif kind == "note" and pick:
            device.note(pick, rest[1])
        elif kind == "involve" and pick:
            with device.db.unit_of_work(device.username) as uow:
                today = datetime.now(UTC).date()
                uow.insert(
                    "involvements",
                    {"child_id": pick, "organisation_id": orgs[1], "role": "social_worker", "start_date": today},
                )
        elif kind == "end" and pick:
            involvements = [
                i["id"]
                for c in device.export()["children"]
                if c["child"]["id"] == pick
                for i in c["involvements"]
                if i["organisation_id"] == orgs[1] and not i.get("end_date")
            ]
            if involvements:
                yesterday = datetime.now(UTC).date() - timedelta(days=1)
                device.edit("involvements", involvements[0], end_date=yesterday)
        elif kind == "sync":
            with contextlib.suppress(Offline):
                device.sync()


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_accepted_changes_reach_every_entitled_device_byte_identical(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, fast_kdf: keyfile.KdfParams, fast_passwords: None
) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}" if backend == "sqlite" else request.getfixturevalue("pg_url")
    server = Server(url)
    served = server.serve()

    @settings(
        max_examples=int(os.environ.get("CASEDESK_PROPERTY_EXAMPLES", "4")),
        phases=PHASES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(steps=st.lists(step, min_size=1, max_size=10))
    def example(steps: list[tuple[Any, ...]]) -> None:
        n = next(_names)  # each example is a fresh pair of organisations on the same server
        orgs = (server.org(f"School {n}"), server.org(f"Social care {n}"))
        names = (f"ann{n}", f"ben{n}", f"sam{n}")
        for name, org in zip(names, (orgs[0], orgs[0], orgs[1]), strict=True):
            server.user(org, name)
        folder = tmp_path / f"example{n}"
        folder.mkdir()
        devices = [make_device(folder, name, None, name, base_url=served, org_server=server) for name in names]
        try:
            children: list[str] = []
            for one in steps:
                _apply(one, devices, children, orgs)
            for _ in range(2):
                for device in devices:
                    device.sync()
            for device, org in zip(devices, (orgs[0], orgs[0], orgs[1]), strict=True):
                assert set(sync_outbox.count_by_state(device.db)) <= {"applied", "conflict", "rejected"}
                assert all(aside.reason for aside in device.service.set_aside())
                held_back = sync_outbox.held_back_row_ids(device.db)
                assert _device_lines(device, held_back) == _server_lines(server, org, held_back)
                device.db.put(config.LAST_FULL_DIGEST, "2000-01-01T00:00:00+00:00")
                report = device.sync()
                assert report.digest_ok and report.resynced == [] and report.digest_rows is None
        finally:
            for device in devices:
                device.close()

    try:
        example()
    finally:
        server.close()
