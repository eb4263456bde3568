"""Editing one directory service: the ORUK fields the app uses (locations with address and postcode, opening times,
costs and fees, languages: `service_places`), levels, needs, areas, eligibility, contact, how to refer, the
expectation card and the review date with its owner. Saving keeps a draft (checked first: problems are listed by
field); the Manage dialog publishes drafts to every device."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.directory.model import (
    LEVEL_LABELS,
    Contact,
    ExpectationCard,
    NeedDomain,
    Organization,
    Phone,
    ReferralMethod,
    ReferralRoute,
    Service,
    ServiceArea,
)
from casedesk.domain.ids import new_id
from casedesk.ui.directory.service_places import PlacesTimesCosts
from casedesk.ui.palette import RED
from casedesk.ui.widgets import date_input, picked_date, resize_to_fit, scroll_body

CARD_PARTS = (
    ("does", "What it does"),
    ("does_not", "What it does not do"),
    ("referrer_must_first", "Before referring, the referrer must"),
    ("referral_must_include", "A referral must include"),
)


def _age_box(value: int | None) -> QSpinBox:
    box = QSpinBox(minimum=-1, maximum=25, value=-1 if value is None else value)
    box.setSpecialValueText("Not stated")
    return box


def _lines(edit: QPlainTextEdit) -> tuple[str, ...]:
    return tuple(line.strip() for line in edit.toPlainText().splitlines() if line.strip())


class ServiceEditor(QDialog):
    save_requested = Signal(object)  # the edited Service

    def __init__(
        self, service: Service | None, needs: dict[str, str], record_id: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.original = service or Service(id=new_id(), name="")
        self.record_id = record_id
        s = self.original
        self.setWindowTitle(f"Edit {s.name}" if service else "New service")
        self.name = QLineEdit(s.name)
        self.organisation = QLineEdit(s.organization.name if s.organization else "")
        self.description = QPlainTextEdit(s.description)
        self.status = QComboBox()
        for value in ("active", "inactive", "defunct"):
            self.status.addItem(value.capitalize(), value)
        self.status.setCurrentIndex(max(self.status.findData(s.status), 0))
        self.url = QLineEdit(s.url or "")
        self.email = QLineEdit(s.email or "")
        self.min_age, self.max_age = _age_box(s.minimum_age), _age_box(s.maximum_age)
        self.levels = {level: QCheckBox(f"{level} {label}") for level, label in LEVEL_LABELS.items()}
        self.domains = {d.value: QCheckBox(d.label) for d in NeedDomain}
        for level, box in self.levels.items():
            box.setChecked(level in s.levels)
        for code, box in self.domains.items():
            box.setChecked(code in s.need_domains)
        self.needs = QListWidget()
        self.needs.setAccessibleName("Specific needs")
        for code, label in sorted(needs.items(), key=lambda item: item[1].lower()):
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setCheckState(Qt.CheckState.Checked if code in s.needs else Qt.CheckState.Unchecked)
            self.needs.addItem(item)
        self.tags = QLineEdit(", ".join(s.tags))
        self.areas = QLineEdit("; ".join(a.name for a in s.service_areas))
        self.eligibility = QLineEdit(s.eligibility)
        contact = s.contacts[0] if s.contacts else None
        self.contact_name = QLineEdit(contact.name if contact else "")
        self.contact_phone = QLineEdit(contact.phones[0].number if contact and contact.phones else "")
        self.method = QComboBox()
        self.method.addItem("Not stated", None)
        for method in ReferralMethod:
            self.method.addItem(method.label, method.value)
        route = s.referral_route
        self.method.setCurrentIndex(self.method.findData(route.method.value) if route else 0)
        self.route_address = QLineEdit(route.address if route else "")
        self.wait = QLineEdit(s.typical_wait)
        self.wait_days = _age_box(s.typical_wait_days)
        self.wait_days.setMaximum(365)
        self.card = {key: QPlainTextEdit("\n".join(getattr(s.expectation_card, key))) for key, _ in CARD_PARTS}
        reviewed = s.last_reviewed or date.today()
        self.reviewed = date_input("dd/MM/yyyy", QDate(reviewed.year, reviewed.month, reviewed.day))
        self.review_owner = QLineEdit(s.review_owner)
        self.places = PlacesTimesCosts(s)
        self.fees = QLineEdit(s.fees)
        self.fees.setPlaceholderText("In words, for example: free; £2 a session, free for families on benefits")
        self.languages = QLineEdit(", ".join(s.languages))
        self.languages.setPlaceholderText("For example: English, Polish, British Sign Language")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {RED};")

        form = QFormLayout()
        for label, widget in (
            ("Name", self.name),
            ("Organisation", self.organisation),
            ("Description", self.description),
            ("Status", self.status),
            ("Website", self.url),
            ("Email", self.email),
            ("Minimum age", self.min_age),
            ("Maximum age", self.max_age),
        ):
            form.addRow(label, widget)
            widget.setAccessibleName(label)
        grid = QGridLayout()
        for i, box in enumerate(self.levels.values()):
            grid.addWidget(box, 0, i)
        form.addRow("Levels of need", grid)
        domain_grid = QGridLayout()
        for i, box in enumerate(self.domains.values()):
            domain_grid.addWidget(box, i // 3, i % 3)
        form.addRow("Need domains", domain_grid)
        form.addRow("Specific needs", self.needs)
        for label, widget in (
            ("Tags (comma separated)", self.tags),
            ("Areas (postcode districts)", self.areas),
            ("Eligibility", self.eligibility),
            ("Contact name", self.contact_name),
            ("Contact phone", self.contact_phone),
            ("How to refer", self.method),
            ("Referrals go to", self.route_address),
            ("Typical wait", self.wait),
            ("Typical wait (days)", self.wait_days),
        ):
            form.addRow(label, widget)
        extra: tuple[tuple[str, QWidget], ...] = (
            ("Locations", self.places.locations),
            ("Opening times", self.places.schedules),
            ("Costs", self.places.costs),
            ("Fees (in words)", self.fees),
            ("Languages (comma separated)", self.languages),
        )
        for label, part in extra:
            form.addRow(label, part)
        for key, label in CARD_PARTS:
            self.card[key].setPlaceholderText("One line each")
            self.card[key].setFixedHeight(64)
            form.addRow(label, self.card[key])
        form.addRow("Last reviewed", self.reviewed)
        form.addRow("Review owner", self.review_owner)
        body = QWidget()
        body.setLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton("Save draft", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.request_save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll_body(body), 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        resize_to_fit(self, 820, 720)

    def scroll_to(self, widget: QWidget) -> None:
        """Bring one part of the long form into view (the tables sit below the first screenful)."""
        scroll = self.findChild(QScrollArea)
        if scroll is not None:
            scroll.ensureWidgetVisible(widget)

    def request_save(self) -> None:
        """Save: what the tables hold that cannot be a service at all (an amount that is not money) is named here;
        everything else is checked with the draft."""
        problems = self.places.problems()
        if problems:
            self.show_problems(problems)
            return
        self.save_requested.emit(self.service())

    def service(self) -> Service:
        """The service as edited (the fields this editor does not show are kept as they were)."""
        s = self.original
        org_name = self.organisation.text().strip()
        organisation = (
            replace(s.organization, name=org_name)
            if s.organization and org_name
            else (Organization(new_id(), org_name) if org_name else None)
        )
        phone = self.contact_phone.text().strip()
        old = s.contacts[0] if s.contacts else None
        contact = None
        if self.contact_name.text().strip() or phone:
            phones = (Phone(old.phones[0].id if old and old.phones else new_id(), phone),) if phone else ()
            contact = Contact(old.id if old else new_id(), self.contact_name.text().strip(), phones=phones)
        areas = [a.strip() for a in self.areas.text().split(";") if a.strip()]
        old_areas = {a.name: a for a in s.service_areas}
        method = self.method.currentData()

        def age(box: QSpinBox) -> int | None:
            return None if box.value() < 0 else box.value()

        placed = self.places.service_with(s)
        return replace(
            placed,
            name=self.name.text().strip(),
            organization=organisation,
            description=self.description.toPlainText().strip(),
            status=self.status.currentData(),
            url=self.url.text().strip() or None,
            email=self.email.text().strip() or None,
            minimum_age=age(self.min_age),
            maximum_age=age(self.max_age),
            levels=tuple(level for level, box in self.levels.items() if box.isChecked()),
            need_domains=tuple(code for code, box in self.domains.items() if box.isChecked()),
            needs=tuple(
                self.needs.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.needs.count())
                if self.needs.item(i).checkState() == Qt.CheckState.Checked
            ),
            tags=tuple(t.strip() for t in self.tags.text().split(",") if t.strip()),
            service_areas=tuple(old_areas.get(name) or ServiceArea(new_id(), name) for name in areas),
            eligibility=self.eligibility.text().strip(),
            contacts=(contact, *s.contacts[1:]) if contact else s.contacts[1:],
            referral_route=ReferralRoute(ReferralMethod(method), self.route_address.text().strip()) if method else None,
            typical_wait=self.wait.text().strip(),
            typical_wait_days=age(self.wait_days),
            expectation_card=ExpectationCard(*(_lines(self.card[key]) for key, _ in CARD_PARTS)),
            last_reviewed=picked_date(self.reviewed),
            review_owner=self.review_owner.text().strip(),
            fees=self.fees.text().strip(),
            languages=tuple(dict.fromkeys(t.strip() for t in self.languages.text().split(",") if t.strip())),
        )

    def show_problems(self, problems: list[tuple[str, str]]) -> None:
        self.error.setText("\n".join(f"• {message}" for _, message in problems))
