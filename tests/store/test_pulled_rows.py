"""Pulled rows as a first sync writes them (`store/journal/pulled_rows.py`): the values and digest numbers the
bulk insert gives are those of the general path, and one version covering every field is kept as one number
(`store/field_versions.py`) yet read, merged and edited from as the full map."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import event, select

from casedesk.domain.ids import new_id
from casedesk.domain.schema import CATALOGUE
from casedesk.services.children import ChildrenService
from casedesk.store.database import Database
from casedesk.store.engine import BULK_CACHE_KIB
from casedesk.store.field_versions import versions_json
from casedesk.store.journal import outbox, tallies
from casedesk.store.journal.apply import apply_page, table_of
from casedesk.store.journal.pulled_rows import _date_as_sent, _time_as_sent
from casedesk.store.models import UTCDateTime
from casedesk.sync.wire import PullItem

MOMENT = "2025-01-06T10:00:00+01:00"  # not UTC: the device keeps times in UTC


def _row(entity: str, row_id: str, fields: dict[str, Any], versions: dict[str, int]) -> PullItem:
    return PullItem(kind="row", entity=entity, row_id=row_id, fields=fields, versions=versions)


def _child_fields() -> dict[str, Any]:
    values: dict[str, Any] = {name: spec.default for name, spec in CATALOGUE["children"].by_name.items()}
    values.update(given_name="Ada", family_name="Okafor", date_of_birth="2012-05-01")
    return values


def _stored_versions(db: Database, entity: str, row_id: str) -> str:
    with db.engine.connect() as conn:
        return str(conn.exec_driver_sql(f"SELECT versions FROM {entity} WHERE id = ?", (row_id,)).scalar_one())


def _held(db: Database, entity: str, row_id: str) -> dict[str, Any]:
    table = table_of(entity)
    with db.engine.connect() as conn:
        return dict(conn.execute(select(table).where(table.c.id == row_id)).mappings().one())


def test_one_version_over_every_field_is_stored_as_one_number_and_read_as_the_map(db: Database) -> None:
    child, partial = new_id(), new_id()
    fields = _child_fields()
    whole = dict.fromkeys(fields, 7)
    apply_page(db, [_row("children", child, fields, whole)], 7)
    assert _stored_versions(db, "children", child).replace(" ", "") == '[7,"children"]'
    assert _held(db, "children", child)["versions"] == whole

    withheld = {k: 8 for k in whole if k != "upn"}  # a field the server did not send: named as missing
    apply_page(db, [_row("children", partial, {k: fields[k] for k in withheld}, withheld)], 8)
    assert _stored_versions(db, "children", partial).replace(" ", "") == '[8,"children",["upn"]]'
    assert _held(db, "children", partial)["versions"] == withheld
    assert json.loads(versions_json("children", {**whole, "given_name": 9})) == {**whole, "given_name": 9}


def test_a_compact_row_merges_newer_versions_and_gives_its_base_to_an_edit(db: Database) -> None:
    child = new_id()
    fields = _child_fields()
    apply_page(db, [_row("children", child, fields, dict.fromkeys(fields, 7))], 7)
    apply_page(db, [_row("children", child, {"family_name": "Obi"}, {"family_name": 9})], 9)
    held = _held(db, "children", child)
    assert held["family_name"] == "Obi" and held["versions"]["family_name"] == 9 and held["versions"]["upn"] == 7
    apply_page(db, [_row("children", child, {"given_name": "Old"}, {"given_name": 7})], 10)  # not newer: ignored
    assert _held(db, "children", child)["given_name"] == "Ada"

    ChildrenService(db, "ann").update_child(child, {"given_name": "Adaeze"}, date(2026, 1, 1))
    (change,) = [c for c in outbox.pending_after(db, 500, 0)[0] if c["row_id"] == child]
    assert change["base_versions"] == {"given_name": 7}


def test_bulk_inserted_rows_number_as_their_stored_copies_do(db: Database) -> None:
    """The kept digest moved by a page of new rows equals a recount from the rows as stored (times given with an
    offset, dates, JSON documents, flags and defaults included)."""
    child, note, other, third = new_id(), new_id(), new_id(), new_id()
    fields = _child_fields()
    note_fields = {
        "child_id": child,
        "kind": "note",
        "author": "tester",
        "summary": "Seen",
        "occurred_at": MOMENT,
        "recorded_at": "2025-01-06T09:00:00Z",
    }
    fast = {**note_fields, "occurred_at": "2025-01-06T09:00:00+00:00", "recorded_at": "2025-01-06T09:00:00+00:00"}
    page = [
        _row("children", child, fields, dict.fromkeys(fields, 3)),
        _row("events", note, note_fields, dict.fromkeys(note_fields, 4)),
        _row("events", third, {**fast, "restricted": True}, dict.fromkeys([*fast, "restricted"], 4)),
        _row("children", other, {**fields, "given_name": "Ben"}, dict.fromkeys(fields, 5)),
        _row("children", other, {"family_name": "Obi"}, {"family_name": 6}),  # the same row again, newer
    ]
    with db.engine.begin() as conn:
        tallies.store(conn, tallies.recount_all(conn))
    stats = apply_page(db, page, 6)
    assert stats.rows == 4
    assert _held(db, "children", other)["family_name"] == "Obi"
    assert page[3].fields["family_name"] == "Okafor"  # the item as pulled: merged into a copy, not changed
    with db.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT occurred_at, restricted FROM events WHERE id = ?", (third,)).one()
    assert tuple(stored) == ("2025-01-06T09:00:00.000000+00:00", 1)
    assert _held(db, "events", note)["occurred_at"].isoformat() == "2025-01-06T09:00:00+00:00"
    with db.engine.connect() as conn:
        assert tallies.kept(conn) == tallies.recount_all(conn)


def test_a_page_is_applied_with_the_bulk_page_cache_and_the_connection_gets_the_usual_one_back(db: Database) -> None:
    with db.engine.connect() as conn:
        usual = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    assert usual != -BULK_CACHE_KIB
    seen: list[int] = []

    @event.listens_for(db.engine, "commit")
    def _at_commit(conn: Any) -> None:
        seen.append(conn.exec_driver_sql("PRAGMA cache_size").scalar())

    apply_page(db, [_row("children", new_id(), _child_fields(), dict.fromkeys(_child_fields(), 3))], 3)
    assert seen == [-BULK_CACHE_KIB]
    with db.engine.connect() as conn:  # the pool hands back the same connection, its cache as usual again
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == usual


@pytest.mark.parametrize(
    "sent",
    [
        "2025-01-06T09:00:00+00:00",
        "1999-12-31T23:59:59+00:00",
        "2025-01-06T09:00:00.250000+00:00",
        MOMENT,
        "2025-W02-1T09:00:00+00:00",
    ],
)
def test_a_time_sent_in_utc_to_the_second_is_stored_and_numbered_as_the_general_path_does(sent: str) -> None:
    moment = datetime.fromisoformat(sent).astimezone(UTC)
    general = (UTCDateTime().process_bind_param(moment, None), moment.isoformat())
    shortcut = _time_as_sent(sent)
    assert shortcut is None or shortcut == general
    assert (shortcut is not None) == (sent in ("2025-01-06T09:00:00+00:00", "1999-12-31T23:59:59+00:00"))


def test_a_date_sent_as_year_month_day_is_stored_as_sent_and_other_spellings_take_the_general_path() -> None:
    assert _date_as_sent("2012-05-01") == ("2012-05-01", date(2012, 5, 1).isoformat())
    assert _date_as_sent("20120501") is None and _date_as_sent("2012-W18-2") is None
    with pytest.raises(ValueError):
        _date_as_sent("2012-02-30")
    with pytest.raises(ValueError):
        _time_as_sent("2025-13-06T09:00:00+00:00")
