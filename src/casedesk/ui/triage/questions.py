"""One wizard page of the Presenting Needs Check: a section's questions, each with the widget its type needs.

Radio buttons and tick boxes rather than drop-downs where the options are few, so every choice is visible and
reachable by keyboard; help text sits under the question because a teacher unsure of a threshold needs it there,
not in a tooltip. Nothing starts selected: an unanswered question must look unanswered. Branching is applied
live: the page asks the engine which questions are visible after every change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.triage.model import Question, Section
from casedesk.ui.palette import INFO_BACKGROUND, MUTED, RED, RED_BACKGROUND, TEXT

COMBO_OVER = 7  # more options than this: a drop-down, so the page stays short
NONE_OF_THESE = "None of these"


class QuestionWidget(QFrame):
    """A question, its help and its input; `value()` is None while unanswered."""

    changed = Signal()

    def __init__(self, question: Question) -> None:
        super().__init__()
        self.question = question
        self.setObjectName("question")
        text = QLabel(question.text + ("" if question.required else "  (optional)"))
        text.setWordWrap(True)
        text.setStyleSheet("font-weight: 600;")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 6, 0, 10)
        self.layout_.addWidget(text)
        if question.help:
            help_text = QLabel(question.help)
            help_text.setWordWrap(True)
            help_text.setStyleSheet(f"color: {MUTED};")
            self.layout_.addWidget(help_text)
        self.known = QLabel()  # "From the record: …", when the answer was filled in from the child's record
        self.known.setWordWrap(True)
        self.known.setStyleSheet(f"color: {TEXT}; background: {INFO_BACKGROUND}; padding: 4px;")
        self.known.setAccessibleName("Where this answer came from")
        self.known.hide()
        self.layout_.addWidget(self.known)
        self.warning = QLabel("Please answer this question.")
        self.warning.setStyleSheet(f"color: {RED};")
        self.warning.hide()
        self._group = QButtonGroup(self)
        self._boxes: list[QCheckBox] = []
        self._none: QCheckBox | None = None
        self._combo: QComboBox | None = None
        self._text: QPlainTextEdit | None = None
        self._values: list[Any] = []
        getattr(self, f"_build_{question.type}")()
        self.layout_.addWidget(self.warning)
        self.changed.connect(lambda: self.warning.hide())

    # -- building ----------------------------------------------------------------------------------------------
    def _radio_row(self, choices: list[tuple[Any, str, str]], horizontal: bool) -> None:
        row = QHBoxLayout() if horizontal else QVBoxLayout()
        for index, (value, label, tip) in enumerate(choices):
            button = QRadioButton(label)
            button.setToolTip(tip)
            button.setAccessibleName(f"{self.question.text} {label}")
            self._group.addButton(button, index)
            self._values.append(value)
            row.addWidget(button)
        if horizontal:
            row.addStretch(1)
        self.layout_.addLayout(row)
        self._group.buttonClicked.connect(lambda _b: self.changed.emit())

    def _build_yes_no(self) -> None:
        self._radio_row([(True, "Yes", ""), (False, "No", "")], horizontal=True)

    def _build_single_choice(self) -> None:
        options = self.question.options
        if len(options) > COMBO_OVER:
            combo = self._combo = QComboBox()
            combo.setAccessibleName(self.question.text)
            combo.setMaximumWidth(460)
            combo.addItem("Choose…", None)
            for option in options:
                combo.addItem(option.label, option.value)
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            self.layout_.addWidget(combo)
        else:
            self._radio_row([(o.value, o.label, o.help) for o in options], horizontal=False)

    def _build_multi_choice(self) -> None:
        for option in self.question.options:
            box = QCheckBox(option.label)
            box.setToolTip(option.help)
            box.setProperty("value", option.value)
            box.toggled.connect(self._ticked)
            self._boxes.append(box)
            self.layout_.addWidget(box)
        self._none = QCheckBox(NONE_OF_THESE)
        self._none.toggled.connect(self._none_ticked)
        self.layout_.addWidget(self._none)

    def _build_scale(self) -> None:
        q = self.question
        assert q.min is not None and q.max is not None
        row = QHBoxLayout()
        if q.min_label:
            row.addWidget(QLabel(q.min_label))
        for index, number in enumerate(range(q.min, q.max + 1)):
            button = QRadioButton(str(number))
            button.setAccessibleName(f"{q.text} {number}")
            self._group.addButton(button, index)
            self._values.append(number)
            row.addWidget(button)
        if q.max_label:
            row.addWidget(QLabel(q.max_label))
        row.addStretch(1)
        self.layout_.addLayout(row)
        self._group.buttonClicked.connect(lambda _b: self.changed.emit())

    def _build_free_text(self) -> None:
        text = self._text = QPlainTextEdit()
        text.setAccessibleName(self.question.text)
        text.setFixedHeight(72)
        text.textChanged.connect(self.changed.emit)
        self.layout_.addWidget(text)

    # -- multi choice: "None of these" excludes the rest ---------------------------------------------------------
    def _ticked(self, on: bool) -> None:
        if on and self._none is not None and self._none.isChecked():
            self._none.blockSignals(True)
            self._none.setChecked(False)
            self._none.blockSignals(False)
        self.changed.emit()

    def _none_ticked(self, on: bool) -> None:
        if on:
            for box in self._boxes:
                box.blockSignals(True)
                box.setChecked(False)
                box.blockSignals(False)
        self.changed.emit()

    # -- value -------------------------------------------------------------------------------------------------
    def value(self) -> Any:
        if self._combo is not None:
            return self._combo.currentData()
        if self._text is not None:
            text = self._text.toPlainText().strip()
            limit = self.question.max_length
            return (text[:limit] if limit else text) or None
        if self._none is not None:
            ticked = [box.property("value") for box in self._boxes if box.isChecked()]
            return ticked if ticked or self._none.isChecked() else None
        checked = self._group.checkedId()
        return None if checked < 0 else self._values[checked]

    def mark_known(self, source: str) -> None:
        """Say the answer came from the record, for the user to confirm or change."""
        self.known.setText(f"Filled in from the record ({source}). Change it if it is not right.")
        self.known.show()

    def mark_stop(self, on: bool) -> None:
        """Highlight the answer that made a stop rule fire, so the user sees which one it was."""
        self.setStyleSheet(
            f"QFrame#question {{ background: {RED_BACKGROUND}; border: 3px solid {RED}; border-radius: 4px; }}"
            if on
            else ""
        )
        self.setProperty("stopped", on)

    def set_value(self, value: Any) -> None:
        if self._combo is not None:
            self._combo.setCurrentIndex(max(0, self._combo.findData(value)))
        elif self._text is not None:
            self._text.setPlainText(value or "")
        elif self._none is not None:
            for box in self._boxes:
                box.setChecked(value is not None and box.property("value") in value)
            self._none.setChecked(value == [])
        elif value in self._values:
            index = next(i for i, v in enumerate(self._values) if v == value and type(v) is type(value))
            button: QAbstractButton | None = self._group.button(index)
            if button is not None:
                button.setChecked(True)


class SectionPage(QWidget):
    """A section's questions; `changed(question_id)` after any answer changes."""

    changed = Signal(str)

    def __init__(self, section: Section, answers: Mapping[str, Any]) -> None:
        super().__init__()
        self.section = section
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 12, 0)
        if section.description:
            about = QLabel(section.description)
            about.setWordWrap(True)
            about.setStyleSheet(f"color: {TEXT}; font-style: italic;")
            layout.addWidget(about)
        self.widgets: dict[str, QuestionWidget] = {}
        for question in section.questions:
            widget = QuestionWidget(question)
            if question.id in answers:
                widget.set_value(answers[question.id])
            widget.changed.connect(lambda qid=question.id: self.changed.emit(qid))
            self.widgets[question.id] = widget
            layout.addWidget(widget)
        layout.addStretch(1)

    def answers(self) -> dict[str, Any]:
        """Every question's current value on this page, None for unanswered ones."""
        return {qid: widget.value() for qid, widget in self.widgets.items()}

    def show_only(self, visible: set[str]) -> None:
        for qid, widget in self.widgets.items():
            widget.setVisible(qid in visible)

    def mark_stop(self, question_ids: set[str]) -> QuestionWidget | None:
        """Highlight the answers a stop rule fired on; returns the first, to scroll to."""
        first = None
        for qid, widget in self.widgets.items():
            widget.mark_stop(qid in question_ids)
            if qid in question_ids and first is None:
                first = widget
        return first

    def flag_unanswered(self, missing: list[str]) -> None:
        for qid, widget in self.widgets.items():
            widget.warning.setVisible(qid in missing)
