"""Access requests: one's own break-glass requests and, for a safeguarding lead, those about the organisation's
records — waiting ones to approve or refuse, granted ones (an emergency grant tells the lead here) to end early.

Opened from the status bar's "Access requests…" button; everything is read and decided on the network pool.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.overrides import REASON_LABELS, Reason
from casedesk.services.overrides import OverrideInfo, OverrideList
from casedesk.ui.child.override_dialog import category_label
from casedesk.ui.context import AppContext
from casedesk.ui.palette import MUTED
from casedesk.ui.sync.controller import SyncController
from casedesk.ui.widgets import EmptyState, filling, read_only_table, resize_to_fit

HEADERS = ("Child", "Asked by", "Records of", "What", "Why", "State", "Asked", "Until")


def row_cells(info: OverrideInfo) -> tuple[str, ...]:
    reason = REASON_LABELS[Reason(info.reason)] if info.reason in set(Reason) else info.reason
    return (
        info.child or info.child_id,
        f"{info.username} ({info.organisation}, device {info.device_name})",
        info.owner,
        ", ".join(category_label(c) for c in info.categories),
        f"{reason}: {info.detail}",
        info.state + (f" by {info.decided_by}" if info.decided_by else ""),
        info.requested_at[:16].replace("T", " "),
        (info.expires_at or "")[:16].replace("T", " "),
    )


def queue_table(accessible_name: str) -> QTableWidget:
    table = read_only_table(HEADERS, accessible_name)
    header = table.horizontalHeader()
    for column in (0, 2, 3, 5, 6, 7):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return table


def fill(table: QTableWidget, rows: list[OverrideInfo]) -> None:
    table.clearSelection()
    with filling(table, len(rows)):
        for r, info in enumerate(rows):
            for c, text in enumerate(row_cells(info)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                table.setItem(r, c, cell)


class OverrideQueueDialog(QDialog):
    def __init__(self, parent: QWidget | None, context: AppContext) -> None:
        super().__init__(parent)
        self.context = context
        self.listing: OverrideList | None = None
        self.setWindowTitle("Access requests")
        self.policy = QLabel()
        self.policy.setWordWrap(True)
        self.policy.setStyleSheet(f"color: {MUTED};")
        self.to_decide = queue_table("Requests about your organisation's records")
        self.decide_empty = EmptyState(
            self.to_decide,
            "No requests about your organisation's records. When someone elsewhere asks for what your "
            "organisation does not share with them, a safeguarding lead sees it here.",
        )
        self.mine = queue_table("Your requests")
        self.mine_empty = EmptyState(self.mine, "You have not asked for withheld information.")
        self.note = QLineEdit()
        self.note.setAccessibleName("Note for your decision")
        self.note.setPlaceholderText("A note with your decision (optional)")
        self.approve, self.refuse, self.end = QPushButton("Approve"), QPushButton("Refuse"), QPushButton("End now")
        self.approve.clicked.connect(lambda: self._decide(True))
        self.refuse.clicked.connect(lambda: self._decide(False))
        self.end.clicked.connect(self._end)
        actions = QHBoxLayout()
        actions.addWidget(self.note, 1)
        for button in (self.approve, self.refuse, self.end):
            actions.addWidget(button)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.policy)
        layout.addWidget(QLabel("<b>About your organisation's records</b>"))
        layout.addWidget(self.decide_empty, 2)
        layout.addLayout(actions)
        layout.addWidget(QLabel("<b>Your requests</b>"))
        layout.addWidget(self.mine_empty, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.current: OverrideInfo | None = None
        self.to_decide.itemSelectionChanged.connect(lambda: self._picked(self.to_decide, "to_decide"))
        self.mine.itemSelectionChanged.connect(lambda: self._picked(self.mine, "mine"))
        self._enable()
        resize_to_fit(self, 1100, 620)

    def reload(self) -> None:
        self.message.setText("Asking the server…")
        self.context.runner.query(lambda col: col.overrides.listing()).on_network().success(self._show).failure(
            self._failed
        ).run()

    def _show(self, listing: OverrideList) -> None:
        self.listing = listing
        self.current = None
        self.policy.setText(listing.policy)
        fill(self.to_decide, listing.to_decide)
        fill(self.mine, listing.mine)
        self.decide_empty.set_empty(not listing.to_decide)
        self.mine_empty.set_empty(not listing.mine)
        self.message.setText("")
        self._enable()

    def _failed(self, error: BaseException) -> None:
        self.message.setText(str(error))

    def selected(self) -> OverrideInfo | None:
        return self.current

    def _picked(self, table: QTableWidget, rows_of: str) -> None:
        rows = table.selectionModel().selectedRows()
        if not rows or self.listing is None:
            return
        other = self.mine if table is self.to_decide else self.to_decide
        other.blockSignals(True)
        other.clearSelection()
        other.blockSignals(False)
        self.current = getattr(self.listing, rows_of)[rows[0].row()]
        self._enable()

    def _enable(self) -> None:
        info = self.selected()
        waiting = info is not None and info.state == "pending"
        self.approve.setEnabled(waiting and self._is_about_us(info))
        self.refuse.setEnabled(waiting and self._is_about_us(info))
        self.end.setEnabled(info is not None and info.state in ("pending", "granted"))

    def _is_about_us(self, info: OverrideInfo | None) -> bool:
        return self.listing is not None and info is not None and any(o.id == info.id for o in self.listing.to_decide)

    def _decide(self, approve: bool) -> None:
        info, note = self.selected(), self.note.text()
        if info is None:
            return
        self.context.runner.op(lambda col: col.overrides.decide(info.id, approve, note)).on_network().success(
            lambda done: self._done(f"{'Approved' if approve else 'Refused'}: {done.username}'s request.")
        ).failure(self._failed).run(self)

    def _end(self) -> None:
        info = self.selected()
        if info is None:
            return
        self.context.runner.op(lambda col: col.overrides.end(info.id)).on_network().success(
            lambda done: self._done(f"Ended {done.username}'s access to {done.child or 'the child'}.")
        ).failure(self._failed).run(self)

    def _done(self, message: str) -> None:
        self.note.clear()
        self.reload()
        self.message.setText(message)


def access_requests_button(context: AppContext, window: QWidget, sync: SyncController | None = None) -> QPushButton:
    """The status bar's button that opens the access requests (the main window's one hook). After each sync
    round it asks the server how many requests about the organisation's records wait for this user (a
    safeguarding lead) and says so on the button, which My work lists too."""
    button = QPushButton("Access requests…")
    button.setAccessibleName("Access requests: break-glass requests to decide and your own")
    button.setToolTip("Break-glass requests about your organisation's records, and your own")
    opened: list[OverrideQueueDialog] = []

    def badge(waiting: int) -> None:
        button.setText(f"Access requests ({waiting} waiting)…" if waiting else "Access requests…")
        button.setStyleSheet("font-weight: bold;" if waiting else "")
        told = f"{waiting} break-glass request{'s' if waiting != 1 else ''} about your organisation's records"
        button.setAccessibleName(f"Access requests: {told}" if waiting else "Access requests: none waiting")

    def ask(report: object = None) -> None:
        if report is not None and context.unlocked:
            context.runner.query(lambda col: col.overrides.refresh_waiting()).on_network().success(badge).failure(
                lambda _error: None  # offline or not enrolled: the button keeps what it last said
            ).run()

    def show() -> None:
        if not context.unlocked:
            return
        opened[:] = [OverrideQueueDialog(window, context)]
        opened[0].finished.connect(lambda _result: ask(True))  # a decision made there updates the count
        opened[0].open()
        opened[0].reload()

    button.clicked.connect(show)
    if sync is not None:
        sync.round_finished.connect(ask)
    return button
