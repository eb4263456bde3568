"""The small forms of a plan: start one, add an action, mark an action done (with its note), review the plan, add
a progress note, say how an outcome is going, close the plan.
Each `values()` gives the keyword arguments of the plan use case (`col.plans`)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from casedesk.domain.meetings.records import PlanOutcome
from casedesk.domain.meetings.vocab import ClosureReason, OutcomeStatus, PlanKind
from casedesk.domain.records import Organisation, Worker
from casedesk.ui.child.education_forms import FormDialog, OptionalDate, choice, day_input


def _box(name: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setAccessibleName(name)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * 3 + 14)
    return box


def people_choice(workers: dict[str, Worker], orgs: dict[str, Organisation], none: str) -> QComboBox:
    ordered = sorted(workers.values(), key=lambda w: w.name.casefold())
    return choice(
        ((f"{w.name} — {orgs[w.organisation_id].name if w.organisation_id in orgs else ''}", w.id) for w in ordered),
        none,
    )


def agency_choice(orgs: dict[str, Organisation]) -> QComboBox:
    return choice(((o.name, o.id) for o in sorted(orgs.values(), key=lambda o: o.name.casefold())), "Not recorded")


class _WithPerson(FormDialog):
    """A form naming a person: chosen from the directory, or typed when they are not in it."""

    def __init__(
        self, parent: QWidget | None, title: str, fields: list[tuple[str, str, QWidget]], people: dict[str, Worker]
    ) -> None:
        super().__init__(parent, title, fields)
        self.people = people

    def person(self, worker_key: str, name_key: str) -> tuple[str | None, str]:
        worker_id = self.inputs[worker_key].currentData()  # type: ignore[attr-defined]
        typed = self.inputs[name_key].text().strip()  # type: ignore[attr-defined]
        worker = self.people.get(worker_id or "")
        return (worker.id, typed or worker.name) if worker else (None, typed)


class PlanDialog(_WithPerson):
    def __init__(
        self, parent: QWidget | None, orgs: dict[str, Organisation], people: dict[str, Worker], lead_id: str | None
    ) -> None:
        lead = people_choice(people, orgs, "Not in the directory: type the name")
        lead.setCurrentIndex(max(0, lead.findData(lead_id)))
        review = OptionalDate("Review by", date.today() + timedelta(weeks=6))
        review.field.setAccessibleName("Review date")
        self.outcomes = _box("Outcomes sought, one a line")
        self.summary = _box("In the family's words")
        super().__init__(
            parent,
            "Start a plan",
            [
                ("kind", "Kind of plan", choice((k.label, k.value) for k in PlanKind)),
                ("lead_worker_id", "Lead professional", lead),
                ("lead_name", "Or their name", QLineEdit()),
                ("lead_organisation_id", "Their agency (if not in the directory)", agency_choice(orgs)),
                ("started_on", "Starts", day_input()),
                ("next_review_on", "First review", review),
                ("outcomes", "Outcomes sought, one a line", self.outcomes),
                ("family_summary", "What everyone is working towards, in the family's words", self.summary),
            ],
            people,
        )

    def start_values(self) -> dict[str, object]:
        values = self.values()
        worker_id, name = self.person("lead_worker_id", "lead_name")
        return {
            "kind": values["kind"],
            "lead_name": name,
            "started_on": values["started_on"],
            "lead_worker_id": worker_id,
            "lead_organisation_id": None if worker_id else values["lead_organisation_id"],
            "next_review_on": values["next_review_on"],
            "outcomes": [line for line in self.outcomes.toPlainText().splitlines() if line.strip()],
            "family_summary": self.summary.toPlainText(),
        }


class ActionDialog(_WithPerson):
    def __init__(
        self,
        parent: QWidget | None,
        orgs: dict[str, Organisation],
        people: dict[str, Worker],
        outcomes: list[PlanOutcome],
    ) -> None:
        super().__init__(
            parent,
            "Add an action",
            [
                ("what", "What will be done", QLineEdit()),
                (
                    "owner_worker_id",
                    "Who will do it",
                    people_choice(people, orgs, "Not in the directory: type the name"),
                ),
                ("owner_name", "Or their name", QLineEdit()),
                ("owner_organisation_id", "Their agency (if not in the directory)", agency_choice(orgs)),
                ("due_on", "By when", day_input(date.today() + timedelta(weeks=2))),
                ("outcome_id", "Towards", choice(((o.outcome, o.id) for o in outcomes), "No one outcome")),
            ],
            people,
        )

    def draft_values(self) -> dict[str, object]:
        values = self.values()
        worker_id, name = self.person("owner_worker_id", "owner_name")
        return {
            "what": values["what"],
            "owner_name": name,
            "due_on": values["due_on"],
            "owner_worker_id": worker_id,
            "owner_organisation_id": None if worker_id else values["owner_organisation_id"],
            "outcome_id": values["outcome_id"],
        }


def done_dialog(parent: QWidget | None, what: str) -> FormDialog:
    return FormDialog(
        parent,
        f"Done: {what}"[:80],
        [("done_on", "Done on", day_input()), ("note", "What was done (goes to the chronology)", _box("Note"))],
    )


def review_dialog(parent: QWidget | None) -> FormDialog:
    following = OptionalDate("Next review", date.today() + timedelta(weeks=6))
    following.field.setAccessibleName("Next review date")
    return FormDialog(
        parent,
        "Review the plan",
        [
            ("on", "Reviewed on", day_input()),
            ("note", "How it is going", _box("Review")),
            ("next_review_on", "Next review", following),
        ],
    )


def progress_dialog(parent: QWidget | None) -> FormDialog:
    return FormDialog(parent, "Progress note", [("on", "On", day_input()), ("note", "What has happened", _box("Note"))])


def close_dialog(parent: QWidget | None) -> FormDialog:
    reasons = choice((r.label, r.value) for r in ClosureReason)
    return FormDialog(
        parent,
        "Close the plan",
        [
            ("on", "Closed on", day_input()),
            ("reason", "Why", reasons),
            ("note", "Note (goes to the chronology)", _box("Note")),
        ],
    )


def outcome_dialog(parent: QWidget | None, outcomes: list[PlanOutcome]) -> FormDialog:
    return FormDialog(
        parent,
        "How an outcome is going",
        [
            ("outcome_id", "Outcome", choice((o.outcome, o.id) for o in outcomes)),
            ("status", "Where it stands", choice((s.label, s.value) for s in OutcomeStatus)),
        ],
    )
