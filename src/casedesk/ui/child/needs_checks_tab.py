"""The child's Presenting Needs Checks: every result with its level and date, drafts first to be resumed.

Starting a check always resumes the child's open draft when there is one, so two half-finished checks of the
same child cannot pile up by accident. A recorded check opens on its stored outcome, read-only.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.records import Changes
from casedesk.domain.triage.result import TriageResult
from casedesk.ui.context import AppContext
from casedesk.ui.palette import LEVEL_COLOURS, TEXT
from casedesk.ui.triage.wizard import TriageWizard
from casedesk.ui.widgets import EmptyState, read_only_table

HEADERS = ("Date", "Level of need", "State", "Questionnaire", "By")
NO_CHECKS = (
    "No Presenting Needs Check for this child yet. Each check appears here with its level of need and date, "
    "drafts first.\nTo begin one, choose \u201cStart a check\u2026\u201d above."
)


class NeedsChecksTab(QWidget):
    find_services = Signal(str)  # result id, passed on from the wizard

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.child_id: str | None = None
        self.child_name = ""
        self.results: list[TriageResult] = []
        self.wizard: TriageWizard | None = None
        self.table = read_only_table(HEADERS, "Presenting Needs Checks")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((140, 460, 90, 0, 150)):
            if width:
                self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.start = QPushButton("Start a check…")
        self.open_button = QPushButton("Open")
        self.discard = QPushButton("Discard draft")
        self.start.clicked.connect(self.start_check)
        self.open_button.clicked.connect(self.open_selected)
        self.discard.clicked.connect(self.discard_selected)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.count = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.count, 1)
        for button in (self.discard, self.open_button, self.start):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        self.empty = EmptyState(self.table, NO_CHECKS)
        layout.addWidget(self.empty, 1)
        self._selection_changed()
        context.runner.changes_applied.connect(self._on_changes)

    # -- loading -----------------------------------------------------------------------------------------------
    def show_child(self, child_id: str, child_name: str) -> None:
        self.child_id, self.child_name = child_id, child_name
        loading = self.context.runner.query(
            lambda col: (child_id, col.triage.results_for_child(child_id), col.triage.questionnaire_titles())
        )
        loading.success(self._show).run()

    def _show(self, loaded: tuple[str, list[TriageResult], dict[str, str]]) -> None:
        child_id, results, titles = loaded
        if child_id != self.child_id:
            return
        self.results = sorted(results, key=lambda r: r.is_complete)  # drafts first, then newest recorded
        self.table.setRowCount(len(self.results))
        for row, result in enumerate(self.results):
            outcome = result.outcome or {}
            when = result.completed_at or result.started_at  # a draft: when it was begun
            level = f"Level {result.level}: {outcome.get('level_name', '')}" if result.level else "Not recorded yet"
            title = outcome.get("questionnaire", {}).get("title") or titles.get(result.questionnaire_key)
            title = title or result.questionnaire_id
            cells = (
                f"{when.astimezone():%d %b %Y %H:%M}",
                level + (" — STOP" if outcome.get("stop") else ""),
                "Recorded" if result.is_complete else "Draft",
                f"{title} (version {result.questionnaire_version})",
                result.author,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 1 and result.level:
                    item.setForeground(QColor(LEVEL_COLOURS.get(result.level, TEXT)))
                self.table.setItem(row, column, item)
        self.empty.set_empty(not self.results)
        drafts = sum(not r.is_complete for r in self.results)
        recorded = len(self.results) - drafts
        self.count.setText(f"{recorded} recorded, {drafts} draft" + ("" if drafts == 1 else "s"))
        self.start.setText("Resume the draft check…" if drafts else "Start a check…")
        self._selection_changed()

    def _on_changes(self, changes: Changes, initiator: object) -> None:
        if self.child_id and "triage_results" in changes.entities and self.context.unlocked:
            self.show_child(self.child_id, self.child_name)

    def selected(self) -> TriageResult | None:
        rows = self.table.selectionModel().selectedRows()
        return self.results[rows[0].row()] if rows and rows[0].row() < len(self.results) else None

    def _selection_changed(self) -> None:
        chosen = self.selected()
        self.open_button.setEnabled(chosen is not None)
        self.discard.setEnabled(chosen is not None and not chosen.is_complete)

    # -- actions -----------------------------------------------------------------------------------------------
    def start_check(self) -> None:
        """Resume the child's open draft if any, else choose a questionnaire and start one."""
        if not self.child_id:
            return
        child_id = self.child_id
        self.context.runner.query(lambda col: col.triage.open_draft(child_id)).success(self._open_wizard).run()

    def open_selected(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self._open_wizard(chosen)

    def _open_wizard(self, result: TriageResult | None) -> None:
        if not self.child_id:
            return
        wizard = self.wizard = TriageWizard(self.context, self.child_id, self.child_name, self)
        wizard.find_services.connect(self.find_services)
        if result is None:
            wizard.start_new()
        else:
            wizard.open_result(result)
        wizard.open()

    def discard_selected(self) -> None:
        chosen = self.selected()
        if chosen is None or chosen.is_complete:
            return
        answer = QMessageBox.question(self, "Discard draft", "Discard this draft check and its answers?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.context.runner.op(lambda col: col.triage.discard_draft(chosen.id)).run(initiator=self)
