"""The Audit page against a real server on 127.0.0.1: an auditor, who administers nothing, is shown it after a
sync (their role comes from the server) and opens the audit across children from it; a practitioner is not."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from casedesk.server.db import accounts
from casedesk.ui.admin.audit_page import TITLE
from casedesk.ui.admin.hook import TITLE as ADMINISTRATION
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.main_window import MainWindow
from casedesk.ui.tasks import TaskRunner
from tests.factories import opened
from tests.sync.fixtures import fast_passwords, server  # noqa: F401
from tests.sync.harness import PASSWORD, Server, make_device


def _shown(window: MainWindow) -> set[str]:
    items = [window.nav.item(row) for row in range(window.nav.count())]
    return {item.text() for item in items if not item.isHidden()}


def _window_after_a_round(qtbot: QtBot, runner: TaskRunner, db: object, name: str) -> MainWindow:
    context = AppContext(db.path, runner)  # type: ignore[attr-defined]
    context.attach(opened(db, Profile(name=name, role="", organisation="Riverside Academy")))  # type: ignore[arg-type]
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.sync.sync_now()
    return window


def test_an_auditor_reaches_the_audit_across_children_and_a_practitioner_does_not(
    qtbot: QtBot,
    server: Server,  # noqa: F811
    tmp_path: Path,
    runner: TaskRunner,
) -> None:
    url = server.serve()
    org = server.org("Riverside Academy")
    accounts.create_user(server.store, org, "aud", PASSWORD, "auditor")
    accounts.create_user(server.store, org, "pat", PASSWORD, "practitioner")
    auditor = make_device(tmp_path, "aud", server, "aud", base_url=url)
    practitioner = make_device(tmp_path, "pat", server, "pat", base_url=url)
    accounts.create_user(server.store, org, "sam", PASSWORD, "practitioner")
    colleague = make_device(tmp_path, "sam", server, "sam", base_url=url)
    practitioner.add_child("Ada", "Okafor", org)
    practitioner.sync()
    colleague.sync()  # the colleague's computer receives Ada's records: the server's access log says so

    window = _window_after_a_round(qtbot, runner, auditor.db, "Aud Itor")
    qtbot.waitUntil(lambda: TITLE in _shown(window))
    assert ADMINISTRATION not in _shown(window)
    window.nav.setCurrentRow([window.nav.item(r).text() for r in range(window.nav.count())].index(TITLE))
    assert window.stack.currentWidget() is window.audit_page
    panel = window.audit_page.panel
    assert panel.isVisibleTo(window)
    qtbot.waitUntil(lambda: panel.organisation.count() > 1)  # the organisations, asked for when the page was chosen
    panel.search()
    qtbot.waitUntil(lambda: panel.selection is not None)
    rows = [
        [panel.table.item(r, c).text() for c in range(panel.table.columnCount())] for r in range(panel.table.rowCount())
    ]
    assert ["Ada Okafor", "Riverside Academy", "sam", "Received by a device (sync)"] in [row[2:6] for row in rows]
    window.grab().save(str(tmp_path / "audit-page.png"))

    other = _window_after_a_round(qtbot, runner, practitioner.db, "Pat Smith")
    assert not other.context.col.audit_search.may_search()
    qtbot.wait(300)  # the question after the round has been answered by now; nothing is shown
    assert TITLE not in _shown(other) and ADMINISTRATION not in _shown(other)
    other.close()
    window.close()
