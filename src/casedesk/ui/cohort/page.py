"""The cohort page: children ranked by the risk-of-exclusion indicators present, the cliff-edge filter, filters by
school, year group and indicator, and the exports. Orchestration only: the rules live in services/cohort.

Every look is audited by the service (opening the page, and each change of filter, which shows other children).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.education.rules import year_label
from casedesk.services.cohort.model import Cohort, CohortFilter, CohortRow
from casedesk.ui.cohort.model import CohortModel
from casedesk.ui.context import AppContext
from casedesk.ui.widgets import EmptyState, narrow

WHICH = 4
NO_CHILDREN = "No child has any of the indicators. Indicators come from the records kept in each child's file."
NO_MATCH = "No child with an indicator matches these filters."
NOT_FOR_ROLE = (
    "The risk-of-exclusion cohort is for safeguarding leads and managers. Each child's Overview still lists the "
    "indicators in their records."
)


class CohortPage(QWidget):
    open_child = Signal(str)
    prepare_panel = Signal(list)  # the selected children's ids, for a panel pack (the Meetings page)
    access = Signal(bool)  # whether this user's role may see the cohort (the window hides its entry otherwise)

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.cohort: Cohort | None = None
        self.shown: list[CohortRow] = []
        self.intro = QLabel(
            "Children ranked by the risk-of-exclusion indicators in their records — each child's Overview says "
            "which records show each one. <b>Cliff edge</b>: several indicators but no statutory support (no child "
            "in need or protection plan, not looked after, no EHC plan)."
        )
        self.intro.setWordWrap(True)
        self.school, self.year, self.indicator = QComboBox(), QComboBox(), QComboBox()
        for combo, name in ((self.school, "school"), (self.year, "year group"), (self.indicator, "indicator")):
            combo.setAccessibleName(f"Filter by {name}")
            narrow(combo, 18)
            combo.currentIndexChanged.connect(self._filter_changed)
        self.cliff_edge = QCheckBox("Cliff edge only")
        self.cliff_edge.setAccessibleName("Show only children on the cliff edge")
        self.cliff_edge.toggled.connect(self._filter_changed)
        self.model = CohortModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Children at risk of exclusion")
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)  # several for a panel pack
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(WHICH, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((170, 190, 90, 80, 0, 120, 80)):
            if width:
                self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.empty = EmptyState(self.table, NO_CHILDREN)
        self.count = QLabel()
        self.list_children = QCheckBox("List the children in the export (their names leave this device)")
        self.export_csv = QPushButton("Export CSV…")
        self.export_pdf = QPushButton("Export PDF…")
        self.export_csv.clicked.connect(lambda: self.export("csv"))
        self.export_pdf.clicked.connect(lambda: self.export("pdf"))
        self.panel_pack = QPushButton("Panel pack…")
        self.panel_pack.setToolTip("A panel pack for the children selected (Ctrl-click to choose several)")
        self.panel_pack.clicked.connect(self._prepare_panel)
        self.status = QLabel()
        self.status.setWordWrap(True)

        filters = QHBoxLayout()
        for widget in (QLabel("Show"), self.school, self.year, self.indicator, self.cliff_edge):
            filters.addWidget(widget)
        filters.addStretch(1)
        exports = QHBoxLayout()
        for part in (self.count, self.list_children, self.export_csv, self.export_pdf, self.panel_pack):
            exports.addWidget(part)
        exports.insertStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(filters)
        layout.addWidget(self.empty, 1)
        layout.addLayout(exports)
        layout.addWidget(self.status)
        self._loading = False

    def showEvent(self, event: QShowEvent) -> None:
        """Worked out (and audited) when looked at, not at every unlock."""
        super().showEvent(event)
        self.reload()

    def check_access(self) -> None:
        """Ask whether this user's role may see the cohort (at unlock; the role can change at any sync)."""
        if self.context.unlocked:
            self.context.runner.query(lambda col: col.cohort.may_view()).success(self._access).run()

    def _access(self, allowed: bool) -> None:
        for widget in (self.school, self.year, self.indicator, self.cliff_edge, self.list_children):
            widget.setEnabled(allowed)
        for button in (self.export_csv, self.export_pdf, self.panel_pack):
            button.setEnabled(allowed)
        if not allowed:
            self.forget()
            self.empty.set_empty(True, NOT_FOR_ROLE)
        self.access.emit(allowed)

    def reload(self) -> None:
        if self.context.unlocked:
            self.context.runner.query(lambda col: col.cohort.may_view()).success(self._reload_if_allowed).run()

    def _reload_if_allowed(self, allowed: bool) -> None:
        self._access(allowed)
        if allowed:
            self.context.runner.query(lambda col: col.cohort.load(date.today(), self.filters())).success(
                self._loaded
            ).run()

    # -- filters -----------------------------------------------------------------------------------------------
    def filters(self) -> CohortFilter:
        return CohortFilter(
            school_id=self.school.currentData(),
            year=self.year.currentData(),
            indicator=self.indicator.currentData(),
            cliff_edge_only=self.cliff_edge.isChecked(),
        )

    def _fill(self, combo: QComboBox, anything: str, choices: list[tuple[str, object]]) -> None:
        held = combo.currentData()
        combo.clear()
        combo.addItem(anything, None)
        for text, value in choices:
            combo.addItem(text, value)
        found = combo.findData(held)
        combo.setCurrentIndex(max(found, 0))

    def _loaded(self, cohort: Cohort) -> None:
        self.cohort = cohort
        self._loading = True
        try:
            self._fill(self.school, "Any school", sorted(((n, i) for i, n in cohort.schools.items())))
            years = sorted({r.year for r in cohort.rows})
            self._fill(self.year, "Any year group", [(year_label(y), y) for y in years])
            self._fill(self.indicator, "Any indicator", [(i.label, i.id) for i in cohort.config.indicators])
        finally:
            self._loading = False
        self.refresh()

    def _filter_changed(self) -> None:
        if self._loading or self.cohort is None:
            return
        self.refresh()
        cohort, filters = self.cohort, self.filters()
        self.context.runner.query(lambda col: col.cohort.record_view(cohort, filters)).run()

    def refresh(self) -> None:
        if self.cohort is None:
            return
        self.shown = self.cohort.filtered(self.filters())
        self.model.set_rows(self.shown, self.cohort.shorts(), self.cohort.labels())
        self.empty.set_empty(not self.shown, NO_CHILDREN if not self.cohort.rows else NO_MATCH)
        cliff = sum(r.cliff_edge for r in self.shown)
        self.count.setText(
            f"{len(self.shown):,} of {len(self.cohort.rows):,} children with an indicator "
            f"({cliff:,} on the cliff edge; {self.cohort.children:,} children held)"
        )

    def forget(self) -> None:
        """At the lock: the children's names go with the key (the page loads again when next shown)."""
        self.cohort = None
        self.shown = []
        self.model.set_rows([], {}, {})
        self.count.clear()
        self.status.clear()

    def _prepare_panel(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        self.prepare_panel.emit([self.shown[row].child_id for row in rows if 0 <= row < len(self.shown)])

    def _open_row(self, row: int) -> None:
        if 0 <= row < len(self.shown):
            self.open_child.emit(self.shown[row].child_id)

    # -- exports -----------------------------------------------------------------------------------------------
    def save_path(self, kind: str) -> Path | None:
        name = f"risk-of-exclusion-cohort.{kind}"
        path, _ = QFileDialog.getSaveFileName(self, "Export the cohort", name, f"{kind.upper()} (*.{kind})")
        return Path(path) if path else None

    def export(self, kind: str) -> None:
        out = self.save_path(kind)
        if out is None or self.cohort is None or not self.context.unlocked:
            return
        if out.suffix.lower() != f".{kind}":
            out = out.with_name(out.name + f".{kind}")
        cohort, filters, listed = self.cohort, self.filters(), self.list_children.isChecked()
        self.context.runner.query(lambda col: col.cohort.export(cohort, filters, out, list_children=listed)).success(
            lambda _: self.status.setText(
                f"Saved {out.name}: counts from 1 to 4, and any that would give them away, are withheld (c)."
                + (" It lists the children by name." if listed else "")
            )
        ).run()
