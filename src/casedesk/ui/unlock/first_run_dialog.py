"""First run: who you are, your organisation, and a passphrase (with a strength meter and confirmation)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from casedesk import site_profile
from casedesk.domain.passphrase import MIN_PASSPHRASE_LENGTH, estimate_strength
from casedesk.domain.vocab import OrgKind
from casedesk.errors import CaseDeskError
from casedesk.services.collection import create_collection
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.palette import RED

DEMO_CHILDREN = 200


class FirstRunDialog(QDialog):
    def __init__(self, context: AppContext, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.path = path
        self.setWindowTitle("Welcome to CaseDesk")
        intro = QLabel(
            "<h3>Welcome to CaseDesk</h3>Your records are kept in an encrypted database on this computer. "
            "Choose a passphrase you will remember: <b>it cannot be recovered if lost</b>."
        )
        intro.setWordWrap(True)
        self.name = QLineEdit()
        self.role = QLineEdit(placeholderText="e.g. Designated safeguarding lead")
        self.organisation = QLineEdit(placeholderText="e.g. Hillside Academy")
        self.kind = QComboBox()
        for kind in OrgKind:
            self.kind.addItem(kind.label, kind.value)
        self.passphrase = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.meter = QProgressBar(maximum=4, textVisible=True)
        self.meter.setAccessibleName("Passphrase strength")
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.demo = QCheckBox(f"Load demo data ({DEMO_CHILDREN} synthetic children) to explore CaseDesk")
        self._site(site_profile.load())
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {RED};")
        self.error.setWordWrap(True)
        form = QFormLayout()
        for label, widget in (
            ("Your name", self.name),
            ("Your role", self.role),
            ("Organisation", self.organisation),
            ("Organisation type", self.kind),
            ("Passphrase", self.passphrase),
            ("Confirm passphrase", self.confirm),
            ("Strength", self.meter),
        ):
            widget.setAccessibleName(label)
            form.addRow(label, widget)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create my encrypted database")
        self.buttons.accepted.connect(self.start_creating)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.advice)
        layout.addWidget(self.demo)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.passphrase.textChanged.connect(self._update_meter)
        self._update_meter("")
        self.setMinimumWidth(520)

    def _site(self, site: site_profile.SiteProfile) -> None:
        """What the area's site profile sets: the organisation offered, demo data and the passphrase asked for."""
        self.policy = site.policy
        if site.organisation.name:
            self.organisation.setText(site.organisation.name)
        if site.organisation.kind:
            self.kind.setCurrentIndex(max(0, self.kind.findData(site.organisation.kind)))
        self.demo.setVisible(site.policy.demo_data)

    def _update_meter(self, text: str) -> None:
        strength = estimate_strength(text)
        self.meter.setValue(strength.score)
        self.meter.setFormat(strength.label)
        self.advice.setText(strength.advice)

    def problems(self) -> list[str]:
        found = []
        if not self.name.text().strip():
            found.append("Enter your name: it is recorded with everything you write.")
        if not self.organisation.text().strip():
            found.append("Enter your organisation.")
        if len(self.passphrase.text()) < MIN_PASSPHRASE_LENGTH:
            found.append(f"The passphrase needs at least {MIN_PASSPHRASE_LENGTH} characters.")
        elif estimate_strength(self.passphrase.text()).score < self.policy.min_passphrase_strength:
            found.append(
                f"Your organisation asks for a passphrase at least {self.policy.min_strength_name}: add more words."
            )
        elif self.passphrase.text() != self.confirm.text():
            found.append("The two passphrases differ.")
        return found

    def start_creating(self) -> None:
        problems = self.problems()
        if problems:
            self.error.setText("\n".join(problems))
            return
        profile = Profile(
            name=self.name.text().strip(),
            role=self.role.text().strip(),
            organisation=self.organisation.text().strip(),
            organisation_kind=self.kind.currentData(),
        )
        wants_demo = self.demo.isChecked() and self.policy.demo_data
        secret, demo = self.passphrase.text(), DEMO_CHILDREN if wants_demo else 0
        self.buttons.setEnabled(False)
        self.error.setText("Creating your encrypted database…")
        self.context.runner.run_db(
            lambda: create_collection(self.path, secret, profile, demo),
            self._created,
            self._failed,
            progress="Creating your encrypted database…",
            parent=self,
        )

    def _created(self, opened: tuple[Any, Profile]) -> None:  # what open_database returned
        self.context.attach(opened)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        message = str(error) if isinstance(error, CaseDeskError) else f"Could not create the database ({error})."
        self.error.setText(message)
