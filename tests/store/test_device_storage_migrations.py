"""Migrations of the device's storage for pulled rows, up and down on a database holding rows (schema v17: the
chronology's indexes by what an entry amends or records hold only the entries that name something; v18: the
amends index holds every entry again, the smallest index a round's count of the chronology walks)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from alembic import command

from casedesk.store.database import Database
from casedesk.store.migrate import alembic_config, current_revision, head_revision

INDEXES = ("ix_events_amends_id", "ix_events_related_id")


def _index_sql(db: Database) -> dict[str, str]:
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN (?, ?)", INDEXES
        ).all()
    return {name: sql for name, sql in rows}


def _plan(db: Database, sql: str, value: str) -> str:
    with db.engine.connect() as conn:
        return " ".join(str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", (value,)))


def _migrate(db: Database, target: str, *, down: bool) -> None:
    with db.engine.connect() as conn:
        (command.downgrade if down else command.upgrade)(alembic_config(conn), target)
        conn.commit()


def _chronology(db: Database) -> tuple[str, str]:
    now = datetime.now(UTC)
    entry = {"kind": "note", "occurred_at": now, "recorded_at": now, "author": "alice", "summary": "Seen at home"}
    with db.unit_of_work("alice") as uow:
        child = uow.insert("children", {"given_name": "Ama", "family_name": "Osei", "date_of_birth": date(2012, 3, 4)})
        first = uow.insert("events", {"child_id": child, **entry})
        uow.insert("events", {"child_id": child, **entry, "amends_id": first, "summary": "Seen at home, with Mum"})
    return child, first


def test_entries_recording_nothing_leave_the_related_index_and_lookups_still_use_both(db: Database) -> None:
    child, first = _chronology(db)
    sql = _index_sql(db)
    assert "WHERE related_id IS NOT NULL" in sql["ix_events_related_id"].replace('"', "")
    assert "WHERE" not in sql["ix_events_amends_id"]
    for name in INDEXES:
        column = name.removeprefix("ix_events_")
        assert name in _plan(db, f"SELECT id FROM events WHERE {column} = ?", first)

    _migrate(db, "0017", down=True)  # v17: both partial
    assert all("IS NOT NULL" in sql for sql in _index_sql(db).values())
    _migrate(db, "0016", down=True)
    with db.engine.connect() as conn:
        assert current_revision(conn) == "0016"
    assert all("WHERE" not in sql for sql in _index_sql(db).values())
    assert "ix_events_amends_id" in _plan(db, "SELECT id FROM events WHERE amends_id = ?", first)

    _migrate(db, "head", down=False)
    with db.engine.connect() as conn:
        assert current_revision(conn) == head_revision()
        amended = conn.exec_driver_sql("SELECT summary FROM events WHERE amends_id = ?", (first,)).scalars().all()
        assert conn.exec_driver_sql("SELECT count(*) FROM events WHERE child_id = ?", (child,)).scalar() == 2
    assert amended == ["Seen at home, with Mum"]
    assert _index_sql(db) == sql


def test_a_rounds_count_of_the_chronology_walks_the_amends_index(db: Database) -> None:
    """The count every sync round takes (`local_tallies`) reads the smallest index: the one of entries' amends,
    mostly entries of nothing, not the index of 36-character ids (which grew a round's time with the caseload)."""
    _chronology(db)
    with db.engine.connect() as conn:
        plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN SELECT count(*) FROM events"))
    assert "ix_events_amends_id" in plan
