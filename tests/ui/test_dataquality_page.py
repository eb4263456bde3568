"""The Data quality page against a real server on 127.0.0.1: shown to an administrator, it lists the
organisation's data-quality problems and, for children's social care, the returns' children waiting for review,
each with every child the server offers (name, date of birth, postcode, whose record, score, evidence); matching
to any offer (not only the best), creating and rejecting all work there, and a problem opens the child's record."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from casedesk.domain.feed.records import FeedChild, FeedReturn, FeedStatus, Source
from casedesk.server.db import accounts
from casedesk.server.feed import imports
from casedesk.server.feed.tables import feed_children
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
        FeedChild(Source.CIN, "C2", date_of_birth=date(2013, 2, 3), given_name="Bo", family_name="Lee"),
        FeedChild(Source.CIN, "C3", date_of_birth=date(2011, 9, 9), given_name="Cy", family_name="Ray"),
    ),
)


def _states(held: Server) -> dict[str, tuple[str, str | None]]:
    with held.store.read() as conn:
        rows = conn.execute(select(feed_children.c.la_child_id, feed_children.c.state, feed_children.c.child_id))
        return {r.la_child_id: (r.state, r.child_id) for r in rows}


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
    ann.add_child("Ada", "Okafar", school, postcode="LS6 3AB", upn="B801200005001")  # scores higher: not her
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
    assert any("Ada Okafar: 2 possible matches to review" in text for text in shown)
    panel = page.review
    assert panel.waiting.rowCount() == 3 and panel.waiting.item(0, 4).text() == "2 possible match(es)"
    # every offer, with what a person needs to tell them apart; the best-scored first
    assert panel.offers.rowCount() == 2
    offers = [[panel.offers.item(r, c).text() for c in range(6)] for r in range(2)]
    assert offers[0][0] == "Ada Okafar" and offers[0][3] == "Riverside Academy" and offers[0][4] == "100"
    assert offers[1][0] == "Ada Okafor" and "family name 83%" in offers[1][5] and offers[1][1] == "2012-05-01"
    assert not panel.match_button.isEnabled()  # no child chosen yet
    page.resize(1100, 760)
    page.grab().save(str(tmp_path / "data-quality.png"))

    panel.offers.selectRow(1)  # not the best score: the one the administrator knows is her
    assert panel.match_button.isEnabled()
    panel.ask_reason = lambda title: "the same girl: the census misspells her surname"  # type: ignore[method-assign]
    panel.match_button.click()
    qtbot.waitUntil(lambda: page.message.text().startswith("cin C1: matched"), timeout=20000)
    qtbot.waitUntil(lambda: panel.waiting.rowCount() == 2, timeout=20000)
    assert _states(server)["C1"] == ("matched", ada)

    assert panel.selected_item() is not None and panel.selected_item().la_child_id == "C2"  # type: ignore[union-attr]
    assert panel.offers.rowCount() == 0 and "no similar child" in panel.hint.text()
    panel.ask_reason = lambda title: "a child new to the area"  # type: ignore[method-assign]
    panel.create_button.click()
    qtbot.waitUntil(lambda: page.message.text().startswith("cin C2: created"), timeout=20000)
    qtbot.waitUntil(lambda: panel.waiting.rowCount() == 1, timeout=20000)
    panel.ask_reason = lambda title: "left the area before the census date"  # type: ignore[method-assign]
    panel.reject_button.click()
    qtbot.waitUntil(lambda: page.message.text() == "cin C3: rejected.", timeout=20000)
    qtbot.waitUntil(lambda: panel.isHidden(), timeout=20000)  # nothing left to review
    states = _states(server)
    assert states["C2"][0] == "created" and states["C2"][1] and states["C3"] == ("rejected", None)

    cara.sync()  # children's social care now sees Ada (its involvement), with her missing UPN
    page.reload()
    qtbot.waitUntil(lambda: page.refresh_button.isEnabled(), timeout=20000)
    details = [page.problems.item(r, 2).text() for r in range(page.problems.rowCount())]
    problem = details.index("No UPN, and no reason recorded why it is not known")
    page.open_problem(problem)
    qtbot.waitUntil(lambda: window.child.child_id == ada, timeout=20000)
    ann.close()
    cara.close()
