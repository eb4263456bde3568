"""Issue a one-time enrolment code for a person: how long it stays valid, then the code to give them (read aloud
or copied), with when it expires."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from casedesk.services.administration import CodeIssued
from casedesk.ui.admin import when
from casedesk.ui.context import AppContext
from casedesk.ui.palette import RED

MAX_HOURS = 24 * 14


class CodeDialog(QDialog):
    issued = Signal(object)  # CodeIssued

    def __init__(self, context: AppContext, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.username = username
        self.issued_code: CodeIssued | None = None
        self.setWindowTitle("Issue an enrolment code")
        intro = QLabel(
            f"A one-time code lets <b>{username}</b> enrol one computer, with their own password. It works once, "
            "for them only, until it expires."
        )
        intro.setWordWrap(True)
        self.hours = QSpinBox(minimum=1, maximum=MAX_HOURS, value=24, suffix=" hours")
        self.hours.setAccessibleName("Valid for")
        form = QFormLayout()
        form.addRow("Valid for", self.hours)
        self.code = QLabel()
        self.code.setAccessibleName("Enrolment code")
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        big = QFont(self.code.font())
        big.setPointSizeF(big.pointSizeF() * 1.8)
        big.setBold(True)
        self.code.setFont(big)
        self.code.hide()
        self.expiry = QLabel()
        self.expiry.setWordWrap(True)
        self.expiry.hide()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {RED};")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.issue_button = self.buttons.addButton("Issue code", QDialogButtonBox.ButtonRole.ActionRole)
        self.issue_button.setDefault(True)
        self.issue_button.clicked.connect(self.issue)
        self.copy_button = QPushButton("Copy code")
        self.copy_button.clicked.connect(self.copy)
        self.copy_button.hide()
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.code, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.expiry)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)

    def issue(self) -> None:
        username, hours = self.username, float(self.hours.value())
        self.issue_button.setEnabled(False)
        self.context.runner.query(lambda col: col.administration.issue_code(username, hours)).on_network().success(
            self._issued
        ).failure(self._failed).run()

    def _issued(self, issued: CodeIssued) -> None:
        self.issued_code = issued
        self.code.setText(issued.code)
        self.code.show()
        self.expiry.setText(
            f"Give this code to {issued.username} (read it aloud, or send it apart from their password). It works "
            f"once, until {when(issued.expires_at)}."
        )
        self.expiry.show()
        self.hours.setEnabled(False)
        self.issue_button.hide()
        self.copy_button.show()
        self.issued.emit(issued)

    def _failed(self, error: BaseException) -> None:
        self.issue_button.setEnabled(True)
        self.error.setText(str(error))
        self.error.show()

    def copy(self) -> None:
        if self.issued_code is not None:
            QGuiApplication.clipboard().setText(self.issued_code.code)
