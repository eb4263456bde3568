"""The Sync page's device backups: a folder an administrator chooses, daily backups kept N days, the last date.

The schedule is checked at unlock and every ten minutes while the app is unlocked; the backup itself runs on the
database thread (`services.device_backup`), so the window never waits on it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from casedesk.services import device_backup
from casedesk.ui.context import AppContext

CHECK_EVERY_MS = 10 * 60 * 1000


class BackupPanel(QGroupBox):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Device backups", parent)
        self.context = context
        self.last = QLabel("No backup yet")
        self.last.setAccessibleName("Last backup")
        self.folder = QLineEdit()
        self.folder.setReadOnly(True)
        self.folder.setPlaceholderText("Choose a folder for backups")
        self.folder.setAccessibleName("Backup folder")
        self.choose = QPushButton("Choose folder…")
        self.choose.clicked.connect(self.choose_folder)
        self.keep = QSpinBox(minimum=1, maximum=3650, value=14, suffix=" days")
        self.keep.setAccessibleName("Keep backups for")
        self.daily = QCheckBox("Back up every day")
        self.now_button = QPushButton("Back up now")
        self.now_button.clicked.connect(self.back_up_now)
        self.restore_button = QPushButton("Restore from a backup…")  # the main window opens the restore
        self.restore_button.setToolTip("Replace this device's database with one of its backups, then resync")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.keep.editingFinished.connect(self.save)
        self.daily.toggled.connect(lambda _on: self.save())

        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Folder:"))
        row.addWidget(self.folder, 1)
        row.addWidget(self.choose)
        layout.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.daily)
        row.addWidget(QLabel("Keep for"))
        row.addWidget(self.keep)
        row.addStretch(1)
        row.addWidget(self.now_button)
        row.addWidget(self.restore_button)
        layout.addLayout(row)
        layout.addWidget(self.last)
        layout.addWidget(self.message)
        self._loading = False
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_EVERY_MS)
        self._timer.timeout.connect(self.run_if_due)
        self._timer.start()

    # -- showing -----------------------------------------------------------------------------------------------
    def reload(self) -> None:
        if not self.context.unlocked:
            return
        self.context.runner.query(lambda col: (col.backups.schedule(), col.backups.last())).success(self._fill).run()

    def _fill(self, found: tuple[device_backup.Schedule, device_backup.LastBackup | None]) -> None:
        plan, last = found
        self._loading = True
        self.folder.setText(plan.folder)
        self.keep.setValue(plan.keep_days)
        self.daily.setChecked(plan.enabled)
        self._loading = False
        if last is None:
            self.last.setText("No backup yet")
        else:
            self.last.setText(f"Last backup: {last.at.astimezone():%d %b %Y %H:%M} — {Path(last.file).name}")

    # -- acting ------------------------------------------------------------------------------------------------
    def choose_folder(self) -> None:
        chosen = self.ask_folder()
        if chosen:
            self.folder.setText(chosen)
            self.save()

    def ask_folder(self) -> str:
        """Separate so tests can answer without a modal dialog."""
        return QFileDialog.getExistingDirectory(self, "Folder for device backups", self.folder.text())

    def save(self) -> None:
        if self._loading or not self.context.unlocked:
            return
        wanted = device_backup.Schedule(self.folder.text(), self.keep.value(), self.daily.isChecked())
        self.context.runner.op(lambda col: col.backups.set_schedule(wanted)).success(
            lambda _: self._said("Backup schedule saved.")
        ).failure(self._failed).run()

    def back_up_now(self) -> None:
        if not self.context.unlocked or not self.folder.text():
            self._said("Choose a folder for backups first.")
            return
        folder, keep = Path(self.folder.text()), self.keep.value()
        self.context.runner.op(lambda col: col.backups.back_up_now(folder, keep)).success(self._written).failure(
            self._failed
        ).run()

    def run_if_due(self) -> None:
        if not self.context.unlocked:
            return
        self.context.runner.op(lambda col: col.backups.run_if_due()).success(self._written).run()

    def _written(self, out: Path | None) -> None:
        if out is not None:
            self._said(f"Encrypted backup written to {out}.")
        self.reload()

    def _said(self, text: str) -> None:
        self.message.setText(text)

    def _failed(self, error: BaseException) -> None:
        self._said(f"Backup problem: {error}")
