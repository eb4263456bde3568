"""Table model over caseload rows: name, age, date of birth, UPN, school, status badges, named workers."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from casedesk.domain.vocab import StatusKind
from casedesk.services.caseload import CaseloadRow
from casedesk.ui.palette import RED

COLUMNS = ("Name", "Age", "Date of birth", "UPN", "School", "Statuses", "Named workers")
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
                ", ".join(row.workers),
            )[column]
        if role == ChildIdRole:
            return row.child_id
        if role == Qt.ItemDataRole.ToolTipRole and column == 5:
            return "\n".join(StatusKind(s).label for s in row.statuses) or "No current statuses"
        if role == Qt.ItemDataRole.ForegroundRole and column == 5 and _URGENT & set(row.statuses):
            return QBrush(QColor(RED))
        if role == Qt.ItemDataRole.AccessibleTextRole and column == 5:
            return ", ".join(StatusKind(s).label for s in row.statuses) or "No current statuses"
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
        return "; ".join(row.workers[:3]) + (f" +{len(row.workers) - 3}" if len(row.workers) > 3 else "")
