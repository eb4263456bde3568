"""The app locks within a second when its key file disappears, and says plainly when the database is damaged."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from casedesk.store import maintenance
from casedesk.store.database import Database
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.main_window import MainWindow
from casedesk.ui.tasks import TaskRunner
from tests.factories import PASSPHRASE, add_child, opened


def test_wipe_from_elsewhere_locks_the_app(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    path = context.db_path
    maintenance.wipe(path)  # `casedesk wipe --yes` in a terminal while the app is open
    qtbot.waitUntil(lambda: not context.unlocked, timeout=5000)
    assert "key file is gone" in window.lock_state.text()
    assert sorted(p.name for p in path.parent.iterdir()) == []
    window.unlock_dialog.reject()


def test_a_damaged_database_is_announced_at_unlock(qtbot, db: Database, db_path: Path, runner: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    for n in range(300):
        add_child(db, f"Name{n}", "Quennell" * 20, date(2013, 5, 1))
    db.close()
    size = db_path.stat().st_size
    with open(db_path, "r+b") as handle:
        handle.seek(size * 3 // 4)  # into the children written above, past the schema
        handle.write(b"\xde\xad\xbe\xef")
    context = AppContext(db_path, runner)
    context.attach(opened(Database.open(db_path, PASSPHRASE), Profile(name="Sam Tester", role="DSL", organisation="")))
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    assert window.damage_box.isVisible()
    assert "Restore your last backup" in window.damage_box.text() and "sync" in window.damage_box.text()
    assert window.lock_state.text().endswith("damaged: changes cannot be saved")
    window.damage_box.close()
    context.lock()
