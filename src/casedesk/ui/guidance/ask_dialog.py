"""Ask CaseDesk: type a question in your own words, read the best answers offline, follow a link into the app.

Answers update as you type (ranked on the database thread by `col.guidance.ask`). Pressing Enter asks for real:
a question that then finds nothing is kept, scrubbed of personal data, for the local authority's report, and so
is each "did this help?" answer. Links are handed to the main window (`follow`), which knows the pages.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.guidance.model import GuidanceLink
from casedesk.domain.guidance.search import Answer, Reading
from casedesk.ui.context import AppContext
from casedesk.ui.guidance.answer_view import answer_html
from casedesk.ui.palette import RED

TYPING_DELAY_MS = 250
NOTHING_FOUND = (
    "No answer found. Try other words, or ask your designated safeguarding lead. Your question, with names, "
    "identifiers, dates and addresses taken out, goes to the local authority so the guidance can cover it."
)


class AskDialog(QDialog):
    follow = Signal(object)  # a GuidanceLink to open in the app

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Ask CaseDesk")
        self.answers: list[Answer] = []
        self.reading: Reading | None = None
        self._asked = ""  # the question the answers belong to
        self._kept: set[tuple[str, str, str | None]] = set()

        self.question = QLineEdit(placeholderText="Ask a question in your own words, then press Enter")
        self.question.setAccessibleName("Your question")
        self.question.setClearButtonEnabled(True)
        ask = QPushButton("Ask")
        ask.clicked.connect(self.ask_now)
        self.question.returnPressed.connect(self.ask_now)
        self.list = QListWidget()
        self.list.setAccessibleName("Answers")
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(2)
        self.view = QTextBrowser()
        self.view.setAccessibleName("Answer")
        self.view.setOpenLinks(False)
        self.links = QHBoxLayout()
        self.helped = QPushButton("Yes, this helped")
        self.unhelpful = QPushButton("No")
        self.helped.clicked.connect(lambda: self._rate("helpful"))
        self.unhelpful.clicked.connect(lambda: self._rate("unhelpful"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Ask CaseDesk status")

        top = QHBoxLayout()
        top.addWidget(self.question, 1)
        top.addWidget(ask)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.view, 1)
        right_layout.addLayout(self.links)
        feedback = QHBoxLayout()
        feedback.addWidget(QLabel("Did this help?"))
        feedback.addWidget(self.helped)
        feedback.addWidget(self.unhelpful)
        feedback.addStretch(1)
        right_layout.addLayout(feedback)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(right)
        splitter.setSizes([300, 560])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        privacy = QLabel(
            "Answers come from the guidance on this device and work offline. Nothing you type is kept, except a "
            "question that finds no answer or an answer you rate, and only with personal details taken out."
        )
        privacy.setWordWrap(True)
        layout.addWidget(privacy)

        self._debounce = QTimer(self, singleShot=True, interval=TYPING_DELAY_MS)
        self._debounce.timeout.connect(lambda: self._search(keep_if_empty=False))
        self.question.textChanged.connect(lambda _: self._debounce.start())
        self.list.currentRowChanged.connect(self._show)
        self.resize(900, 560)
        self._show(-1)

    # -- asking ------------------------------------------------------------------------------------------------
    def ask_now(self) -> None:
        """Enter or Ask: rank now, and keep the question if nothing answers it."""
        self._debounce.stop()
        self._search(keep_if_empty=True)

    def _search(self, keep_if_empty: bool) -> None:
        text = self.question.text().strip()
        if not text:
            self._fill(text, None, [])
            return
        self.context.runner.query(lambda col: col.guidance.ask(text)).success(
            lambda found: self._found(text, found, keep_if_empty)
        ).run()

    def _found(self, text: str, found: tuple[Reading, list[Answer]], keep_if_empty: bool) -> None:
        reading, answers = found
        self._fill(text, reading, answers)
        if not answers and keep_if_empty:
            self._keep(text, "no_result", None)

    def _fill(self, text: str, reading: Reading | None, answers: list[Answer]) -> None:
        self._asked, self.reading, self.answers = text, reading, answers
        self.list.blockSignals(True)
        self.list.clear()
        for answer in answers:
            item = QListWidgetItem(("Act now: " if answer.risk_first else "") + answer.entry.question)
            if answer.risk_first:
                item.setForeground(Qt.GlobalColor.darkRed)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if answers:
            self.list.setCurrentRow(0)  # shows it (currentRowChanged)
        else:
            self._show(-1)
        if text and not answers:
            self.status.setText(NOTHING_FOUND)
        elif reading is not None and reading.corrections:
            fixed = ", ".join(f"'{typed}' as '{word}'" for typed, word in reading.corrections.items())
            self.status.setText(f"Read {fixed}.")
        else:
            self.status.setText("")

    # -- one answer --------------------------------------------------------------------------------------------
    def current(self) -> Answer | None:
        row = self.list.currentRow()
        return self.answers[row] if 0 <= row < len(self.answers) else None

    def _show(self, row: int) -> None:
        while self.links.count():
            item = self.links.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # out of sight now; deleted once control returns to the event loop
                widget.deleteLater()
        answer = self.answers[row] if 0 <= row < len(self.answers) else None
        self.helped.setEnabled(answer is not None)
        self.unhelpful.setEnabled(answer is not None)
        if answer is None:
            self.view.setHtml(
                "<p>Ask about thresholds and levels of need, consent and information sharing, making and chasing "
                "referrals, immediate risk, home education, exclusions or attendance.</p>"
                f"<p style='color:{RED}'>If a child is in immediate danger, call 999.</p>"
            )
            return
        self.view.setHtml(answer_html(answer, date.today()))
        for link in answer.entry.links:
            button = QPushButton(link.label)
            button.setAccessibleName(f"Open: {link.label}")
            button.clicked.connect(lambda _=False, chosen=link: self.open_link(chosen))
            self.links.addWidget(button)
        self.links.addStretch(1)

    def link_buttons(self) -> list[QPushButton]:
        items = (self.links.itemAt(i) for i in range(self.links.count()))
        widgets = (item.widget() for item in items if item is not None)
        return [widget for widget in widgets if isinstance(widget, QPushButton)]

    def open_link(self, link: GuidanceLink) -> None:
        if link.target == "guidance":
            self.question.blockSignals(True)
            self.question.setText(link.label)
            self.question.blockSignals(False)
            self._debounce.stop()
            self._search(keep_if_empty=False)
            return
        self.follow.emit(link)

    # -- what is kept ------------------------------------------------------------------------------------------
    def _rate(self, outcome: str) -> None:
        answer = self.current()
        if answer is not None and self._asked:
            self._keep(self._asked, outcome, answer.entry.id)
            self.helped.setEnabled(False)
            self.unhelpful.setEnabled(False)

    def _keep(self, text: str, outcome: str, entry_id: str | None) -> None:
        key = (text, outcome, entry_id)
        if key in self._kept:
            return
        self._kept.add(key)
        thanks = "Thank you: your answer is passed on to improve the guidance." if entry_id else ""
        self.context.runner.op(lambda col: col.guidance.keep_question(text, outcome, entry_id)).success(
            lambda _kept: self.status.setText(thanks or self.status.text())
        ).run(initiator=self)
