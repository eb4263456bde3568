"""The case-transfer dialogs against two real servers on 127.0.0.1: on the child page "Transfer to another
area…" seals the child for the chosen organisation and public key and saves the package; on the Administration
page "Import a transfer package…" opens it in the other area and shows what it made. Files are chosen by the
test in place of the file dialogs; a wrong key file is refused with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from casedesk.server.transfer.api import KEY_VARIABLE
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.tasks import TaskRunner
from casedesk.ui.transfer.dialogs import ImportDialog, TransferDialog
from tests.factories import opened
from tests.server.transfer_areas import areas  # noqa: F401
from tests.sync.fixtures import fast_passwords, server  # noqa: F401
from tests.sync.harness import make_device


def _context(tmp_path: Path, held, username: str, org: str) -> AppContext:  # type: ignore[no-untyped-def]
    """Each user's own app (a runner serves one unlocked database)."""
    runner = TaskRunner(synchronous=True)
    held.user(org, username)
    device = make_device(tmp_path, username, held, username, base_url=held.serve())
    context = AppContext(device.db.path, runner)
    context.attach(opened(device.db, Profile(name=username, role="DSL", organisation="here")))
    return context


def test_a_child_is_transferred_and_imported_from_the_dialogs(
    qtbot: QtBot,
    areas: dict,  # type: ignore[type-arg]  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keys = areas["keys"]
    lead = _context(tmp_path, areas["a"], "lee", areas["school"])
    receiver = _context(tmp_path, areas["b"], "rita", areas["care"])
    out = tmp_path / "out" / "ada.transfer"
    out.parent.mkdir()

    monkeypatch.setenv(KEY_VARIABLE, str(keys / "leeds.key.json"))
    dialog = TransferDialog(lead, areas["child"], "Ada Okafor")
    qtbot.addWidget(dialog)
    names = [dialog.organisation.itemText(i) for i in range(dialog.organisation.count())]
    assert "Northshire Children's Services" in names
    dialog.organisation.setCurrentIndex(names.index("Northshire Children's Services"))
    assert not dialog.save_button.isEnabled()
    dialog.choose_open = lambda _title, _pattern: keys / "leeds.key.json"  # not a public key
    [choose_key] = [b for b in dialog.findChildren(type(dialog.save_button)) if b.text() == "Choose…"]
    choose_key.click()
    qtbot.waitUntil(lambda: "not an area's public key" in dialog.message.text(), timeout=20000)
    assert not dialog.save_button.isEnabled()
    dialog.choose_open = lambda _title, _pattern: keys / "northshire.pub.json"
    choose_key.click()
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=20000)
    assert "sealed for Northshire" in dialog.message.text()
    dialog.resize(620, 260)
    dialog.grab().save(str(tmp_path / "transfer-dialog.png"))
    dialog.choose_save = lambda _title, _suggested: out
    dialog.save_button.click()
    qtbot.waitUntil(
        lambda: "ada.transfer" in dialog.message.text() or "Nothing" in dialog.message.text(), timeout=20000
    )
    assert dialog.message.text().startswith("Saved ada.transfer"), dialog.message.text()
    assert out.stat().st_size > 0

    monkeypatch.setenv(KEY_VARIABLE, str(keys / "northshire.key.json"))
    importer = ImportDialog(receiver)
    qtbot.addWidget(importer)
    answers = iter([out, keys / "leeds.pub.json"])
    importer.choose_open = lambda _title, _pattern: next(answers)
    choose = [b for b in importer.findChildren(type(importer.import_button)) if b.text() == "Choose…"]
    choose[0].click()
    assert not importer.import_button.isEnabled()
    choose[1].click()
    importer.import_button.click()
    qtbot.waitUntil(lambda: importer.imported is not None, timeout=20000)
    assert importer.imported is not None and not importer.imported.merged
    assert importer.message.text().startswith("4 record(s) from Leeds: made a new child")
    assert not importer.import_button.isEnabled()  # imported: not offered twice
    importer.resize(620, 260)
    importer.grab().save(str(tmp_path / "import-dialog.png"))
    for context in (lead, receiver):
        context.runner.shutdown()
