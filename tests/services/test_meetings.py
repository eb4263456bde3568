"""Meetings and plans through the collection over a real encrypted database: a meeting with two children writes
one header, one part per child and one chronology entry per child naming only that child; a part corrected gets
an amendment; plans with outcomes, actions (owner, due date) done with a note that goes to the chronology; bad
input is refused with a clear error and leaves nothing written."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from casedesk.domain.meetings.records import Attendee, Meeting, MeetingItem, PlanAction
from casedesk.errors import NotFound, ValidationError
from casedesk.services.collection import Collection
from casedesk.services.meetings.meetings import ChildPart
from casedesk.services.meetings.plans import ActionDraft
from casedesk.store import meetings_repo as mrepo
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.store.journal import outbox
from tests.factories import add_child


@pytest.fixture
def col(db: Database) -> Collection:
    return Collection(db, "Ian Chair")


def _orgs(db: Database) -> tuple[str, str, str]:
    with db.unit_of_work("tester") as uow:
        team = uow.insert("organisations", {"name": "Inclusion Team", "kind": "early_help"})
        oak = uow.insert("organisations", {"name": "Oak Academy", "kind": "school"})
        worker = uow.insert("workers", {"organisation_id": team, "name": "Ian Chair", "role": "Inclusion lead"})
    return team, oak, worker


def _entries(db: Database, child_id: str) -> list[tuple[str, str, str | None]]:
    with db.session() as session:
        return [(e.kind, e.summary, e.body) for e in repo.events_for_child(session, child_id)]


def _pending(db: Database) -> int:
    return len(outbox.pending_batch(db, 10_000))


def test_a_meeting_with_two_children_writes_a_part_and_an_entry_for_each(col: Collection, db: Database) -> None:
    team, oak, _ = _orgs(db)
    ada = add_child(db, "Ada", "Okafor", date(2013, 3, 1))
    ben = add_child(db, "Ben", "Hughes", date(2012, 6, 9))
    meeting_id, changes = col.meetings.record(
        "inclusion_panel",
        date(2026, 11, 26),
        "Ian Chair",
        [Attendee("Ian Chair", team), Attendee("Ann Shah", oak, presence="apologies")],
        [
            ChildPart(ada, "What support avoids a fourth suspension?", decision="plan_agreed", reasons="Engaged"),
            ChildPart(ben, "Is a managed move right?", decision="deferred", decision_text="Await the EP report"),
        ],
        organisation_id=team,
    )
    assert changes.entities == {"meetings", "meeting_items", "events"}
    view = col.meetings.view(meeting_id)
    assert [view.children[i.child_id].given_name for i in view.items] == ["Ada", "Ben"]
    decided = {view.children[i.child_id].given_name: i.decided_on for i in view.items}
    assert decided == {"Ada": date(2026, 11, 26), "Ben": None}  # a deferral is no decision yet
    [(kind, summary, body)] = _entries(db, ada)
    assert kind == "meeting_decision"
    assert summary == "Inclusion / exclusion-prevention panel on 26 Nov 2026: Plan agreed"
    assert body is not None and "Present: Ian Chair (Inclusion Team)" in body and "Apologies: Ann Shah (Oak" in body
    assert "Ben" not in body and "managed move" not in body.lower()
    [(_, ben_summary, ben_body)] = _entries(db, ben)
    assert ben_summary.endswith("Deferred to a later meeting: Await the EP report")
    assert ben_body is not None and "Ada" not in ben_body and "fourth suspension" not in ben_body
    with db.session() as session:
        header = mrepo.get(session, Meeting, meeting_id)
    assert "Ada" not in str(header) and "Ben" not in str(header)
    assert [(m.id, n) for m, n in col.meetings.recent()] == [(meeting_id, 2)]
    assert [m.id for m, _ in col.meetings.for_child(ben)] == [meeting_id]


def test_a_corrected_part_amends_its_entry_and_a_later_child_joins_the_panel(col: Collection, db: Database) -> None:
    team, _, _ = _orgs(db)
    ada = add_child(db, "Ada", "Okafor", date(2013, 3, 1))
    cal = add_child(db, "Cal", "Reed", date(2011, 1, 5))
    meeting_id, _ = col.meetings.record(
        "managed_move_panel", date(2026, 11, 26), "Ian Chair", [Attendee("Ian", team)], [ChildPart(ada, "Move?")]
    )
    [item] = col.meetings.view(meeting_id).items
    assert item.decision is None and _entries(db, ada)[0][1].endswith("No decision recorded yet")
    col.meetings.correct_part(item.id, {"decision": "managed_move", "decided_on": date(2026, 11, 28)}, "Agreed later")
    entries = _entries(db, ada)
    assert len(entries) == 2 and entries[1][1].endswith("Managed move")
    assert entries[1][2] is not None and entries[1][2].endswith("Correction: Agreed later")
    with db.session() as session:
        original, amendment = repo.events_for_child(session, ada)
        assert amendment.amends_id == original.id
        assert mrepo.get(session, MeetingItem, item.id).decided_on == date(2026, 11, 28)
    col.meetings.add_child(meeting_id, ChildPart(cal, "Move?", decision="no_further_action"))
    assert len(col.meetings.view(meeting_id).items) == 2
    with pytest.raises(ValidationError, match="already part"):
        col.meetings.add_child(meeting_id, ChildPart(cal, "Again?"))
    with pytest.raises(ValidationError, match="why"):
        col.meetings.correct_part(item.id, {"reasons": "x"}, " ")


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"kind": "coffee"}, "kind"),
        ({"chair": " "}, "chair"),
        ({"parts": []}, "children"),
        ({"attendees": [Attendee("Mum", None)]}, "attendees[0]"),  # family go with the child, not the header
        ({"parts": [ChildPart("ADA", " ")]}, "children[0].question"),
        ({"parts": [ChildPart("ADA", "Q", decision="expel")]}, "children[0].decision"),
        ({"parts": [ChildPart("ADA", "Q", referred_on=date(2026, 12, 1))]}, "children[0].referred_on"),
        ({"parts": [ChildPart("ADA", "Q", category="gossip")]}, "children[0].category"),
    ],
)
def test_a_meeting_with_bad_details_is_refused_and_nothing_is_written(
    col: Collection, db: Database, kwargs: dict[str, object], problem: str
) -> None:
    team, _, _ = _orgs(db)
    ada = add_child(db, "Ada", "Okafor", date(2013, 3, 1))
    values: dict[str, object] = {
        "kind": "team_around_child",
        "held_on": date(2026, 11, 26),
        "chair": "Ian",
        "attendees": [Attendee("Ian", team)],
        "parts": [ChildPart(ada, "Q")],
        **kwargs,
    }
    values["parts"] = [replace(p, child_id=ada) if p.child_id == "ADA" else p for p in values["parts"]]  # type: ignore[attr-defined]
    before = _pending(db)
    with pytest.raises(ValidationError) as caught:
        col.meetings.record(**values)  # type: ignore[arg-type]
    assert problem in {field for field, _ in caught.value.problems}
    assert _pending(db) == before
    with pytest.raises(NotFound):
        col.meetings.record(
            "team_around_child", date(2026, 11, 26), "Ian", [Attendee("Ian", team)], [ChildPart("x", "Q")]
        )


def test_a_plan_s_actions_are_done_with_a_note_that_goes_to_the_chronology(col: Collection, db: Database) -> None:
    team, oak, worker = _orgs(db)
    ada = add_child(db, "Ada", "Okafor", date(2013, 3, 1))
    plan_id, _ = col.plans.start(
        ada,
        "early_help",
        "Ian Chair",
        date(2026, 11, 27),
        lead_worker_id=worker,
        next_review_on=date(2027, 1, 15),
        outcomes=["Ada attends every day", " "],
        family_summary="We all want Ada happy at school.",
    )
    records = col.plans.view(plan_id)
    assert records.plan.lead_organisation_id == team  # the lead's own agency
    assert [o.outcome for o in records.outcomes] == ["Ada attends every day"]
    first, _ = col.plans.add_action(
        plan_id, ActionDraft("Mentor weekly", "Ian Chair", date(2026, 12, 4), worker, outcome_id=records.outcomes[0].id)
    )
    second, _ = col.plans.add_action(
        plan_id, ActionDraft("Attendance check", "Ann Shah", date(2026, 12, 1), owner_organisation_id=oak)
    )
    col.plans.start_action(first)
    changes = col.plans.complete_action(first, date(2026, 12, 6), "Two sessions held; Ada engaged well.")
    assert changes.entities == {"plan_actions", "events"}
    col.plans.cancel_action(second, date(2026, 12, 2), "School now checks daily anyway.")
    col.plans.review(plan_id, "Good progress.", date(2027, 1, 15), date(2027, 3, 1))
    summaries = [s for _, s, _ in _entries(db, ada)]
    assert summaries == [
        "Early help plan started; lead professional Ian Chair; first review 15 Jan 2027",
        "Action no longer needed: Attendance check — Ann Shah",
        "Action done: Mentor weekly — Ian Chair (2 days late)",
        "Early help plan reviewed; next review 01 Mar 2027",
    ]
    assert ("plan_action", summaries[2], "Two sessions held; Ada engaged well.") in _entries(db, ada)
    records = col.plans.view(plan_id)
    assert records.plan.next_review_on == date(2027, 3, 1) and [n.kind for n in records.notes] == ["review"]
    with db.session() as session:
        done = mrepo.get(session, PlanAction, first)
    assert (done.status, done.done_on, done.done_note) == (
        "done",
        date(2026, 12, 6),
        "Two sessions held; Ada engaged well.",
    )
    with pytest.raises(ValidationError, match="already finished"):
        col.plans.complete_action(first, date(2026, 12, 7), "again")
    before = _pending(db)
    with pytest.raises(ValidationError):
        col.plans.complete_action(
            col.plans.add_action(plan_id, ActionDraft("Call", "Ann", date(2026, 12, 9)))[0], date(2026, 12, 9), " "
        )
    assert _pending(db) == before + 1  # the action was added; the empty note wrote nothing
    with pytest.raises(ValidationError, match="open plan of this kind"):
        col.plans.start(ada, "early_help", "Someone", date(2026, 12, 1))
    with pytest.raises(ValidationError, match="directory"):
        col.plans.add_action(plan_id, ActionDraft("Call", "Ann", date(2026, 12, 9), owner_worker_id="nobody"))
    col.plans.close(plan_id, date(2027, 3, 1), "outcomes_met")
    with pytest.raises(ValidationError, match="closed"):
        col.plans.add_action(plan_id, ActionDraft("Call", "Ann", date(2026, 12, 9)))


def test_the_subject_access_export_holds_the_child_s_meetings_and_plans(col: Collection, db: Database) -> None:
    from casedesk.services.export import export_child

    team, _, _ = _orgs(db)
    ada = add_child(db, "Ada", "Okafor", date(2013, 3, 1))
    ben = add_child(db, "Ben", "Hughes", date(2012, 6, 9))
    meeting_id, _ = col.meetings.record(
        "inclusion_panel",
        date(2026, 11, 26),
        "Ian",
        [Attendee("Ian", team)],
        [ChildPart(ada, "Support?", decision="plan_agreed"), ChildPart(ben, "Move?")],
    )
    plan_id, _ = col.plans.start(ada, "team_around_child", "Ian", date(2026, 11, 27), meeting_id=meeting_id)
    col.plans.add_action(plan_id, ActionDraft("Mentor", "Ian", date(2026, 12, 4)))
    (bundle,) = export_child(db, ada, "Sam Patel")["children"]
    assert [m["id"] for m in bundle["meetings"]] == [meeting_id]
    assert [i["question"] for i in bundle["meeting_items"]] == ["Support?"]  # not Ben's part
    assert [p["id"] for p in bundle["plans"]] == [plan_id]
    assert [a["what"] for a in bundle["plan_actions"]] == ["Mentor"]
