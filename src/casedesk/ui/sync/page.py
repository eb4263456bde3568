"""The Sync page: where this device stands with the server, what it refused, and conflicts waiting for a person.

Nothing here decides anything by itself: a set-aside change waits until someone retries it (after fixing what the
server objected to), and a conflict on a critical field keeps one value only "for now" until someone picks.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.services.sync import ConflictView, SetAside, SyncStatus, UnappliedRow
from casedesk.ui.busy import BusyRow
from casedesk.ui.context import AppContext
from casedesk.ui.palette import RED
from casedesk.ui.sync.backups import BackupPanel
from casedesk.ui.sync.controller import SYNCING, SyncController
from casedesk.ui.sync.enrol_dialog import EnrolDialog
from casedesk.ui.tasks import CollectionOp
from casedesk.ui.widgets import EmptyState, read_only_table

SET_ASIDE_TITLE = "Set aside: changes the server refused, and records this device could not store"


def _shown(value: Any) -> str:
    if value is None:
        return "(blank)"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


NOT_CONNECTED = (
    "This computer is not connected to a server: your records stay on it alone. Connect it with the user name, "
    "password and one-time code your administrator gave you."
)
NO_CONFLICTS = (
    "No conflicts. When two people change the same detail while apart, both values wait here for a person to "
    "choose; nothing needs doing until then."
)
NO_SET_ASIDE = (
    "Nothing set aside. A change the server refuses waits here with the reason, to be fixed and retried; "
    "everything else syncs by itself."
)


class ConflictDialog(QDialog):
    """Both (or all) values side by side; the person picks the one to keep."""

    def __init__(self, conflict: ConflictView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Resolve a conflict")
        self.conflict = conflict
        layout = QVBoxLayout(self)
        field = conflict.field.replace("_", " ")
        intro = QLabel(
            f"Two people changed <b>{field}</b> of this {conflict.entity.rstrip('s').replace('_', ' ')} "
            "while apart. Choose the value that is right; everyone's devices will get your choice."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.choices = QButtonGroup(self)
        for index, candidate in enumerate(conflict.candidates):
            kept = "  (kept for now)" if candidate["value"] == conflict.kept else ""
            button = QRadioButton(f"{_shown(candidate['value'])} — by {candidate['author']}{kept}")
            button.setAccessibleName(f"Value {index + 1}")
            self.choices.addButton(button, index)
            layout.addWidget(button)
            if candidate["value"] == conflict.kept:
                button.setChecked(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        keep = buttons.addButton("Keep this value", QDialogButtonBox.ButtonRole.AcceptRole)
        keep.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen_value(self) -> Any:
        return self.conflict.candidates[max(0, self.choices.checkedId())]["value"]


class SyncPage(QWidget):
    def __init__(self, context: AppContext, controller: SyncController) -> None:
        super().__init__()
        self.context = context
        self.controller = controller
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Sync status")
        self.sync_button = QPushButton("Sync now")
        self.sync_button.clicked.connect(controller.sync_now)
        self.connection = QLabel()  # enrolled where, as whom; or how to connect
        self.connection.setWordWrap(True)
        self.connection.setAccessibleName("Server connection")
        self.enrol_button = QPushButton("Connect to a server…")
        self.enrol_button.clicked.connect(self.enrol)
        self.enrol_dialog: EnrolDialog | None = None
        self.update_notice = QLabel()  # this app is too old to sync, or a newer one exists
        self.update_notice.setWordWrap(True)
        self.update_notice.setAccessibleName("CaseDesk update")
        self.update_notice.hide()
        self.set_aside_table = read_only_table(("When", "Record", "By", "Why it was set aside"), SET_ASIDE_TITLE)
        self.retry_button = QPushButton("Retry selected")
        self.retry_button.clicked.connect(self.retry_selected)
        self.conflict_table = read_only_table(
            ("Record", "Field", "Kept for now", "Other values"), "Conflicts waiting for a person"
        )
        self.resolve_button = QPushButton("Resolve…")
        self.resolve_button.clicked.connect(self.resolve_selected)
        self.conflict_table.doubleClicked.connect(lambda _: self.resolve_selected())
        self.set_aside: list[SetAside] = []
        self.unapplied: list[UnappliedRow] = []  # received rows this device could not store
        self.conflicts: list[ConflictView] = []
        self.recovery = QLabel()  # the server (or this device) went back in time: what happened, what is done
        self.recovery.setWordWrap(True)
        self.recovery.setAccessibleName("Restore from backup")
        self.recovery.hide()
        self.backups = BackupPanel(context, self)

        layout = QVBoxLayout(self)
        connection = QHBoxLayout()
        connection.addWidget(self.connection, 1)
        connection.addWidget(self.enrol_button)
        layout.addLayout(connection)
        layout.addWidget(self.update_notice)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.sync_button)
        layout.addLayout(top)
        self.busy = BusyRow(controller.cancel)  # a round past half a second: what it does, and Stop
        controller.progress.connect(lambda on: self.busy.show_busy(SYNCING) if on else self.busy.done())
        layout.addWidget(self.busy)
        self.conflict_empty = EmptyState(self.conflict_table, NO_CONFLICTS)
        self.set_aside_empty = EmptyState(self.set_aside_table, NO_SET_ASIDE)
        layout.addWidget(self.recovery)
        for title, table, button in (
            ("Conflicts waiting for a person", self.conflict_empty, self.resolve_button),
            (SET_ASIDE_TITLE, self.set_aside_empty, self.retry_button),
        ):
            heading = QLabel(f"<b>{title}</b>")
            layout.addWidget(heading)
            layout.addWidget(table, 1)
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(button)
            layout.addLayout(row)
        layout.addWidget(self.backups)
        controller.status_changed.connect(lambda text, tip: self.status.setText(f"{text}\n{tip}"))
        controller.status_changed.connect(lambda *_: self._show_connection())
        controller.round_finished.connect(lambda _: self.reload())

    def _show_connection(self) -> None:
        status = self.controller.last_status
        if status is None:
            return
        self.sync_button.setEnabled(status.enrolled and not status.update_required)
        self._show_update(status)
        if not status.enrolled:
            self.connection.setText(NOT_CONNECTED)
            self.enrol_button.setText("Connect to a server…")
            return
        self.connection.setText(f"This computer is enrolled with <b>{status.server_url}</b>.")
        self.enrol_button.setText("Enrol again…")  # a refused token: the same server gives a new one

    def _show_update(self, status: SyncStatus) -> None:
        if status.update_required:
            self.update_notice.setText(
                f"<span style='color:{RED}'><b>Update CaseDesk to keep syncing.</b> This is CaseDesk "
                f"{status.app_version}; your server accepts {status.minimum_version} or newer. Until CaseDesk is "
                "updated nothing is sent or received, and nothing is lost: your records and the changes waiting "
                "stay on this computer and are sent after the update. Ask your administrator for the update."
                "</span>"
            )
        elif status.newer_version:
            self.update_notice.setText(
                f"A newer CaseDesk ({status.newer_version}) is available; this is {status.app_version}. "
                "Your administrator can install it; this version keeps syncing meanwhile."
            )
        self.update_notice.setVisible(status.update_required or bool(status.newer_version))

    def enrol(self) -> None:
        """Open the enrolment dialog on the server this device is enrolled with, else the site's default."""
        self.context.runner.query(lambda col: col.enrolment.offered_server()).success(self._open_enrol).run()

    def _open_enrol(self, offered: tuple[str, bool]) -> None:
        server, enrolled = offered
        self.enrol_dialog = EnrolDialog(self.context, server, self, locked_server=enrolled)
        self.enrol_dialog.enrolled.connect(lambda _: self._after_action())
        self.enrol_dialog.open()

    def reload(self) -> None:
        if not self.context.unlocked:
            return
        self.context.runner.query(
            lambda col: (col.sync.set_aside(), col.sync.conflicts(), col.sync.unapplied())
        ).success(self._fill).run()
        self.context.runner.query(lambda col: col.sync.recovery_notice()).success(self._show_recovery).run()
        self.backups.reload()

    def _show_recovery(self, notice: dict[str, Any] | None) -> None:
        if not notice:
            self.recovery.hide()
            return
        colour = "#8a4b00" if notice["active"] else "#1f5130"
        when = f" ({notice['at'][:16].replace('T', ' ')} UTC)" if notice.get("at") else ""
        self.recovery.setText(f"<span style='color:{colour}'><b>Restore from backup{when}:</b> {notice['text']}</span>")
        self.recovery.show()

    def _fill(self, found: tuple[list[SetAside], list[ConflictView], list[UnappliedRow]]) -> None:
        self.set_aside, self.conflicts, self.unapplied = found
        self.set_aside_table.setRowCount(len(self.set_aside) + len(self.unapplied))
        rows = [
            (f"{c.created_at:%d %b %Y %H:%M}", f"{c.entity} {c.op}", c.author, c.reason) for c in self.set_aside
        ] + [
            (u.at.replace("T", " ")[:16], f"{u.entity} received", "(from the server)", u.reason) for u in self.unapplied
        ]
        for row, cells in enumerate(rows):
            for column, text in enumerate(cells):
                self.set_aside_table.setItem(row, column, QTableWidgetItem(text))
        self.conflict_table.setRowCount(len(self.conflicts))
        for row, conflict in enumerate(self.conflicts):
            others = ", ".join(_shown(c["value"]) for c in conflict.candidates if c["value"] != conflict.kept)
            cells = (conflict.entity.replace("_", " "), conflict.field.replace("_", " "), _shown(conflict.kept), others)
            for column, text in enumerate(cells):
                self.conflict_table.setItem(row, column, QTableWidgetItem(text))
        self.conflict_empty.set_empty(not self.conflicts)
        self.set_aside_empty.set_empty(not (self.set_aside or self.unapplied))
        self.retry_button.setEnabled(bool(self.set_aside or self.unapplied))
        self.resolve_button.setEnabled(bool(self.conflicts))

    def _selected(self, table: QTableWidget, items: list[Any]) -> Any:
        rows = table.selectionModel().selectedRows()
        index = rows[0].row() if rows else 0
        return items[index] if 0 <= index < len(items) else None

    def retry_selected(self) -> None:
        change = self._selected(self.set_aside_table, [*self.set_aside, *self.unapplied])
        if change is None:
            return
        retrying: CollectionOp[Any]
        if isinstance(change, UnappliedRow):  # a received row: try storing every set-aside one again
            retrying = self.context.runner.op(lambda col: col.sync.retry_unapplied())
        else:
            retrying = self.context.runner.op(lambda col: col.sync.retry(change.change_id))
        retrying.success(lambda _: self._after_action()).run(initiator=self)

    def resolve_selected(self) -> None:
        conflict = self._selected(self.conflict_table, self.conflicts)
        if conflict is None:
            return
        dialog = self.make_dialog(conflict)
        if not dialog.exec():
            return
        value = dialog.chosen_value()
        resolving = self.context.runner.op(lambda col: col.sync.resolve(conflict.conflict_id, value, col.actor))
        resolving.success(lambda _: self._after_action()).run(initiator=self)

    def make_dialog(self, conflict: ConflictView) -> ConflictDialog:
        """Separate so tests can answer the dialog without a modal loop."""
        return ConflictDialog(conflict, self)

    def _after_action(self) -> None:
        self.reload()
        self.controller.refresh()
        self.controller.sync_now()
