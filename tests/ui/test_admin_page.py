"""The Administration page against a real server on 127.0.0.1: shown to administrators only, it lists the
organisation's people and computers, and its revoke reaches the device — whose next sync is refused in plain
words and erases its data — while a code it issues enrols a new computer."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from casedesk.server.db import accounts
from casedesk.services.administration import AdministrationFailed
from casedesk.services.enrolment import EnrolForm
from casedesk.services.sync import DeviceWiped
from casedesk.store import keyfile
from casedesk.ui.admin.hook import TITLE
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.main_window import MainWindow
from casedesk.ui.tasks import TaskRunner
from tests.factories import new_database, opened
from tests.sync.fixtures import fast_passwords, server  # noqa: F401
from tests.sync.harness import PASSWORD, Server, make_device


def _window(qtbot: QtBot, runner: TaskRunner, db: object, name: str) -> MainWindow:
    context = AppContext(db.path, runner)  # type: ignore[attr-defined]
    context.attach(opened(db, Profile(name=name, role="DSL", organisation="Riverside Academy")))  # type: ignore[arg-type]
    window = MainWindow(context)  # unlocked: the first round runs at once, then the server is asked who this is
    qtbot.addWidget(window)
    return window


def _admin_row(window: MainWindow) -> int:
    rows = [window.nav.item(row).text() for row in range(window.nav.count())]
    return rows.index(TITLE)


def test_the_administration_page_revokes_a_computer_which_is_then_refused_and_erased(
    qtbot: QtBot,
    server: Server,  # noqa: F811
    tmp_path: Path,
    runner: TaskRunner,
) -> None:
    url = server.serve()
    org = server.org("Riverside Academy")
    accounts.create_user(server.store, org, "alex", PASSWORD, administrator=True)
    server.user(org, "ann")
    alex = make_device(tmp_path, "alex", server, "alex", base_url=url)
    ann = make_device(tmp_path, "ann", server, "ann", base_url=url)
    ann.add_child("Ada", "Okafor", org)  # a change still waiting when the computer is revoked

    window = _window(qtbot, runner, alex.db, "Alex Admin")
    row = _admin_row(window)
    assert not window.nav.item(row).isHidden()
    window.nav.setCurrentRow(row)
    page = window.admin_page
    assert window.stack.currentWidget() is page
    assert "Riverside Academy" in page.heading.text()
    users = [(page.users.item(r, 0).text(), page.users.item(r, 1).text()) for r in range(page.users.rowCount())]
    assert users == [("alex", "yes"), ("ann", "")]
    computers = [page.devices.item(r, 0).text() for r in range(page.devices.rowCount())]
    assert computers == [f"{alex.db.device_id} (this computer)", ann.db.device_id]
    page.devices.selectRow(0)
    assert not page.revoke_button.isEnabled()  # never this computer from here

    page.devices.selectRow(1)
    asked = []
    page.confirm_revoke = lambda device: asked.append(device.username) or True  # type: ignore[method-assign]
    page.revoke_button.click()
    assert asked == ["ann"]
    assert page.message.text().startswith("Revoked")
    assert page.devices.item(1, 4).text().startswith("revoked")

    with pytest.raises(DeviceWiped) as refused:
        ann.service.run_once()
    assert str(refused.value).startswith("This device has been revoked by an administrator.")
    assert "Ask your administrator to enrol it again." in str(refused.value)
    assert not keyfile.key_file_path(ann.db.path).exists()  # crypto-erased: nothing of Ada is readable

    page.users.selectRow(1)
    page.code_button.click()
    dialog = page.code_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.hours.setValue(2)
    dialog.issue_button.click()
    issued = dialog.issued_code
    assert issued is not None and dialog.code.text() == issued.code and issued.username == "ann"
    assert "It works once" in dialog.expiry.text()
    dialog.reject()

    fresh = new_database(tmp_path / "ann-new.db")
    fresh_window = _window(qtbot, runner, fresh, "Ann Ahmed")
    enrolled = fresh_window.context.col.enrolment.enrol(EnrolForm(url, "ann", PASSWORD, issued.code))
    assert enrolled.username == "ann"
    fresh_window.sync.sync_now()
    assert fresh_window.nav.item(_admin_row(fresh_window)).isHidden()  # ann does not administer
    with pytest.raises(AdministrationFailed) as refused_here:
        fresh_window.context.col.administration.overview()
    assert str(refused_here.value) == "Only your organisation's CaseDesk administrators can do this."
    fresh_window.close()
    window.close()
