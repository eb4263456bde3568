"""Demo panels and plans: inclusion panels convened by an early help hub with the children it works with, each
child's part decided (or deferred), Team Around the Child plans for the children a plan was agreed for, and a
Team Around the Child meeting at the demo user's own school, so My actions has the user's own work in it.

Written through the meeting and plan services (each step a unit of work with its chronology entry), with past
dates. The first plan holds an action in every state — done on time, done late, overdue, due within a week, in
progress, not started, no longer needed — and the others a few each. Only decisions that need no other record
are made (no managed move or step up without the move or the status behind it), so the demo stays coherent.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from casedesk.config import PROFILE
from casedesk.domain.education.records import Exclusion
from casedesk.domain.meetings.records import Attendee, Plan
from casedesk.domain.records import Child, Involvement, Organisation, Worker
from casedesk.domain.vocab import OrgKind
from casedesk.services.caseload import my_worker_ids
from casedesk.services.meetings.meetings import ChildPart, MeetingService
from casedesk.services.meetings.plans import ActionDraft, PlanService
from casedesk.store import education_repo
from casedesk.store import meetings_repo as mrepo
from casedesk.store import repositories as repo
from casedesk.store.database import Database

PANELS_AGO = (70, 42, 14)  # days before today each inclusion panel met
CHILDREN_PER_PANEL = 4
MIN_AGE = 7  # no suspensions below Year 2 in the demo: younger children are not brought to inclusion panels
DECISIONS = ("plan_agreed", "refer_on", "deferred", "plan_agreed", "no_further_action", "step_down")
SUSPENDED = "Suspended this year for disruptive behaviour: what support would keep {name} in school full time?"
QUESTIONS = (
    "Attendance has fallen below 85% since September: what would help {name} get to school each morning?",
    "{name} is anxious about school and often leaves lessons: is a reduced timetable or mentoring right?",
    "School and family disagree about what sits behind {name}'s behaviour: is an assessment of need needed?",
)
WORDING = {
    "plan_agreed": "Team Around the Child plan, lead professional from the hub",
    "refer_on": "Refer to the family support service for parenting support",
    "no_further_action": "School's own support is enough; no multi-agency plan",
    "step_down": "Single-agency support from school with the hub's advice",
}
REASONS = {
    "plan_agreed": "Needs are across school and home and no single agency can meet them; the family agrees to a plan.",
    "refer_on": "The need is mainly at home and a specialist service fits it better than a plan.",
    "deferred": "The educational psychologist's report is due next month.",
    "no_further_action": "Attendance and behaviour have improved since the referral.",
    "step_down": "Things are better and the school can carry on with the family.",
}
DISCUSSION = (
    "School described the pattern since September. Parent feels {name} is struggling with friendships. The hub "
    "can offer mentoring; the school nurse's report notes poor sleep."
)
OUTCOMES = ("{name} attends school every day and on time", "{name} feels safe and settled in lessons")
# (what, when it is due — days after the plan started for a finished action, days from today for an open one —,
# and how it ends: done or cancelled so many days after the plan started, or left overdue, due, started or open)
ACTIONS = (
    ("Weekly mentoring sessions with {name}", 14, ("done", 10)),
    ("Home visit to agree a morning routine", 10, ("done", 18)),
    ("Attendance review with parent", -5, ("overdue", 0)),
    ("Referral to the school nurse for sleep advice", 3, ("due", 0)),
    ("Reintegration timetable agreed with the head of year", 20, ("started", 0)),
    ("Family support worker to check benefits and housing", 40, ("open", 0)),
    ("Parenting course place", 21, ("cancelled", 12)),
)


def _pick(children: list[Child], involvements: dict[str, list[Involvement]], org_id: str, today: date) -> list[Child]:
    """Children of seven and over at school that the organisation works with now, in id order (deterministic)."""
    return [
        c
        for c in children
        if c.current_school_id
        and c.age_on(today) >= MIN_AGE
        and any(i.organisation_id == org_id and i.is_current(today) for i in involvements[c.id])
    ]


def _school_worker(involvements: list[Involvement], school_id: str, people: dict[str, Worker]) -> Worker | None:
    found = [people[i.worker_id] for i in involvements if i.organisation_id == school_id and i.worker_id in people]
    return found[0] if found else None


def seed_demo_meetings(db: Database, seed: int, today: date, author: str = "casedesk-demo") -> int:
    """Write the demo's meetings and plans; returns how many meetings."""
    rng = random.Random(seed * 104729)
    with db.session() as session:
        orgs, people = repo.organisations(session), repo.workers(session)
        children = sorted(repo.list_children(session), key=lambda c: c.id)
        involvements = {c.id: repo.involvements_for_child(session, c.id) for c in children}
        since = today - timedelta(days=365)
        suspended = {
            c.id
            for c in children
            if any(e.first_day >= since for e in education_repo.for_child(session, Exclusion, c.id))
        }
    hub = next((o for o in orgs.values() if o.kind == OrgKind.EARLY_HELP and "Hub" in o.name), None)
    if hub is None or not children:
        return 0
    staff = {org: sorted((w for w in people.values() if w.organisation_id == org), key=lambda w: w.id) for org in orgs}
    if not staff[hub.id]:
        return 0
    meetings, plans = MeetingService(db, author), PlanService(db, author)
    writer = _Writer(meetings, plans, orgs, staff, people, involvements, today, rng)
    writer.suspended = suspended
    with db.session() as session:
        writer.planned = {p.child_id for p in mrepo.rows(session, Plan) if p.is_open}
    eligible = _pick(children, involvements, hub.id, today)
    count = 0
    for number, ago in enumerate(PANELS_AGO):
        group = eligible[number * CHILDREN_PER_PANEL : (number + 1) * CHILDREN_PER_PANEL]
        if group:
            writer.panel(hub, group, today - timedelta(days=ago), first_decision=number * CHILDREN_PER_PANEL)
            count += 1
    mine = my_worker_ids(db, orgs, people) if db.has(PROFILE) else frozenset()
    me = next((people[w] for w in sorted(mine)), None)
    if me is not None:
        at_school = [c for c in children if c.current_school_id == me.organisation_id and c.id not in writer.planned]
        at_school = at_school[:2]
        if at_school:
            writer.team_around_child(hub, me, at_school, today - timedelta(days=30))
            count += 1
    return count


class _Writer:
    def __init__(
        self,
        meetings: MeetingService,
        plans: PlanService,
        orgs: dict[str, Organisation],
        staff: dict[str, list[Worker]],
        people: dict[str, Worker],
        involvements: dict[str, list[Involvement]],
        today: date,
        rng: random.Random,
    ) -> None:
        self.meetings, self.plans, self.orgs, self.staff = meetings, plans, orgs, staff
        self.people, self.involvements, self.today, self.rng = people, involvements, today, rng
        self.plans_made = 0
        self.planned: set[str] = set()  # children given a plan (one open plan of a kind each)
        self.suspended: set[str] = set()  # children suspended this last year (the panel's question says so)

    def _others(self) -> list[Attendee]:
        """Social care sends apologies; the school nurse sends a report."""
        out = []
        for kind, presence in ((OrgKind.CHILDRENS_SOCIAL_CARE, "apologies"), (OrgKind.HEALTH, "report_sent")):
            org = next((o for o in sorted(self.orgs.values(), key=lambda o: o.id) if o.kind == kind), None)
            if org is not None and self.staff[org.id]:
                worker = self.staff[org.id][0]
                out.append(Attendee(worker.name, org.id, worker.id, worker.role, presence))
        return out

    def panel(self, hub: Organisation, group: list[Child], held_on: date, first_decision: int) -> None:
        chair, colleague = self.staff[hub.id][0], self.staff[hub.id][-1]
        people = [Attendee(chair.name, hub.id, chair.id, "Chair"), Attendee(colleague.name, hub.id, colleague.id)]
        for child in group:
            school = _school_worker(self.involvements[child.id], child.current_school_id or "", self.people)
            if school is not None and all(p.worker_id != school.id for p in people):
                people.append(Attendee(school.name, school.organisation_id, school.id, school.role))
        people += self._others()
        parts = []
        for offset, child in enumerate(group):
            decision = DECISIONS[(first_decision + offset) % len(DECISIONS)]
            name = child.preferred_name or child.given_name
            parts.append(
                ChildPart(
                    child.id,
                    (SUSPENDED if child.id in self.suspended else self.rng.choice(QUESTIONS)).format(name=name),
                    DISCUSSION.format(name=name),
                    decision,
                    WORDING.get(decision),
                    REASONS[decision],
                    category="education",
                    referred_on=held_on - timedelta(days=self.rng.randint(5, 60)),
                    family_attended=self.rng.choice(("Mother", "Father", "Carer", None)),
                )
            )
        meeting_id, _ = self.meetings.record(
            "inclusion_panel", held_on, chair.name, people, parts, organisation_id=hub.id, chair_worker_id=chair.id
        )
        for part in parts:
            if part.decision == "plan_agreed":
                lead = next((i for i in self.involvements[part.child_id] if i.organisation_id == hub.id), None)
                worker = self.people.get(lead.worker_id or "") if lead else None
                self._plan(part.child_id, worker or colleague, held_on + timedelta(days=3), meeting_id)

    def team_around_child(self, hub: Organisation, me: Worker, group: list[Child], held_on: date) -> None:
        helper = self.staff[hub.id][0]
        people = [Attendee(me.name, me.organisation_id, me.id, me.role), Attendee(helper.name, hub.id, helper.id)]
        parts = [
            ChildPart(
                c.id,
                f"How do we support {c.preferred_name or c.given_name} and the family together?",
                "Parent and school agreed the worries; the hub will support at home.",
                "plan_agreed",
                "Team Around the Child plan led by school",
                REASONS["plan_agreed"],
                category="family",
                family_attended="Mother",
            )
            for c in group
        ]
        meeting_id, _ = self.meetings.record(
            "team_around_child", held_on, me.name, people, parts, organisation_id=me.organisation_id
        )
        for child in group:
            self._plan(child.id, me, held_on, meeting_id, every_state=True)

    def _plan(self, child_id: str, lead: Worker, start: date, meeting_id: str, every_state: bool = False) -> None:
        if child_id in self.planned:  # a demo run before (another seed) gave the child its plan
            return
        self.planned.add(child_id)
        with self.plans.db.session() as session:
            child = repo.get_child(session, child_id)
        name = child.preferred_name or child.given_name
        plan_id, _ = self.plans.start(
            child_id,
            "team_around_child",
            lead.name,
            start,
            lead_worker_id=lead.id,
            meeting_id=meeting_id,
            next_review_on=max(self.today + timedelta(days=7), start + timedelta(days=42)),
            outcomes=[o.format(name=name) for o in OUTCOMES],
            family_summary=f"We all want {name} to enjoy school and for mornings at home to be calmer.",
        )
        chosen = ACTIONS if self.plans_made == 0 or every_state else self.rng.sample(ACTIONS, 4)
        self.plans_made += 1
        owners = [lead, *self.staff[lead.organisation_id][:1]]
        for index, (what, due_in, (ending, done_in)) in enumerate(chosen):
            owner = owners[index % len(owners)]
            still_open = ending in ("overdue", "due", "started", "open")  # due from today, so its state holds
            due = (self.today if still_open else start) + timedelta(days=due_in)
            draft = ActionDraft(what.format(name=name), owner.name, due, owner.id)
            action_id, _ = self.plans.add_action(plan_id, draft)
            finished = min(start + timedelta(days=done_in), self.today)
            if ending == "done":
                self.plans.complete_action(action_id, finished, "Done as agreed; the family took part.")
            elif ending == "cancelled":
                self.plans.cancel_action(action_id, finished, "The family found a course nearer home themselves.")
            elif ending == "started":
                self.plans.start_action(action_id)
