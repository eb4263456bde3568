"""Plans: an early-help or Team Around the Child plan per child with its lead professional, the outcomes sought,
actions (what, owner — person and agency —, due date, status), review dates and progress notes.

Starting, reviewing and closing a plan and finishing an action each add a chronology entry for the child in the
same unit of work, so the child's story shows what was agreed and done; an action done keeps its note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from casedesk.domain.meetings.records import Meeting, MeetingItem, Plan, PlanAction, PlanOutcome, PlanRecords
from casedesk.domain.meetings.vocab import (
    ActionStatus,
    ClosureReason,
    NoteKind,
    OutcomeStatus,
    PlanKind,
    PlanStatus,
)
from casedesk.domain.records import Changes, Organisation, Worker
from casedesk.domain.vocab import EventKind, Significance, label_of
from casedesk.errors import ValidationError
from casedesk.services.meetings import actions, family
from casedesk.services.meetings.base import MeetingsBase, chronicle, clean, require
from casedesk.store import meetings_repo as mrepo
from casedesk.store import repositories as repo


@dataclass(frozen=True)
class ChildPlans:
    """What a child's Meetings and plans tab shows, with the directory its forms choose people from."""

    child_id: str
    meetings: list[tuple[Meeting, MeetingItem]]
    plans: list[PlanRecords]
    organisations: dict[str, Organisation]
    workers: dict[str, Worker]
    my_worker_id: str | None  # the user's own directory entry (a new plan's lead by default)


@dataclass(frozen=True)
class ActionDraft:
    what: str
    owner_name: str
    due_on: date
    owner_worker_id: str | None = None
    owner_organisation_id: str | None = None
    outcome_id: str | None = None


def _codes(vocabulary: Any) -> set[str]:
    return {v.value for v in vocabulary}


class PlanService(MeetingsBase):
    # -- plans ------------------------------------------------------------------------------------------------
    def start(
        self,
        child_id: str,
        kind: str,
        lead_name: str,
        started_on: date,
        *,
        lead_worker_id: str | None = None,
        lead_organisation_id: str | None = None,
        meeting_id: str | None = None,
        next_review_on: date | None = None,
        family_summary: str | None = None,
        outcomes: list[str] | None = None,
    ) -> tuple[str, Changes]:
        """Start a plan for a child, with the outcomes sought (actions are added against it)."""
        errors: list[tuple[str, str]] = []
        if kind not in _codes(PlanKind):
            errors.append(("kind", "Choose the kind of plan."))
        if not lead_name.strip():
            errors.append(("lead_name", "Name the lead professional."))
        if next_review_on is not None and next_review_on < started_on:
            errors.append(("next_review_on", "The review is before the plan starts."))
        require(errors)
        with self.db.session() as session:
            repo.get_child(session, child_id)
            lead_organisation_id = self._owner_org(session, lead_worker_id, lead_organisation_id, "lead_worker_id")
            live = [p for p in mrepo.rows(session, Plan, child_id=child_id) if p.is_open and p.kind == kind]
        if live:
            raise ValidationError("The child already has an open plan of this kind.", [("kind", "Already open.")])
        with self.db.unit_of_work(self.actor) as uow:
            plan_id = uow.insert(
                "plans",
                {
                    "child_id": child_id,
                    "kind": kind,
                    "lead_name": lead_name.strip(),
                    "started_on": started_on,
                    "lead_worker_id": lead_worker_id,
                    "lead_organisation_id": lead_organisation_id,
                    "meeting_id": meeting_id,
                    "next_review_on": next_review_on,
                    "family_summary": clean(family_summary),
                },
            )
            for outcome in outcomes or []:
                if outcome.strip():
                    uow.insert("plan_outcomes", {"plan_id": plan_id, "child_id": child_id, "outcome": outcome.strip()})
            review = f"; first review {next_review_on:%d %b %Y}" if next_review_on else ""
            chronicle(
                uow,
                child_id,
                EventKind.PLAN,
                started_on,
                f"{label_of(PlanKind, kind)} started; lead professional {lead_name.strip()}{review}",
                related_id=plan_id,
                body="\n".join(f"Outcome sought: {o.strip()}" for o in outcomes or [] if o.strip()) or None,
                organisation_id=lead_organisation_id,
            )
        return plan_id, uow.changes

    def review(self, plan_id: str, note: str, on: date, next_review_on: date | None) -> tuple[str, Changes]:
        """A review: a note, the next review date, and a chronology entry."""
        return self._note(plan_id, NoteKind.REVIEW, note, on, next_review_on)

    def add_progress(self, plan_id: str, note: str, on: date) -> tuple[str, Changes]:
        return self._note(plan_id, NoteKind.PROGRESS, note, on, None)

    def _note(
        self, plan_id: str, kind: NoteKind, note: str, on: date, next_review_on: date | None
    ) -> tuple[str, Changes]:
        if not note.strip():
            raise ValidationError("Write the note.", [("note", "Required.")])
        with self.db.session() as session:
            plan = mrepo.get(session, Plan, plan_id)
        if next_review_on is not None and next_review_on < on:
            raise ValidationError("The next review is before this one.", [("next_review_on", "Too early.")])
        with self.db.unit_of_work(self.actor) as uow:
            note_id = uow.insert(
                "plan_notes",
                {
                    "plan_id": plan_id,
                    "child_id": plan.child_id,
                    "kind": kind.value,
                    "written_at": uow.now,
                    "author": self.actor,
                    "note": note.strip(),
                    "next_review_on": next_review_on,
                },
            )
            if kind is NoteKind.REVIEW:
                if next_review_on is not None:
                    uow.update("plans", plan_id, {"next_review_on": next_review_on})
                after = f"; next review {next_review_on:%d %b %Y}" if next_review_on else ""
                chronicle(
                    uow,
                    plan.child_id,
                    EventKind.PLAN_REVIEW,
                    on,
                    f"{label_of(PlanKind, plan.kind)} reviewed{after}",
                    related_id=plan_id,
                    body=note,
                    organisation_id=plan.lead_organisation_id,
                )
        return note_id, uow.changes

    def close(self, plan_id: str, on: date, reason: str, note: str | None = None) -> Changes:
        if reason not in _codes(ClosureReason):
            raise ValidationError("Choose why the plan closes.", [("closure_reason", "Unknown.")])
        with self.db.session() as session:
            plan = mrepo.get(session, Plan, plan_id)
        if not plan.is_open:
            raise ValidationError("The plan is already closed.", [("status", "Closed.")])
        if on < plan.started_on:
            raise ValidationError("A plan cannot close before it starts.", [("closed_on", "Before the start.")])
        with self.db.unit_of_work(self.actor) as uow:
            uow.update("plans", plan_id, {"status": PlanStatus.CLOSED.value, "closed_on": on, "closure_reason": reason})
            chronicle(
                uow,
                plan.child_id,
                EventKind.PLAN,
                on,
                f"{label_of(PlanKind, plan.kind)} closed: {label_of(ClosureReason, reason).lower()}",
                related_id=plan_id,
                body=note,
                organisation_id=plan.lead_organisation_id,
            )
        return uow.changes

    # -- outcomes ---------------------------------------------------------------------------------------------
    def add_outcome(self, plan_id: str, outcome: str, measure: str | None = None) -> tuple[str, Changes]:
        if not outcome.strip():
            raise ValidationError("Say what outcome is sought.", [("outcome", "Required.")])
        with self.db.session() as session:
            plan = mrepo.get(session, Plan, plan_id)
        with self.db.unit_of_work(self.actor) as uow:
            row_id = uow.insert(
                "plan_outcomes",
                {"plan_id": plan_id, "child_id": plan.child_id, "outcome": outcome.strip(), "measure": clean(measure)},
            )
        return row_id, uow.changes

    def set_outcome_status(self, outcome_id: str, status: str) -> Changes:
        if status not in _codes(OutcomeStatus):
            raise ValidationError("Choose how far the outcome is met.", [("status", "Unknown.")])
        with self.db.session() as session:
            mrepo.get(session, PlanOutcome, outcome_id)
        with self.db.unit_of_work(self.actor) as uow:
            uow.update("plan_outcomes", outcome_id, {"status": status})
        return uow.changes

    # -- actions ----------------------------------------------------------------------------------------------
    def add_action(self, plan_id: str, draft: ActionDraft) -> tuple[str, Changes]:
        errors: list[tuple[str, str]] = []
        if not draft.what.strip():
            errors.append(("what", "Say what will be done."))
        if not draft.owner_name.strip():
            errors.append(("owner_name", "Name who will do it."))
        require(errors)
        with self.db.session() as session:
            plan = mrepo.get(session, Plan, plan_id)
            org = self._owner_org(session, draft.owner_worker_id, draft.owner_organisation_id, "owner_worker_id")
            if draft.outcome_id is not None and mrepo.get(session, PlanOutcome, draft.outcome_id).plan_id != plan_id:
                raise ValidationError("That outcome belongs to another plan.", [("outcome_id", "Not this plan.")])
        if not plan.is_open:
            raise ValidationError("The plan is closed.", [("plan_id", "Closed.")])
        with self.db.unit_of_work(self.actor) as uow:
            row_id = uow.insert(
                "plan_actions",
                {
                    "plan_id": plan_id,
                    "child_id": plan.child_id,
                    "what": draft.what.strip(),
                    "owner_name": draft.owner_name.strip(),
                    "due_on": draft.due_on,
                    "outcome_id": draft.outcome_id,
                    "owner_worker_id": draft.owner_worker_id,
                    "owner_organisation_id": org,
                },
            )
        return row_id, uow.changes

    def start_action(self, action_id: str) -> Changes:
        action = self._live_action(action_id)
        with self.db.unit_of_work(self.actor) as uow:
            if action.status != ActionStatus.IN_PROGRESS:
                uow.update("plan_actions", action_id, {"status": ActionStatus.IN_PROGRESS.value})
        return uow.changes

    def reschedule_action(self, action_id: str, due_on: date) -> Changes:
        self._live_action(action_id)
        with self.db.unit_of_work(self.actor) as uow:
            uow.update("plan_actions", action_id, {"due_on": due_on})
        return uow.changes

    def complete_action(self, action_id: str, done_on: date, note: str) -> Changes:
        """Mark an action done with a note of what was done; the note goes to the child's chronology."""
        return self._finish(action_id, ActionStatus.DONE, done_on, note)

    def cancel_action(self, action_id: str, on: date, reason: str) -> Changes:
        """An action no longer needed, with why (kept, and in the chronology)."""
        return self._finish(action_id, ActionStatus.CANCELLED, on, reason)

    def _finish(self, action_id: str, status: ActionStatus, on: date, note: str) -> Changes:
        if not note.strip():
            field = "done_note"
            raise ValidationError(
                "Write a note of what was done." if status is ActionStatus.DONE else "Say why.", [(field, "Required.")]
            )
        action = self._live_action(action_id)
        with self.db.session() as session:
            plan = mrepo.get(session, Plan, action.plan_id)
        if on < plan.started_on:
            raise ValidationError("That is before the plan started.", [("done_on", "Before the plan.")])
        done = status is ActionStatus.DONE
        days = (on - action.due_on).days
        late = f" ({days} day{'s' if days > 1 else ''} late)" if done and days > 0 else ""
        what = "Action done" if done else "Action no longer needed"
        with self.db.unit_of_work(self.actor) as uow:
            uow.update("plan_actions", action_id, {"status": status.value, "done_on": on, "done_note": note.strip()})
            chronicle(
                uow,
                action.child_id,
                EventKind.PLAN_ACTION,
                on,
                f"{what}: {action.what} — {action.owner_name}{late}",
                related_id=action_id,
                body=note,
                organisation_id=action.owner_organisation_id,
                significance=Significance.ROUTINE,
            )
        return uow.changes

    def _live_action(self, action_id: str) -> PlanAction:
        with self.db.session() as session:
            action = mrepo.get(session, PlanAction, action_id)
        if not action.is_live:
            raise ValidationError(
                "The action is already finished.", [("status", label_of(ActionStatus, action.status))]
            )
        return action

    @staticmethod
    def _owner_org(session: Any, worker_id: str | None, organisation_id: str | None, field: str) -> str | None:
        """The owner's agency: the named worker's own when a worker is chosen (refusing one not held)."""
        if worker_id is None:
            if organisation_id is not None and organisation_id not in repo.organisations(session, [organisation_id]):
                raise ValidationError("Choose an agency from the directory.", [(field, "Unknown agency.")])
            return organisation_id
        worker = repo.workers(session, [worker_id]).get(worker_id)
        if worker is None:
            raise ValidationError("Choose a person from the directory.", [(field, "Unknown person.")])
        return worker.organisation_id

    # -- reading ----------------------------------------------------------------------------------------------
    def for_child(self, child_id: str) -> list[Plan]:
        with self.db.session() as session:
            return mrepo.rows(session, Plan, child_id=child_id)

    def view(self, plan_id: str) -> PlanRecords:
        with self.db.session() as session:
            return mrepo.plan_records(session, plan_id)

    def child_plans(self, child_id: str, today: date) -> ChildPlans:
        """The child's meetings (newest first) and plans (open ones first), for the child's tab."""
        me = actions.Me.of(self.db, self.actor)
        with self.db.session() as session:
            items = mrepo.rows(session, MeetingItem, child_id=child_id)
            headers = mrepo.meetings(session, {i.meeting_id for i in items})
            plans = [mrepo.plan_records(session, p.id) for p in mrepo.rows(session, Plan, child_id=child_id)]
            orgs, people = repo.organisations(session), repo.workers(session)
        meetings = sorted(
            ((headers[i.meeting_id], i) for i in items if i.meeting_id in headers),
            key=lambda pair: (pair[0].held_on, pair[0].id),
            reverse=True,
        )
        plans.sort(key=lambda r: (not r.plan.is_open, -r.plan.started_on.toordinal()))
        mine = sorted(me.worker_ids)
        return ChildPlans(child_id, meetings, plans, orgs, people, mine[0] if mine else None)

    def mine(self, today: date, *, finished: bool = False) -> list[actions.ActionItem]:
        """My actions: the actions I own and every action on the plans I lead, overdue first."""
        return actions.my_actions(self.db, self.actor, today, finished=finished)

    # -- printing ---------------------------------------------------------------------------------------------
    def write_family_pdf(self, plan_id: str, out: Path, today: date | None = None) -> Path:
        """The family's version of the plan in plain language (the printing is audited)."""
        return family.write_family_pdf(self.db, plan_id, out, self.actor, today or date.today())
