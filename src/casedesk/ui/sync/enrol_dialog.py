"""Connect this computer to the organisation's server: the server, the person's user name and password, and the
one-time code their administrator gave them.

The request runs on the network pool; the dialog stays open on a failure, says why in plain words (wrong password,
wrong or expired code, server unreachable, certificate not trusted) and puts the cursor in the field to check.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from casedesk.services.enrolment import EnrolForm, Enrolled, EnrolmentFailed, this_computer
from casedesk.ui.context import AppContext
from casedesk.ui.palette import MUTED, RED

INTRO = (
    "<b>Connect this computer to your organisation's CaseDesk server.</b><br>"
    "Your records then reach your colleagues, and theirs reach you; everything stays on this computer too, and "
    "works without a connection. Your administrator gives you a <b>one-time code</b> for this: it works once and "
    "expires."
)
CONTACTING = "Contacting the server…"


class EnrolDialog(QDialog):
    """Emits `enrolled` and closes once the server has enrolled this computer; stays open on a failure."""

    enrolled = Signal(object)  # Enrolled

    def __init__(
        self, context: AppContext, server_url: str, parent: QWidget | None = None, *, locked_server: bool = False
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Connect to a server")
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.server = QLineEdit(server_url, placeholderText="https://casedesk.example.org")
        self.server.setEnabled(not locked_server)  # re-enrolling: the same server, a new token
        self.username = QLineEdit(placeholderText="e.g. your work email address")
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.code = QLineEdit(placeholderText="e.g. ABCD-EFGH-JKLM")
        self.device_name = QLineEdit(this_computer())
        self.fields = {
            "server": self.server,
            "username": self.username,
            "password": self.password,
            "code": self.code,
        }
        form = QFormLayout()
        for label, widget in (
            ("Server", self.server),
            ("User name", self.username),
            ("Password", self.password),
            ("One-time code", self.code),
            ("This computer's name", self.device_name),
        ):
            widget.setAccessibleName(label)
            form.addRow(label, widget)
        hint = QLabel("The name helps your administrator tell your computers apart.")
        hint.setStyleSheet(f"color: {MUTED};")
        hint.setWordWrap(True)
        form.addRow("", hint)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {RED};")
        self.error.setAccessibleName("Why enrolment failed")
        self.error.hide()
        self.working = QLabel(CONTACTING)
        self.working.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.enrol_button = self.buttons.addButton("Enrol this computer", QDialogButtonBox.ButtonRole.AcceptRole)
        self.enrol_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.working)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        (self.username if server_url else self.server).setFocus()

    def form(self) -> EnrolForm:
        return EnrolForm(
            server_url=self.server.text(),
            username=self.username.text(),
            password=self.password.text(),
            code=self.code.text(),
            device_name=self.device_name.text(),
        )

    def submit(self) -> None:
        """Send the form (on the network pool); the answer comes back to `_done` or `_failed`."""
        form = self.form()
        self._busy(True)
        self.context.runner.query(lambda col: col.enrolment.enrol(form)).on_network().success(self._done).failure(
            self._failed
        ).run()

    def _busy(self, busy: bool) -> None:
        self.working.setVisible(busy)
        self.enrol_button.setEnabled(not busy)
        if busy:
            self.error.hide()

    def _done(self, enrolled: Enrolled) -> None:
        self._busy(False)
        self.password.clear()
        self.enrolled.emit(enrolled)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._busy(False)
        self.error.setText(str(error))
        self.error.show()
        field = self.fields.get(error.field) if isinstance(error, EnrolmentFailed) else None
        if field is not None and field.isEnabled():
            field.setFocus()
            field.selectAll()
