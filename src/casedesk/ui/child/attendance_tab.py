"""A child's attendance: the DfE summaries (year, terms, last four weeks) with persistent and severe absence
flagged, the national figures for children like them (with their year), the calendar, the weekly chart, and the
corrections made (each keeps the original). Rules and figures come from `col.attendance`; this only shows them."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.attendance.codes import Category
from casedesk.domain.attendance.summary import Summary, year_label
from casedesk.domain.records import Changes
from casedesk.errors import ValidationError
from casedesk.services.attendance.service import ChildAttendance
from casedesk.ui.child.attendance_calendar import COLOURS, AttendanceCalendar, weekly_chart
from casedesk.ui.child.attendance_dialogs import ImportDialog, MarkDialog
from casedesk.ui.context import AppContext
from casedesk.ui.palette import MUTED, RED
from casedesk.ui.widgets import read_only_table, scroll_body

HEADERS = ("Period", "Possible", "Present", "Approved activity", "Authorised", "Unauthorised", "Attendance", "Absence")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def flag_words(summary: Summary) -> str:
    """The flag in words, for the tab, the PDF and screen readers."""
    if summary.severe:
        return f"Severe absence: {_pct(summary.absence_rate)} of possible sessions missed (50% or more)"
    if summary.persistent:
        return f"Persistent absence: {_pct(summary.absence_rate)} of possible sessions missed (10% or more)"
    return ""


class AttendanceTab(QWidget):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.child_id: str | None = None
        self.start_year: int | None = None
        self.shown: ChildAttendance | None = None
        self.year = QComboBox()
        self.year.setAccessibleName("Academic year")
        self.year.activated.connect(self._year_chosen)
        record, import_button = QPushButton("Record a mark…"), QPushButton("Import a register…")
        record.clicked.connect(self.record_mark)
        import_button.clicked.connect(self.import_register)
        top = QHBoxLayout()
        top.addWidget(QLabel("Academic year"))
        top.addWidget(self.year)
        top.addStretch(1)
        top.addWidget(record)
        top.addWidget(import_button)
        self.flag = QLabel()
        self.flag.setStyleSheet(f"color: {RED}; font-weight: 600;")
        self.table = read_only_table(HEADERS, "Attendance summaries")
        self.table.setMinimumHeight(170)
        self.national = QLabel()
        self.national.setWordWrap(True)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet(f"color: {MUTED};")
        self.calendar = AttendanceCalendar()
        self.chart_holder = QVBoxLayout()
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addWidget(self.flag)
        inner.addWidget(self.table)
        inner.addWidget(self.national)
        inner.addWidget(self.calendar)
        inner.addWidget(_legend())
        inner.addLayout(self.chart_holder)
        inner.addWidget(self.notes)
        inner.addStretch(1)
        self.message = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll_body(body), 1)
        layout.addWidget(self.message)
        context.runner.changes_applied.connect(self._on_changes)

    # -- loading -----------------------------------------------------------------------------------------------
    def show_child(self, child_id: str, start_year: int | None = None) -> None:
        if child_id != self.child_id:
            start_year = None
        self.child_id, self.start_year = child_id, start_year
        if self.context.unlocked:
            self.context.runner.query(lambda col: col.attendance.child(child_id, start_year)).success(
                lambda view: self._fill(child_id, view)
            ).failure(self._failed).run()

    def _fill(self, child_id: str, view: ChildAttendance) -> None:
        if child_id != self.child_id:
            return
        self.shown = view
        year = view.summaries.year
        start_year = year.start.year
        self.year.clear()
        for offered in sorted({start_year, *view.years}, reverse=True):
            self.year.addItem(year_label(offered), offered)
        self.year.setCurrentIndex(self.year.findData(start_year))
        self.flag.setText(flag_words(year))
        rows = [year, *view.summaries.terms]
        if view.summaries.last_four_weeks is not None:
            rows.append(view.summaries.last_four_weeks)
        self.table.setRowCount(len(rows))
        for r, s in enumerate(rows):
            cells = (s.label, s.possible, s.present, s.approved, s.authorised, s.unauthorised)
            texts = [str(c) for c in cells] + [_pct(s.attendance_rate), _pct(s.absence_rate)]
            for c, text in enumerate(texts):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        child_rate = _pct(year.absence_rate)
        figures = "; ".join(
            f"{f.label} {f.absence_rate:.1f}% absence, {f.persistent_rate:.1f}% persistently absent"
            for f in view.national
        )
        source = view.national[0].year if view.national else ""
        self.national.setText(
            f"This child: {child_rate} absence in {year.label}. National figures (England, DfE, {source} — the "
            f"latest shipped, not this year's): {figures}."
        )
        notes = []
        if view.withdrawn:
            counted = ", ".join(f"{code} ×{n}" for code, n in view.withdrawn.items())
            notes.append(f"Withdrawn codes from older registers, counted as they were in force: {counted}.")
        for event in view.corrections[-5:]:
            notes.append(f"{event.recorded_at:%d %b %Y} {event.author}: {event.summary}. {event.body or ''}".strip())
        if not view.marks:
            notes.append("No attendance marks yet: import a register from the school's system, or record a mark.")
        self.notes.setText("\n".join(notes))
        in_year = [m for m in view.marks if year.start <= m.day <= year.end]
        self.calendar.show_year(start_year, in_year, view.schools)
        while self.chart_holder.count():
            item = self.chart_holder.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.deleteLater()
        self.chart = weekly_chart(view.weeks, year.start, year.end)
        self.chart_holder.addWidget(self.chart)

    def _year_chosen(self, index: int) -> None:
        if self.child_id:
            self.show_child(self.child_id, self.year.itemData(index))

    def _failed(self, error: BaseException) -> None:
        self.message.setText(str(error))

    def _on_changes(self, changes: Changes, initiator: object) -> None:
        if self.child_id and changes.entities & {"attendance_weeks", "events"}:
            self.show_child(self.child_id, self.start_year)

    # -- writing -----------------------------------------------------------------------------------------------
    def record_mark(self) -> None:
        dialog = MarkDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted and self.child_id:
            child_id, values = self.child_id, dialog.values()
            self._write(lambda col: col.attendance.record_mark(child_id, **values), "Mark recorded.")

    def import_register(self) -> None:
        dialog = ImportDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        values = dialog.values()
        self.context.runner.op(lambda col: col.attendance.import_file(**values)).success(
            lambda report: self.message.setText("Imported. " + " ".join(report.lines()))
        ).failure(self._refused).with_progress("Importing the register…", self).run(initiator=self)

    def _write(self, fn: Any, done: str) -> None:
        self.context.runner.op(fn).success(lambda _: self.message.setText(done)).failure(self._refused).run(
            initiator=self
        )

    def _refused(self, error: BaseException) -> None:
        if isinstance(error, ValidationError) and error.problems:
            lines = [f"{where}: {what}" for where, what in error.problems[:40]]
            more = len(error.problems) - len(lines)
            QMessageBox.warning(
                self,
                "Nothing was changed",
                str(error.args[0]) + "\n\n" + "\n".join(lines) + (f"\n… and {more} more" if more else ""),
            )
        self.message.setText(str(error.args[0]) if error.args else str(error))


def _legend() -> QLabel:
    swatches = [
        (COLOURS[Category.PRESENT], "present"),
        (COLOURS[Category.APPROVED], "approved educational activity"),
        (COLOURS[Category.AUTHORISED], "authorised absence"),
        (COLOURS[Category.UNAUTHORISED], "unauthorised absence (hatched)"),
        (COLOURS[Category.NOT_COUNTED], "not a possible session (dotted)"),
        (COLOURS[Category.ADMINISTRATIVE], "closure / not on roll"),
    ]
    parts = [f'<span style="color:{colour}">■</span> {words}' for colour, words in swatches]
    label = QLabel("Each day: AM | PM. " + " &nbsp; ".join(parts) + " &nbsp; ▌ term starts. Hover for the code.")
    label.setWordWrap(True)
    return label
