"""Start the desktop app: first run or unlock, then the main window."""

from __future__ import annotations

import platform
import sys
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from casedesk import __version__, site_profile, supportlog
from casedesk.buildinfo import build_info
from casedesk.paths import default_database_path
from casedesk.ui import palette
from casedesk.ui.context import AppContext
from casedesk.ui.main_window import MainWindow
from casedesk.ui.sync.restore_dialog import RestoreDialog
from casedesk.ui.tasks import TaskRunner
from casedesk.ui.unlock.first_run_dialog import FirstRunDialog
from casedesk.ui.unlock.unlock_dialog import UnlockDialog


def make_app(argv: list[str]) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv)
    app.setApplicationName("CaseDesk")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("CaseDesk")
    palette.apply(app)
    return app


def refuse_to_start(reason: str) -> None:
    """A plain message instead of the app, when the site profile is unusable (the user cannot fix it)."""
    box = QMessageBox(QMessageBox.Icon.Critical, "CaseDesk cannot start", reason)
    box.setInformativeText("Nothing was opened or changed. Show this message to your CaseDesk administrator.")
    box.exec()


def start(context: AppContext) -> MainWindow | None:
    """Show first run or unlock; return the main window once the database is open, or None if cancelled."""
    path = context.db_path
    dialog: QDialog = UnlockDialog(context, path) if path.exists() else FirstRunDialog(context, path)
    restored: list[RestoreDialog] = []
    if isinstance(dialog, UnlockDialog):  # the database will not open: restore a backup instead of unlocking it
        dialog.restore_requested.connect(lambda: restored.append(restore_instead(context, dialog)))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    window = MainWindow(context)
    if any(d.result() == QDialog.DialogCode.Accepted for d in restored):
        window.tell_restored()
    app = QApplication.instance()
    if app is not None:  # always, once make_app has run: the dialogs above needed it
        app.installEventFilter(window.idle)
    window.show()
    return window


def restore_instead(context: AppContext, unlock: UnlockDialog) -> RestoreDialog:
    """The restore dialog over the unlock dialog; once restored, the app opens on the restored database."""
    restore = RestoreDialog(context, unlock)
    restore.restored.connect(unlock.accept)
    restore.open()
    return restore


def start_support_log() -> None:
    """The rotating support log in the data folder (no personal data: see `casedesk.supportlog`)."""
    info = build_info()
    try:
        supportlog.configure()
    except OSError:
        return  # a read-only data folder: CaseDesk still runs, without a log
    supportlog.started(
        f"CaseDesk {info.version} (build {info.build}, commit {info.commit}), Python {platform.python_version()}, "
        f"Qt {pyside_version}, {platform.system()} {platform.release()} {platform.machine()}"
    )


def run(argv: list[str], db_path: Path | None = None) -> int:
    app = make_app(argv)
    start_support_log()
    try:
        site_profile.load()
    except site_profile.SiteProfileError as exc:  # the policy it carries cannot be ignored: say why, do not start
        refuse_to_start(str(exc))
        return exc.exit_code
    runner = TaskRunner()
    context = AppContext(db_path or default_database_path(), runner)
    window = start(context)
    if window is None:
        runner.shutdown()
        return 0
    code = app.exec()
    supportlog.stop()
    return code


if __name__ == "__main__":
    sys.exit(run(sys.argv))
