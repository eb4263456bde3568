"""Who was invited to a meeting: a person for an agency, present, sending apologies, or sending a report.

Only professionals go here: the meeting's header reaches every device, so family members are recorded with their
child's part instead. A directory worker can be added in one step (their agency follows); anyone else by name.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.meetings.records import Attendee
from casedesk.domain.meetings.vocab import Presence
from casedesk.domain.records import Organisation, Worker
from casedesk.ui.widgets import narrow

HEADERS = ("Name", "Agency", "Role", "Took part")


class AttendeesTable(QWidget):
    def __init__(self, organisations: dict[str, Organisation], workers: dict[str, Worker]) -> None:
        super().__init__()
        self.organisations = dict(sorted(organisations.items(), key=lambda kv: kv[1].name.casefold()))
        self.workers = workers
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setAccessibleName("Attendees")
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(150)
        self.pick = narrow(QComboBox(), 24)
        self.pick.setAccessibleName("Person from the directory")
        for worker in sorted(workers.values(), key=lambda w: w.name.casefold()):
            agency = organisations.get(worker.organisation_id)
            self.pick.addItem(f"{worker.name} — {agency.name if agency else 'agency not held'}", worker.id)
        add_worker = QPushButton("Add from directory")
        add_worker.clicked.connect(lambda: self.add_worker(self.pick.currentData()))
        add_other = QPushButton("Add someone else")
        add_other.clicked.connect(lambda: self.add(Attendee("")))
        remove = QPushButton("Remove")
        remove.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        row = QHBoxLayout()
        row.addWidget(self.pick, 1)
        for button in (add_worker, add_other, remove):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(row)

    def add_worker(self, worker_id: str | None) -> None:
        worker = self.workers.get(worker_id or "")
        if worker is not None:
            self.add(Attendee(worker.name, worker.organisation_id, worker.id, worker.role))

    def add(self, person: Attendee) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        name, role = QLineEdit(person.name), QLineEdit(person.role or "")
        name.setAccessibleName(f"Attendee {row + 1} name")
        role.setAccessibleName(f"Attendee {row + 1} role")
        name.setProperty("worker_id", person.worker_id)
        agency = QComboBox()
        agency.setAccessibleName(f"Attendee {row + 1} agency")
        agency.addItem("Choose the agency…", None)
        for org in self.organisations.values():
            agency.addItem(org.name, org.id)
        agency.setCurrentIndex(max(0, agency.findData(person.organisation_id)))
        presence = QComboBox()
        presence.setAccessibleName(f"Attendee {row + 1} took part")
        for code in Presence:
            presence.addItem(code.label, code.value)
        presence.setCurrentIndex(max(0, presence.findData(person.presence)))
        for column, widget in enumerate((name, agency, role, presence)):
            self.table.setCellWidget(row, column, widget)
        self.table.resizeColumnsToContents()

    def attendees(self) -> list[Attendee]:
        people = []
        for row in range(self.table.rowCount()):
            name, agency, role, presence = (self.table.cellWidget(row, c) for c in range(4))
            assert isinstance(name, QLineEdit) and isinstance(role, QLineEdit)
            assert isinstance(agency, QComboBox) and isinstance(presence, QComboBox)
            people.append(
                Attendee(
                    name=name.text().strip(),
                    organisation_id=agency.currentData(),
                    worker_id=name.property("worker_id"),
                    role=role.text().strip() or None,
                    presence=presence.currentData(),
                )
            )
        return people
