"""The chronology: every event from every agency in one list, one line per entry, and a reading pane that shows
the chosen entry in full with every version of it; filter by kind, agency and period; add an entry or amend one.

Amendments are grouped with the entry they amend, as the PDF groups them, so the list reads as the chronology
and the pane shows what each version said, who changed it and when.
"""

from __future__ import annotations

import html
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.chronology import ChronologyEntry, collapse_amendments
from casedesk.domain.records import ChronologyEvent
from casedesk.domain.vocab import EventKind, label_of
from casedesk.services.children import ChildView
from casedesk.ui.palette import MUTED, RED
from casedesk.ui.widgets import EmptyState, date_input, narrow, picked_date, read_only_table

HEADERS = ("When", "Kind", "Agency", "Significance", "Summary", "Recorded by")
SUMMARY = 4
WHOLE, CUSTOM = "whole", "custom"
PERIODS = (
    ("The whole record", WHOLE),
    ("The last 4 weeks", 28),
    ("The last 3 months", 91),
    ("The last 12 months", 365),
    ("Between dates…", CUSTOM),
)
NO_ENTRIES = (
    "Nothing in this child's chronology yet. Every event from every agency appears here, newest first: visits, "
    "concerns, meetings, needs checks and referrals.\nTo record the first, choose \u201cAdd entry\u2026\u201d above."
)
NO_MATCH = "No entry matches these filters. Choose \u201cThe whole record\u201d and \u201cEvery kind\u201d to see all."
PICK_ONE = "Choose an entry to read it in full here."


def _when(event: ChronologyEvent) -> str:
    return event.occurred_at.astimezone().strftime("%d %b %Y %H:%M")


class ChronologyTab(QWidget):
    add_requested = Signal()
    amend_requested = Signal(object)  # ChronologyEvent

    def __init__(self) -> None:
        super().__init__()
        self._view: ChildView | None = None
        self._entries: list[ChronologyEntry] = []
        self._shown: list[ChronologyEntry] = []
        self.today = date.today()
        self.kind = QComboBox()
        self.kind.addItem("Every kind", None)
        for kind in EventKind:
            self.kind.addItem(kind.label, kind.value)
        self.agency = QComboBox()
        self.agency.addItem("Every agency", None)
        self.period = QComboBox()
        for label, value in PERIODS:
            self.period.addItem(label, value)
        self.since = date_input("dd MMM yyyy", QDate.currentDate())
        self.until = date_input("dd MMM yyyy", QDate.currentDate())
        for combo in (self.kind, self.agency, self.period):
            narrow(combo, 14)
        widget: QWidget
        for widget, name in (
            (self.kind, "Filter by kind"),
            (self.agency, "Filter by agency"),
            (self.period, "Period shown"),
            (self.since, "From date"),
            (self.until, "To date"),
        ):
            widget.setAccessibleName(name)
        self.between = QWidget()
        between = QHBoxLayout(self.between)
        between.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel("from"), self.since, QLabel("to"), self.until):
            between.addWidget(widget)
        self.between.hide()
        add = QPushButton("Add entry…")
        add.setAccessibleName("Add a chronology entry")
        self.amend = QPushButton("Amend…")
        self.amend.setAccessibleName("Amend the chosen entry")
        self.amend.setEnabled(False)
        add.clicked.connect(self.add_requested)
        self.amend.clicked.connect(self._amend_selected)

        self.table = read_only_table(HEADERS, "Chronology")
        self.table.setWordWrap(False)  # one line an entry: the reading pane holds the rest
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((130, 140, 170, 95, 0, 140)):
            if width:
                self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(SUMMARY, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _: self._amend_selected())
        self.empty = EmptyState(self.table, NO_ENTRIES)
        self.reader = QTextBrowser()
        self.reader.setAccessibleName("The chosen entry in full")
        self.reader.setOpenLinks(False)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.empty)
        split.addWidget(self.reader)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)

        self.range_note = QLabel()
        self.range_note.setAccessibleName("What the chronology shows")
        self.range_note.setWordWrap(True)
        self.count = self.range_note  # the one line saying how many entries, over which dates
        filters = QHBoxLayout()
        for widget in (QLabel("Show"), self.kind, self.agency, self.period, self.between):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(add)
        filters.addWidget(self.amend)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.range_note)
        layout.addWidget(split, 1)
        for combo in (self.kind, self.agency):
            combo.currentIndexChanged.connect(self.refresh)
        self.period.currentIndexChanged.connect(self._period_changed)
        for edit in (self.since, self.until):
            edit.dateChanged.connect(self.refresh)

    # -- loading -----------------------------------------------------------------------------------------------
    def show_child(self, view: ChildView) -> None:
        self._view = view
        self._entries = collapse_amendments(view.events)
        used = {e.organisation_id for e in view.events if e.organisation_id}
        self.agency.blockSignals(True)
        while self.agency.count() > 1:
            self.agency.removeItem(1)
        for org_id in sorted(used, key=lambda o: view.organisations[o].name if o in view.organisations else o):
            if org_id in view.organisations:
                self.agency.addItem(view.organisations[org_id].name, org_id)
        self.agency.blockSignals(False)
        first = self._first_day()
        for edit, day in ((self.since, first), (self.until, self.today)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)
        self.refresh()

    def _first_day(self) -> date:
        if not self._entries:
            return self.today
        return min(e.current.occurred_at.astimezone().date() for e in self._entries)

    def _period_changed(self) -> None:
        self.between.setVisible(self.period.currentData() == CUSTOM)
        self.refresh()

    def date_range(self) -> tuple[date, date] | None:
        """The dates shown, inclusive; None for the whole record."""
        chosen = self.period.currentData()
        if chosen == WHOLE:
            return None
        if chosen == CUSTOM:
            return picked_date(self.since), picked_date(self.until)
        return self.today - timedelta(days=int(chosen)), self.today

    def describe_range(self, shown: int) -> str:
        """Says plainly how many entries are shown and over which dates (a filter never narrows silently)."""
        total = len(self._entries)
        entries = f"{shown} of {total} entries" if shown != total else f"All {total} entries"
        if total == 1 and shown == 1:
            entries = "The only entry"
        span = self.date_range()
        if span is None:
            if not total:
                return "No entries yet."
            first = self._first_day()
            return f"{entries}, the whole record: {first:%d %b %Y} to today ({self.today:%d %b %Y})."
        since, until = span
        label = self.period.currentText().rstrip("…").lower()
        dates = f"{since:%d %b %Y} to {until:%d %b %Y}"
        return f"{entries}, {label}: {dates}." if self.period.currentData() != CUSTOM else f"{entries}, {dates}."

    # -- the list ------------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        if self._view is None:
            return
        view = self._view
        kind, agency, span = self.kind.currentData(), self.agency.currentData(), self.date_range()
        selected = self.selected()
        shown = [
            entry
            for entry in reversed(self._entries)  # newest first
            if (kind is None or entry.current.kind == kind)
            and (agency is None or entry.current.organisation_id == agency)
            and (span is None or span[0] <= entry.current.occurred_at.astimezone().date() <= span[1])
        ]
        self._shown = shown
        self.table.blockSignals(True)
        self.table.setRowCount(len(shown))
        for row, entry in enumerate(shown):
            event = entry.current
            org = view.organisations.get(event.organisation_id or "")
            summary = event.summary + (f"  (amended {len(entry.amendments)}×)" if entry.amendments else "")
            summary = f"Restricted · {summary}" if event.restricted else summary
            cells = (
                _when(event),
                label_of(EventKind, event.kind),
                org.name if org else "",
                event.significance.capitalize(),
                summary,
                event.author,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text if column != SUMMARY else "Shown in full below")
                if event.significance in ("significant", "critical") and column == 3:
                    item.setForeground(QColor(RED))
                self.table.setItem(row, column, item)
        self.table.blockSignals(False)
        self.empty.set_empty(not shown, NO_ENTRIES if not self._entries else NO_MATCH)
        self.range_note.setText(self.describe_range(len(shown)))
        keep = selected.current.id if selected else None
        rows = [r for r, e in enumerate(shown) if e.current.id == keep]
        if rows:
            self.table.selectRow(rows[0])
        elif shown:
            self.table.selectRow(0)
        self._selection_changed()

    def selected(self) -> ChronologyEntry | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if len(rows) != 1:
            return None
        row = rows.pop()
        return self._shown[row] if row < len(self._shown) else None

    def _selection_changed(self) -> None:
        entry = self.selected()
        self.amend.setEnabled(entry is not None)
        self.reader.setHtml(self.entry_html(entry) if entry else f"<p style='color:{MUTED}'>{PICK_ONE}</p>")

    def entry_html(self, entry: ChronologyEntry) -> str:
        """The entry in full: its facts, what it says now, and each earlier version with who changed it and when."""
        view = self._view
        event = entry.current
        org = view.organisations.get(event.organisation_id or "") if view else None
        facts = " · ".join(
            html.escape(p)
            for p in (
                _when(event),
                label_of(EventKind, event.kind),
                org.name if org else "",
                f"{event.significance.capitalize()} significance",
                f"recorded by {entry.original.author}",
            )
            if p
        )
        parts = [f"<p style='color:{MUTED}'>{facts}</p>", _text_html(event)]
        if entry.amendments:
            parts.append(f"<h4>Earlier versions ({len(entry.amendments)} amendment(s); the original is kept)</h4>")
            for older, newer in zip(entry.versions, entry.versions[1:], strict=False):
                changed = f"{newer.recorded_at.astimezone():%d %b %Y %H:%M}"
                label = "Original" if older is entry.original else "Amended version"
                parts.append(
                    f"<p style='color:{MUTED}'>{label}, replaced on {changed} by {html.escape(newer.author)}:</p>"
                    + _text_html(older)
                )
        if entry.orphan:
            parts.append(f"<p style='color:{MUTED}'>Amends an entry that is not held on this device.</p>")
        return "".join(parts)

    def _amend_selected(self) -> None:
        entry = self.selected()
        if entry is not None:
            self.amend_requested.emit(entry.current)


def _text_html(event: ChronologyEvent) -> str:
    paragraphs = (p.strip() for p in (event.body or "").split("\n\n"))
    body = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs if p)
    return f"<p><b>{html.escape(event.summary)}</b></p>{body}"
