"""The Dashboards page against a real server on 127.0.0.1: offered only to roles with the organisation's reports,
each section a chart with its table beneath (withheld counts as "c" and gaps in the chart), a date range and a
school filter, and CSV and PDF exports of what is shown."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

from PySide6.QtCharts import QChartView, QLineSeries
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from casedesk.server.db import accounts
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.dashboards.hook import TITLE
from casedesk.ui.main_window import MainWindow
from casedesk.ui.tasks import TaskRunner
from tests.factories import opened
from tests.server.report_rows import Rows
from tests.sync.fixtures import fast_passwords, server  # noqa: F401
from tests.sync.harness import PASSWORD, Server, make_device


def _area(server: Server) -> dict[str, str]:  # noqa: F811
    """Three schools with a year of needs checks (seeded), and the local authority's early help service."""
    store = server.store
    schools = [accounts.create_org(store, name, "school") for name in ("Oak Academy", "Elm Primary", "Ash High")]
    hub = accounts.create_org(store, "Early Help Hub", "early_help")
    rows, rng = Rows(store), random.Random(5)
    for i in range(240):
        school = schools[i % 3]
        child = rows.add(
            "children",
            {
                "current_school_id": school,
                "date_of_birth": "2012-01-01",
                "sex": "MF"[i % 2],
                "postcode": f"LS{6 + i % 4} 1AA",
            },
        )
        month = 1 + rng.randrange(12)
        level = rng.choice((1, 2, 2, 3, 3, 4))
        rows.add(
            "triage_results",
            {
                "state": "complete",
                "level": level,
                "completed_at": f"2025-{month:02d}-10T10:00",
                "outcome": {"domains": [{"id": "semh", "score": 2}]},
            },
            child=child,
            org=school,
        )
    rows.flush()
    accounts.create_user(store, hub, "lea", PASSWORD, "manager")
    accounts.create_user(store, schools[0], "pat", PASSWORD, "practitioner")
    return {"oak": schools[0], "hub": hub}


def _window(qtbot: QtBot, runner: TaskRunner, db: object) -> MainWindow:
    context = AppContext(db.path, runner)  # type: ignore[attr-defined]
    context.attach(opened(db, Profile(name="Lea", role="Manager", organisation="Early Help Hub")))  # type: ignore[arg-type]
    window = MainWindow(context)
    qtbot.addWidget(window)
    return window


def _row(window: MainWindow) -> int:
    return [window.nav.item(r).text() for r in range(window.nav.count())].index(TITLE)


def test_the_dashboards_page_shows_charts_with_tables_and_exports_them(
    qtbot: QtBot,
    server: Server,  # noqa: F811
    tmp_path: Path,
    runner: TaskRunner,
) -> None:
    url = server.serve()
    ids = _area(server)
    lea = make_device(tmp_path, "lea", server, "lea", base_url=url)
    window = _window(qtbot, runner, lea.db)
    window.resize(1366, 768)
    row = _row(window)
    assert not window.nav.item(row).isHidden()
    page = window.dashboards_page
    page.start.setDate(QDate(2025, 1, 1))
    page.end.setDate(QDate(2025, 12, 31))
    window.nav.setCurrentRow(row)
    assert page.current is not None and page.current["name"] == "needs"
    assert "the whole area" in page.heading.text()
    assert [page.school.itemText(i) for i in range(page.school.count())] == [
        "All schools",
        "Ash High",
        "Elm Primary",
        "Oak Academy",
    ]
    views = page.views
    assert [v.section["key"] for v in views][:3] == ["levels_by_month", "levels_by_school", "levels_by_area"]
    by_month = views[0]
    assert isinstance(by_month.chart_view, QChartView)
    assert any(isinstance(s, QLineSeries) for s in by_month.chart_view.chart().series())
    assert by_month.table.rowCount() == 13  # twelve months and the total
    assert by_month.table.item(12, 5).text() == "240"
    shown = [by_month.table.item(r, c).text() for r in range(12) for c in range(1, 5)]
    assert "c" in shown  # small monthly counts are withheld
    window.grab().save(str(tmp_path / "dashboards.png"))
    assert (tmp_path / "dashboards.png").stat().st_size > 20_000

    page.school.setCurrentIndex(page.school.findData(ids["oak"]))
    page.show_button.click()
    assert page.current["audience"] == "Oak Academy"
    assert page.views[0].table.item(12, 5).text() == "80"

    csv_file, pdf_file = tmp_path / "needs.csv", tmp_path / "pack.pdf"
    page.ask_path = lambda *_args: csv_file  # type: ignore[method-assign]
    page.csv_button.click()
    text = csv_file.read_text(encoding="utf-8-sig")
    assert "Levels of need found, month by month" in text and "Figures for Oak Academy" in text
    page.ask_path = lambda *_args: pdf_file  # type: ignore[method-assign]
    page.pdf_button.click()
    pdf = subprocess.run(["pdftotext", str(pdf_file), "-"], capture_output=True, text=True, check=True).stdout
    for title in ("Needs checks", "Referrals", "The cliff-edge cohort over time"):
        assert title in pdf
    assert "Saved pack.pdf" in page.message.text()


def test_a_practitioner_is_not_offered_the_dashboards_and_bad_dates_are_refused(
    qtbot: QtBot,
    server: Server,  # noqa: F811
    tmp_path: Path,
    runner: TaskRunner,
) -> None:
    url = server.serve()
    _area(server)
    pat = make_device(tmp_path, "pat", server, "pat", base_url=url)
    window = _window(qtbot, runner, pat.db)
    assert window.nav.item(_row(window)).isHidden()
    lea = make_device(tmp_path, "lea", server, "lea", base_url=url)
    window = _window(qtbot, runner, lea.db)
    window.nav.setCurrentRow(_row(window))
    page = window.dashboards_page
    page.start.setDate(QDate(2026, 3, 1))
    page.end.setDate(QDate(2026, 1, 1))
    page.show_button.click()
    assert "starts after it ends" in page.message.text()
