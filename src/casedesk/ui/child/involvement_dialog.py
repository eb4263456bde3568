"""Add or correct an involvement (an agency, its named worker, their role and dates), and choose a child's school.

The choices come from the register of organisations and workers the child's view already holds; the service checks
them again (a worker must belong to the chosen organisation), so the dialog only makes the likely mistakes hard.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QWidget,
)

from casedesk.domain.records import Involvement, Organisation, Worker
from casedesk.domain.vocab import InvolvementRole


def _date_edit(value: date) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd MMM yyyy")
    edit.setDate(QDate(value.year, value.month, value.day))
    return edit


class InvolvementDialog(QDialog):
    """One involvement: organisation, named worker (optional), role, from and (optionally) to."""

    def __init__(
        self,
        parent: QWidget | None,
        organisations: dict[str, Organisation],
        workers: dict[str, Worker],
        existing: Involvement | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit involvement" if existing else "Add involvement")
        self._workers = workers
        self.organisation, self.worker, self.role = QComboBox(), QComboBox(), QComboBox()
        self.organisation.setAccessibleName("Organisation")
        self.worker.setAccessibleName("Named worker")
        self.role.setAccessibleName("Role")
        for org in sorted(organisations.values(), key=lambda o: o.name):
            self.organisation.addItem(org.name, org.id)
        for role in InvolvementRole:
            self.role.addItem(role.label, role.value)
        today = date.today()
        self.start = _date_edit(existing.start_date if existing else today)
        self.ended = QCheckBox("Ended on")
        self.end = _date_edit(existing.end_date if existing and existing.end_date else today)
        self.ended.setChecked(bool(existing and existing.end_date))
        self.end.setEnabled(self.ended.isChecked())
        self.ended.toggled.connect(self.end.setEnabled)
        self.organisation.currentIndexChanged.connect(self._fill_workers)
        if existing:
            self.organisation.setCurrentIndex(max(0, self.organisation.findData(existing.organisation_id)))
            self.role.setCurrentIndex(max(0, self.role.findData(existing.role)))
        self._fill_workers()
        if existing and existing.worker_id:
            self.worker.setCurrentIndex(max(0, self.worker.findData(existing.worker_id)))
        form = QFormLayout(self)
        form.addRow("Organisation", self.organisation)
        form.addRow("Named worker", self.worker)
        form.addRow("Role", self.role)
        form.addRow("From", self.start)
        form.addRow(self.ended, self.end)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _fill_workers(self) -> None:
        """Only the chosen organisation's workers can be named for it."""
        org_id = self.organisation.currentData()
        self.worker.clear()
        self.worker.addItem("— nobody named yet —", None)
        for worker in sorted(self._workers.values(), key=lambda w: w.name):
            if worker.organisation_id == org_id:
                self.worker.addItem(worker.name + (f" ({worker.role})" if worker.role else ""), worker.id)

    def values(self) -> dict[str, Any]:
        """Keyword arguments for the children service's add_involvement / update_involvement."""
        return {
            "organisation_id": self.organisation.currentData(),
            "role": self.role.currentData(),
            "start": self.start.date().toPython(),
            "worker_id": self.worker.currentData(),
            "end": self.end.date().toPython() if self.ended.isChecked() else None,
        }
