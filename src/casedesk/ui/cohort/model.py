"""The cohort's table model: a row per child, most indicators first (as the service ranks them). A model rather
than a table of items, so 50,000 children reach the screen at once: Qt asks only for the rows it paints."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from casedesk.services.cohort.model import CohortRow

HEADERS = ("Child", "School", "Year group", "Indicators", "Which indicators", "Statutory support", "Cliff edge")
TIPS = (
    "",
    "The child's current school",
    "National curriculum year group",
    "How many indicators the child's records show: open the child to see each one and why",
    "",
    "Child in need, child protection plan, looked after or EHC plan, held today",
    "Several indicators but no statutory support",
)
COUNT = 3
WHICH = 4
Index = QModelIndex | QPersistentModelIndex


class CohortModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[CohortRow] = []
        self.labels: dict[str, str] = {}
        self.full: dict[str, str] = {}

    def set_rows(self, rows: list[CohortRow], shorts: dict[str, str], labels: dict[str, str]) -> None:
        """`shorts` name the indicators in the table; `labels` say them in full on hover."""
        self.beginResetModel()
        self.rows, self.labels, self.full = rows, shorts, labels
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's own signature)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def cells(self, row: CohortRow) -> tuple[str, ...]:
        return (
            row.name,
            row.school or "No current school",
            row.year_group,
            str(row.count),
            "; ".join(self.labels.get(i, i) for i in row.indicators),
            row.support_text(),
            "Yes" if row.cliff_edge else "",
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == WHICH:
            return "\n".join(self.full.get(i, i) for i in row.indicators)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cells(row)[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == COUNT:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole and TIPS[section]:
                return TIPS[section]
        return None
