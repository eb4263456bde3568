"""The wizard's last page: the level of need, the next step, the need domains and the reasons behind them.

When a stop rule fired, a red banner with the instruction to contact children's social care or the police comes
first and the usual next step is not shown, so nobody goes looking for a service instead of making that call.
The panel shows whatever outcome it is given: a draft's live evaluation, or a recorded result's stored outcome.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.triage.model import TriageOutcome
from casedesk.ui.palette import LEVEL_COLOURS, MUTED, RED, RED_BACKGROUND, TEXT


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _wrapped(text: str = "", style: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if style:
        label.setStyleSheet(style)
    return label


class SummaryPanel(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.stop_banner = QFrame()
        self.stop_banner.setObjectName("stopBanner")
        self.stop_banner.setStyleSheet(
            f"#stopBanner {{ background: {RED_BACKGROUND}; border: 3px solid {RED}; border-radius: 4px; }}"
        )
        self.stop_title = _wrapped("STOP — immediate risk of significant harm", f"color: {RED}; font-size: 14pt;"
                                   " font-weight: 700;")  # fmt: skip
        self.stop_text = _wrapped(style="font-size: 11pt; font-weight: 600;")
        self.stop_text.setAccessibleName("Stop instruction")
        self.stop_why = _wrapped()
        banner = QVBoxLayout(self.stop_banner)
        for widget in (self.stop_title, self.stop_text, self.stop_why):
            banner.addWidget(widget)
        self.status = _wrapped(style=f"color: {MUTED};")
        self.level = _wrapped(style="font-size: 15pt; font-weight: 700;")
        self.level.setAccessibleName("Level of need")
        self.next_step = _wrapped()
        self.next_step.setAccessibleName("Next step")
        self.why = _wrapped()
        self.missing = _wrapped(style=f"color: {RED};")
        self.domains = QTableWidget(0, 3)
        self.domains.setHorizontalHeaderLabels(("Need domain", "Score", "Because"))
        self.domains.setAccessibleName("Need domains")
        self.domains.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.domains.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.domains.setWordWrap(True)
        self.domains.verticalHeader().hide()
        header = self.domains.horizontalHeader()
        self.domains.setColumnWidth(0, 240)
        self.domains.setColumnWidth(1, 55)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_: self._fit_domains())
        self.domains.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.reasons = _wrapped()
        self.reasons.setAccessibleName("Reasons")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 12, 0)
        layout.addWidget(self.stop_banner)
        for widget in (self.status, self.level, self.next_step, self.why, self.missing):
            layout.addWidget(widget)
        layout.addWidget(_wrapped("Need domains", "font-weight: 600; margin-top: 6px;"))
        layout.addWidget(self.domains)
        layout.addWidget(_wrapped("Reasons: the answers behind them", "font-weight: 600; margin-top: 6px;"))
        layout.addWidget(self.reasons)
        layout.addStretch(1)

    def _fit_domains(self) -> None:
        """Rows as tall as their wrapped text and the table as tall as its rows: one scroll bar, the page's."""
        table = self.domains
        table.resizeRowsToContents()
        rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
        table.setFixedHeight(table.horizontalHeader().height() + rows + 2 * table.frameWidth() + 2)

    def show_outcome(self, outcome: TriageOutcome, status: str, missing: list[str] | None = None) -> None:
        """Fill the page; `missing` lists the texts of required questions still unanswered."""
        stop = outcome.stop
        self.stop_banner.setVisible(stop is not None)
        if stop is not None:
            self.stop_text.setText(stop.instruction)
            answers = "".join(f"<br>Answer: {_e(e.question)} — <b>{_e(e.answer)}</b>" for e in stop.evidence)
            self.stop_why.setText(f"Why: {_e(stop.reason)}{answers}")
        self.status.setText(status)
        colour = LEVEL_COLOURS.get(outcome.level, TEXT)
        self.level.setText(f"Level {outcome.level}: {outcome.level_name}")
        self.level.setStyleSheet(f"font-size: 15pt; font-weight: 700; color: {colour};")
        self.next_step.setVisible(stop is None)
        self.next_step.setText(f"<b>Next step:</b> {_e(outcome.next_step)}")
        why = outcome.why_this_level()
        self.why.setVisible(bool(why))
        self.why.setText("<b>Why this level:</b> " + _e(why))
        self.missing.setVisible(bool(missing))
        self.missing.setText(
            "Still to answer before the result can be recorded:<br>• " + "<br>• ".join(map(_e, missing or []))
        )
        self.domains.setRowCount(len(outcome.domains))
        for row, domain in enumerate(outcome.domains):
            because = "\n".join(outcome.reasons_for(domain))
            for column, text in enumerate((domain.name, str(domain.score), because)):
                self.domains.setItem(row, column, QTableWidgetItem(text))
        self._fit_domains()
        lines = []
        for reason in (r for r in outcome.reasons if r.kind == "rule"):
            answers = _e("; ".join(f"{e.question} — {e.answer}" for e in reason.evidence))
            lines.append(f"• <b>{_e(reason.text)}</b><br>&nbsp;&nbsp;<span style='color:{MUTED}'>{answers}</span>")
        self.reasons.setText("<br>".join(lines) if lines else "No scoring rule fired.")
