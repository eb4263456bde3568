"""The child's details form, used to record a new child and to edit one, with validation as you type."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from casedesk.domain.records import Child
from casedesk.domain.validation import normalise_child, validate_child
from casedesk.domain.vocab import UPN_UNKNOWN_REASONS, Sex
from casedesk.ui.palette import AMBER, RED

TEXT_FIELDS = (
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("preferred_name", "Preferred name"),
    ("gender", "Gender (as the child describes it)"),
    ("upn", "UPN"),
    ("uln", "ULN"),
    ("nhs_number", "NHS number"),
    ("address_line1", "Address"),
    ("address_line2", "Address line 2"),
    ("town", "Town"),
    ("postcode", "Postcode"),
    ("la_code", "Local authority code"),
)


DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y", "%Y-%m-%d", "%d %b %Y", "%d %B %Y")
NOT_A_DATE = "Type the date of birth as day/month/year, for example 17/05/2012."


def typed_date(text: str) -> date | str | None:
    """A date as typed ("17/05/2012", "17 May 2012", "2012-05-17"): the date, None when blank, else the text."""
    text = " ".join(text.split())
    if not text:
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return text


Day = date  # a name for the type inside DateField, whose own `date()` shadows it


class DateField(QLineEdit):
    """A date typed as the user says it (17/05/2012), starting empty: a date of birth that quietly defaulted to
    ten years ago was saved unnoticed. `date()` is the date, None while empty, or the text when it is not a date."""

    def __init__(self) -> None:
        super().__init__(placeholderText="dd/mm/yyyy")
        self.setMaxLength(20)

    def date(self) -> Day | str | None:
        return typed_date(self.text())

    def setDate(self, value: Day) -> None:
        self.setText(f"{value:%d/%m/%Y}")


class ChildForm(QWidget):
    def __init__(self, today: date | None = None) -> None:
        super().__init__()
        self.today = today or date.today()
        self.inputs: dict[str, QLineEdit] = {}
        self.messages: dict[str, QLabel] = {}
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # a label goes above its box when space is short
        self.dob = DateField()
        self.dob.setAccessibleName("Date of birth (required)")
        self.sex = QComboBox()
        for label, value in (("Not known", Sex.UNKNOWN), ("Female", Sex.FEMALE), ("Male", Sex.MALE)):
            self.sex.addItem(label, value.value)
        self.sex.setAccessibleName("Sex")
        self.un_reason = QComboBox()
        self.un_reason.addItem("—", None)
        for code, text in UPN_UNKNOWN_REASONS.items():
            self.un_reason.addItem(f"{code}: {text}", code)
        self.un_reason.setAccessibleName("Why there is no UPN")
        # The reasons are long sentences: the box is as wide as the form allows and the list shows them in full.
        self.un_reason.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.un_reason.setMinimumContentsLength(16)
        for name, label in TEXT_FIELDS:
            edit = QLineEdit()
            edit.setAccessibleName(label)
            message = QLabel()
            message.setWordWrap(True)
            message.setAccessibleName(f"{label} message")
            self.inputs[name], self.messages[name] = edit, message
            edit.textChanged.connect(self.revalidate)
            form.addRow(label, edit)
            form.addRow("", message)
            if name == "preferred_name":
                form.addRow("Date of birth", self.dob)
                self.messages["date_of_birth"] = QLabel()
                self.messages["date_of_birth"].setWordWrap(True)
                form.addRow("", self.messages["date_of_birth"])
                form.addRow("Sex", self.sex)
            if name == "upn":
                form.addRow("No UPN because", self.un_reason)
        self.dob.textChanged.connect(self.revalidate)
        self.un_reason.currentIndexChanged.connect(self.revalidate)
        self.revalidate()

    def load(self, child: Child) -> None:
        for name, edit in self.inputs.items():
            edit.setText(getattr(child, name) or "")
        self.dob.setDate(child.date_of_birth)
        self.sex.setCurrentIndex(max(0, self.sex.findData(child.sex)))
        self.un_reason.setCurrentIndex(max(0, self.un_reason.findData(child.upn_unknown_reason)))

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {name: edit.text() for name, edit in self.inputs.items()}
        values["date_of_birth"] = self.dob.date()
        values["sex"] = self.sex.currentData()
        values["upn_unknown_reason"] = self.un_reason.currentData()
        return normalise_child(values)

    def revalidate(self) -> bool:
        """Show each field's problems beside it; return whether the form can be saved."""
        report = validate_child(self.values(), self.today)
        for label in self.messages.values():
            label.clear()
        for items, colour in ((report.warnings, AMBER), (report.errors, RED)):
            for field, message in items:
                if field == "date_of_birth" and isinstance(self.dob.date(), str):
                    message = NOT_A_DATE
                label = self.messages.get(field) or self.messages["given_name"]
                label.setText(message)
                label.setStyleSheet(f"color: {colour};")
        return not report.errors
