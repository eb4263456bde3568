"""The window tells a person when CaseDesk must be updated to keep syncing, and when a newer one exists, against a
real server on 127.0.0.1."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pytestqt.qtbot import QtBot

from casedesk import __version__
from casedesk.buildinfo import build_info
from casedesk.domain import versions
from casedesk.server import client_versions
from casedesk.ui.about_dialog import update_state
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.main_window import MainWindow
from casedesk.ui.tasks import TaskRunner
from tests.factories import opened
from tests.sync.fixtures import fast_passwords, server  # noqa: F401
from tests.sync.harness import Server, make_device

NEXT = f"{versions.parse(__version__)[0] + 1}.0.0"


def test_the_window_says_to_update_and_keeps_the_changes_until_the_server_accepts_it(
    qtbot: QtBot,
    server: Server,  # noqa: F811
    tmp_path: Path,
    runner: TaskRunner,
) -> None:
    url = server.serve()
    org = server.org("Riverside Academy")
    server.user(org, "ann")
    ann = make_device(tmp_path, "ann", server, "ann", base_url=url)
    ann.add_child("Ada", "Okafor", org)
    client_versions.publish(server.store, NEXT, NEXT)

    context = AppContext(ann.db.path, runner)
    context.attach(opened(ann.db, Profile(name="Ann Ahmed", role="DSL", organisation="Riverside Academy")))
    window = MainWindow(context)  # unlocked: the first round runs at once, and is refused
    qtbot.addWidget(window)
    page = window.sync_page
    assert window.sync_state.text().startswith(f"Update CaseDesk to sync (this is {__version__}")
    assert window.sync_state.text().endswith("2 changes waiting")
    assert page.update_notice.isVisibleTo(page) and "nothing is lost" in page.update_notice.text()
    assert not page.sync_button.isEnabled()
    assert context.col.sync.status().pending == 2

    client_versions.publish(server.store, None, NEXT)  # the administrator lowers the minimum again
    window.sync.sync_now()
    state = window.sync_state.text()
    assert state.startswith("Online · 0 changes waiting") and state.endswith(f"CaseDesk {NEXT} is available")
    assert page.update_notice.text().startswith(f"A newer CaseDesk ({NEXT}) is available")
    assert page.sync_button.isEnabled()
    window.close()


def test_about_shows_version_build_commit_and_what_the_server_said(qtbot: QtBot, context: AppContext) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.help_menu.about.trigger()
    about = window.help_menu.about_dialog
    assert about is not None and about.isVisible()
    info = build_info()
    shown = {label: value.text() for label, value in about.values.items()}
    assert (shown["Version"], shown["Build"], shown["Commit"]) == (info.version, info.build, info.commit)
    assert shown["Updates"] == "Not known: this computer is not connected to a server."
    about.reject()
    status = replace(context.col.sync.status(), enrolled=True, minimum_version=NEXT, last_success="2026-11-30T08:00")
    assert update_state(status)[0] == f"Update needed: your server accepts {NEXT} or newer, so syncing has stopped."
    newer = replace(status, minimum_version="", latest_version=NEXT)
    assert update_state(newer)[0] == f"CaseDesk {NEXT} is available."
    assert update_state(replace(newer, latest_version=__version__))[0].startswith("Up to date")
    window.close()
