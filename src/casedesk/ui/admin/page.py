"""The Administration page, for an organisation's administrators: its users and computers with when each last
synced, revoking a computer, and issuing one-time enrolment codes — what `casedesk-server admin` does, over the
API. The server decides who may and audits every call; the page is shown only to administrators.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.services.administration import AdminDevice, AdminOverview
from casedesk.ui.admin import when
from casedesk.ui.admin.audit_dialog import audit_button
from casedesk.ui.admin.code_dialog import CodeDialog
from casedesk.ui.context import AppContext
from casedesk.ui.palette import MUTED, RED
from casedesk.ui.transfer.dialogs import import_button
from casedesk.ui.widgets import read_only_table

INTRO = (
    "Your organisation's people and computers. A revoked computer is refused at its next sync and erases its "
    "CaseDesk data; a one-time code lets a person enrol a computer. The server records every change made here."
)


class AdminPage(QWidget):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.overview: AdminOverview | None = None
        self.this_device = ""
        self.heading = QLabel("<h3>Administration</h3>")
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        intro.setStyleSheet(f"color: {MUTED};")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.reload)
        self.users = read_only_table(("User name", "Administrator", "Computers", "Last sync"), "Users")
        self.devices = read_only_table(("Computer", "User", "Enrolled", "Last sync", "State"), "Computers")
        self.code_button = QPushButton("Issue enrolment code…")
        self.code_button.clicked.connect(self.issue_code)
        self.revoke_button = QPushButton("Revoke computer…")
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Administration message")
        self.code_dialog: CodeDialog | None = None

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        self.audit_button = audit_button(context, self)
        top.addWidget(self.audit_button)
        top.addWidget(import_button(context, self))
        top.addWidget(self.refresh_button)
        layout.addLayout(top)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        for title, table, button in (
            ("People", self.users, self.code_button),
            ("Computers", self.devices, self.revoke_button),
        ):
            layout.addWidget(QLabel(f"<b>{title}</b>"))
            layout.addWidget(table, 1)
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(button)
            layout.addLayout(row)
        self.devices.itemSelectionChanged.connect(self._selection_changed)
        self.users.itemSelectionChanged.connect(self._selection_changed)
        self._selection_changed()

    # -- loading -----------------------------------------------------------------------------------------------
    def reload(self) -> None:
        if not self.context.unlocked:
            return
        self.refresh_button.setEnabled(False)
        self.context.runner.query(
            lambda col: (col.administration.this_device(), col.administration.overview())
        ).on_network().success(self._fill).failure(self._failed).run()

    def _fill(self, found: tuple[str, AdminOverview]) -> None:
        self.this_device, self.overview = found
        self.refresh_button.setEnabled(True)
        self.heading.setText(f"<h3>Administration — {self.overview.organisation}</h3>")
        self.users.setRowCount(len(self.overview.users))
        for row, user in enumerate(self.overview.users):
            person = (user.username, "yes" if user.administrator else "", str(user.devices), when(user.last_sync))
            for column, text in enumerate(person):
                self.users.setItem(row, column, QTableWidgetItem(text))
        self.devices.setRowCount(len(self.overview.devices))
        for row, device in enumerate(self.overview.devices):
            name = device.name + (" (this computer)" if device.device_id == self.this_device else "")
            state = f"revoked {when(device.revoked_at)}" if device.revoked_at else "active"
            cells = (name, device.username, when(device.enrolled_at), when(device.last_sync), state)
            for column, text in enumerate(cells):
                self.devices.setItem(row, column, QTableWidgetItem(text))
        self._selection_changed()

    def _failed(self, error: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        self.say(str(error), error=True)

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {RED};" if error else "")
        self.message.setText(text)

    # -- selection ---------------------------------------------------------------------------------------------
    def selected_device(self) -> AdminDevice | None:
        rows = self.devices.selectionModel().selectedRows()
        if self.overview is None or not rows:
            return None
        return self.overview.devices[rows[0].row()]

    def selected_user(self) -> str | None:
        rows = self.users.selectionModel().selectedRows()
        if self.overview is None or not rows:
            return None
        return self.overview.users[rows[0].row()].username

    def _selection_changed(self) -> None:
        device = self.selected_device()
        self.code_button.setEnabled(self.selected_user() is not None)
        revocable = device is not None and device.revoked_at is None and device.device_id != self.this_device
        self.revoke_button.setEnabled(revocable)
        self.revoke_button.setToolTip(
            "Revoke this computer from another one: revoking it here would erase it at once."
            if device is not None and device.device_id == self.this_device
            else ""
        )

    # -- actions -----------------------------------------------------------------------------------------------
    def revoke_selected(self) -> None:
        device = self.selected_device()
        if device is None or device.revoked_at or device.device_id == self.this_device:
            return
        if not self.confirm_revoke(device):
            return
        device_id = device.device_id
        self.context.runner.query(lambda col: col.administration.revoke(device_id)).on_network().success(
            lambda done: self._revoked(done)
        ).failure(self._failed).run()

    def confirm_revoke(self, device: AdminDevice) -> bool:
        """Ask before revoking (separate so tests can answer without a modal loop)."""
        answer = QMessageBox.question(
            self,
            "Revoke this computer?",
            f"Revoke “{device.name}” ({device.username})?\n\nAt its next sync it is refused and erases its "
            "CaseDesk data, including changes it has not sent yet. This cannot be undone: to use it again, enrol "
            "it with a new code.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _revoked(self, device: AdminDevice) -> None:
        self.say(f"Revoked “{device.name}” ({device.username}). It erases its CaseDesk data at its next sync.")
        self.reload()

    def issue_code(self) -> None:
        username = self.selected_user()
        if username is None:
            return
        self.code_dialog = CodeDialog(self.context, username, self)
        self.code_dialog.issued.connect(lambda _issued: self.reload())
        self.code_dialog.open()
