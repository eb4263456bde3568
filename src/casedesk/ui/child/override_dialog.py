"""Break the glass: ask for what is withheld of one child, with a reason from the list and a sentence of why.

The dialog offers the other organisations involved with the child and, for the chosen one, the kinds of
information this device was told are withheld (ticked), says the server's policy (granted at once or after the
owning lead approves, and for how long), and checks the request as the server will before sending it, so a
missing reason is said here and nothing is sent. Sending runs on the network pool.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.overrides import REASON_LABELS, check_ask
from casedesk.domain.schema import Category
from casedesk.errors import CaseDeskError
from casedesk.services.overrides import Choices, OverrideInfo
from casedesk.ui.context import AppContext
from casedesk.ui.palette import MUTED, RED
from casedesk.ui.widgets import resize_to_fit

# The kinds of information an override can ask for: those about the child that an agreement can withhold.
ASKABLE = tuple(
    c for c in Category if c not in {Category.IDENTITY, Category.DIRECTORY, Category.ORGANISATION, Category.USAGE}
)


def category_label(category: str) -> str:
    return category.replace("_", " ").capitalize().replace("Send", "SEND")


class OverrideDialog(QDialog):
    def __init__(
        self, parent: QWidget | None, context: AppContext, child_id: str, choices: Choices, policy: str = ""
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.child_id = child_id
        self.choices = choices
        self.sent: OverrideInfo | None = None
        self.setWindowTitle(f"Ask for withheld information — {choices.child_name}")
        self.intro = intro = QLabel(
            "Use this only when you need information another organisation does not share with you, to keep the "
            "child safe now. Your request, its reason and everything it shows you are recorded and reported to "
            "that organisation. " + policy
        )
        intro.setWordWrap(True)
        self.organisation = QComboBox()
        self.organisation.setAccessibleName("Whose information")
        for org_id, name in choices.organisations.items():
            self.organisation.addItem(name, org_id)
        self.organisation.currentIndexChanged.connect(self._tick_withheld)
        self.boxes: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        for i, category in enumerate(ASKABLE):
            box = QCheckBox(category_label(category.value))
            self.boxes[category.value] = box
            grid.addWidget(box, i // 3, i % 3)
        kinds = QWidget()
        kinds.setLayout(grid)
        self.reason = QComboBox()
        self.reason.setAccessibleName("Reason")
        self.reason.addItem("Choose a reason…", "")
        for reason, label in REASON_LABELS.items():
            self.reason.addItem(label, reason.value)
        self.detail = QPlainTextEdit()
        self.detail.setAccessibleName("Why you need it now")
        self.detail.setPlaceholderText("Why you need this information now, and what you will do with it")
        self.detail.setFixedHeight(90)
        self.withheld_note = QLabel()
        self.withheld_note.setWordWrap(True)
        self.withheld_note.setStyleSheet(f"color: {MUTED};")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {RED};")
        self.error.setAccessibleName("What is wrong")
        form = QFormLayout()
        form.addRow("Whose information", self.organisation)
        form.addRow("", self.withheld_note)
        form.addRow("What", kinds)
        form.addRow("Reason", self.reason)
        form.addRow("Why, now", self.detail)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ask_button = self.buttons.addButton("Ask", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._tick_withheld()
        resize_to_fit(self, 620, 560)

    def _tick_withheld(self, *_: object) -> None:
        told = self.choices.withheld.get(self.organisation.currentData() or "", ())
        for category, box in self.boxes.items():
            box.setChecked(category in told)
        self.withheld_note.setText(
            "This device was told that " + ", ".join(category_label(c).lower() for c in told) + " is withheld."
            if told
            else "This device was not told of anything withheld from this organisation; tick what you need."
        )

    def values(self) -> tuple[str, list[str], str, str]:
        picked = [c for c, box in self.boxes.items() if box.isChecked()]
        return self.organisation.currentData() or "", picked, self.reason.currentData() or "", self.detail.toPlainText()

    def send(self) -> None:
        owner, categories, reason, detail = self.values()
        try:
            check_ask(self.child_id, owner, categories, reason, detail, own_org="")
        except CaseDeskError as exc:
            self.error.setText(str(exc))
            return
        self.error.setText("")
        self.ask_button.setEnabled(False)
        child_id = self.child_id
        self.context.runner.op(
            lambda col: col.overrides.ask(child_id, owner, categories, reason, detail)
        ).on_network().success(self._sent).failure(self._failed).run(self)

    def _sent(self, info: OverrideInfo) -> None:
        self.sent = info
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.ask_button.setEnabled(True)
        self.error.setText(str(error))


def outcome(info: OverrideInfo) -> str:
    """What happened to a request, in a sentence for the page's message line."""
    if info.state == "granted":
        until = (info.expires_at or "")[:16].replace("T", " ")
        return (
            f"Access granted until {until} UTC: the information arrives at the next sync and is removed from this "
            "device when the time runs out."
        )
    return f"Your request was sent to {info.owner}'s safeguarding lead; you will see their answer here."
