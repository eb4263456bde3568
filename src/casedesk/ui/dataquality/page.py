"""The Data quality page, for an organisation's administrators: the server's data-quality report for the
organisation (invalid or missing identifiers, statuses that disagree, records nobody has updated, children with no
school, the returns' children not yet matched and the DfE's queries on them), each problem opening the child's
record where this computer holds it. Children's social care's administrators also work through the returns'
review queue here (`review.ReviewPanel`): match a waiting child to any of the children the server offers, create
a new child, or reject it, each with a reason the server keeps.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.services.dataquality import QualityReport, ReviewQueue
from casedesk.ui.context import AppContext
from casedesk.ui.dataquality.review import ReviewPanel
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
        self.review = ReviewPanel(context)
        self.review.decided.connect(self._decided)
        self.review.failed.connect(self._failed)
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
        layout.addWidget(self.review, 2)
        self.review.setVisible(False)

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
        self.review.setVisible(self.queue is not None)
        self.review.fill(self.queue)

    def _failed(self, error: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        self.say(str(error), error=True)

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {RED};" if error else "")
        self.message.setText(text)

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

    def _decided(self, message: str) -> None:
        self.say(message)
        self.reload()
