"""The sources of "My work" against hand-built records: PEPs, EHC annual reviews and home-education contacts due
soon or late for the user's children (and not for other children), needs checks in draft, sync conflicts waiting,
and a feature adding a section by registering a source."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from casedesk import config
from casedesk.config import Profile
from casedesk.services.mywork import registry
from casedesk.services.mywork.registry import WorkContext, WorkItem, register
from casedesk.services.mywork.service import MyWorkService
from casedesk.store.database import Database
from tests.factories import add_child

TODAY = date(2025, 11, 28)


def _area(db: Database) -> dict[str, str]:
    db.put(config.PROFILE, Profile(name="Val Officer", role="Virtual school officer", organisation="Virtual School"))
    with db.unit_of_work("tester") as uow:
        vs = uow.insert("organisations", {"name": "Virtual School", "kind": "virtual_school"})
        me = uow.insert("workers", {"organisation_id": vs, "name": "Val Officer"})
        other = uow.insert("workers", {"organisation_id": vs, "name": "Someone Else"})
    return {"vs": vs, "me": me, "other": other}


def _child(db: Database, area: dict[str, str], name: str, worker: str) -> str:
    child = add_child(db, name, "Tester", date(2012, 2, 2))
    with db.unit_of_work("tester") as uow:
        uow.insert(
            "involvements",
            {
                "child_id": child,
                "organisation_id": area["vs"],
                "worker_id": area[worker],
                "role": "virtual_school_officer",
                "start_date": date(2024, 1, 1),
            },
        )
        uow.insert("status_periods", {"child_id": child, "kind": "looked_after", "start_date": date(2024, 1, 1)})
    return child


def _add(db: Database, table: str, **values: object) -> str:
    with db.unit_of_work("tester") as uow:
        return uow.insert(table, values)


def test_work_due_for_my_children_and_not_for_others(db: Database) -> None:
    area = _area(db)
    soon = _child(db, area, "Sana", "me")
    late = _child(db, area, "Leo", "me")
    elsewhere = _child(db, area, "Omar", "other")
    _add(db, "peps", child_id=soon, held_on=date(2025, 6, 1), next_due_on=TODAY + timedelta(days=10))
    _add(db, "peps", child_id=late, held_on=date(2025, 3, 1), next_due_on=date(2025, 9, 1))
    _add(db, "peps", child_id=late, held_on=date(2024, 9, 1), next_due_on=date(2025, 3, 1))  # superseded
    _add(db, "peps", child_id=elsewhere, held_on=date(2025, 3, 1), next_due_on=date(2025, 9, 1))
    _add(db, "peps", child_id=soon, held_on=date(2024, 6, 1), next_due_on=date(2024, 12, 1))  # older
    _add(
        db,
        "ehc_plans",
        child_id=soon,
        requested_on=date(2024, 5, 1),
        issued_on=TODAY.replace(year=2024) + timedelta(days=20),
    )
    _add(
        db,
        "ehc_plans",
        child_id=late,
        requested_on=date(2024, 1, 1),
        issued_on=date(2024, 6, 1),
        last_review_on=date(2025, 6, 1),
    )
    _add(
        db,
        "ehe_cases",
        child_id=soon,
        notified_on=TODAY - timedelta(days=3),
        first_contact_due=TODAY + timedelta(days=5),
    )
    case = _add(
        db,
        "ehe_cases",
        child_id=late,
        notified_on=date(2024, 9, 1),
        first_contact_due=date(2024, 9, 15),
        first_contact_on=date(2024, 9, 10),
    )
    _add(db, "ehe_visits", case_id=case, child_id=late, visited_on=date(2024, 12, 1), outcome="suitable")
    started = datetime(2025, 11, 20, 10, tzinfo=UTC)
    for child, author in ((soon, "Val Officer"), (elsewhere, "Someone Else")):
        _add(
            db,
            "triage_results",
            child_id=child,
            questionnaire_id="q",
            questionnaire_version="1",
            answers={},
            author=author,
            started_at=started,
        )

    work = MyWorkService(db, "Val Officer").load(TODAY)
    assert not work.everyone and work.me.worker_ids == frozenset({area["me"]})

    def listed(key: str) -> list[tuple[str, str, bool]]:
        section = work.section(key)
        assert section is not None
        return [(i.child_name, i.detail, i.overdue) for i in section.items]

    assert listed("peps") == [
        ("Leo Tester", "overdue since 01 Sep 2025", True),
        ("Sana Tester", "due 08 Dec 2025", False),
    ]
    assert listed("ehc_reviews") == [("Sana Tester", "due 18 Dec 2025", False)]
    assert listed("ehe_visits") == [("Leo Tester", "due 01 Dec 2025", False), ("Sana Tester", "due 03 Dec 2025", False)]
    visits = work.section("ehe_visits").items  # type: ignore[union-attr]
    assert [i.title for i in visits] == [
        "Home education: visit (last contact 01 Dec 2024)",
        "Home education: first contact",
    ]
    assert {i.tab for i in visits} == {"home_education"}
    assert listed("drafts") == [("Sana Tester", "started by Val Officer, 20 Nov 2025", False)]
    assert work.section("alerts") is not None


def test_a_user_named_on_no_child_sees_every_child_and_conflicts_are_listed(db: Database) -> None:
    area = _area(db)
    child = _child(db, area, "Omar", "other")
    _add(db, "peps", child_id=child, held_on=date(2025, 3, 1), next_due_on=date(2025, 9, 1))
    db.put_member(
        config.CONFLICTS,
        "c1",
        {
            "conflict_id": "c1",
            "entity": "children",
            "row_id": child,
            "child_id": child,
            "field": "postcode",
            "critical": True,
            "kept": "LS1 1AA",
            "candidates": [{"value": "LS1 1AA"}, {"value": "LS2 2BB"}],
            "state": "open",
        },
    )
    work = MyWorkService(db, "Nobody Named").load(TODAY)
    assert work.everyone
    assert [i.child_name for i in work.section("peps").items] == ["Omar Tester"]  # type: ignore[union-attr]
    [conflict] = work.section("conflicts").items  # type: ignore[union-attr]
    assert conflict.child_id == child and conflict.tab == "sync" and conflict.urgent
    assert conflict.title == "Two values for children · postcode"


def test_a_feature_adds_a_section_by_registering_a_source(db: Database) -> None:
    @register("example", "Example work", 15, "No example work.")
    def example(ctx: WorkContext) -> list[WorkItem]:
        return [WorkItem("example", None, "", "Something to do", f"for {ctx.me.name}", ctx.today)]

    try:
        work = MyWorkService(db, "Sam").load(TODAY)
        keys = [s.key for s in work.sections]
        assert keys.index("alerts") < keys.index("example") < keys.index("referrals")
        assert [i.detail for i in work.section("example").items] == ["for Sam"]  # type: ignore[union-attr]
    finally:
        del registry._REGISTRY["example"]
