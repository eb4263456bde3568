"""Unlock: one passphrase field; a wrong passphrase says so and lets the user try again."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from casedesk.errors import WrongPassphrase
from casedesk.services.collection import Collection, open_collection
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.palette import RED

UNLOCKING = "Unlocking: deriving the key from your passphrase, then checking the database is whole…"


class UnlockDialog(QDialog):
    restore_requested = Signal()  # the database cannot be opened: restore it from a backup instead

    def __init__(self, context: AppContext, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.path = path
        self.setWindowTitle("Unlock CaseDesk")
        self.setModal(True)
        intro = QLabel(f"<b>CaseDesk is locked.</b><br>Enter your passphrase to open<br><tt>{path.name}</tt>.")
        self.passphrase = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.setPlaceholderText("Passphrase")
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {RED};")
        self.error.setAccessibleName("Unlock error")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Unlock")
        self.buttons.accepted.connect(self.try_unlock)
        self.buttons.rejected.connect(self.reject)
        self.restore_button = QPushButton("Restore from a backup…")
        self.restore_button.clicked.connect(self.restore_requested)
        self.restore_button.hide()  # offered once opening fails for a reason other than the passphrase
        layout = QVBoxLayout(self)
        for widget in (intro, self.passphrase, self.error, self.restore_button, self.buttons):
            layout.addWidget(widget)
        self.setMinimumWidth(380)

    def try_unlock(self) -> None:
        secret = self.passphrase.text()
        if not secret:
            self.error.setText("Enter your passphrase.")
            return
        self.buttons.setEnabled(False)
        self.error.setText("Unlocking…")
        self.context.runner.run_db(
            lambda: open_collection(self.path, secret),
            self._unlocked,
            self._failed,
            progress=UNLOCKING,
            parent=self,
            what="unlocking the database",
        )

    def _unlocked(self, opened: tuple[Collection, Profile]) -> None:
        self.context.attach(opened)
        self.passphrase.clear()
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(error, WrongPassphrase):
            self.error.setText("That passphrase is not right. Try again.")
        else:  # damaged, emptied or missing: a backup can replace it
            self.error.setText(str(error))  # the task runner made every failure a sentence
            self.restore_button.show()
            self.adjustSize()
        self.passphrase.selectAll()
        self.passphrase.setFocus()
