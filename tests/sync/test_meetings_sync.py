"""A panel recorded offline on one device reaches the others over a real uvicorn server: every device gets the
meeting's header (it names no child), and each child's part and chronology entry reach only the devices of the
organisations that may see that child. Two schools bring a child each to the local authority's inclusion panel;
a third school sees the panel was held and nothing of either child."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from casedesk.domain.meetings.records import Attendee, Meeting, MeetingItem, Plan, PlanAction
from casedesk.server.db import accounts as admin
from casedesk.services.collection import Collection
from casedesk.services.meetings.meetings import ChildPart
from casedesk.services.meetings.plans import ActionDraft
from casedesk.store import meetings_repo as mrepo
from casedesk.store import repositories as repo
from tests.sync.harness import Device, Server, make_device


def _held(device: Device) -> dict[str, object]:
    with device.db.session() as session:
        items = mrepo.rows(session, MeetingItem)
        children = {c.id: c.given_name for c in repo.list_children(session)}
        entries = [
            e for child_id in children for e in repo.events_for_child(session, child_id) if e.kind == "meeting_decision"
        ]
        return {
            "meetings": len(mrepo.rows(session, Meeting)),
            "parts": sorted(children[i.child_id] for i in items),
            "entries": sorted(children[e.child_id] for e in entries),
            "bodies": " ".join(f"{e.summary} {e.body}" for e in entries),
        }


def _involve(device: Device, child_id: str, org_id: str) -> None:
    with device.db.unit_of_work(device.username) as uow:
        uow.insert(
            "involvements",
            {"child_id": child_id, "organisation_id": org_id, "role": "key_worker", "start_date": date(2026, 9, 1)},
        )


def test_a_panel_recorded_offline_reaches_each_child_s_devices_only(any_server: Server, tmp_path: Path) -> None:
    server = any_server
    url = server.serve()
    oak, elm, birch = server.org("Oak Academy"), server.org("Elm High"), server.org("Birch Primary")
    team = admin.create_org(server.store, "Inclusion Team", "early_help")
    for name, where in (("ann", oak), ("zed", elm), ("ian", team), ("bea", birch)):
        server.user(where, name)
    ann, zed, ian, bea = (
        make_device(tmp_path, n, None, n, base_url=url, org_server=server) for n in ("ann", "zed", "ian", "bea")
    )
    ada = ann.add_child("Ada", "Okafor", oak)
    ben = zed.add_child("Ben", "Hughes", elm)
    _involve(ann, ada, team)
    _involve(zed, ben, team)
    for device in (ann, zed, ian):
        assert device.sync().digest_ok

    # Offline on the inclusion team's device: the panel with both children (no sync until the minutes are done).
    panel = Collection(ian.db, "Ian Chair").meetings
    people = [
        Attendee("Ian Chair", team, role="Inclusion lead"),
        Attendee("Ann Shah", oak, role="DSL"),
        Attendee("Zed Park", elm, role="Head of year", presence="apologies"),
    ]
    meeting_id, changes = panel.record(
        "inclusion_panel",
        date(2026, 11, 26),
        "Ian Chair",
        people,
        [
            ChildPart(
                ada,
                "Three suspensions this term: what support avoids a fourth?",
                "School and family agree on a mentor.",
                "plan_agreed",
                "Team Around the Child plan with a mentor",
                "Engaged family",
                referred_on=date(2026, 11, 10),
                family_attended="Mother",
            ),
            ChildPart(
                ben,
                "Is a managed move to Oak right for Ben?",
                "Ben wants a fresh start.",
                "managed_move",
                "Six-week trial at Oak Academy",
                "Relationships at Elm have broken down",
                category="education",
            ),
        ],
        organisation_id=team,
    )
    assert {"meetings", "meeting_items", "events"} <= changes.entities
    held = _held(ian)
    assert held["parts"] == held["entries"] == ["Ada", "Ben"]

    assert ian.sync().digest_ok
    for device in (ann, zed, bea):
        assert device.sync().digest_ok
    on_ann, on_zed, on_bea = _held(ann), _held(zed), _held(bea)
    assert on_ann["meetings"] == on_zed["meetings"] == on_bea["meetings"] == 1  # the header reaches everyone
    assert on_ann["parts"] == on_ann["entries"] == ["Ada"]
    assert on_zed["parts"] == on_zed["entries"] == ["Ben"]
    assert on_bea["parts"] == on_bea["entries"] == []
    assert "Ben" not in str(on_ann["bodies"]) and "managed move" not in str(on_ann["bodies"]).lower()
    assert "Ada" not in str(on_zed["bodies"]) and "mentor" not in str(on_zed["bodies"])
    assert "Inclusion / exclusion-prevention panel on 26 Nov 2026: Managed move" in str(on_zed["bodies"])
    with bea.db.session() as session:
        header = mrepo.get(session, Meeting, meeting_id)
    assert header.chair == "Ian Chair" and {p.name for p in header.people()} == {"Ian Chair", "Ann Shah", "Zed Park"}

    # The school builds the plan the panel agreed, offline; its action comes back to the team's device.
    plans = Collection(ann.db, "Ann Shah").plans
    plan_id, _ = plans.start(
        ada,
        "team_around_child",
        "Ann Shah",
        date(2026, 11, 27),
        meeting_id=meeting_id,
        next_review_on=date(2027, 1, 15),
        outcomes=["Ada stays in school full time"],
    )
    action_id, _ = plans.add_action(
        plan_id, ActionDraft("Mentor sessions weekly", "Ian Chair", date(2026, 12, 4), owner_organisation_id=team)
    )
    assert ann.sync().digest_ok and ian.sync().digest_ok and zed.sync().digest_ok
    Collection(ian.db, "Ian Chair").plans.complete_action(action_id, date(2026, 12, 3), "First two sessions held.")
    assert ian.sync().digest_ok and ann.sync().digest_ok and zed.sync().digest_ok
    with ann.db.session() as session:
        action = mrepo.get(session, PlanAction, action_id)
        summaries = [e.summary for e in repo.events_for_child(session, ada)]
    assert action.status == "done" and action.done_note == "First two sessions held."
    assert "Action done: Mentor sessions weekly — Ian Chair" in summaries
    with zed.db.session() as session:
        assert mrepo.rows(session, Plan) == [] and mrepo.rows(session, PlanAction) == []
