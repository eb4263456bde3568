"""My actions: the actions I own and every action on the plans I lead, overdue first, each with its state; the
family's version of a plan in plain words (read back with pdftotext); the outcome counts with small numbers
suppressed, and the `casedesk meeting-outcomes` report."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from casedesk.config import PROFILE, Profile
from casedesk.domain.meetings.records import Attendee
from casedesk.domain.meetings.rules import ActionState
from casedesk.services.collection import Collection
from casedesk.services.meetings.meetings import ChildPart
from casedesk.services.meetings.plans import ActionDraft
from casedesk.store.database import Database
from tests.factories import add_child

TODAY = date.today()


def _world(db: Database) -> dict[str, str]:
    db.put(PROFILE, Profile(name="Ann Shah", role="DSL", organisation="Oak Academy"))
    with db.unit_of_work("tester") as uow:
        oak = uow.insert("organisations", {"name": "Oak Academy", "kind": "school"})
        hub = uow.insert("organisations", {"name": "Early Help Hub", "kind": "early_help"})
        ann = uow.insert("workers", {"organisation_id": oak, "name": "Ann Shah", "phone": "0113 000 0000"})
        ian = uow.insert("workers", {"organisation_id": hub, "name": "Ian Chair"})
    return {"oak": oak, "hub": hub, "ann": ann, "ian": ian}


def test_my_actions_are_mine_and_those_on_plans_i_lead_overdue_first(db: Database) -> None:
    ids = _world(db)
    col = Collection(db, "Ann Shah")
    ada = add_child(db, "Ada", "Okafor", date(2013, 3, 1))
    ben = add_child(db, "Ben", "Hughes", date(2012, 6, 9))
    start = TODAY - timedelta(days=30)
    led, _ = col.plans.start(ada, "early_help", "Ann Shah", start, lead_worker_id=ids["ann"])
    other, _ = col.plans.start(ben, "early_help", "Ian Chair", start, lead_worker_id=ids["ian"])
    add = col.plans.add_action
    late, _ = add(led, ActionDraft("Call the GP", "Ian Chair", TODAY - timedelta(days=2), ids["ian"]))
    soon, _ = add(led, ActionDraft("Book the review", "Ann Shah", TODAY + timedelta(days=3), ids["ann"]))
    later, _ = add(other, ActionDraft("Attendance check", "Ann Shah", TODAY + timedelta(days=20), ids["ann"]))
    named, _ = add(other, ActionDraft("Speak to class teacher", "ann shah ", TODAY + timedelta(days=25)))
    add(other, ActionDraft("Home visit", "Ian Chair", TODAY - timedelta(days=1), ids["ian"]))  # not mine, not led
    done, _ = add(led, ActionDraft("Send the plan", "Ann Shah", TODAY - timedelta(days=10), ids["ann"]))
    col.plans.complete_action(done, TODAY - timedelta(days=9), "Posted to the family.")
    items = col.plans.mine(TODAY)
    assert [(i.action.id, i.state, i.mine, i.leading) for i in items] == [
        (late, ActionState.OVERDUE, False, True),  # on my plan though Ian owns it
        (soon, ActionState.DUE_SOON, True, True),
        (later, ActionState.NOT_STARTED, True, False),
        (named, ActionState.NOT_STARTED, True, False),  # named without a directory entry: by my name
    ]
    assert {i.child_name for i in items} == {"Ada Okafor", "Ben Hughes"}
    finished = col.plans.mine(TODAY, finished=True)
    assert [i.state for i in finished if i.action.id == done] == [ActionState.DONE_LATE]


def test_the_family_version_is_in_plain_words(db: Database, tmp_path: Path) -> None:
    ids = _world(db)
    col = Collection(db, "Ann Shah")
    ada = add_child(db, "Ada", "Okafor", date(2013, 3, 1), preferred_name="Addie")
    plan, _ = col.plans.start(
        ada,
        "team_around_child",
        "Ann Shah",
        TODAY - timedelta(days=20),
        lead_worker_id=ids["ann"],
        next_review_on=TODAY + timedelta(days=20),
        outcomes=["Addie goes to school every day"],
        family_summary="We want mornings to be calmer.",
    )
    add = col.plans.add_action
    add(plan, ActionDraft("Mentor sessions", "Ian Chair", TODAY - timedelta(days=1), ids["ian"]))
    gone, _ = add(plan, ActionDraft("Parenting course", "Ann Shah", TODAY + timedelta(days=9)))
    col.plans.cancel_action(gone, TODAY, "Found one nearer home.")
    out = col.plans.write_family_pdf(plan, tmp_path / "family.pdf")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = " ".join(
        subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    assert "Addie’s plan" in text and "Okafor" not in text
    assert "We want mornings to be calmer." in text and "Addie goes to school every day" in text
    assert "Mentor sessions" in text and "Ian Chair (Early Help Hub)" in text and "Running late" in text
    assert "Parenting course" not in text  # a step no longer needed is left out
    assert "Ann Shah at Oak Academy" in text and "0113 000 0000" in text and "OFFICIAL-SENSITIVE" in text


def test_outcome_counts_suppress_small_numbers(db: Database) -> None:
    ids = _world(db)
    col = Collection(db, "Ann Shah")
    held = TODAY - timedelta(days=10)
    children = [add_child(db, f"Child{n}", "Test", date(2013, 1, 1 + n)) for n in range(7)]
    parts = [
        ChildPart(c, "Q", decision="plan_agreed" if n < 6 else "deferred", referred_on=held - timedelta(days=5))
        for n, c in enumerate(children)
    ]
    col.meetings.record("inclusion_panel", held, "Ian", [Attendee("Ian", ids["hub"])], parts)
    plan, _ = col.plans.start(children[0], "early_help", "Ann Shah", held)
    for n in range(6):
        action, _ = col.plans.add_action(plan, ActionDraft(f"Step {n}", "Ann", held + timedelta(days=2)))
        col.plans.complete_action(action, held + timedelta(days=1 if n < 5 else 4), "Done.")
    result = col.meetings.outcomes(TODAY)
    tables = {t.title: dict(t.display()) for t in result.tables}
    # the deferral is a small count, and 6 is withheld too: the total would give the 1 away
    assert tables["Decisions made"] == {"Plan agreed": "c", "Deferred to a later meeting": "c", "Total": "7"}
    assert tables["Time from referral to the meeting"] == {"Within 2 weeks": "7", "Total": "7"}
    assert tables["Plan actions"] == {"Done on time": "c", "Done late": "c", "Total": "6"}
    assert result.meetings == 1 and result.children_discussed == 7
    assert result.on_time_rate == "withheld (too few actions to show safely)"  # 5 of 6 gives the late one away
    assert col.meetings.outcomes(TODAY, since=TODAY).tables[1].rows == ()


def test_my_actions_are_a_section_of_my_work(db: Database) -> None:
    ids = _world(db)
    col = Collection(db, "Ann Shah")
    ada = add_child(db, "Ada", "Okafor", date(2013, 3, 1))
    plan, _ = col.plans.start(ada, "early_help", "Ian Chair", TODAY - timedelta(days=9), lead_worker_id=ids["ian"])
    late, _ = col.plans.add_action(plan, ActionDraft("Call the GP", "Ann Shah", TODAY - timedelta(days=2), ids["ann"]))
    col.plans.add_action(plan, ActionDraft("Home visit", "Ian Chair", TODAY + timedelta(days=2), ids["ian"]))
    section = col.mywork.load(TODAY).section("actions")
    assert section is not None
    [item] = section.items  # Ian's action on Ian's plan is not Ann's work
    assert (item.child_id, item.title, item.tab, item.ref_id, item.overdue) == (
        ada,
        "Call the GP",
        "meetings",
        late,
        True,
    )
    assert item.detail.startswith("overdue · due") and item.child_name == "Ada Okafor"
