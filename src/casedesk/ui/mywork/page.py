"""The "My work" page: one list, a section per registered work source (open alerts, referrals awaiting
acknowledgement, PEPs, reviews and visits due, drafts, conflicts), each item one click (or Enter) from the child at
the tab that shows it. Orchestration only: what is in each section is decided by `services/mywork`."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.records import Changes
from casedesk.services.alerts.service import AlertView
from casedesk.services.mywork.registry import WorkItem
from casedesk.services.mywork.service import MyWork
from casedesk.ui.context import AppContext
from casedesk.ui.mywork.alert_dialog import AlertDialog
from casedesk.ui.palette import AMBER, RED, RED_BACKGROUND

HEADERS = ("Child", "What", "Detail", "When")
ITEM = Qt.ItemDataRole.UserRole


def _when(item: WorkItem) -> str:
    if item.on is None:
        return ""
    return f"{item.on:%d %b %Y}" + (" · overdue" if item.overdue else "") + (" · urgent" if item.urgent else "")


class MyWorkPage(QWidget):
    open_child_at = Signal(str, str)  # child id, child-page tab
    open_sync = Signal()

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.work: MyWork | None = None
        self.heading = QLabel("<h2>My work</h2>")
        self.who = QLabel()
        self.who.setWordWrap(True)
        self.rules = QLabel()
        self.rules.setWordWrap(True)
        self.rules.setStyleSheet("QLabel { color: palette(text); }")
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(HEADERS))
        self.tree.setHeaderLabels(HEADERS)
        self.tree.setAccessibleName("My work")
        self.tree.setRootIsDecorated(False)
        self.tree.setWordWrap(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tree.itemActivated.connect(self._activate)
        self.tree.itemSelectionChanged.connect(self._selected)
        self.open_button = QPushButton("Open child")
        self.open_button.clicked.connect(lambda: self._activate(self.tree.currentItem()))
        self.alert_button = QPushButton("Alert…")
        self.alert_button.setToolTip("Why this alert was raised, who was told, and acknowledge, act or dismiss it")
        self.alert_button.clicked.connect(self._show_alert)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName("Urgent alerts")
        self.banner.setStyleSheet(f"QLabel {{ background: {RED_BACKGROUND}; color: {RED}; padding: 8px; }}")
        self.banner.hide()
        self.emails = QCheckBox("Email the people told of urgent alerts raised here (through the server; no names)")
        self.emails.setToolTip(
            "Each person told who has an email address gets: a child on your caseload needs attention, open "
            "CaseDesk. Nothing about the child or the alert is in the email."
        )
        self.emails.toggled.connect(self._set_emails)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.reload)
        buttons = QHBoxLayout()
        for button in (self.open_button, self.alert_button, self.refresh_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.who)
        layout.addWidget(self.banner)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.rules)
        layout.addWidget(self.emails)
        self.dialog: AlertDialog | None = None
        self._selected()
        context.runner.changes_applied.connect(self._on_changes)

    # -- loading -----------------------------------------------------------------------------------------------
    def reload(self) -> None:
        self.context.runner.query(
            lambda col: (col.mywork.load(), col.alerts.rules_in_effect().describe, col.alerts.emails_on())
        ).success(self._fill).run()

    def _on_changes(self, changes: Changes, initiator: object) -> None:
        if changes.entities and self.context.unlocked:
            self.reload()

    def _fill(self, loaded: tuple[MyWork, str, bool]) -> None:
        work, rules, emails = loaded
        self.emails.blockSignals(True)
        self.emails.setChecked(emails)
        self.emails.blockSignals(False)
        self.work = work
        selected = self._current()
        self.tree.clear()
        bold = QFont()
        bold.setBold(True)
        for section in work.sections:
            head = QTreeWidgetItem([f"{section.source.title} ({len(section.items)})"])
            head.setFirstColumnSpanned(True)
            head.setFont(0, bold)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(head)
            head.setFirstColumnSpanned(True)
            if not section.items:
                empty = QTreeWidgetItem(["", section.source.empty])
                empty.setFlags(Qt.ItemFlag.ItemIsEnabled)
                head.addChild(empty)
            for item in section.items:
                row = QTreeWidgetItem([item.child_name, item.title, item.detail, _when(item)])
                row.setData(0, ITEM, item)
                row.setToolTip(2, item.detail)
                if item.urgent or item.overdue:
                    row.setForeground(3, QBrush(QColor(RED if item.urgent else AMBER)))
                head.addChild(row)
                if selected is not None and (item.source, item.ref_id) == (selected.source, selected.ref_id):
                    self.tree.setCurrentItem(row)
            head.setExpanded(True)
        name = work.me.name
        if work.everyone:
            self.who.setText(
                f"{name}: you are not a named worker on any child held here, so this shows the work for every child."
            )
        else:
            self.who.setText(
                f"{name}: {work.count} thing(s) for the children you are named on and the alerts you are told of."
            )
        self.rules.setText(f"Alert rules in effect: {rules}.")
        self._selected()

    def _set_emails(self, on: bool) -> None:
        self.context.runner.op(lambda col: col.alerts.set_emails(on)).run(initiator=self)

    def show_urgent(self, views: list[AlertView]) -> None:
        """The in-app notice of urgent alerts just raised for this user (shown whether or not a tray exists)."""
        listed = "; ".join(f"{v.alert.rule_title} — {v.alert.child_name}" for v in views[:5])
        more = f" and {len(views) - 5} more" if len(views) > 5 else ""
        self.banner.setText(f"{len(views)} new urgent alert(s) for you: {listed}{more}.")
        self.banner.show()

    def forget(self) -> None:
        """At lock: nothing about a child stays on screen."""
        self.tree.clear()
        self.work = None
        self.banner.hide()
        self.banner.clear()
        self.who.clear()
        if self.dialog is not None:
            self.dialog.close()
            self.dialog = None
        self._selected()

    # -- acting --------------------------------------------------------------------------------------------------
    def _current(self) -> WorkItem | None:
        row = self.tree.currentItem()
        item = row.data(0, ITEM) if row is not None else None
        return item if isinstance(item, WorkItem) else None

    def _selected(self) -> None:
        item = self._current()
        self.open_button.setEnabled(item is not None and (item.child_id is not None or item.tab == "sync"))
        self.alert_button.setEnabled(item is not None and item.source == "alerts")

    def _activate(self, row: QTreeWidgetItem | None) -> None:
        item = row.data(0, ITEM) if row is not None else None
        if not isinstance(item, WorkItem):
            return
        if item.tab == "sync" or item.child_id is None:
            self.open_sync.emit()
        else:
            self.open_child_at.emit(item.child_id, item.tab)

    def _show_alert(self) -> None:
        item = self._current()
        if item is None or item.ref_id is None:
            return
        self.open_alert(item.ref_id)

    def open_alert(self, alert_id: str) -> None:
        self.dialog = AlertDialog(self.context, alert_id, self)
        self.dialog.open_child_at.connect(self.open_child_at)
        self.dialog.open()
