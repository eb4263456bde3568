"""The chronology: every event from every agency in one list, filterable; add an entry or amend one."""

from __future__ import annotations

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtGui import QColor, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.records import ChronologyEvent
from casedesk.domain.vocab import EventKind, label_of
from casedesk.services.children import ChildView
from casedesk.ui.widgets import read_only_table

HEADERS = ("When", "Kind", "Agency", "Significance", "Summary", "Recorded by")

PREVIEW_CHARS = 260


class ChronologyTab(QWidget):
    add_requested = Signal()
    amend_requested = Signal(object)  # ChronologyEvent

    def __init__(self) -> None:
        super().__init__()
        self._view: ChildView | None = None
        self.kind = QComboBox()
        self.kind.addItem("Every kind", None)
        for kind in EventKind:
            self.kind.addItem(kind.label, kind.value)
        self.agency = QComboBox()
        self.agency.addItem("Every agency", None)
        self.since = QDateEdit(QDate.currentDate().addYears(-3), calendarPopup=True, displayFormat="dd MMM yyyy")
        self.until = QDateEdit(QDate.currentDate(), calendarPopup=True, displayFormat="dd MMM yyyy")
        for widget, name in (
            (self.kind, "Filter by kind"),
            (self.agency, "Filter by agency"),
            (self.since, "From date"),
            (self.until, "To date"),
        ):
            widget.setAccessibleName(name)
        add = QPushButton("Add entry…")
        self.amend = QPushButton("Amend…")
        self.amend.setEnabled(False)
        add.clicked.connect(self.add_requested)
        self.amend.clicked.connect(self._amend_selected)
        self.table = read_only_table(HEADERS, "Chronology")
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((130, 130, 170, 95, 0, 140)):
            if width:
                self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        # Wrapped rows need their height recomputed once the summary column has its real width.
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self.table.itemSelectionChanged.connect(lambda: self.amend.setEnabled(self.selected() is not None))
        self.table.doubleClicked.connect(lambda _: self._amend_selected())
        self.count = QLabel()
        filters = QHBoxLayout()
        for widget in (QLabel("Show"), self.kind, self.agency, QLabel("from"), self.since, QLabel("to"), self.until):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(add)
        filters.addWidget(self.amend)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        for combo in (self.kind, self.agency):
            combo.currentIndexChanged.connect(self.refresh)
        for edit in (self.since, self.until):
            edit.dateChanged.connect(self.refresh)
        self._shown: list[ChronologyEvent] = []

    def show_child(self, view: ChildView) -> None:
        self._view = view
        used = {e.organisation_id for e in view.events if e.organisation_id}
        self.agency.blockSignals(True)
        while self.agency.count() > 1:
            self.agency.removeItem(1)
        for org_id in sorted(used, key=lambda o: view.organisations[o].name if o in view.organisations else o):
            if org_id in view.organisations:
                self.agency.addItem(view.organisations[org_id].name, org_id)
        self.agency.blockSignals(False)
        if view.events:
            first = min(e.occurred_at for e in view.events).date()
            self.since.setDate(QDate(first.year, first.month, first.day))
        self.refresh()

    def refresh(self) -> None:
        if self._view is None:
            return
        view = self._view
        kind, agency = self.kind.currentData(), self.agency.currentData()
        since, until = self.since.date().toPython(), self.until.date().toPython()
        by_id = {e.id: e for e in view.events}
        shown = [
            e
            for e in sorted(view.events, key=lambda e: (e.occurred_at, e.recorded_at), reverse=True)
            if (kind is None or e.kind == kind)
            and (agency is None or e.organisation_id == agency)
            and since <= e.occurred_at.date() <= until
        ]
        self._shown = shown
        self.table.setRowCount(len(shown))
        for row, event in enumerate(shown):
            org = view.organisations.get(event.organisation_id or "")
            summary = event.summary
            if event.id in view.amended_ids:
                summary = f"[amended] {summary}"
            if event.amends_id:
                original = by_id.get(event.amends_id)
                summary = f"Amendment: {summary}" + (f"  (was: {original.summary})" if original else "")
            full = f"{summary}\n{event.body}" if event.body else summary
            # Long entries (a needs check's reasons) are cut in the list; the tooltip and the PDF hold all of it.
            body = full if len(full) <= PREVIEW_CHARS else full[:PREVIEW_CHARS].rsplit(" ", 1)[0] + " …"
            cells = (
                event.occurred_at.astimezone().strftime("%d %b %Y %H:%M"),
                label_of(EventKind, event.kind),
                org.name if org else "",
                event.significance.capitalize(),
                body,
                event.author,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 4 and body != full:
                    item.setToolTip(full)
                if event.id in view.amended_ids:
                    item.setForeground(QColor("#767676"))
                if event.significance in ("significant", "critical") and column == 3:
                    item.setForeground(QColor("#a4262c"))
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        self.count.setText(f"{len(shown)} of {len(view.events)} entries")

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Row heights follow the summary column's width, which Qt settles only after the resize."""
        super().resizeEvent(event)
        QTimer.singleShot(0, self.table.resizeRowsToContents)

    def selected(self) -> ChronologyEvent | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if len(rows) != 1:
            return None
        return self._shown[rows.pop()]

    def _amend_selected(self) -> None:
        event = self.selected()
        if event is not None:
            self.amend_requested.emit(event)
