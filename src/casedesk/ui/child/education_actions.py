"""What the School, Suspensions and Home education tabs do: open the form, warn when the record would break the
school-history rules (domain/education/coherence.py, the user decides), then run the use case on the database
thread. The rules themselves live in the services; this only orchestrates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtWidgets import QDialog, QLineEdit, QMessageBox, QWidget

from casedesk.domain.coherence import education_warnings
from casedesk.domain.education.records import Enrolment, Exclusion
from casedesk.domain.education.vocab import (
    EXCLUSION_REASONS,
    CmeOutcome,
    CmeReason,
    CmeStepKind,
    EheVisitOutcome,
    ExclusionKind,
    GovernorsDecision,
    IndependentReviewOutcome,
    LeavingReason,
    MoveOutcome,
    ProvisionKind,
)
from casedesk.services.collection import Collection
from casedesk.services.education.summary import EducationView
from casedesk.ui.child.education_forms import (
    FormDialog,
    OptionalDate,
    SchoolPicker,
    choice,
    day_input,
    note_input,
    sessions_input,
)
from casedesk.ui.context import AppContext


def _labels(vocabulary: Any) -> list[tuple[str, object]]:
    return [(member.label, member.value) for member in vocabulary]


REASONS = [(f"{code}: {words}", code) for code, words in EXCLUSION_REASONS.items()]


class EducationActions:
    def __init__(self, parent: QWidget, context: AppContext, report: Callable[[str], None]) -> None:
        self.parent, self.context, self.report = parent, context, report
        self.view: EducationView | None = None

    # -- running -------------------------------------------------------------------------------------------------
    def _run(self, fn: Callable[[Collection], Any], done: str) -> None:
        self.context.runner.op(fn).success(lambda _: self.report(done)).failure(self._failed).run(initiator=self.parent)

    def _failed(self, error: BaseException) -> None:
        QMessageBox.warning(self.parent, "CaseDesk", str(error))
        self.report(str(error))

    def _ask(self, dialog: FormDialog) -> dict[str, Any] | None:
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def _form(
        self,
        title: str,
        fields: list[tuple[str, str, QWidget]],
        write: Callable[[Collection, dict[str, Any]], Any],
        done: str,
        needs: str | None = None,
    ) -> None:
        """Ask for a form's values and, when given (and the `needs` field is filled), write them: the shape
        every simple education action shares."""
        values = self._ask(FormDialog(self.parent, title, fields))
        if values and (needs is None or values[needs]):
            self._run(lambda col: write(col, values), done)

    def _coherent(
        self,
        enrolments: list[Enrolment] | None = None,
        exclusions: list[Exclusion] | None = None,
        home: bool | None = None,
        school: str | None = "",
    ) -> bool:
        """Warn about what the change would newly break; True when nothing would or the user goes on."""
        v = self.view
        if v is None:
            return True
        today = date.today()
        current = v.child.current_school_id
        before = education_warnings(v.records.enrolments, v.records.exclusions, v.home_educated, current, today)
        after = education_warnings(
            v.records.enrolments if enrolments is None else enrolments,
            v.records.exclusions if exclusions is None else exclusions,
            v.home_educated if home is None else home,
            current if school == "" else school,
            today,
        )
        new = [w for w in after if w not in before]
        if not new:
            return True
        answer = QMessageBox.question(
            self.parent,
            "Check the record",
            "\n\n".join(new) + "\n\nRecord it anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # -- school history -------------------------------------------------------------------------------------------
    def enrol(self) -> None:
        if self.view is None:
            return
        child_id = self.view.child.id
        values = self._ask(
            FormDialog(
                self.parent,
                "Enrol at a school",
                [
                    ("school_id", "School", SchoolPicker(self.context)),
                    ("start", "First day on roll", day_input()),
                    ("previous_reason", "Why the child left their last school", choice(_labels(LeavingReason))),
                    ("note", "Note", note_input()),
                ],
            )
        )
        if not values or not values["school_id"]:
            return
        new = Enrolment("new", child_id, values["school_id"], values["start"])
        kept = [
            e if not e.is_current(values["start"]) else replace(e, end_date=values["start"])
            for e in self.view.records.enrolments
        ]
        if not self._coherent(enrolments=[*kept, new], school=values["school_id"]):
            return
        self._run(lambda col: col.education.enrol(child_id, **values), "Enrolled.")

    def end_enrolment(self, enrolment_id: str) -> None:
        self._form(
            "End enrolment",
            [
                ("last_day", "Last day on roll", day_input()),
                ("reason", "Reason for leaving", choice(_labels(LeavingReason))),
                ("note", "Note", note_input()),
            ],
            lambda col, values: col.education.end_enrolment(enrolment_id, **values),
            "Enrolment ended.",
        )

    def start_managed_move(self) -> None:
        if self.view is None:
            return
        child_id = self.view.child.id
        self._form(
            "Start a managed move",
            [
                ("host_school_id", "Host school", SchoolPicker(self.context)),
                ("start", "Trial starts", day_input()),
                ("trial_end", "Trial ends", OptionalDate("agreed end")),
                ("note", "Note", note_input()),
            ],
            lambda col, values: col.education.start_managed_move(child_id, **values),
            "Managed move started.",
            needs="host_school_id",
        )

    def end_managed_move(self, move_id: str) -> None:
        self._form(
            "Managed move outcome",
            [
                ("outcome", "Outcome", choice(_labels(MoveOutcome))),
                ("on", "Date", day_input()),
                ("note", "Note", note_input()),
            ],
            lambda col, values: col.education.end_managed_move(move_id, **values),
            "Managed move outcome recorded.",
        )

    def add_provision(self) -> None:
        if self.view is None:
            return
        child_id = self.view.child.id
        self._form(
            "Alternative provision or part-time timetable",
            [
                ("kind", "Kind", choice(_labels(ProvisionKind))),
                ("provider", "Provider (or school)", QLineEdit()),
                ("sessions_per_week", "Sessions a week", sessions_input(0, 10, 5)),
                ("start", "Starts", day_input()),
                ("planned_end", "Planned end", OptionalDate("planned end")),
                ("review_date", "Review", OptionalDate("review date")),
                ("note", "Note", note_input()),
            ],
            lambda col, values: col.education.add_provision(child_id, **values),
            "Provision recorded.",
        )

    def end_provision(self, provision_id: str) -> None:
        self._run(lambda col: col.education.update_provision(provision_id, end_date=date.today()), "Provision ended.")

    # -- suspensions and exclusions -----------------------------------------------------------------------------
    def add_exclusion(self) -> None:
        v = self.view
        if v is None:
            return
        schools = {e.school_id for e in v.records.enrolments} | {v.child.current_school_id or ""}
        options = [(v.school(s), s) for s in sorted(schools, key=v.school) if s]
        if not options:
            QMessageBox.information(self.parent, "CaseDesk", "Record the child's school first (School tab).")
            return
        sessions = sessions_input(1, 90, 2)
        kind = choice(_labels(ExclusionKind))
        kind.currentIndexChanged.connect(lambda _: sessions.setEnabled(kind.currentData() != ExclusionKind.PERMANENT))
        default = options.index(next((o for o in options if o[1] == v.child.current_school_id), options[0]))
        school = choice(options)
        school.setCurrentIndex(default)
        values = self._ask(
            FormDialog(
                self.parent,
                "Suspension or permanent exclusion",
                [
                    ("school_id", "School", school),
                    ("kind", "Type", kind),
                    ("first_day", "First day", day_input()),
                    ("sessions", "Sessions (half days)", sessions),
                    ("reason_1", "Reason", choice(REASONS)),
                    ("reason_2", "Second reason", choice(REASONS, "—")),
                    ("reason_3", "Third reason", choice(REASONS, "—")),
                    ("note", "Note", note_input()),
                ],
            )
        )
        if not values:
            return
        reasons = [r for r in (values.pop("reason_1"), values.pop("reason_2"), values.pop("reason_3")) if r]
        if values["kind"] == ExclusionKind.PERMANENT:
            values["sessions"] = None
        new = Exclusion("new", v.child.id, values["school_id"], values["kind"], values["first_day"], reasons[0])
        if not self._coherent(exclusions=[*v.records.exclusions, new]):
            return
        child_id = v.child.id
        self._run(lambda col: col.education.add_exclusion(child_id, reasons=reasons, **values), "Recorded.")

    def record_review(self, exclusion: Exclusion) -> None:
        fields: list[tuple[str, str, Any]] = [
            (
                "reintegration_meeting",
                "Reintegration meeting",
                OptionalDate("held on", exclusion.reintegration_meeting),
            ),
            ("governors_review", "Governors' review", OptionalDate("held on", exclusion.governors_review)),
            ("governors_decision", "Governors' decision", choice(_labels(GovernorsDecision), "— not yet —")),
        ]
        if exclusion.kind == ExclusionKind.PERMANENT:
            fields += [
                ("independent_review", "Independent review", OptionalDate("held on", exclusion.independent_review)),
                (
                    "independent_review_outcome",
                    "Panel's decision",
                    choice(_labels(IndependentReviewOutcome), "— not yet —"),
                ),
            ]
        dialog = FormDialog(self.parent, "Reviews of the exclusion", fields)
        for key in ("governors_decision", "independent_review_outcome"):
            widget = dialog.inputs.get(key)
            current = getattr(exclusion, key)
            if widget is not None and current:
                widget.setCurrentIndex(max(0, widget.findData(current)))  # type: ignore[attr-defined]
        values = self._ask(dialog)
        if values:
            exclusion_id = exclusion.id
            self._run(lambda col: col.education.record_exclusion_review(exclusion_id, **values), "Review recorded.")

    # -- home education and missing education ---------------------------------------------------------------------
    def remove_to_home_education(self) -> None:
        v = self.view
        if v is None:
            return
        officers = sorted(
            (f"{w.name} — {v.organisations[w.organisation_id].name}", w.id)
            for w in v.workers.values()
            if w.organisation_id in v.organisations and v.organisations[w.organisation_id].kind != "school"
        )
        values = self._ask(
            FormDialog(
                self.parent,
                "Remove from roll to elective home education",
                [
                    ("last_day", "Last day on roll", day_input()),
                    ("notified_on", "Local authority told on", day_input()),
                    ("officer_id", "EHE officer", choice(officers, "— not named yet —")),
                    ("note", "Note", note_input()),
                ],
            )
        )
        if values:
            child_id = v.child.id
            self._run(
                lambda col: col.education.remove_to_home_education(child_id, **values),
                "Removed from roll; a home education case is open for the EHE officer.",
            )

    def add_ehe_visit(self, case_id: str) -> None:
        self._form(
            "Home education visit",
            [
                ("visited_on", "Date", day_input()),
                ("outcome", "Is the education suitable?", choice(_labels(EheVisitOutcome))),
                ("note", "Note", note_input()),
            ],
            lambda col, values: col.education.add_ehe_visit(case_id, **values),
            "Visit recorded.",
        )

    def ehe_attendance_order(self, case_id: str) -> None:
        answer = QMessageBox.question(
            self.parent,
            "School attendance order",
            "Start the school attendance order route: the education has not been shown to be suitable?",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._run(
                lambda col: col.education.ehe_attendance_order(case_id, date.today()),
                "School attendance order route started.",
            )

    def ehe_return_to_school(self, case_id: str) -> None:
        values = self._ask(
            FormDialog(
                self.parent,
                "Return to school",
                [
                    ("school_id", "School", SchoolPicker(self.context)),
                    ("start", "First day on roll", day_input()),
                ],
            )
        )
        if values and values["school_id"]:
            self._run(
                lambda col: col.education.ehe_return_to_school(case_id, **values),
                "Back on a school roll; the home education case is closed.",
            )

    def open_cme(self) -> None:
        if self.view is None:
            return
        child_id = self.view.child.id
        self._form(
            "Child missing education",
            [
                ("opened_on", "Enquiry opened", day_input()),
                ("reason", "Why", choice(_labels(CmeReason))),
                ("note", "Note", note_input()),
            ],
            lambda col, values: col.education.open_cme_enquiry(child_id, **values),
            "Enquiry opened.",
        )

    def add_cme_step(self, enquiry_id: str) -> None:
        self._form(
            "Step taken to find the child",
            [
                ("done_on", "Date", day_input()),
                ("step", "Step", choice(_labels(CmeStepKind))),
                ("note", "What was found", note_input()),
            ],
            lambda col, values: col.education.add_cme_step(enquiry_id, **values),
            "Step recorded.",
        )

    def close_cme(self, enquiry_id: str) -> None:
        self._form(
            "Close the enquiry",
            [
                ("on", "Closed on", day_input()),
                ("outcome", "Outcome", choice(_labels(CmeOutcome))),
                ("note", "Note", note_input()),
            ],
            lambda col, values: col.education.close_cme_enquiry(enquiry_id, **values),
            "Enquiry closed.",
        )
