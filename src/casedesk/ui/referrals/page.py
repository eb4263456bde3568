"""The Referrals page: every referral with filters (status, service, overdue), its timeline, the next steps the
workflow allows, the packs, and the analytics tab. Orchestration only: rules live in the referral services."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.records import Changes, ChronologyEvent
from casedesk.domain.referrals.workflow import ACTIONS, DECLINE_REASONS, TRANSITIONS, URGENCIES, ReferralStatus
from casedesk.services.referrals.service import ReferralListItem
from casedesk.ui.context import AppContext
from casedesk.ui.palette import RED
from casedesk.ui.referrals.actions import PackActions
from casedesk.ui.referrals.analytics_tab import AnalyticsTab
from casedesk.ui.widgets import EmptyState, filling, narrow, read_only_table

HEADERS = ("Date", "Child", "Service", "Status", "Outcome", "Urgency", "Acknowledge by")
SERVICE, OUTCOME, ACK = 2, 4, 6
NO_REFERRALS = (
    "No referrals yet. Each referral you make appears here with its status, when the service should acknowledge it "
    "and its outcome.\nTo make the first, open a child's record and choose \u201cRefer\u2026\u201d, or find a "
    "service in the Directory and choose \u201cRefer this child\u201d."
)
NO_FILTER_MATCH = "No referral matches these filters. Set them back to \u201cAny \u2026\u201d to see every referral."
RED_FLAG = QColor(RED)


def row_cells(item: ReferralListItem) -> tuple[tuple[str, str], ...]:
    """The list's cells for one referral, each with its tooltip: the date it was sent (or drafted), names in full,
    the outcome once there is one, and when the service should acknowledge it."""
    r = item.referral
    if r.sent_at is not None:
        when = (f"{r.sent_at:%d %b %Y}", f"Sent {r.sent_at:%A %d %B %Y}")
    else:
        still = "not sent yet" if r.status == ReferralStatus.DRAFT else "never sent"
        when = (f"{r.dated:%d %b %Y}", f"Drafted {r.dated:%A %d %B %Y}; {still}")
    if r.outcome:
        outcome = r.outcome
    elif r.status in (ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN) and r.decline_reason:
        outcome = r.decline_reason[:1].upper() + r.decline_reason[1:]
    else:
        outcome = ""
    due = f"{item.due:%d %b %Y}" + (" (overdue)" if item.overdue else "") if item.due else ""
    due_tip = (
        f"The service should acknowledge by {item.due:%A %d %B %Y}" + (": overdue" if item.overdue else "")
        if item.due
        else "Acknowledgement is due once the referral is sent"
    )
    return (
        when,
        (item.child_name, ""),
        (r.service_name, ""),
        (ReferralStatus(r.status).label, ""),
        (outcome, ""),
        (URGENCIES.get(r.urgency, r.urgency).split(" (")[0], URGENCIES.get(r.urgency, r.urgency)),
        (due, due_tip),
    )


class ReferralsPage(QWidget):
    open_child = Signal(str)

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.items: list[ReferralListItem] = []
        self.shown: list[ReferralListItem] = []
        self.pending_select: str | None = None
        self.status = QComboBox()
        self.status.addItem("Any status", None)
        for status in ReferralStatus:
            self.status.addItem(status.label, status.value)
        self.service = QComboBox()
        self.service.addItem("Any service", None)
        narrow(self.status)
        narrow(self.service, 20)
        self.status.setAccessibleName("Filter by status")
        self.service.setAccessibleName("Filter by service")
        self.overdue_only = QCheckBox("Overdue only")
        for widget in (self.status, self.service):
            widget.currentIndexChanged.connect(self.refresh)
        self.overdue_only.toggled.connect(self.refresh)
        self.table = read_only_table(HEADERS, "Referrals")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (SERVICE, OUTCOME):  # the long texts share what is left and wrap rather than being cut
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.count = QLabel()

        self.detail = QLabel("Choose a referral to see its timeline.")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.timeline = QListWidget()
        self.timeline.setWordWrap(True)
        self.timeline.setAccessibleName("Referral timeline")
        self.step_buttons = QGridLayout()  # two a row: the pane stays narrow, the list keeps its width
        self.open_child_button = QPushButton("Open child's record")
        self.open_child_button.clicked.connect(self._open_child)
        self.packs = PackActions(context, self)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.addWidget(self.detail)
        detail_layout.addWidget(QLabel("<b>Timeline</b>"))
        detail_layout.addWidget(self.timeline, 1)
        detail_layout.addLayout(self.step_buttons)
        detail_layout.addWidget(self.packs)
        detail_layout.addWidget(self.open_child_button)

        filters = QHBoxLayout()
        for shown in (QLabel("Show"), self.status, self.service, self.overdue_only):
            filters.addWidget(shown)
        filters.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(filters)
        self.empty = EmptyState(self.table, NO_REFERRALS)
        left_layout.addWidget(self.empty, 1)
        left_layout.addWidget(self.count)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(detail)
        split.setSizes([880, 320])
        self.analytics = AnalyticsTab(context)
        tabs = QTabWidget()
        tabs.addTab(split, "Referrals")
        tabs.addTab(self.analytics, "Analytics")
        QVBoxLayout(self).addWidget(tabs)
        context.runner.changes_applied.connect(self._on_changes)
        self._show_selected()

    # -- loading -----------------------------------------------------------------------------------------------
    def reload(self) -> None:
        if not self.context.unlocked:
            return
        self.context.runner.query(lambda col: col.referrals.listing(date.today())).success(self._loaded).run()
        if self.analytics.isVisible():  # otherwise it loads when its tab is opened
            self.analytics.reload()

    def _loaded(self, items: list[ReferralListItem]) -> None:
        self.items = items
        current = self.service.currentData()
        self.service.blockSignals(True)
        while self.service.count() > 1:
            self.service.removeItem(1)
        for name in sorted({i.referral.service_name for i in items}):
            self.service.addItem(name, name)
        self.service.setCurrentIndex(max(0, self.service.findData(current)))
        self.service.blockSignals(False)
        self.refresh()
        if self.pending_select:
            wanted, self.pending_select = self.pending_select, None
            self.select(wanted)

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if changes.touches("referrals"):
            self.reload()
        elif changes.touches("events") and self.selected() is not None:
            self._show_selected()  # e.g. "pack emailed" joins the timeline; the list itself is unchanged

    def refresh(self) -> None:
        selected = self.selected()
        status, name, overdue = self.status.currentData(), self.service.currentData(), self.overdue_only.isChecked()
        self.shown = sorted(
            (
                i
                for i in self.items
                if (status is None or i.referral.status == status)
                and (name is None or i.referral.service_name == name)
                and (not overdue or i.overdue)
            ),
            key=lambda i: (i.referral.dated, i.referral.id),
            reverse=True,
        )
        with filling(self.table, len(self.shown)):
            for row, item in enumerate(self.shown):
                for column, (text, tip) in enumerate(row_cells(item)):
                    cell = QTableWidgetItem(text)
                    cell.setToolTip(tip or text)
                    if item.overdue and column == ACK:
                        cell.setForeground(RED_FLAG)
                    self.table.setItem(row, column, cell)
        self.empty.set_empty(not self.shown, NO_REFERRALS if not self.items else NO_FILTER_MATCH)
        overdue_count = sum(i.overdue for i in self.items)
        self.count.setText(
            f"{len(self.shown):,} of {len(self.items):,} referrals"
            + (f" · {overdue_count} overdue" if overdue_count else "")
        )
        if selected is not None:
            self.table.blockSignals(True)
            self.select(selected.referral.id)
            self.table.blockSignals(False)
        self._show_selected()  # the selected referral may itself have changed

    # -- selection and actions ---------------------------------------------------------------------------------
    def select(self, referral_id: str) -> None:
        for row, item in enumerate(self.shown):
            if item.referral.id == referral_id:
                self.table.selectRow(row)
                return
        self.pending_select = referral_id  # not loaded yet: chosen when the list arrives

    def selected(self) -> ReferralListItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.shown[rows[0].row()] if rows and rows[0].row() < len(self.shown) else None

    def _show_selected(self) -> None:
        item = self.selected()
        while self.step_buttons.count():
            taken = self.step_buttons.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        self.timeline.clear()
        self.packs.set_referral(item.referral if item else None)
        self.open_child_button.setEnabled(item is not None)
        if item is None:
            self.detail.setText("Choose a referral to see its timeline.")
            return
        r = item.referral
        sharing = r.sharing_decision.describe()
        self.detail.setText(
            f"<b>{item.child_name}</b> → <b>{r.service_name}</b><br>{ReferralStatus(r.status).label}"
            + (f" · <span style='color:{RED}'>acknowledgement overdue</span>" if item.overdue else "")
            + f"<br><i>{r.reason}</i><br><small>{sharing}</small>"
        )
        steps = sorted(TRANSITIONS[ReferralStatus(r.status)], key=list(ReferralStatus).index)
        for index, status in enumerate(steps):
            button = QPushButton(ACTIONS[status])
            button.clicked.connect(lambda _=False, s=status.value: self.step(s))
            self.step_buttons.addWidget(button, index // 2, index % 2)
        self.context.runner.query(lambda col: col.referrals.timeline(r.id)).success(self._fill_timeline).run()

    def _fill_timeline(self, events: list[ChronologyEvent]) -> None:
        self.timeline.clear()
        for event in events:
            self.timeline.addItem(f"{event.recorded_at.astimezone():%d %b %Y %H:%M}  {event.summary} — {event.author}")

    def ask_text(self, title: str, label: str, choices: list[str] | None = None) -> str | None:
        """Ask for a reason or an outcome (tests answer this directly)."""
        if choices:
            text, ok = QInputDialog.getItem(self, title, label, choices, 0, True)
        else:
            text, ok = QInputDialog.getText(self, title, label)
        return text.strip() if ok and text.strip() else None

    def step(self, target: str) -> None:
        item = self.selected()
        if item is None:
            return
        reason = outcome = None
        if target == ReferralStatus.DECLINED:
            reason = self.ask_text("Declined", "Why did the service decline?", list(DECLINE_REASONS))
            if reason is None:
                return
        elif target == ReferralStatus.WITHDRAWN:
            reason = self.ask_text("Withdraw", "Why is the referral withdrawn?")
            if reason is None:
                return
        elif target == ReferralStatus.CLOSED:
            outcome = self.ask_text("Close", "What was the outcome?")
            if outcome is None:
                return
        referral_id = item.referral.id
        self.context.runner.op(
            lambda col: col.referrals.transition(referral_id, target, reason=reason, outcome=outcome)
        ).run(initiator=self)

    def _open_child(self) -> None:
        item = self.selected()
        if item is not None:
            self.open_child.emit(item.referral.child_id)
