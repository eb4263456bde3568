"""My actions: the plan actions a user owns, and every action on the plans they lead, with where each stands.

Who "I" am is the profile's user: their worker records in the directory (`services.caseload.my_worker_ids`; without a
profile, the directory entries with the acting user's name), or, for an owner or lead named without a directory
entry, their name. Overdue actions come first, then those due
soon, then the rest by due date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from casedesk.config import PROFILE
from casedesk.domain.meetings.records import Plan, PlanAction
from casedesk.domain.meetings.rules import ActionState, action_state
from casedesk.services.caseload import my_worker_ids
from casedesk.store import meetings_repo as mrepo
from casedesk.store import repositories as repo
from casedesk.store.database import Database

_ORDER = {
    ActionState.OVERDUE: 0,
    ActionState.DUE_SOON: 1,
    ActionState.IN_PROGRESS: 2,
    ActionState.NOT_STARTED: 2,
    ActionState.DONE_LATE: 3,
    ActionState.DONE: 3,
    ActionState.CANCELLED: 4,
}


@dataclass(frozen=True)
class ActionItem:
    """One action as My actions shows it."""

    action: PlanAction
    plan: Plan
    child_name: str
    state: ActionState
    mine: bool  # I own it
    leading: bool  # it is on a plan I lead

    @property
    def live(self) -> bool:
        return self.action.is_live


@dataclass(frozen=True)
class Me:
    """Who the user is, as owners and leads are recorded."""

    worker_ids: frozenset[str]
    name: str

    def is_me(self, worker_id: str | None, name: str) -> bool:
        if worker_id is not None:
            return worker_id in self.worker_ids
        return bool(self.name) and name.strip().casefold() == self.name

    @classmethod
    def of(cls, db: Database, actor: str) -> Me:
        """The profile's user (their directory entries at their organisation), else the acting user by name."""
        with db.session() as session:
            orgs, people = repo.organisations(session), repo.workers(session)
        if db.has(PROFILE):
            return cls(my_worker_ids(db, orgs, people), db.get(PROFILE).name.strip().casefold())
        name = actor.strip().casefold()
        return cls(frozenset(w.id for w in people.values() if w.name.strip().casefold() == name), name)


def my_actions(db: Database, actor: str, today: date, *, finished: bool = False) -> list[ActionItem]:
    """The actions I own or lead, live ones only unless `finished`; overdue first."""
    me = Me.of(db, actor)
    with db.session() as session:
        plans = {p.id: p for p in mrepo.rows(session, Plan)}
        actions = mrepo.rows(session, PlanAction)
        names = {c.id: c.display_name for c in repo.list_children(session)}
    items = []
    for action in actions:
        plan = plans.get(action.plan_id)
        if plan is None or (not finished and not action.is_live):
            continue
        mine = me.is_me(action.owner_worker_id, action.owner_name)
        leading = me.is_me(plan.lead_worker_id, plan.lead_name)
        if mine or leading:
            state = action_state(action, today)
            items.append(ActionItem(action, plan, names.get(action.child_id, "A child"), state, mine, leading))
    items.sort(key=lambda i: (_ORDER[i.state], i.action.due_on, i.child_name, i.action.id))
    return items


def counts(items: list[ActionItem]) -> dict[ActionState, int]:
    """How many of each state, for a heading ("2 overdue, 3 due soon")."""
    out: dict[ActionState, int] = {}
    for item in items:
        out[item.state] = out.get(item.state, 0) + 1
    return out
