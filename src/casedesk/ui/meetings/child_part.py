"""One child's part of a meeting as the minute-taker types it: the question brought, the family's part, the
discussion, the decision and its reasons. `part()` is the `ChildPart` the meeting service records."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QPlainTextEdit, QWidget

from casedesk.domain.meetings.vocab import Decision
from casedesk.domain.schema import CHRONOLOGY_CATEGORIES
from casedesk.domain.vocab import label_of
from casedesk.services.meetings.meetings import ChildPart
from casedesk.ui.child.education_forms import OptionalDate

CATEGORY_WORDS = {"send": "SEND", "social_care": "Social care", "youth_justice": "Youth justice"}


def _text_box(name: str, lines: int = 3) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setAccessibleName(name)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


class ChildPartForm(QWidget):
    def __init__(self, child_id: str, child_name: str, referred_on: date | None = None) -> None:
        super().__init__()
        self.child_id, self.child_name = child_id, child_name
        self.question = _text_box("Question brought", 2)
        self.category = QComboBox()
        for category in CHRONOLOGY_CATEGORIES:
            self.category.addItem(CATEGORY_WORDS.get(category.value, category.value.capitalize()), category.value)
        self.category.setCurrentIndex(self.category.findData("general"))
        self.category.setToolTip("The chronology category of the child's entry: it decides who may see it")
        self.referred_on = OptionalDate("Referred on", referred_on)
        self.referred_on.field.setAccessibleName("Date referred")
        self.family_attended = QLineEdit(placeholderText="e.g. Mother; the young person for the first half")
        self.family_views = _text_box("The child's and family's views")
        self.discussion = _text_box("Discussion", 4)
        self.decision = QComboBox()
        self.decision.addItem("Not decided yet", None)
        for code in Decision:
            self.decision.addItem(label_of(Decision, code), code.value)
        self.decision_text = QLineEdit(placeholderText="The decision in a sentence")
        self.reasons = _text_box("Reasons")
        form = QFormLayout(self)
        for label, widget in (
            ("Question brought", self.question),
            ("Chronology category", self.category),
            ("Referral", self.referred_on),
            ("Family present", self.family_attended),
            ("Child's and family's views", self.family_views),
            ("Discussion", self.discussion),
            ("Decision", self.decision),
            ("Decision wording", self.decision_text),
            ("Reasons", self.reasons),
        ):
            form.addRow(label, widget)
            if not widget.accessibleName():
                widget.setAccessibleName(label)

    def part(self) -> ChildPart:
        return ChildPart(
            child_id=self.child_id,
            question=self.question.toPlainText(),
            discussion=self.discussion.toPlainText(),
            decision=self.decision.currentData(),
            decision_text=self.decision_text.text(),
            reasons=self.reasons.toPlainText(),
            category=self.category.currentData(),
            referred_on=self.referred_on.value(),
            family_attended=self.family_attended.text(),
            family_views=self.family_views.toPlainText(),
        )
