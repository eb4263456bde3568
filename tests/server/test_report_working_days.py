"""Acknowledgement times in working days: weekends and England's bank holidays left out, from the server's own
list of holidays once it has one (the library's bundled list goes stale), a bad list refused with nothing kept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from casedesk.domain.working_days import WorkingDays, parse_govuk
from casedesk.server.cli import main
from casedesk.server.db import ServerDB, migrate
from casedesk.server.reports import holidays, run
from casedesk.server.reports.model import AREA, Audience, Period
from tests.server.report_rows import Rows

PERIOD = Period(date(2025, 12, 1), date(2026, 1, 31))
GOVUK = {
    "england-and-wales": {
        "division": "england-and-wales",
        "events": [
            {"title": "Christmas Day", "date": "2025-12-25", "notes": "", "bunting": True},
            {"title": "Boxing Day", "date": "2025-12-26", "notes": "", "bunting": True},
            {"title": "New Year’s Day", "date": "2026-01-01", "notes": "", "bunting": True},
        ],
    },
    "scotland": {"division": "scotland", "events": [{"title": "2nd January", "date": "2026-01-02"}]},
}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ServerDB]:
    db = ServerDB(f"sqlite:///{tmp_path / 'server.db'}")
    migrate(db.engine)
    yield db
    db.dispose()


def test_working_days_skip_weekends_and_holidays() -> None:
    days = WorkingDays.of(parse_govuk(GOVUK))
    assert days.between(date(2026, 1, 9), date(2026, 1, 12)) == 1  # Friday to Monday
    assert days.between(date(2026, 1, 5), date(2026, 1, 5)) == 0
    assert days.between(date(2025, 12, 23), date(2026, 1, 2)) == 5  # 24, 29, 30, 31 December and 2 January
    assert days.between(date(2026, 1, 12), date(2026, 1, 9)) == -1
    with pytest.raises(ValueError, match="england-and-wales"):
        parse_govuk({"scotland": GOVUK["scotland"]})


def _acknowledged(sent: str, acknowledged: str) -> dict:
    return {
        "sent_at": f"{sent}T10:00:00+00:00",
        "acknowledged_at": f"{acknowledged}T15:00:00+00:00",
        "status": "acknowledged",
        "service_name": "Family Support",
    }


def _buckets(store: ServerDB) -> dict[str, int]:
    dashboard = run(store, "referrals", PERIOD, Audience(AREA))
    table = next(s for s in dashboard.sections if s.key == "acknowledgement").table
    return {label: row[0] for label, row in zip(table.row_labels, table.values, strict=True) if row[0]}


def test_acknowledgement_in_working_days_from_the_servers_list(store: ServerDB, tmp_path: Path) -> None:
    rows = Rows(store)
    for _ in range(6):  # Friday 19 December to Monday 29: ten calendar days, four working days
        rows.add("referrals", _acknowledged("2025-12-19", "2025-12-29"))
    for _ in range(7):  # Tuesday 23 December to Friday 2 January: with New Year's Day, five working days
        rows.add("referrals", _acknowledged("2025-12-23", "2026-01-02"))
    rows.flush()
    found = tmp_path / "bank-holidays.json"
    found.write_text(json.dumps(GOVUK), encoding="utf-8")
    holidays.keep(store, found)
    assert _buckets(store) == {"3–5 days": 13, "Total": 13}
    with store.read() as conn:
        working, source = holidays.in_effect(conn)
    assert "server's list" in source and not working.is_working(date(2026, 1, 1))


def test_a_bad_holiday_list_is_refused_and_nothing_kept(
    store: ServerDB, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(store.engine.url)
    bad = tmp_path / "holidays.json"
    bad.write_text(json.dumps({"england-and-wales": {"events": [{"date": "25/12/2026"}]}}), encoding="utf-8")
    args = ["--database-url", url, "report", "referrals", "--from", "2025-12-01", "--to", "2026-01-31"]
    assert main([*args, "--bank-holidays", str(bad)]) == 2
    assert "25/12/2026" in capsys.readouterr().err
    with store.read() as conn:
        assert holidays.kept(conn) == frozenset()
    good = tmp_path / "good.json"
    good.write_text(json.dumps(GOVUK), encoding="utf-8")
    assert main([*args, "--bank-holidays", str(good)]) == 0
    assert "kept 3 bank holidays" in capsys.readouterr().err
    with store.read() as conn:
        assert date(2026, 1, 1) in holidays.kept(conn)
