"""The family's version of a plan as a PDF: the plan's records turned into everyday words, the printing audited.

Cancelled steps are left out (they would only confuse); where each step stands is said plainly, and a late one
as something to talk about rather than a failure.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from casedesk.domain.meetings.rules import ActionState, action_state
from casedesk.domain.meetings.vocab import OutcomeStatus, PlanKind
from casedesk.reports.family_plan import FamilyPlan, FamilyStep, render_family_plan
from casedesk.services import policy
from casedesk.store import meetings_repo as mrepo
from casedesk.store import repositories as repo
from casedesk.store.database import Database

STEP_WORDS: dict[str, str] = {
    ActionState.DONE: "Done",
    ActionState.DONE_LATE: "Done",
    ActionState.IN_PROGRESS: "Started",
    ActionState.NOT_STARTED: "Not started yet",
    ActionState.DUE_SOON: "Coming up soon",
    ActionState.OVERDUE: "Running late: we will talk about it",
}
PLAN_WORDS: dict[str, str] = {
    PlanKind.EARLY_HELP: "early help plan",
    PlanKind.TEAM_AROUND_CHILD: "Team Around the Child plan",
    PlanKind.TEAM_AROUND_FAMILY: "Team Around the Family plan",
}
GOAL_WORDS: dict[str, str] = {
    OutcomeStatus.WORKING_ON: "we are working on this",
    OutcomeStatus.ACHIEVED: "we got there",
    OutcomeStatus.PARTLY_ACHIEVED: "part of the way there",
    OutcomeStatus.NOT_ACHIEVED: "not there yet",
}


def family_plan(db: Database, plan_id: str, today: date) -> FamilyPlan:
    with db.session() as session:
        records = mrepo.plan_records(session, plan_id)
        child = repo.get_child(session, records.plan.child_id)
        orgs, people = repo.organisations(session), repo.workers(session)
    plan = records.plan
    lead = people.get(plan.lead_worker_id or "")
    agency = orgs.get(plan.lead_organisation_id or "")
    steps = []
    for action in records.actions:
        state = action_state(action, today)
        if state is ActionState.CANCELLED:
            continue
        org = orgs.get(action.owner_organisation_id or "")
        who = action.owner_name + (f" ({org.name})" if org else "")
        steps.append(FamilyStep(action.what, who, action.due_on, STEP_WORDS[state]))
    goals = [(o.outcome, GOAL_WORDS.get(o.status, o.status.replace("_", " "))) for o in records.outcomes]
    return FamilyPlan(
        child_name=child.preferred_name or child.given_name,
        plan_name=PLAN_WORDS.get(plan.kind, "plan"),
        lead=plan.lead_name,
        lead_agency=agency.name if agency else None,
        lead_phone=lead.phone if lead else None,
        lead_email=lead.email if lead else None,
        started_on=plan.started_on,
        next_review_on=plan.next_review_on if plan.is_open else None,
        summary=plan.family_summary,
        goals=goals,
        steps=steps,
    )


def write_family_pdf(db: Database, plan_id: str, out: Path, actor: str, today: date) -> Path:
    """Render the family's plan to `out` and audit that it was printed (who, which plan, why)."""
    policy.require_printing(db)
    plan = family_plan(db, plan_id, today)
    render_family_plan(out, plan, actor, datetime.now(UTC))
    with db.unit_of_work(actor, journal=False) as uow:
        uow.note("export", "plans", plan_id, reason="family version of the plan printed")
    return out
