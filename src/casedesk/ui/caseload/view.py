"""The Caseload page: search as you type, filters, a sortable table of children with badges and named workers."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.records import Changes
from casedesk.domain.vocab import StatusKind
from casedesk.services.caseload import ABSENCE_FILTERS, CaseloadData, CaseloadFilter, CaseloadRow, no_match_message
from casedesk.ui.caseload.import_dialog import ChildrenImport
from casedesk.ui.caseload.model import CaseloadModel, ChildIdRole, SortRole
from casedesk.ui.context import AppContext
from casedesk.ui.duplicates.dialog import duplicates_button
from casedesk.ui.widgets import EmptyState, filter_combo

SEARCH_DELAY_MS = 150
NO_CHILDREN = (
    "No children yet. Each child you record appears here with their school, statuses and named workers.\n"
    "Add the first with “New child…” (Ctrl+N)."
)
NO_FILTER_MATCH = "No child matches these filters. Set a filter back to “Any …” to see more children."


class CaseloadView(QWidget):
    open_child = Signal(str)
    new_child = Signal()
    prepare_panel = Signal(list)  # the ids of the children selected

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self._all: list[CaseloadRow] = []
        self._generation = 0
        self.search = QLineEdit(placeholderText="Search by name, UPN, NHS number or date of birth (Ctrl+F)")
        self.search.setAccessibleName("Search the caseload")
        self.search.setClearButtonEnabled(True)
        self.status_filter = filter_combo(
            "Any status", [(k.label, k.value) for k in StatusKind] + [(w, v) for v, w in ABSENCE_FILTERS.items()]
        )
        self.school_filter = filter_combo("Any school", [])
        self.org_filter = filter_combo("Any organisation", [])
        self.worker_filter = filter_combo("Any worker", [])
        self.mine = QCheckBox("My children")
        self.mine.setToolTip("Only children where you are a named worker")
        self._my_workers: frozenset[str] = frozenset()
        self.count = QLabel()
        self.count.setAccessibleName("Number of children shown")
        add = QPushButton("New child…")
        add.setToolTip("Record a new child (Ctrl+N)")
        add.clicked.connect(self.new_child)
        self.importer = ChildrenImport(context, self)
        self.import_button = QPushButton("Import…")
        self.import_button.setToolTip("Import children from a CSV file")
        self.import_button.clicked.connect(self.importer.start)

        self.model = CaseloadModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Caseload")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # Qt's default indicator is descending
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)  # several for a panel
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated.connect(self._open_index)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for combo in (self.status_filter, self.school_filter, self.org_filter, self.worker_filter):
            filters.addWidget(combo, 1)
        filters.addWidget(self.mine)
        filters.addWidget(add)
        filters.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        self.empty = EmptyState(self.table, NO_CHILDREN)
        layout.addWidget(self.empty, 1)
        self.panel_button = QPushButton("Panel pack…")
        self.panel_button.setToolTip("A panel pack for the children selected (Ctrl-click to choose several)")
        self.panel_button.clicked.connect(lambda: self.prepare_panel.emit(self.selected_ids()))
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(duplicates_button(context, self))
        bottom.addWidget(self.panel_button)
        layout.addLayout(bottom)

        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _: self._debounce.start())
        self.search.returnPressed.connect(self._open_first)
        for combo in (self.status_filter, self.school_filter, self.org_filter, self.worker_filter):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.mine.toggled.connect(self.apply_filter)
        context.runner.changes_applied.connect(self._on_changes)
        self.setTabOrder(self.search, self.status_filter)

    # -- loading -----------------------------------------------------------------------------------------------
    def reload(self) -> None:
        self.count.setText("Loading…")
        self.context.runner.query(lambda col: col.children.caseload()).success(self._loaded).run()

    def _loaded(self, data: CaseloadData) -> None:
        self._all = data.rows
        self._my_workers = data.my_worker_ids
        self.mine.setEnabled(bool(data.my_worker_ids))
        self.mine.setToolTip(
            "Only children where you are a named worker"
            if data.my_worker_ids
            else "You are not a named worker of any organisation yet (your profile's name)"
        )
        self._fill_filters(data)
        self.apply_filter()

    def _fill_filters(self, data: CaseloadData) -> None:
        orgs, people = data.organisations, data.workers
        schools = sorted({(r.school, r.school_id) for r in self._all if r.school_id})
        for combo, items in (
            (self.school_filter, schools),
            (self.org_filter, sorted((o.name, o.id) for o in orgs.values())),
            (self.worker_filter, sorted((w.name, w.id) for w in people.values())),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for label, value in items:
                combo.addItem(label, value)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def current_filter(self) -> CaseloadFilter:
        return CaseloadFilter(
            text=self.search.text(),
            status=self.status_filter.currentData(),
            school_id=self.school_filter.currentData(),
            organisation_id=self.org_filter.currentData(),
            worker_id=self.worker_filter.currentData(),
            mine=self._my_workers if self.mine.isChecked() else None,
        )

    def apply_filter(self) -> None:
        """Search off the UI thread; only the newest request's answer is shown."""
        self._generation += 1
        generation, wanted, rows = self._generation, self.current_filter(), self._all

        def show(result: list[CaseloadRow]) -> None:
            self._show(generation, result)

        col = self.context.col if self.context.unlocked else None

        def search() -> list[CaseloadRow]:
            # The index is read on its own connection (WAL lets it run beside writes): a long import never
            # stalls typing.
            indexed = col.guarded(lambda: col.children.indexed_matches(wanted.text))() if col else None
            return wanted.apply(rows, indexed)

        self.context.runner.run_net(search, show)

    def _show(self, generation: int, rows: list[CaseloadRow]) -> None:
        if generation != self._generation:
            return
        searching = bool(self.search.text().strip())
        self.proxy.setDynamicSortFilter(False)
        if searching:
            self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            self.proxy.sort(-1)
        self.model.set_rows(rows)
        shown, total = len(rows), len(self._all)
        self.count.setText(f"{shown:,} of {total:,} children" if shown != total else f"{total:,} children")
        if not total:
            self.empty.show_message(NO_CHILDREN)
        elif not shown:
            self.empty.show_message(no_match_message(self.search.text()) if searching else NO_FILTER_MATCH)
        else:
            self.empty.show_list()
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(0, max(self.table.columnWidth(0), 220))

    def _on_changes(self, changes: Changes, initiator: object) -> None:
        if changes.entities & {
            "children",
            "status_periods",
            "involvements",
            "organisations",
            "workers",
            "attendance_weeks",
            "events",
            "exclusions",
            "enrolments",
            "referrals",
        }:
            self.reload()

    # -- opening -----------------------------------------------------------------------------------------------
    def _open_index(self, index: QModelIndex) -> None:
        self.open_child.emit(self.proxy.data(index, ChildIdRole))

    def selected_ids(self) -> list[str]:
        """The selected children, top to bottom as shown."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.proxy.data(self.proxy.index(row, 0), ChildIdRole) for row in rows]

    def _open_first(self) -> None:
        if self.proxy.rowCount():
            self.open_child.emit(self.proxy.data(self.proxy.index(0, 0), ChildIdRole))

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()
