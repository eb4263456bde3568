"""The Data quality page, for an organisation's administrators: the server's data-quality report for the
organisation (invalid or missing identifiers, statuses that disagree, records nobody has updated, children with no
school, the returns' children not yet matched and the DfE's queries on them), each problem opening the child's
record where this computer holds it. Children's social care's administrators also work through the returns'
review queue here: match a waiting child to one the server offers, create a new child, or reject it, each with a
reason the server keeps.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.services.dataquality import QualityReport, ReviewItem, ReviewQueue
from casedesk.ui.context import AppContext
from casedesk.ui.palette import MUTED, RED
from casedesk.ui.widgets import read_only_table

INTRO = (
    "Problems in what the server holds for your organisation, so people can trust what they see. Double-click a "
    "problem to open the child's record. The server rebuilds this report each time you refresh."
)


class DataQualityPage(QWidget):
    open_child = Signal(str)

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.report: QualityReport | None = None
        self.queue: ReviewQueue | None = None
        self.heading = QLabel("<h3>Data quality</h3>")
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        intro.setStyleSheet(f"color: {MUTED};")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.reload)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Data quality summary")
        self.problems = read_only_table(("Problem", "Record", "What is wrong", "Who can put it right"), "Problems")
        self.problems.cellDoubleClicked.connect(lambda row, _column: self.open_problem(row))
        self.review = read_only_table(("Return's child", "Born", "Possible matches"), "Waiting for review")
        self.review_title = QLabel("<b>Returns' children waiting for review</b>")
        self.match_button = QPushButton("Match to the best offer…")
        self.create_button = QPushButton("Create new child…")
        self.reject_button = QPushButton("Reject…")
        for button, decision in (
            (self.match_button, "match"),
            (self.create_button, "create"),
            (self.reject_button, "reject"),
        ):
            button.clicked.connect(lambda _checked=False, d=decision: self.decide_selected(d))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Data quality message")

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems, 2)
        layout.addWidget(self.review_title)
        layout.addWidget(self.review, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.match_button, self.create_button, self.reject_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.review.itemSelectionChanged.connect(self._selection_changed)
        self._show_review(False)

    # -- loading -----------------------------------------------------------------------------------------------
    def reload(self) -> None:
        if not self.context.unlocked:
            return
        self.refresh_button.setEnabled(False)
        self.context.runner.query(lambda col: (col.dataquality.report(), col.dataquality.queue())).on_network().success(
            self._fill
        ).failure(self._failed).run()

    def _fill(self, found: tuple[QualityReport, ReviewQueue | None]) -> None:
        self.report, self.queue = found
        self.refresh_button.setEnabled(True)
        report = self.report
        self.heading.setText(f"<h3>Data quality — {report.scope}</h3>")
        labels = {p.kind: p.label for p in report.problems}
        parts = [f"{n} {labels.get(kind, kind.replace('_', ' ')).lower()}" for kind, n in report.counts.items() if n]
        self.summary.setText(
            f"{len(report.problems)} problem(s): " + "; ".join(parts) if parts else "No problems found."
        )
        self.problems.setRowCount(len(report.problems))
        for row, problem in enumerate(report.problems):
            record = problem.child_name or problem.reference or (problem.child_id or "")
            if problem.child_id and not problem.child_name:
                record = f"child {problem.child_id[:8]}…"
            cells = (problem.label, record, problem.detail, problem.organisation or "")
            for column, text in enumerate(cells):
                self.problems.setItem(row, column, QTableWidgetItem(text))
        items = self.queue.items if self.queue is not None else []
        self._show_review(self.queue is not None)
        self.review.setRowCount(len(items))
        for row, item in enumerate(items):
            offers = "; ".join(f"{o.score}: {o.evidence}" for o in item.offers) or "none on the server"
            waiting = (f"{item.name} ({item.source} {item.la_child_id})", item.date_of_birth or "", offers)
            for column, text in enumerate(waiting):
                self.review.setItem(row, column, QTableWidgetItem(text))
        self._selection_changed()

    def _failed(self, error: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        self.say(str(error), error=True)

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {RED};" if error else "")
        self.message.setText(text)

    def _show_review(self, shown: bool) -> None:
        for widget in (self.review_title, self.review, self.match_button, self.create_button, self.reject_button):
            widget.setVisible(shown)

    # -- opening a record --------------------------------------------------------------------------------------
    def open_problem(self, row: int) -> None:
        if self.report is None or not 0 <= row < len(self.report.problems):
            return
        child_id = self.report.problems[row].child_id
        if not child_id:
            self.say("This is a return's child, not yet one of the server's children: decide on it below.")
            return

        def opened(held: bool) -> None:
            if held:
                self.open_child.emit(child_id)
            else:
                self.say("This child's record is not on this computer (it is not shared with your organisation).")

        self.context.runner.query(lambda col: col.dataquality.holds(child_id)).success(opened).run()

    # -- the review queue --------------------------------------------------------------------------------------
    def selected_item(self) -> ReviewItem | None:
        rows = self.review.selectionModel().selectedRows()
        if self.queue is None or not rows:
            return None
        return self.queue.items[rows[0].row()]

    def _selection_changed(self) -> None:
        item = self.selected_item()
        self.match_button.setEnabled(item is not None and bool(item.offers))
        self.create_button.setEnabled(item is not None)
        self.reject_button.setEnabled(item is not None)

    def ask_reason(self, title: str) -> str | None:
        """The reason for a decision (separate so tests can answer without a modal loop)."""
        text, ok = QInputDialog.getText(self, title, "Why? (kept with the decision)")
        return text.strip() if ok and text.strip() else None

    def decide_selected(self, decision: str) -> None:
        item = self.selected_item()
        if item is None:
            return
        child_id = item.offers[0].child_id if decision == "match" and item.offers else None
        titles = {"match": "Match to the best offer", "create": "Create a new child", "reject": "Reject"}
        reason = self.ask_reason(f"{titles[decision]}: {item.name}")
        if reason is None:
            return
        source, la_child_id = item.source, item.la_child_id
        self.context.runner.query(
            lambda col: col.dataquality.decide(source, la_child_id, decision, reason, child_id)
        ).on_network().success(self._decided).failure(self._failed).run()

    def _decided(self, message: str) -> None:
        self.say(message)
        self.reload()
