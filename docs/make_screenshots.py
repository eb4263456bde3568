"""Render the app's main screens at 1366×768 over demo data into docs/screenshots/ (`make screenshots`).

Runs offscreen or under Xvfb (`xvfb-run -a`); uses a throwaway encrypted database, never the user's own.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget

from casedesk.services.triage import service as triage
from casedesk.store import keyfile
from casedesk.store.database import Database
from casedesk.ui.application import make_app
from casedesk.ui.context import AppContext, Profile, create_database
from casedesk.ui.main_window import MainWindow
from casedesk.ui.tasks import TaskRunner
from casedesk.ui.triage.wizard import TriageWizard
from casedesk.ui.unlock.first_run_dialog import FirstRunDialog
from casedesk.ui.unlock.unlock_dialog import UnlockDialog

OUT = Path(__file__).resolve().parent / "screenshots"
SIZE = (1366, 768)


def _settle(app: QApplication, rounds: int = 20) -> None:
    for _ in range(rounds):
        app.processEvents()


def _save(app: QApplication, widget: QWidget, name: str) -> None:
    _settle(app)
    widget.grab().save(str(OUT / name))
    print(f"wrote docs/screenshots/{name}")


def _needs_check_and_matches(app: QApplication, context: AppContext, window: MainWindow) -> None:
    """A recorded Presenting Needs Check, a draft being answered, and the directory ranking services for it."""
    db = context.db
    results = [r for c in repo_children(db) for r in triage.results_for_child(db, c)]
    complete = next(r for r in results if r.is_complete and (r.level or 0) >= 2)
    draft = next((r for r in results if not r.is_complete), None)
    if draft is not None:
        window.open_child(draft.child_id)
        wizard = TriageWizard(context, draft.child_id, window.child.title.text(), window)
        wizard.open_result(draft)
        wizard.show()
        _save(app, wizard, "needs-check-wizard.png")
        wizard.close()
    window.open_child(complete.child_id)
    summary = TriageWizard(context, complete.child_id, window.child.title.text(), window)
    summary.open_result(complete)
    summary.show()
    _save(app, summary, "needs-check-result.png")
    summary.close()
    window.find_services_for(complete.id)
    _save(app, window, "directory-matches.png")


def repo_children(db: Database) -> list[str]:
    from casedesk.store import repositories as repo

    with db.session() as session:
        return [c.id for c in repo.list_children(session)]


def main() -> int:
    app = make_app(sys.argv)
    OUT.mkdir(exist_ok=True)
    keyfile.DEFAULT_KDF = keyfile.KdfParams(1, 8192, 1)  # screenshots need no brute-force resistance
    with tempfile.TemporaryDirectory(prefix="casedesk-shots-") as tmp:
        path = Path(tmp) / "demo.db"
        runner = TaskRunner(synchronous=True)
        context = AppContext(path, runner)
        first_run = FirstRunDialog(context, path)
        first_run.show()
        _save(app, first_run, "first-run.png")
        first_run.reject()
        profile = Profile(name="Sam Patel", role="Designated safeguarding lead", organisation="Oakwood Primary School")
        context.attach(create_database(path, "screenshots passphrase", profile, demo_children=300))
        window = MainWindow(context)
        window.resize(*SIZE)
        window.show()
        _save(app, window, "caseload.png")
        rows = window.caseload.model
        chosen = next(
            (rows.row_at(i) for i in range(rows.rowCount()) if len(rows.row_at(i).statuses) >= 2), rows.row_at(0)
        )
        window.open_child(chosen.child_id)
        _save(app, window, "child-record.png")
        _needs_check_and_matches(app, context, window)
        window.show_page(window.referrals)
        window.referrals.reload()
        window.referrals.table.selectRow(0)
        _save(app, window, "referrals.png")
        window.lock()
        _save(app, window, "locked.png")
        unlock = UnlockDialog(context, path)
        unlock.show()
        _save(app, unlock, "unlock.png")
        unlock.reject()
        window.close()
        runner.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
