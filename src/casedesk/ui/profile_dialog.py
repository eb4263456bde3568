"""Profile: the user's name, role, organisation and contact details, editable after first run.

The name signs every change from then on and the organisation is shown in the window, so a database made by the
demo (or set up in a hurry) can be put right without starting again. Saving runs through the collection, which
checks the values and adds the organisation to the register when it is new.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from casedesk.config import Profile
from casedesk.services.profile import ORGANISATION_KINDS


class ProfileDialog(QDialog):
    """Save asks the window to store the profile; the dialog closes only once it is stored."""

    save_requested = Signal()

    def __init__(self, parent: QWidget | None, profile: Profile, decided: frozenset[str] = frozenset()) -> None:
        super().__init__(parent)
        self.setWindowTitle("Profile")
        self._profile = profile
        self.name, self.role = QLineEdit(profile.name), QLineEdit(profile.role)
        self.organisation = QLineEdit(profile.organisation)
        self.kind = QComboBox()
        for kind in ORGANISATION_KINDS:
            self.kind.addItem(kind.replace("_", " ").capitalize(), kind)
        self.kind.setCurrentIndex(max(0, self.kind.findData(profile.organisation_kind)))
        self.email, self.phone = QLineEdit(profile.email), QLineEdit(profile.phone)
        for widget, name in (
            (self.name, "Your name"),
            (self.role, "Your role"),
            (self.organisation, "Organisation"),
            (self.kind, "Kind of organisation"),
            (self.email, "Email"),
            (self.phone, "Phone"),
        ):
            widget.setAccessibleName(name)
        fields = {
            "name": self.name,
            "role": self.role,
            "organisation": self.organisation,
            "organisation_kind": self.kind,
            "email": self.email,
            "phone": self.phone,
        }
        for name in decided:
            fields[name].setEnabled(False)  # the server's directory decides these once enrolled
        self.from_directory = QLabel(
            "Greyed-out details come from your organisation's directory on the server you are enrolled with."
            if decided
            else ""
        )
        self.from_directory.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        form = QFormLayout(self)
        form.addRow(QLabel("Your name signs every change you make from now on."))
        form.addRow("Your name", self.name)
        form.addRow("Your role", self.role)
        form.addRow("Organisation", self.organisation)
        form.addRow("Kind", self.kind)
        form.addRow("Email", self.email)
        form.addRow("Phone", self.phone)
        if decided:
            form.addRow(self.from_directory)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save_requested)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setMinimumWidth(460)

    def profile(self) -> Profile:
        """The edited profile (the idle lock time is kept as it was)."""
        return replace(
            self._profile,
            name=self.name.text(),
            role=self.role.text(),
            organisation=self.organisation.text(),
            organisation_kind=str(self.kind.currentData()),
            email=self.email.text(),
            phone=self.phone.text(),
        )
