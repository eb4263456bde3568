"""The app names a full disk and a busy database in the command line's words, and any other failure by what
failed and where its detail was logged, never by the exception's message (which can carry a child's name).

Real files throughout: a second connection holding the write lock as another CaseDesk would, a real tmpfs that
is full (a simulated `ENOSPC` where this process may not mount one), and a database whose search index was
removed underneath the app so that saving a child fails inside SQLite with the child's name in the message.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from casedesk.errorlog import log_path
from casedesk.store import engine as store_engine
from casedesk.store.database import Database
from casedesk.store.engine import connect_raw
from casedesk.store.migrate import SEARCH_INDEX
from casedesk.ui.caseload.new_child_dialog import NewChildDialog
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.sync.backups import BackupPanel
from casedesk.ui.tasks import TaskRunner
from tests.factories import mount_tmpfs, new_database, opened

BUSY = "Another CaseDesk is writing this database; nothing was changed. Try again when it has finished."
PROFILE = Profile(name="Sam Tester", role="DSL", organisation="Hillside Academy")


def _new_child(context: AppContext, qtbot: QtBot, given: str = "Rosa") -> NewChildDialog:
    dialog = NewChildDialog(context)
    qtbot.addWidget(dialog)
    dialog.form.inputs["given_name"].setText(given)
    dialog.form.inputs["family_name"].setText("Delgado")
    dialog.form.dob.setDate(date(2014, 3, 9))
    return dialog


def _children(db: Database) -> int:
    with db.session() as session:
        return int(session.connection().exec_driver_sql("select count(*) from children").scalar() or 0)


def test_a_busy_database_is_named_as_such_and_nothing_is_saved(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path, fast_kdf: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", 100)
    db = new_database(tmp_path / "case.db")
    context = AppContext(db.path, runner)
    context.attach(opened(db, PROFILE))
    writer = connect_raw(db.path, db._key)  # another CaseDesk in the middle of a long import
    writer.execute("BEGIN IMMEDIATE")
    try:
        dialog = _new_child(context, qtbot)
        dialog.save()
        assert dialog.error.text() == BUSY and dialog.created_id is None
    finally:
        writer.close()
    assert _children(db) == 0
    dialog.save()  # the other writer finished: trying again works
    assert dialog.created_id is not None and _children(db) == 1
    db.close()


@pytest.fixture
def full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on a full disk: a real small tmpfs where possible, else writing a backup there fails with ENOSPC."""
    folder = tmp_path / "full"
    mounted = mount_tmpfs(folder, 2)
    if mounted:
        free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
        (folder / "filler").write_bytes(b"\0" * max(0, free - 16 * 1024))
    else:

        def full_write(self, filename, arcname=None, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise OSError(errno.ENOSPC, "No space left on device", str(folder / "backup"))

        monkeypatch.setattr(zipfile.ZipFile, "write", full_write)
    yield folder
    if mounted:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_backup_onto_a_full_disk_says_the_disk_is_full_and_how_much_is_free(
    qtbot: QtBot, context: AppContext, full_disk: Path
) -> None:
    panel = BackupPanel(context)
    qtbot.addWidget(panel)
    before = sorted(p.name for p in full_disk.iterdir())
    panel.folder.setText(str(full_disk))
    panel.back_up_now()
    message = panel.message.text()
    assert message.startswith("Backup problem: The disk is full (") and " MB free" in message
    assert "nothing was changed" in message and "unexpected" not in message
    assert sorted(p.name for p in full_disk.iterdir()) == before  # no partial backup left


def test_saving_onto_a_full_disk_says_so_and_the_database_stays_whole(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path, fast_kdf: object
) -> None:
    folder = tmp_path / "disk"
    if not mount_tmpfs(folder, 8):
        pytest.skip("the database on a real full disk needs root to mount a tmpfs; the backup test simulates it")
    try:
        db = new_database(folder / "case.db")
        context = AppContext(db.path, runner)
        context.attach(opened(db, PROFILE))
        # unbuffered: a short last write must not stay in a buffer that closing the file would flush onto the full disk
        with open(folder / "filler", "wb", buffering=0) as filler:  # fill the disk to the last block
            try:
                while True:
                    filler.write(b"\0" * 65536)
                    filler.flush()
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
        dialog = _new_child(context, qtbot, given="Q" * 60)
        dialog.save()
        assert dialog.error.text().startswith("The disk is full (") and " MB free" in dialog.error.text()
        assert dialog.created_id is None
        db.close()
        (folder / "filler").unlink()
        with Database.open(folder / "case.db", "correct horse battery") as again:
            assert again.check().ok and _children(again) == 0
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_any_other_failure_names_what_failed_and_where_it_was_logged_without_personal_data(
    qtbot: QtBot, context: AppContext, db: Database
) -> None:
    raw = connect_raw(db.path, db._key)  # the search index is gone: the insert trigger fails inside SQLite
    raw.execute(f"DROP TABLE {SEARCH_INDEX}")
    raw.commit()
    raw.close()
    dialog = _new_child(context, qtbot, given="Zebedee")
    dialog.save()
    shown = dialog.error.text()
    assert shown.startswith("unexpected error in ") and "OperationalError" in shown
    assert f"logged in {log_path()}" in shown and "no personal data" in shown
    assert "Zebedee" not in shown and "Delgado" not in shown and "unexpected error (" not in shown
    logged = log_path().read_text(encoding="utf-8")
    assert "OperationalError" in logged and "Zebedee" not in logged and "Delgado" not in logged
    assert stat.S_IMODE(log_path().stat().st_mode) == 0o600
