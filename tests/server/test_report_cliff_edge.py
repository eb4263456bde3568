"""The server's cliff-edge cohort reads the records the device's cohort reads: youth-justice outcomes, police
contacts and arrests (an amended entry by its latest version), secondary SEN needs, and an issued EHC plan as
statutory support. Every child below has free school meals or a suspension besides, counted by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from casedesk.server.db import ServerDB, migrate
from casedesk.server.reports import run
from casedesk.server.reports.model import AREA, Audience, Period
from tests.disclosure_check import solvable_linked
from tests.server.report_rows import Rows

PERIOD = Period(date(2026, 1, 1), date(2026, 2, 28))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.slow)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerDB]:
    url = f"sqlite:///{tmp_path / 'server.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    db = ServerDB(url)
    migrate(db.engine)
    yield db
    db.dispose()


def _police(rows: Rows, child: str, kind: str, day: str, amends: str | None = None) -> str:
    data = {"kind": kind, "occurred_at": f"{day}T21:00:00+00:00", "summary": "Stopped in town", "amends_id": amends}
    return rows.add("events", data, child=child)


def test_youth_justice_police_and_ehc_plans_count_as_on_the_device(store: ServerDB) -> None:
    rows = Rows(store)
    oak = rows.org("Oak Academy", "school")

    def child(fsm: bool = True) -> str:
        """A child with a suspension in January and (by default) free school meals: two indicators."""
        found = rows.add("children", {"current_school_id": oak, "date_of_birth": "2012-10-01", "sex": "F"}, org=oak)
        rows.add("exclusions", {"kind": "suspension", "first_day": "2026-01-10", "school_id": oak}, child=found)
        if fsm:
            rows.add("status_periods", {"kind": "free_school_meals", "start_date": "2025-01-01"}, child=found)
        return found

    for _ in range(2):  # a youth caution in November: on the edge
        rows.add("youth_justice_outcomes", {"kind": "youth_caution", "outcome_on": "2025-11-01"}, child=child())
    _police(rows, child(), "police_contact", "2026-01-15")  # on the edge from January
    _police(rows, child(), "arrest", "2026-02-10")  # from February
    amended_away = child()  # a contact corrected into another kind of entry: not a police contact
    _police(
        rows,
        amended_away,
        "health_appointment",
        "2026-01-16",
        _police(rows, amended_away, "police_contact", "2026-01-16"),
    )
    corrected = child()  # a contact corrected, still a contact: one indicator
    _police(rows, corrected, "police_contact", "2026-01-17", _police(rows, corrected, "police_contact", "2026-01-17"))
    rows.add(  # SEN support for speech and language, and SEMH as the secondary need: two indicators
        "status_periods",
        {"kind": "sen_support", "start_date": "2025-09-01", "detail": "SLCN", "secondary_detail": "SEMH"},
        child=child(fsm=False),
    )
    planned = child()  # three indicators, but an EHC plan in force: supported
    rows.add("youth_justice_outcomes", {"kind": "referral_order", "outcome_on": "2025-12-01"}, child=planned)
    rows.add(
        "ehc_plans", {"requested_on": "2025-03-01", "issued_on": "2025-09-01", "primary_need": "SLCN"}, child=planned
    )
    requested = child()  # a plan only requested is no support
    _police(rows, requested, "arrest", "2025-12-24")
    rows.add("ehc_plans", {"requested_on": "2025-12-01", "primary_need": "SLCN"}, child=requested)
    rows.flush()

    table = next(s for s in run(store, "cliff_edge", PERIOD, Audience(AREA)).sections if s.key == "cohort_by_month")
    # January: two cautions, the contact, the corrected contact, the secondary SEMH need, the requested plan's
    # arrest (6); February adds the arrest. The EHC plan's child supported throughout.
    assert table.table.values == ((6, 1, 7), (7, 1, 8))


def test_the_cohort_tables_are_protected_together(store: ServerDB) -> None:
    """20 children on the edge (3, 8 and 9 at three schools) and 2 as many indicators with support: the month's
    row withholds its 20 to protect the 2, so the schools' and year groups' totals (the same 20) are withheld too."""
    rows = Rows(store)
    schools = [rows.org(name, "school") for name in ("Ash Primary", "Beech Academy", "Cedar High")]

    def child(school: str, supported: bool = False) -> None:
        found = rows.add("children", {"current_school_id": school, "date_of_birth": "2012-10-01"}, org=school)
        rows.add("exclusions", {"kind": "suspension", "first_day": "2025-12-10", "school_id": school}, child=found)
        rows.add("status_periods", {"kind": "free_school_meals", "start_date": "2025-01-01"}, child=found)
        rows.add("status_periods", {"kind": "young_carer", "start_date": "2025-01-01"}, child=found)
        if supported:
            rows.add("status_periods", {"kind": "child_in_need", "start_date": "2025-09-01"}, child=found)

    for school, count in zip(schools, (3, 8, 9), strict=True):
        for _ in range(count):
            child(school)
    for _ in range(2):
        child(schools[2], supported=True)
    rows.flush()
    sections = {s.key: s for s in run(store, "cliff_edge", PERIOD, Audience(AREA)).sections}
    month, school, year = sections["cohort_by_month"], sections["cohort_by_school"], sections["cohort_by_year"]
    assert month.table.values == ((20, 2, 22), (20, 2, 22)) and school.table.values[-1] == (20,)
    release = [
        ((len(s.table.row_labels), len(s.table.column_labels)), set(s.table.suppressed), s.total_column, s.total_row)
        for s in (month, school, year)
    ]
    last = len(month.table.row_labels) - 1
    links = [[(0, (last, 0)), (1, (len(school.table.row_labels) - 1, 0)), (2, (len(year.table.row_labels) - 1, 0))]]
    assert solvable_linked(release, links) == set()
