"""Restore from a backup: choose it, see what it replaces, confirm, restore, and carry on where the app left off.

Reached from the Sync page's device backups, from the unlock dialog when the database cannot be opened, and from
the notice shown when the check at unlock finds the database damaged. The restore runs on the database thread
behind a progress dialog; the backup is proved (passphrase, checks) before the current database is closed or
moved, so a wrong passphrase or a damaged backup is said here and leaves the current data as it was. Afterwards
the app is unlocked on the restored database and the caller is told (`restored`), to sync with the server.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from casedesk.errors import CaseDeskError, WrongPassphrase
from casedesk.services.restore import Current, describe_backup, describe_current, restore_and_open
from casedesk.ui.context import AppContext
from casedesk.ui.palette import RED

RESTORING = "Restoring: checking the backup, then putting it in place of the current database…"


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


class RestoreDialog(QDialog):
    restored = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Restore from a backup")
        self.setModal(True)
        intro = QLabel(
            "Replace this device's database with one of its backups. CaseDesk then syncs with the server, which "
            "sends back everything recorded since the backup was made."
        )
        intro.setWordWrap(True)
        self.file = QLineEdit(readOnly=True, placeholderText="Choose a backup file (.cdbackup)")
        self.file.setAccessibleName("Backup file")
        choose = QPushButton("Choose backup…")
        choose.clicked.connect(self.choose)
        self.backup_info = QLabel()
        self.backup_info.setWordWrap(True)
        self.replaces = QLabel()
        self.replaces.setWordWrap(True)
        self.replaces.setAccessibleName("What will be replaced")
        self.passphrase = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("The passphrase in use when the backup was made")
        self.passphrase.setAccessibleName("Backup passphrase")
        self.confirm = QCheckBox("Replace the current database with this backup")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {RED};")
        self.error.setAccessibleName("Restore error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.restore_button.setText("Restore")
        self.buttons.accepted.connect(self.restore)
        self.buttons.rejected.connect(self.reject)
        self.confirm.toggled.connect(lambda _on: self._enable())

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(choose)
        layout.addLayout(row)
        parts: tuple[QWidget, ...] = (self.backup_info, self.replaces, QLabel("Passphrase of the backup:"))
        for widget in (*parts, self.passphrase, self.confirm, self.error, self.buttons):
            layout.addWidget(widget)
        self.setMinimumWidth(520)
        self.backup: Path | None = None
        self._busy = False
        self._current: object = None
        self._describe_current()
        self._enable()

    # -- what will happen --------------------------------------------------------------------------------------
    def _describe_current(self) -> None:
        path = self.context.db_path
        if self.context.unlocked:
            self.context.runner.query(lambda col: describe_current(path, col.backups.unsent())).success(
                self._show_current
            ).run()
        else:
            self._show_current(describe_current(path))

    def _show_current(self, current: Current) -> None:
        if not current.exists:
            self.replaces.setText(f"There is no database at {current.path} now: the backup will be put there.")
            return
        text = f"This replaces the database at {current.path}"
        if current.modified is not None:
            text += f" ({_size(current.size)}, last changed {current.modified.astimezone():%d %b %Y %H:%M})"
        text += "."
        if current.unsent:
            text += f" {current.unsent} change(s) made on this device have not reached the server yet and will be lost."
        self.replaces.setText(text)

    def ask_file(self) -> str:
        """Separate so tests can answer without a modal dialog."""
        path, _ = QFileDialog.getOpenFileName(self, "Choose a backup", "", "CaseDesk backups (*.cdbackup);;All (*)")
        return path

    def choose(self) -> None:
        chosen = self.ask_file()
        if chosen:
            self.choose_file(Path(chosen))

    def choose_file(self, path: Path) -> None:
        self.file.setText(str(path))
        self.error.clear()
        try:
            manifest = describe_backup(path)
        except CaseDeskError as exc:
            self.backup = None
            self.backup_info.setText("")
            self.error.setText(str(exc))
        else:
            self.backup = path
            made = f"{manifest.created_at.astimezone():%d %b %Y %H:%M}" if manifest.created_at else "an unknown date"
            self.backup_info.setText(f"Backup made {made}, {_size(manifest.size)}.")
        self._enable()

    def _enable(self) -> None:
        self.restore_button.setEnabled(self.backup is not None and self.confirm.isChecked() and not self._busy)

    # -- doing it ----------------------------------------------------------------------------------------------
    def restore(self) -> None:
        secret = self.passphrase.text()
        if self.backup is None or not self.confirm.isChecked():
            return
        if not secret:
            self.error.setText("Enter the backup's passphrase.")
            return
        backup, path = self.backup, self.context.db_path
        current = self.context.runner.current()  # closed by the restore only once the backup has proved good
        self._current = current
        self._busy = True
        self._enable()
        self.error.setText("Restoring…")
        self.context.runner.run_db(
            lambda: restore_and_open(backup, path, secret, current.close if current is not None else None),
            self._done,
            self._failed,
            progress=RESTORING,
            parent=self,
            what="restoring from a backup",
        )

    def _done(self, opened: object) -> None:
        self.context.attach(opened)  # type: ignore[arg-type]
        self.passphrase.clear()
        self.accept()
        self.restored.emit()

    def _failed(self, error: BaseException) -> None:
        self._busy = False
        self._enable()
        closed = getattr(self._current, "closed", False)
        if closed:  # the swap itself failed: the old files are back in place, but closed
            self.error.setText(f"{error} The current database was put back; unlock it again.")
        elif isinstance(error, WrongPassphrase):
            self.error.setText("That passphrase does not open this backup. Nothing was changed.")
        else:
            self.error.setText(f"{error} Nothing was changed." if "nothing" not in str(error).lower() else str(error))
        self.passphrase.selectAll()
        self.passphrase.setFocus()
