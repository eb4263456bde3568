"""The Data quality page against a real server on 127.0.0.1: shown to an administrator, it lists the
organisation's data-quality problems and, for children's social care, the returns' children waiting for review;
matching one there publishes it and clears the queue, and a problem opens the child's record."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pytestqt.qtbot import QtBot

from casedesk.domain.feed.records import FeedChild, FeedReturn, FeedStatus, Source
from casedesk.server.db import accounts
from casedesk.server.feed import imports
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.dataquality.hook import TITLE
from casedesk.ui.main_window import MainWindow
from casedesk.ui.tasks import TaskRunner
from tests.factories import opened
from tests.sync.fixtures import fast_passwords, server  # noqa: F401
from tests.sync.harness import PASSWORD, Server, make_device

CENSUS = FeedReturn(
    Source.CIN,
    "383",
    2024,
    (
        FeedChild(
            Source.CIN,
            "C1",
            date_of_birth=date(2012, 5, 1),
            given_name="Ada",
            family_name="Okafar",
            postcode="LS6 3AB",
            statuses=(FeedStatus("cin:2023-06-05", "child_in_need", date(2023, 6, 5), None, "N1"),),
        ),
    ),
)


def test_an_administrator_sees_the_problems_and_works_the_review_queue(
    qtbot: QtBot,
    server: Server,  # noqa: F811
    tmp_path: Path,
    runner: TaskRunner,
) -> None:
    url = server.serve()
    school = accounts.create_org(server.store, "Riverside Academy", "school", "383")
    care = accounts.create_org(server.store, "Children's Social Care", "childrens_social_care", "383")
    server.user(school, "ann")
    accounts.create_user(server.store, care, "cara", PASSWORD, administrator=True)
    ann = make_device(tmp_path, "ann", server, "ann", base_url=url)
    cara = make_device(tmp_path, "cara", server, "cara", base_url=url)
    ada = ann.add_child("Ada", "Okafor", school, postcode="LS6 3AB")  # no UPN and no reason: a problem
    ann.sync()
    imports.import_return(server.store, CENSUS, data_hash="0" * 64, actor="LA data team")

    context = AppContext(cara.db.path, runner)
    context.attach(opened(cara.db, Profile(name="Cara", role="Manager", organisation="Children's Social Care")))
    window = MainWindow(context)
    qtbot.addWidget(window)
    rows = [window.nav.item(r).text() for r in range(window.nav.count())]
    row = rows.index(TITLE)
    qtbot.waitUntil(lambda: not window.nav.item(row).isHidden(), timeout=20000)
    window.nav.setCurrentRow(row)
    page = window.dataquality_page
    qtbot.waitUntil(lambda: page.report is not None, timeout=20000)
    assert "Children's Social Care" in page.heading.text()
    shown = [page.problems.item(r, 2).text() for r in range(page.problems.rowCount())]
    assert any("Ada Okafar: 1 possible match to review" in text for text in shown)
    assert page.review.rowCount() == 1 and "family name 83%" in page.review.item(0, 2).text()
    page.grab().save(str(tmp_path / "data-quality.png"))

    page.review.selectRow(0)
    page.ask_reason = lambda title: "the same girl: the census misspells her surname"  # type: ignore[method-assign]
    page.match_button.click()
    qtbot.waitUntil(lambda: page.message.text().startswith("cin C1: matched"), timeout=20000)
    qtbot.waitUntil(lambda: page.review.isHidden(), timeout=20000)  # nothing left to review

    cara.sync()  # children's social care now sees Ada (its involvement), with her missing UPN
    page.reload()
    qtbot.waitUntil(lambda: page.refresh_button.isEnabled(), timeout=20000)
    details = [page.problems.item(r, 2).text() for r in range(page.problems.rowCount())]
    problem = details.index("No UPN, and no reason recorded why it is not known")
    page.open_problem(problem)
    qtbot.waitUntil(lambda: window.child.child_id == ada, timeout=20000)
    ann.close()
    cara.close()
