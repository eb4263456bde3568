"""School history: enrolments, suspensions and permanent exclusions, managed moves, alternative provision and
part-time timetables. Each write keeps the child's current school in step and adds its chronology entry.

A permanent exclusion ends the enrolment at that school with that reason; a successful managed move ends the
home school's enrolment and starts one at the host school; an enrolment ended as "off-rolled" is kept as a
move of its own, marked significant, so removal from roll outside a formal route stays visible.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date, timedelta
from typing import Any

from casedesk.domain.education.records import Enrolment, Exclusion, ManagedMove, Provision
from casedesk.domain.education.rules import exclusion_problems
from casedesk.domain.education.vocab import (
    EXCLUSION_REASONS,
    ExclusionKind,
    GovernorsDecision,
    IndependentReviewOutcome,
    LeavingReason,
    MoveOutcome,
    ProvisionKind,
)
from casedesk.domain.records import Changes
from casedesk.domain.vocab import EventKind, Significance, label_of
from casedesk.errors import ValidationError
from casedesk.services.education.base import EducationBase, clean, ordered, require
from casedesk.services.education.chronicle import chronicle
from casedesk.store import education_repo
from casedesk.store import repositories as repo

REVIEW_FIELDS = (
    "reintegration_meeting",
    "governors_review",
    "governors_decision",
    "independent_review",
    "independent_review_outcome",
    "note",
)


class SchoolHistory(EducationBase):
    # -- enrolments --------------------------------------------------------------------------------------------
    def enrol(
        self,
        child_id: str,
        school_id: str,
        start: date,
        *,
        note: str | None = None,
        previous_reason: str = LeavingReason.MOVED_SCHOOL.value,
    ) -> tuple[str, Changes]:
        """Put the child on a school's roll from `start`: any other current enrolment ends the day before (with
        `previous_reason`) and the school becomes the child's current school."""
        if previous_reason not in {r.value for r in LeavingReason}:
            raise ValidationError("Unknown reason for leaving.", [("leaving_reason", "Unknown.")])
        with self.db.session() as session:
            child = repo.get_child(session, child_id)
            name = self._school_name(session, school_id)
            current = self._current_enrolments(session, child_id, start)
        if any(e.school_id == school_id for e in current):
            raise ValidationError("The child is already on this school's roll.", [("school_id", "Already enrolled.")])
        with self.db.unit_of_work(self.actor) as uow:
            for enrolment in current:
                last = max(enrolment.start_date, start - timedelta(days=1))
                self._leave(uow, enrolment, last, previous_reason, None)
            row_id = uow.insert(
                "enrolments", {"child_id": child_id, "school_id": school_id, "start_date": start, "note": clean(note)}
            )
            if child.current_school_id != school_id:
                uow.update("children", child_id, {"current_school_id": school_id})
            chronicle(
                uow,
                child_id,
                EventKind.ENROLMENT,
                start,
                f"Joined {name}",
                related_id=row_id,
                body=note,
                organisation_id=school_id,
                significance=Significance.ROUTINE,
            )
        return row_id, uow.changes

    def end_enrolment(self, enrolment_id: str, last_day: date, reason: str, note: str | None = None) -> Changes:
        if reason not in {r.value for r in LeavingReason}:
            raise ValidationError("Choose why the child left.", [("leaving_reason", "Unknown reason.")])
        with self.db.session() as session:
            enrolment = education_repo.get(session, Enrolment, enrolment_id)
            child = repo.get_child(session, enrolment.child_id)
            name = self._school_name(session, enrolment.school_id)
        if last_day < enrolment.start_date:
            raise ValidationError("An enrolment cannot end before it starts.", [("end_date", "Before the start.")])
        off_rolled = reason == LeavingReason.OFF_ROLLED
        with self.db.unit_of_work(self.actor) as uow:
            self._leave(uow, enrolment, last_day, reason, child.current_school_id)
            summary = f"Removed from roll at {name}: possible off-rolling" if off_rolled else f"Left {name}"
            chronicle(
                uow,
                enrolment.child_id,
                EventKind.REMOVED_FROM_ROLL if off_rolled else EventKind.SCHOOL_MOVE,
                last_day,
                f"{summary} ({label_of(LeavingReason, reason)})" if not off_rolled else summary,
                related_id=enrolment.id,
                body=note,
                organisation_id=enrolment.school_id,
                significance=Significance.SIGNIFICANT if off_rolled else Significance.NOTABLE,
            )
        return uow.changes

    # -- suspensions and permanent exclusions ------------------------------------------------------------------
    def add_exclusion(
        self,
        child_id: str,
        school_id: str,
        kind: str,
        first_day: date,
        reasons: list[str],
        *,
        sessions: int | None = None,
        note: str | None = None,
    ) -> tuple[str, Changes]:
        """Record a suspension or permanent exclusion (up to three DfE reasons). A permanent exclusion ends the
        child's enrolment at that school the day it takes effect."""
        if len(reasons) > 3:
            raise ValidationError("At most three reasons.", [("reason_3", "Too many reasons.")])
        values: dict[str, Any] = {"child_id": child_id, "school_id": school_id, "kind": kind, "first_day": first_day}
        values.update({f"reason_{n}": r for n, r in enumerate(list(reasons) + [None] * (3 - len(reasons)), 1)})
        values.update(sessions=sessions, note=clean(note))
        require(exclusion_problems(values))
        with self.db.session() as session:
            child = repo.get_child(session, child_id)
            name = self._school_name(session, school_id)
            on_roll = [e for e in self._current_enrolments(session, child_id, first_day) if e.school_id == school_id]
        permanent = kind == ExclusionKind.PERMANENT
        words = EXCLUSION_REASONS[reasons[0]]
        if permanent:
            summary = f"Permanent exclusion from {name}: {words}"
        else:
            summary = f"{label_of(ExclusionKind, kind)} ({sessions} session{'s' if sessions != 1 else ''}): {words}"
        body = "Reasons: " + "; ".join(EXCLUSION_REASONS[r] for r in reasons)
        with self.db.unit_of_work(self.actor) as uow:
            row_id = uow.insert("exclusions", values)
            if permanent:
                for enrolment in on_roll:
                    self._leave(uow, enrolment, first_day, LeavingReason.PERMANENT_EXCLUSION, child.current_school_id)
            chronicle(
                uow,
                child_id,
                EventKind.PERMANENT_EXCLUSION if permanent else EventKind.SUSPENSION,
                first_day,
                summary,
                related_id=row_id,
                body=body + (f"\n\n{note.strip()}" if note and note.strip() else ""),
                organisation_id=school_id,
                significance=Significance.CRITICAL if permanent else Significance.SIGNIFICANT,
            )
        return row_id, uow.changes

    def record_exclusion_review(self, exclusion_id: str, **changes: Any) -> Changes:
        """Add what followed: the reintegration meeting, the governors' review and decision, the independent
        review and its outcome. Reinstatement after a permanent exclusion puts the child back on roll."""
        unknown = set(changes) - set(REVIEW_FIELDS)
        if unknown:
            raise ValueError(f"not a review field: {', '.join(sorted(unknown))}")
        with self.db.session() as session:
            current = education_repo.get(session, Exclusion, exclusion_id)
            name = self._school_name(session, current.school_id)
        merged = replace(current, **changes)
        require(exclusion_problems(asdict(merged)))
        steps = []
        if changes.get("reintegration_meeting") and changes["reintegration_meeting"] != current.reintegration_meeting:
            steps.append(("Reintegration meeting held", changes["reintegration_meeting"]))
        if merged.governors_decision and merged.governors_decision != current.governors_decision:
            decision = label_of(GovernorsDecision, merged.governors_decision).lower()
            steps.append((f"Governors' review at {name}: {decision}", merged.governors_review))
        if (
            merged.independent_review_outcome
            and merged.independent_review_outcome != current.independent_review_outcome
        ):
            outcome = label_of(IndependentReviewOutcome, merged.independent_review_outcome).lower()
            steps.append((f"Independent review panel: {outcome}", merged.independent_review))
        reinstated = (
            current.kind == ExclusionKind.PERMANENT
            and merged.governors_decision == GovernorsDecision.REINSTATED
            and current.governors_decision != GovernorsDecision.REINSTATED
        )
        with self.db.unit_of_work(self.actor) as uow:
            uow.update("exclusions", exclusion_id, {k: v for k, v in changes.items()})
            for summary, on in steps:
                chronicle(
                    uow,
                    current.child_id,
                    EventKind.EXCLUSION_REVIEW,
                    on or date.today(),
                    summary,
                    related_id=exclusion_id,
                    organisation_id=current.school_id,
                )
        changed = uow.changes
        if reinstated and merged.governors_review is not None:
            _, more = self.enrol(current.child_id, current.school_id, merged.governors_review, note="Reinstated")
            changed = changed | more
        return changed

    # -- managed moves -----------------------------------------------------------------------------------------
    def start_managed_move(
        self, child_id: str, host_school_id: str, start: date, trial_end: date | None = None, note: str | None = None
    ) -> tuple[str, Changes]:
        """A trial at a host school while the child stays on the home school's roll."""
        with self.db.session() as session:
            child = repo.get_child(session, child_id)
            host = self._school_name(session, host_school_id, "host_school_id")
        errors: list[tuple[str, str]] = []
        if not child.current_school_id:
            errors.append(("home_school_id", "A managed move starts from the child's current school."))
        elif child.current_school_id == host_school_id:
            errors.append(("host_school_id", "The host school is the child's own school."))
        ordered(errors, start, trial_end, "trial_end_date", "The end of the trial")
        require(errors)
        with self.db.unit_of_work(self.actor) as uow:
            row_id = uow.insert(
                "managed_moves",
                {
                    "child_id": child_id,
                    "home_school_id": child.current_school_id,
                    "host_school_id": host_school_id,
                    "start_date": start,
                    "trial_end_date": trial_end,
                    "note": clean(note),
                },
            )
            until = f" (trial until {trial_end:%d %b %Y})" if trial_end else ""
            chronicle(
                uow,
                child_id,
                EventKind.MANAGED_MOVE,
                start,
                f"Managed move to {host} started{until}",
                related_id=row_id,
                body=note,
                organisation_id=child.current_school_id,
            )
        return row_id, uow.changes

    def end_managed_move(self, move_id: str, outcome: str, on: date, note: str | None = None) -> Changes:
        """Record how the trial ended; a successful move puts the child on the host school's roll from `on`."""
        if outcome not in {o.value for o in MoveOutcome}:
            raise ValidationError("Choose how the managed move ended.", [("outcome", "Unknown outcome.")])
        with self.db.session() as session:
            move = education_repo.get(session, ManagedMove, move_id)
            host = self._school_name(session, move.host_school_id, "host_school_id")
        if move.outcome:
            raise ValidationError("This managed move has already ended.", [("outcome", "Already recorded.")])
        if on < move.start_date:
            raise ValidationError("The move cannot end before it starts.", [("outcome_date", "Before the start.")])
        with self.db.unit_of_work(self.actor) as uow:
            uow.update(
                "managed_moves", move_id, {"outcome": outcome, "outcome_date": on, "note": clean(note) or move.note}
            )
            chronicle(
                uow,
                move.child_id,
                EventKind.MANAGED_MOVE,
                on,
                f"Managed move to {host}: {label_of(MoveOutcome, outcome).lower()}",
                related_id=move_id,
                body=note,
                organisation_id=move.home_school_id,
            )
        changes = uow.changes
        if outcome == MoveOutcome.SUCCESSFUL:
            _, more = self.enrol(move.child_id, move.host_school_id, on, previous_reason=LeavingReason.MANAGED_MOVE)
            changes = changes | more
        return changes

    # -- alternative provision and part-time timetables -------------------------------------------------------
    def add_provision(
        self,
        child_id: str,
        kind: str,
        provider: str,
        sessions_per_week: int,
        start: date,
        *,
        planned_end: date | None = None,
        review_date: date | None = None,
        provider_id: str | None = None,
        note: str | None = None,
    ) -> tuple[str, Changes]:
        errors: list[tuple[str, str]] = []
        if kind not in {k.value for k in ProvisionKind}:
            errors.append(("kind", "Choose alternative provision or a part-time timetable."))
        if not provider.strip():
            errors.append(("provider", "Name the provider (or the school, for a part-time timetable)."))
        if not 0 <= sessions_per_week <= 10:
            errors.append(("sessions_per_week", "Between 0 and 10 sessions a week."))
        if kind == ProvisionKind.PART_TIME_TIMETABLE and planned_end is None:
            errors.append(("planned_end_date", "A part-time timetable is time-limited: give its planned end."))
        ordered(errors, start, planned_end, "planned_end_date", "The planned end")
        ordered(errors, start, review_date, "review_date", "The review date")
        require(errors)
        with self.db.session() as session:
            repo.get_child(session, child_id)
            if provider_id and provider_id not in repo.organisations(session, [provider_id]):
                raise ValidationError("Unknown provider.", [("provider_id", "Not in the register.")])
        with self.db.unit_of_work(self.actor) as uow:
            row_id = uow.insert(
                "provisions",
                {
                    "child_id": child_id,
                    "kind": kind,
                    "provider": provider.strip(),
                    "provider_id": provider_id,
                    "sessions_per_week": sessions_per_week,
                    "start_date": start,
                    "planned_end_date": planned_end,
                    "review_date": review_date,
                    "note": clean(note),
                },
            )
            until = f" until {planned_end:%d %b %Y}" if planned_end else ""
            chronicle(
                uow,
                child_id,
                EventKind.PART_TIME_TIMETABLE
                if kind == ProvisionKind.PART_TIME_TIMETABLE
                else EventKind.ALTERNATIVE_PROVISION,
                start,
                f"{label_of(ProvisionKind, kind)}: {provider.strip()}, {sessions_per_week} sessions a week{until}",
                related_id=row_id,
                body=note,
                organisation_id=provider_id,
            )
        return row_id, uow.changes

    def update_provision(self, provision_id: str, **changes: Any) -> Changes:
        """Change the review date, planned end, sessions a week, or end the provision (`end_date`)."""
        allowed = {"review_date", "planned_end_date", "sessions_per_week", "end_date", "note"}
        if set(changes) - allowed:
            raise ValueError(f"not editable: {', '.join(sorted(set(changes) - allowed))}")
        with self.db.session() as session:
            current = education_repo.get(session, Provision, provision_id)
        merged = replace(current, **changes)
        errors: list[tuple[str, str]] = []
        ordered(errors, merged.start_date, merged.end_date, "end_date", "The end")
        ordered(errors, merged.start_date, merged.planned_end_date, "planned_end_date", "The planned end")
        if not 0 <= merged.sessions_per_week <= 10:
            errors.append(("sessions_per_week", "Between 0 and 10 sessions a week."))
        require(errors)
        with self.db.unit_of_work(self.actor) as uow:
            changed = uow.update("provisions", provision_id, changes)
            if "end_date" in changed and merged.end_date is not None:
                chronicle(
                    uow,
                    current.child_id,
                    EventKind.PART_TIME_TIMETABLE
                    if current.kind == ProvisionKind.PART_TIME_TIMETABLE
                    else EventKind.ALTERNATIVE_PROVISION,
                    merged.end_date,
                    f"{label_of(ProvisionKind, current.kind)} ended: {current.provider}",
                    related_id=provision_id,
                    organisation_id=current.provider_id,
                    significance=Significance.ROUTINE,
                )
        return uow.changes
