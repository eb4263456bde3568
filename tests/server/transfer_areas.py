"""Two areas for case-transfer tests: area A (the `server` fixture) with a school's child, area B a second server
with its social care team, and a key pair for each (the `areas` fixture)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casedesk.server.cli import main
from casedesk.server.db import records
from tests.sync.harness import Device, Server, make_device

UPN = "B801200005001"
AGREEMENT = [
    "--title", "Schools and Northshire children's services", "--a-to-b", "identity,general,social_care",
    "--b-to-a", "identity", "--article-6", "public_task", "--start", "2025-09-01", "--review", "2027-08-31",
    "--signed-by", "Head teacher, Oakwood",
]  # fmt: skip


def _cli(url: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--database-url", url, *args])
    out, err = capsys.readouterr()
    return code, out.strip(), err


def _count(server: Server) -> int:
    with server.store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(records)).scalar_one())


def _event(device: Device, child: str, kind: str, summary: str, category: str = "general") -> None:
    now = datetime(2026, 10, 1, 9, tzinfo=UTC)
    with device.db.unit_of_work(device.username) as uow:
        uow.insert(
            "events",
            {"child_id": child, "kind": kind, "occurred_at": now, "recorded_at": now, "author": device.username,
             "summary": summary, "category": category},
        )  # fmt: skip


@pytest.fixture
def areas(tmp_path: Path, server: Server, capsys: pytest.CaptureFixture[str]) -> Iterator[dict[str, object]]:
    """Area A (`server`): a school's child with a note, a care period and a youth-justice entry. Area B: a second
    server with its social care team. Keys for both."""
    school = server.org("Oakwood Primary School")
    code, northshire_here, _ = _cli(server.url, capsys, "admin", "create-org", "Northshire Children's Services",
                                    "--kind", "childrens_social_care")  # fmt: skip
    assert code == 0
    assert _cli(server.url, capsys, "admin", "agreement", "default", "closed")[0] == 0
    agreement = ["admin", "agreement", "add", "--party-a", f"org:{school}", "--party-b", f"org:{northshire_here}"]
    assert _cli(server.url, capsys, *agreement, *AGREEMENT)[0] == 0
    server.user(school, "ann")
    ann = make_device(tmp_path, "ann", server, "ann")
    child = ann.add_child("Ada", "Okafor", school, upn=UPN, postcode="LS6 2AB")
    _event(ann, child, "note", "Settled well after half term")
    _event(ann, child, "police_contact", "Stopped and searched", "youth_justice")
    with ann.db.unit_of_work("ann") as uow:
        uow.insert("status_periods", {"child_id": child, "kind": "child_in_need", "start_date": date(2025, 9, 1)})
    assert ann.sync().digest_ok
    other = Server(f"sqlite:///{tmp_path / 'northshire.db'}")
    care = other.org("Northshire Children's Services")
    other.user(care, "bob")
    keys = tmp_path / "keys"
    for area in ("Leeds", "Northshire"):
        assert _cli(server.url, capsys, "transfer", "keys", "--area", area, "--out", str(keys))[0] == 0
    assert (keys / "leeds.key.json").stat().st_mode & 0o077 == 0
    yield {"a": server, "b": other, "child": child, "to_org": northshire_here, "care": care, "keys": keys,
           "ann": ann, "school": school}  # fmt: skip
    other.close()
