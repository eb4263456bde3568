"""Table model over caseload rows, one `Column` each: what it shows, how it sorts, its header and tooltip.

Columns: name, age, year group, date of birth, UPN, school, status and absence badges, suspensions this school
year, last contact, open referrals, attendance, named workers. A new column is one `Column` in `COLUMNS` and a
field on `CaseloadRow`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from casedesk.domain.vocab import StatusKind
from casedesk.services.caseload import CaseloadRow
from casedesk.ui.palette import RED

_URGENT = {StatusKind.CHILD_PROTECTION_PLAN.value, StatusKind.LOOKED_AFTER.value}
ChildIdRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    header: str
    text: Callable[[CaseloadRow], str]
    sort: Callable[[CaseloadRow], Any]
    tip: str = ""


def _workers(row: CaseloadRow) -> str:
    return "; ".join(row.workers[:3]) + (f" +{len(row.workers) - 3}" if len(row.workers) > 3 else "")


def _count(value: int) -> str:
    return str(value) if value else ""


def _rate(row: CaseloadRow) -> float:
    rate = row.attendance.attendance_rate if row.attendance else None
    return 101.0 if rate is None else rate  # children with no marks sort after everyone


def _rate_text(row: CaseloadRow) -> str:
    rate = row.attendance.attendance_rate if row.attendance else None
    return "" if rate is None else f"{rate:.1f}%"


COLUMNS: tuple[Column, ...] = (
    Column("Name", lambda r: r.name, lambda r: r.name.lower()),
    Column("Age", lambda r: str(r.age), lambda r: r.age),
    Column("Year", lambda r: r.year_group, lambda r: r.year, "National curriculum year group"),
    Column("Date of birth", lambda r: r.date_of_birth.strftime("%d %b %Y"), lambda r: r.date_of_birth.isoformat()),
    Column("UPN", lambda r: r.upn or "", lambda r: r.upn or ""),
    Column("School", lambda r: r.school, lambda r: r.school),
    Column("Statuses", lambda r: "  ".join(r.badges), lambda r: " ".join(r.badges)),
    Column(
        "Suspensions",
        lambda r: _count(r.suspensions_year),
        lambda r: r.suspensions_year,
        "Suspensions this school year",
    ),
    Column(
        "Last contact",
        lambda r: r.last_contact.strftime("%d %b %Y") if r.last_contact else "",
        lambda r: (r.last_contact or date.min).isoformat(),
        "The latest home visit, meeting, call or home education visit in the chronology",
    ),
    Column("Referrals", lambda r: _count(r.open_referrals), lambda r: r.open_referrals, "Open referrals"),
    Column("Attendance", _rate_text, _rate, "Attendance this school year"),  # before the long named workers
    Column("Named workers", _workers, lambda r: ", ".join(r.workers)),
)
STATUSES = next(n for n, c in enumerate(COLUMNS) if c.header == "Statuses")
ATTENDANCE_COLUMN = next(n for n, c in enumerate(COLUMNS) if c.header == "Attendance")


class CaseloadModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[CaseloadRow] = []

    def set_rows(self, rows: list[CaseloadRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_at(self, row: int) -> CaseloadRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].header
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[section].tip or None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[column].text(row)
        if role == SortRole:
            return COLUMNS[column].sort(row)
        if role == ChildIdRole:
            return row.child_id
        if column == STATUSES:
            if role == Qt.ItemDataRole.ToolTipRole:
                return "\n".join(_status_words(row)) or "No current statuses"
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return ", ".join(_status_words(row)) or "No current statuses"
            if role == Qt.ItemDataRole.ForegroundRole and (_URGENT & set(row.statuses) or row.absence_badges):
                return QBrush(QColor(RED))
        if column == ATTENDANCE_COLUMN:
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return _attendance_words(row)
            if role == Qt.ItemDataRole.ForegroundRole and row.absence_badges:
                return QBrush(QColor(RED))
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _status_words(row: CaseloadRow) -> list[str]:
    words = [StatusKind(s).label for s in row.statuses]
    if "SA" in row.absence_badges:
        words.append("Severe absence (50% or more of sessions missed)")
    elif "PA" in row.absence_badges:
        words.append("Persistent absence (10% or more of sessions missed)")
    return words


def _attendance_words(row: CaseloadRow) -> str:
    totals = row.attendance
    if totals is None or totals.attendance_rate is None:
        return "No attendance marks"
    year = f"{totals.academic_year}/{(totals.academic_year + 1) % 100:02d}"
    return (
        f"{totals.attendance_rate:.1f}% attendance in {year} to {totals.latest:%d %b %Y}: "
        f"{totals.absent} of {totals.possible} possible sessions missed"
    )
