"""The dashboards' facts are built in short steps outside the feed lock: a push lands while a first build is part
way, a build stopped part way resumes, and facts written by an older version are rebuilt."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from casedesk.server.db import ServerDB, meta, migrate, report_facts
from casedesk.server.reports import facts
from tests.server.report_rows import Rows


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.slow)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerDB]:
    url = f"sqlite:///{tmp_path / 'server.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    db = ServerDB(url)
    migrate(db.engine)
    yield db
    db.dispose()


def _referral(day: str) -> dict:
    return {"sent_at": f"{day}T10:00:00+00:00", "status": "sent", "service_name": "Family Support"}


def _referrals(store: ServerDB) -> set[str]:
    with store.read() as conn:
        return set(conn.execute(select(report_facts.c.row_id).where(report_facts.c.entity == "referrals")).scalars())


def _meta(store: ServerDB, key: str) -> str | None:
    with store.read() as conn:
        return conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()


def test_a_push_lands_while_the_first_build_runs(store: ServerDB, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(facts, "CHUNK", 4)  # many steps from a few records
    rows = Rows(store)
    first = [rows.add("referrals", _referral("2026-01-05")) for _ in range(10)]
    rows.flush()
    part_way, carry_on = threading.Event(), threading.Event()
    seen: list[str] = []

    def progress(entity: str, read: int) -> None:
        seen.append(entity)
        if entity == "referrals" and not part_way.is_set():
            part_way.set()
            assert carry_on.wait(60)

    builder = threading.Thread(target=facts.catch_up, args=(store, progress))
    builder.start()
    assert part_way.wait(60)
    assert _meta(store, facts.BUILD_KEY) is not None  # the build is under way, the mark not yet moved
    late = Rows(store)
    pushed = late.add("referrals", _referral("2026-01-06"))
    pusher = threading.Thread(target=late.flush)  # a push: a write under the feed lock
    pusher.start()
    pusher.join(60)
    landed = not pusher.is_alive()
    carry_on.set()
    builder.join(120)
    assert landed, "the push waited for the facts build"
    assert not builder.is_alive()
    assert seen.count("referrals") >= 3  # the referrals were read in several steps
    assert _meta(store, facts.BUILD_KEY) is None
    facts.catch_up(store)  # the push came after the build began: caught up next
    assert _referrals(store) == {*first, pushed}


def test_a_build_stopped_part_way_resumes(store: ServerDB, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(facts, "CHUNK", 3)
    rows = Rows(store)
    made = {rows.add("referrals", _referral("2026-02-02")) for _ in range(8)}
    rows.flush()

    def stop(entity: str, read: int) -> None:
        if entity == "referrals":
            raise KeyboardInterrupt  # the server stopped

    with pytest.raises(KeyboardInterrupt):
        facts.catch_up(store, stop)
    assert 0 < len(_referrals(store)) < len(made)
    facts.catch_up(store)
    assert _referrals(store) == made
    with store.read() as conn:  # each record's fact once
        assert conn.execute(select(func.count()).select_from(report_facts)).scalar_one() == len(made)
    assert facts.catch_up(store) == 0


def test_facts_of_an_older_version_are_rebuilt(store: ServerDB) -> None:
    rows = Rows(store)
    made = {rows.add("referrals", _referral("2026-03-02")) for _ in range(3)}
    rows.flush()
    facts.catch_up(store)
    with store.write() as conn:
        conn.execute(update(meta).where(meta.c.key == facts.VERSION_KEY).values(value="1"))
        conn.execute(update(report_facts).values(until_day=None, kind="stale"))
    assert facts.catch_up(store) == len(made)  # every record read again
    with store.read() as conn:
        kinds = set(conn.execute(select(report_facts.c.kind)).scalars())
    assert kinds == {"sent"}
