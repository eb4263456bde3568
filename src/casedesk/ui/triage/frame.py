"""The Presenting Needs Check wizard's frame: heading, progress, stop banner, pages and buttons, and which of them
each page shows. Layout only; the flow and the database work live in `triage_wizard`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
)

from casedesk.domain.triage.result import TriageResult
from casedesk.ui.palette import RED, RED_BACKGROUND
from casedesk.ui.triage.choose import ChoosePage
from casedesk.ui.triage.summary import SummaryPanel

CHOOSE, SECTION, SUMMARY = 0, 1, 2
STOPPED_TIP = "A stop rule fired: contact children's social care or the police now; the directory is not the next step."


class WizardFrame(QDialog):
    triage_result: TriageResult | None

    def _outcome(self) -> Any:
        """The outcome on show (the wizard decides: stored for a recorded result, live for a draft)."""
        raise NotImplementedError

    def _build(self) -> None:
        """Every widget the wizard uses; the pages share one heading and one row of buttons."""
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.title.setWordWrap(True)
        self.progress_text = QLabel()
        self.progress_text.setAccessibleName("Progress")
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(8)
        self.stop_note = QLabel()
        self.stop_note.setTextFormat(Qt.TextFormat.RichText)
        self.stop_note.setWordWrap(True)
        self.stop_note.setStyleSheet(
            f"background: {RED_BACKGROUND}; border: 3px solid {RED}; padding: 8px; font-weight: 700; font-size: 11pt;"
        )
        self.stop_note.setAccessibleName("Stop instruction")
        self.stop_note.hide()
        self.choose = ChoosePage()
        self.section_scroll = QScrollArea()
        self.section_scroll.setWidgetResizable(True)
        self.summary = SummaryPanel()
        summary_scroll = QScrollArea()
        summary_scroll.setWidgetResizable(True)
        summary_scroll.setWidget(self.summary)
        self.stack = QStackedWidget()
        for widget in (self.choose, self.section_scroll, summary_scroll):
            self.stack.addWidget(widget)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.back, self.next = QPushButton("< Back"), QPushButton("Next >")
        self.save_close = QPushButton("Save draft and close")
        self.record = QPushButton("Record result")
        self.find_button = QPushButton("Find services")
        self.pdf = QPushButton("Save PDF…")
        self.close_button = QPushButton("Close")
        buttons = QHBoxLayout()
        for button in (self.back, self.save_close):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.pdf, self.find_button, self.record, self.next, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        for part in (self.title, self.progress_text, self.progress, self.stop_note):
            layout.addWidget(part)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def _show_page(self, which: int) -> None:
        """Show a page with the buttons that make sense on it (a recorded result can only be read and printed)."""
        self.stack.setCurrentIndex(which)
        recorded = self.triage_result is not None and self.triage_result.is_complete
        stopped = which == SUMMARY and self._outcome().stop is not None
        self.back.setVisible(which != CHOOSE and not recorded)
        self.next.setVisible(which != SUMMARY)
        self.next.setText("Start check >" if which == CHOOSE else "Next >")
        self.save_close.setVisible(which != CHOOSE and not recorded)
        self.record.setVisible(which == SUMMARY and not recorded)
        self.find_button.setVisible(which == SUMMARY)
        self.find_button.setEnabled(recorded and not stopped)
        self.find_button.setToolTip(STOPPED_TIP if stopped else "" if recorded else "Record the result first.")
        self.pdf.setVisible(which == SUMMARY)
        self.close_button.setVisible(which != SECTION)
        self.progress_text.setVisible(which == SECTION)
        self.progress.setVisible(which == SECTION)
        if which != SECTION:
            self.stop_note.hide()
