"""The app syncs in the background against a real server on 127.0.0.1, shows where it stands, and lets a person
resolve a conflict."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from casedesk.store import repositories as repo
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.main_window import MainWindow
from casedesk.ui.sync.page import ConflictDialog
from casedesk.ui.tasks import TaskRunner
from tests.factories import opened
from tests.sync.fixtures import fast_passwords, server  # noqa: F401
from tests.sync.harness import Server, UvicornProcess, make_device


@pytest.fixture
def live(server: Server) -> Iterator[tuple[Server, UvicornProcess]]:  # noqa: F811
    proc = UvicornProcess(server.url).start()
    yield server, proc
    proc.kill()


def test_background_sync_status_and_conflict_resolution(
    qtbot: QtBot, live: tuple[Server, UvicornProcess], tmp_path: Path, runner: TaskRunner
) -> None:
    srv, proc = live
    org = srv.org("Riverside Academy")
    for name in ("ann", "ben"):
        srv.user(org, name)
    mine = make_device(tmp_path, "ann", srv, "ann", base_url=proc.base_url)
    other = make_device(tmp_path, "ben", srv, "ben", base_url=proc.base_url)
    child = mine.add_child("Ada", "Okafor", org)
    mine.sync(), other.sync()
    mine.edit("children", child, town="Leeds")  # the address is critical: never settled by clock alone
    other.edit("children", child, town="York")
    other.sync()

    context = AppContext(mine.db.path, runner)
    context.attach(opened(mine.db, Profile(name="Ann Ahmed", role="DSL", organisation="Riverside Academy")))
    window = MainWindow(context)  # unlocked: the first background round runs at once
    qtbot.addWidget(window)
    state = window.sync_state.text()
    assert state.startswith("Online") and "0 changes waiting" in state and "1 conflict to resolve" in state

    page = window.sync_page
    assert page.conflict_table.rowCount() == 1 and page.conflict_table.item(0, 1).text() == "town"

    class ChooseYork(ConflictDialog):
        def exec(self) -> int:
            for button in self.choices.buttons():
                button.setChecked("York" in button.text())
            return 1

    page.make_dialog = lambda conflict: ChooseYork(conflict, page)  # type: ignore[method-assign]
    page.resolve_selected()
    assert page.conflict_table.rowCount() == 0
    assert "conflict" not in window.sync_state.text() and "0 changes waiting" in window.sync_state.text()
    other.sync()
    assert other.service.conflicts() == []
    for device in (mine, other):
        with device.db.session() as session:
            assert repo.get_child(session, child).town == "York"

    # offline: the change waits in the outbox and the status bar says so
    proc.kill()
    context.col.children.update_child(child, {"town": "Otley"})
    window.sync.sync_now()
    state = window.sync_state.text()
    assert state.startswith("Offline") and "1 change waiting" in state
    window.close()


def test_the_sync_page_lists_received_rows_this_device_set_aside(
    qtbot: QtBot,
    server: Server,  # noqa: F811
    tmp_path: Path,
    runner: TaskRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    from casedesk.domain.ids import new_id
    from casedesk.server.db import push
    from casedesk.ui.sync.controller import SyncController
    from casedesk.ui.sync.page import SyncPage

    org = server.org("Riverside Academy")
    for name in ("ann", "ben"):
        server.user(org, name)
    ann, ben = make_device(tmp_path, "ann", server, "ann"), make_device(tmp_path, "ben", server, "ben")
    child = ann.add_child("Ada", "Okafor", org)
    ann.sync()
    monkeypatch.setattr(push, "check_values", lambda spec, entity, fields: dict(fields))  # an unchecking server
    fields = {
        "child_id": child,
        "service_name": "Family Support",
        "reason": "Mornings are hard at home.",
        "status_changed_at": "2026-11-20T09:00:00+00:00",
        "shared_sections": ["identity"],
        "sharing": {"consent": True},
        "referrer": {"name": "Ann"},
        "ack_within_days": 2**70,
    }
    change = {
        "change_id": new_id(),
        "entity": "referrals",
        "row_id": new_id(),
        "op": "insert",
        "fields": fields,
        "hlc": f"{int(time.time() * 1000):013d}-000000-{ann.db.device_id}",
        "device_id": ann.db.device_id,
        "author": "ann",
    }
    assert ann.transport.push([change]).results[0].status == "applied"
    assert ben.sync().set_aside_pulled == 1

    context = AppContext(ben.db.path, runner)
    context.attach(opened(ben.db, Profile(name="Ben Baker", role="DSL", organisation="Riverside Academy")))
    page = SyncPage(context, SyncController(context))
    qtbot.addWidget(page)
    page.resize(900, 600)
    page.reload()
    qtbot.waitUntil(lambda: page.set_aside_table.rowCount() == 1)
    assert page.set_aside_table.item(0, 1).text() == "referrals received"
    assert "ack_within_days" in page.set_aside_table.item(0, 3).text() and page.retry_button.isEnabled()
    page.grab().save(str(tmp_path / "sync_page.png"))
    page.retry_selected()  # still cannot be stored: it stays, with its reason
    qtbot.waitUntil(lambda: page.set_aside_table.rowCount() == 1)
    ann.close()
