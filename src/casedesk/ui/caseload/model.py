"""Table model over caseload rows: name, age, date of birth, UPN, school, status and absence badges, named workers,
attendance."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from casedesk.domain.vocab import StatusKind
from casedesk.services.caseload import CaseloadRow
from casedesk.ui.palette import RED

COLUMNS = ("Name", "Age", "Date of birth", "UPN", "School", "Statuses", "Attendance", "Named workers")
ATTENDANCE_COLUMN = 6  # before the named workers, whose long text would push it off a laptop screen
_URGENT = {StatusKind.CHILD_PROTECTION_PLAN.value, StatusKind.LOOKED_AFTER.value}
ChildIdRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


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
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == SortRole:
            return (
                row.name.lower(),
                row.age,
                row.date_of_birth.isoformat(),
                row.upn or "",
                row.school,
                " ".join(row.badges),
                _rate(row),
                ", ".join(row.workers),
            )[column]
        if role == ChildIdRole:
            return row.child_id
        if role == Qt.ItemDataRole.ToolTipRole and column == 5:
            return "\n".join(_status_words(row)) or "No current statuses"
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole) and column == ATTENDANCE_COLUMN:
            return _attendance_words(row)
        if role == Qt.ItemDataRole.ForegroundRole and column == ATTENDANCE_COLUMN and row.absence_badges:
            return QBrush(QColor(RED))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == ATTENDANCE_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column == 5
            and (_URGENT & set(row.statuses) or row.absence_badges)
        ):
            return QBrush(QColor(RED))
        if role == Qt.ItemDataRole.AccessibleTextRole and column == 5:
            return ", ".join(_status_words(row)) or "No current statuses"
        return None

    @staticmethod
    def _display(row: CaseloadRow, column: int) -> str:
        if column == 0:
            return row.name
        if column == 1:
            return str(row.age)
        if column == 2:
            return row.date_of_birth.strftime("%d %b %Y")
        if column == 3:
            return row.upn or ""
        if column == 4:
            return row.school
        if column == 5:
            return "  ".join(row.badges)
        if column == ATTENDANCE_COLUMN:
            rate = row.attendance.attendance_rate if row.attendance else None
            return "" if rate is None else f"{rate:.1f}%"
        return "; ".join(row.workers[:3]) + (f" +{len(row.workers) - 3}" if len(row.workers) > 3 else "")


def _rate(row: CaseloadRow) -> float:
    rate = row.attendance.attendance_rate if row.attendance else None
    return 101.0 if rate is None else rate  # children with no marks sort after everyone


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
