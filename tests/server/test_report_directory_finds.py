"""The directory dashboard shows what searches find: how many services each returned, which services turned up
in the results and which were opened, counted by hand from the usage records below."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from casedesk.server.db import ServerDB, migrate
from casedesk.server.reports import run
from casedesk.server.reports.model import AREA, Audience, Period
from tests.disclosure_check import solvable_linked
from tests.server.report_rows import Rows

PERIOD = Period(date(2026, 1, 1), date(2026, 1, 31))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ServerDB]:
    db = ServerDB(f"sqlite:///{tmp_path / 'server.db'}")
    migrate(db.engine)
    yield db
    db.dispose()


def _service(rows: Rows, name: str) -> str:
    service_id = str(uuid.uuid4())
    return rows.add("services", {"document": {"id": service_id, "name": name, "status": "active"}}, row_id=service_id)


def test_what_searches_found_and_opened(store: ServerDB) -> None:
    rows = Rows(store)
    mind, family = _service(rows, "Young Minds Drop-in"), _service(rows, "Family Hub")

    def search(found: int | None, services: list[str], source: str = "directory") -> None:
        criteria: dict = {"source": source, "need": "semh"}
        if found is not None:
            criteria |= {"found": found, "services": services}
        rows.add("directory_searches", {"searched_on": "2026-01-12", "criteria": criteria})

    for _ in range(7):
        search(2, [mind, family])
    for _ in range(6):
        search(0, [])  # found nothing
    for _ in range(5):
        search(1, [mind], "needs_check")
    for _ in range(3):
        search(None, [])  # kept before devices recorded what a search found
    for _ in range(9):
        rows.add("directory_searches", {"searched_on": "2026-01-12", "criteria": {"source": "opened", "service": mind}})
    rows.flush()
    dashboard = run(store, "directory", PERIOD, Audience(AREA))
    by_found = next(s for s in dashboard.sections if s.key == "searches_by_found").table
    assert dict(zip(by_found.row_labels, by_found.values, strict=True)) == {
        "No service": (6, 0, 6),
        "1–5 services": (7, 5, 12),
        "6–20 services": (0, 0, 0),
        "More than 20": (0, 0, 0),
        "Not recorded": (3, 0, 3),
        "Total": (16, 5, 21),
    }
    by_month = next(s for s in dashboard.sections if s.key == "searches_by_month").table
    assert by_month.values[-1] == (16, 5, 21)  # an opened service is no search
    found = next(s for s in dashboard.sections if s.key == "services_found").table
    assert dict(zip(found.row_labels, found.values, strict=True)) == {
        "Young Minds Drop-in": (12, 9),
        "Family Hub": (7, 0),
    }
    # the searches by what they found and by month share their total: no withheld cell can be solved for
    tables = [by_month, by_found]
    shapes = [((len(t.row_labels), len(t.column_labels)), set(t.suppressed), True, True) for t in tables]
    links = [[(0, (-1 + len(by_month.row_labels), c)), (1, (len(by_found.row_labels) - 1, c))] for c in range(3)]
    assert solvable_linked(shapes, links) == set()
