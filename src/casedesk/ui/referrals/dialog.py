"""Make a referral in about a minute: why, how urgent, what to share, and the information-sharing decision.

The decision is asked for explicitly — consent (who, when, for what) or, without it, the lawful basis and the
reason — because the golden rules say every sharing decision and its reason is recorded. Problems are listed
in the dialog and nothing is saved until they are fixed.
"""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain import schema
from casedesk.domain.referrals.workflow import (
    ALWAYS_SHARED,
    DEFAULT_ACK_WORKING_DAYS,
    LAWFUL_BASES,
    SECTIONS,
    URGENCIES,
    SharingDecision,
)
from casedesk.errors import ValidationError
from casedesk.services.referrals.service import NewReferral
from casedesk.ui.context import AppContext
from casedesk.ui.palette import RED
from casedesk.ui.widgets import date_input, picked_date, resize_to_fit, scroll_body


class ReferralDialog(QDialog):
    def __init__(
        self,
        context: AppContext,
        child_id: str,
        child_name: str,
        service_id: str | None,
        service_name: str,
        triage_result_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.created_id: str | None = None
        self.child_id, self.service_id, self.service_name = child_id, service_id, service_name
        self.triage_result_id = triage_result_id
        self.setWindowTitle(f"Refer {child_name} to {service_name}")
        self.reason = QPlainTextEdit(placeholderText="Why you are referring, in a sentence or two the service reads")
        self.reason.setAccessibleName("Reason for referral")
        self.urgency = QComboBox()
        for code, label in URGENCIES.items():
            self.urgency.addItem(label, code)
        days = schema.record("referrals").by_name["ack_within_days"]  # the range every device and the server hold
        self.ack_days = QSpinBox(
            minimum=days.minimum or 1, maximum=days.maximum or 1, value=DEFAULT_ACK_WORKING_DAYS, suffix=" working days"
        )
        self.sections: dict[str, QCheckBox] = {}
        shared = QGroupBox("What to share with the service")
        shared_layout = QVBoxLayout(shared)
        for code, label in SECTIONS.items():
            box = QCheckBox(label)
            box.setChecked(code in ALWAYS_SHARED or code == "school" or (code == "triage" and bool(triage_result_id)))
            box.setEnabled(code not in ALWAYS_SHARED and (code != "triage" or bool(triage_result_id)))
            self.sections[code] = box
            shared_layout.addWidget(box)
        self.consent = QRadioButton("Consent given")
        self.no_consent = QRadioButton("Sharing without consent")
        self.consent.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.consent)
        group.addButton(self.no_consent)
        self.given_by = QLineEdit(placeholderText="e.g. Mother, carer, the young person")
        self.given_on = date_input("dd/MM/yyyy", QDate.currentDate())
        self.scope = QLineEdit("Referral to this service, sharing the information ticked above")
        self.basis = QComboBox()
        self.basis.addItem("Choose…", "")
        for code, label in LAWFUL_BASES.items():
            self.basis.addItem(label, code)
        self.why_without = QPlainTextEdit(placeholderText="Why sharing without consent is justified")
        self.why_without.setFixedHeight(60)
        sharing = QGroupBox("Information-sharing decision")
        sharing_form = QFormLayout(sharing)
        sharing_form.addRow(self.consent)
        sharing_form.addRow("Given by", self.given_by)
        sharing_form.addRow("Given on", self.given_on)
        sharing_form.addRow("For", self.scope)
        sharing_form.addRow(self.no_consent)
        sharing_form.addRow("Lawful basis", self.basis)
        sharing_form.addRow("Reason", self.why_without)
        self.consent.toggled.connect(self._sharing_mode)
        profile = context.profile
        self.referrer = {
            "name": QLineEdit(profile.name),
            "role": QLineEdit(profile.role),
            "organisation": QLineEdit(profile.organisation),
            "email": QLineEdit(),
            "phone": QLineEdit(),
        }
        form = QFormLayout()
        form.addRow("Service", QLabel(f"<b>{service_name}</b>"))
        form.addRow("Reason", self.reason)
        form.addRow("Urgency", self.urgency)
        form.addRow("Acknowledge within", self.ack_days)
        for key, edit in self.referrer.items():
            edit.setAccessibleName(f"Your {key}")
            form.addRow(f"Your {key}", edit)
        self.not_fit = QLabel()
        self.not_fit.setWordWrap(True)
        self.not_fit.setStyleSheet(f"color: {RED};")
        self.fit_override = QPlainTextEdit(placeholderText="Why refer to this service anyway")
        self.fit_override.setAccessibleName("Why refer anyway")
        self.fit_override.setFixedHeight(60)
        form.insertRow(1, self.not_fit)  # right under the service it is about
        form.insertRow(2, "Why anyway", self.fit_override)
        self._form = form
        self.needs_override = False
        self._fit_rows(False)
        context.runner.query(lambda col: col.referrals.fit_problems(child_id, service_id, triage_result_id)).success(
            self._show_fit
        ).run()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {RED};")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton("Save referral", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        body = QWidget()
        fields = QVBoxLayout(body)
        fields.setContentsMargins(0, 0, 0, 0)
        fields.addLayout(form)
        fields.addWidget(shared)
        fields.addWidget(sharing)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll_body(body), 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._sharing_mode(True)
        resize_to_fit(self, 640, 680)  # fits 1366×768 less a taskbar and title bar; the fields scroll

    def _fit_rows(self, visible: bool) -> None:
        self.needs_override = visible
        for widget in (self.not_fit, self.fit_override, self._form.labelForField(self.fit_override)):
            if widget is not None:
                widget.setVisible(visible)

    def _show_fit(self, problems: list[str]) -> None:
        """A service that does not fit this child needs a reason to refer anyway (the service checks it too)."""
        if problems:
            self.not_fit.setText(
                f"{self.service_name} does not fit this child: {'; '.join(problems)}. You can still refer, but say why."
            )
        self._fit_rows(bool(problems))

    def _sharing_mode(self, consent: bool) -> None:
        for widget in (self.given_by, self.given_on, self.scope):
            widget.setEnabled(consent)
        for other in (self.basis, self.why_without):
            other.setEnabled(not consent)

    def new_referral(self) -> NewReferral:
        consent = self.consent.isChecked()
        decision = SharingDecision(
            consent=consent,
            consent_given_by=self.given_by.text() if consent else "",
            consent_given_on=picked_date(self.given_on) if consent else None,
            consent_scope=self.scope.text() if consent else "",
            lawful_basis="" if consent else self.basis.currentData(),
            reason_without_consent="" if consent else self.why_without.toPlainText(),
            decided_by=self.referrer["name"].text(),
        )
        return NewReferral(
            child_id=self.child_id,
            service_id=self.service_id,
            service_name=self.service_name,
            reason=self.reason.toPlainText(),
            sharing=decision,
            referrer={key: edit.text().strip() for key, edit in self.referrer.items()},
            sections=tuple(code for code, box in self.sections.items() if box.isChecked()),
            urgency=self.urgency.currentData(),
            triage_result_id=self.triage_result_id,
            ack_within_days=self.ack_days.value(),
            fit_override=self.fit_override.toPlainText() if self.needs_override else "",
        )

    def save(self) -> None:
        new = self.new_referral()
        problems = new.problems()
        if problems:
            self.error.setText("\n".join(f"• {message}" for _, message in problems))
            return
        self.context.runner.op(lambda col: col.referrals.create(new)).success(self._saved).failure(self._refused).run(
            initiator=self
        )

    def _saved(self, referral_id: str) -> None:
        self.created_id = referral_id
        self.accept()

    def _refused(self, error: BaseException) -> None:
        problems = getattr(error, "problems", None) if isinstance(error, ValidationError) else None
        self.error.setText("\n".join(f"• {m}" for _, m in problems) if problems else str(error))
