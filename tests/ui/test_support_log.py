"""Support without personal data: after a demo session — demo data loaded, children opened, synced with a real
server, a failed enrolment — the support log tells what happened but holds no child's name, UPN or NHS number
(nor the user's); "Copy diagnostics" gives versions, folders, the database's size and health and the last sync,
equally without them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from casedesk import __version__, supportlog
from casedesk.services.collection import create_collection
from casedesk.services.enrolment import EnrolForm, EnrolmentFailed
from casedesk.store import keyfile
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.main_window import MainWindow
from casedesk.ui.tasks import TaskRunner
from tests.sync.fixtures import fast_passwords, server  # noqa: F401
from tests.sync.harness import PASSPHRASE, PASSWORD, Server

DEMO_CHILDREN = 40
USER = "sam.tester@riverside.example"


@pytest.fixture
def log_file() -> Iterator[Path]:
    path = supportlog.configure()  # the data folder is the test's own (CASEDESK_HOME)
    yield path
    supportlog.stop()


def test_a_demo_session_leaves_no_child_in_the_support_log_nor_in_the_diagnostics(
    qtbot: QtBot,
    server: Server,  # noqa: F811
    tmp_path: Path,
    runner: TaskRunner,
    fast_kdf: keyfile.KdfParams,
    log_file: Path,
) -> None:
    url = server.serve()
    org = server.org("Riverside Academy")
    server.user(org, USER)
    profile = Profile(name="Sam Tester", role="Designated safeguarding lead", organisation="Riverside Academy")
    context = AppContext(tmp_path / "demo.db", runner)
    context.attach(create_collection(tmp_path / "demo.db", PASSPHRASE, profile, demo_children=DEMO_CHILDREN))
    window = MainWindow(context)
    qtbot.addWidget(window)
    col = context.col
    children = [col.children.view(row.child_id).child for row in col.children.caseload().rows]
    assert len(children) >= DEMO_CHILDREN
    secrets = {
        value
        for child in children
        for value in (child.given_name, child.family_name, child.preferred_name, child.upn, child.nhs_number)
        if value
    }
    assert any(child.upn for child in children) and any(child.nhs_number for child in children)
    for child in children[:10]:
        window.open_child(child.id)

    with pytest.raises(EnrolmentFailed):
        col.enrolment.enrol(EnrolForm(url, USER, "not the password", "ABCD-EFGH-JKLM"))
    col.enrolment.enrol(EnrolForm(url, USER, PASSWORD, server.code(USER)))
    window.sync.sync_now()
    assert window.sync_state.text().startswith("Online")
    window.help_menu.copy_diagnostics.trigger()
    diagnostics = QGuiApplication.clipboard().text()
    window.lock()
    window.unlock_dialog.reject()
    supportlog.stop()

    written = "\n".join(path.read_text(encoding="utf-8") for path in sorted(log_file.parent.glob("casedesk.log*")))
    for said in ("unlocked", "enrolment failed: CredentialsRefused bad_credentials", "enrolled with 127.0.0.1"):
        assert said in written
    assert "sync round finished: pushed" in written and "locked" in written  # the session is there...
    assert sorted(value for value in secrets if value in written) == []  # ...and no child in it
    assert "Sam Tester" not in written and "sam.tester" not in written

    assert diagnostics.startswith("CaseDesk diagnostics (no personal data)")
    for said in (
        f"Version {__version__} · build ",
        "Database health: every page authenticates",
        f"Sync: enrolled with {url}",
        "Last sync: 20",
        "Last sync error: none",
        "Waiting: 0 change(s)",
        "Support log: ",
    ):
        assert said in diagnostics, said
    assert ("Database: " in diagnostics and "MB" in diagnostics) or "KB" in diagnostics
    assert sorted(value for value in secrets if value in diagnostics) == []
    assert "Sam Tester" not in diagnostics and "sam.tester" not in diagnostics
