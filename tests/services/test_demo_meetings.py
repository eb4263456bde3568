"""The demo's panels and plans: decisions recorded, deferred ones too, plans whose actions are in every state,
each child's part in that child's chronology, and the demo user's own actions in My actions."""

from __future__ import annotations

from datetime import date

from casedesk.domain.meetings.records import Meeting, MeetingItem, PlanAction
from casedesk.domain.meetings.rules import ActionState, action_state
from casedesk.services.collection import Collection
from casedesk.services.demo.load import seed_demo
from casedesk.services.demo.meetings import DECISIONS
from casedesk.store import meetings_repo as mrepo
from casedesk.store import repositories as repo
from casedesk.store.database import Database

TODAY = date.today()


def test_the_demo_has_panels_and_actions_in_every_state(db: Database) -> None:
    seed_demo(db, children=80, seed=3, attendance=False)
    with db.session() as session:
        meetings = mrepo.rows(session, Meeting)
        items = mrepo.rows(session, MeetingItem)
        actions = mrepo.rows(session, PlanAction)
        entries = {e.related_id for i in items for e in repo.events_for_child(session, i.child_id)}
    kinds = {m.kind for m in meetings}
    assert {"inclusion_panel", "team_around_child"} <= kinds
    assert any(sum(1 for i in items if i.meeting_id == m.id) > 1 for m in meetings)  # a panel of several children
    assert {i.decision for i in items} <= set(DECISIONS) and {"deferred", "plan_agreed"} <= {i.decision for i in items}
    assert {i.id for i in items} <= entries  # every part has its chronology entry
    assert {action_state(a, TODAY) for a in actions} == set(ActionState)
    mine = Collection(db, "demo").plans.mine(TODAY)
    assert mine and any(i.mine for i in mine)
