"""Education records travel to the devices that may see the child and no others: a school records enrolment,
a suspension, a part-time timetable and the removal from roll to home education; the EHE team, named by that
removal, then receives the whole education history and records its visit back; another school receives nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from casedesk.server.db import accounts as admin
from casedesk.services.collection import Collection
from casedesk.store import education_repo
from casedesk.store import repositories as repo
from tests.sync.harness import Server, make_device


def _held(device_db: object, child_id: str) -> dict[str, int]:
    with device_db.session() as session:  # type: ignore[attr-defined]
        records = education_repo.records_for_child(session, child_id)
    return {
        "enrolments": len(records.enrolments),
        "exclusions": len(records.exclusions),
        "provisions": len(records.provisions),
        "ehe_cases": len(records.ehe_cases),
        "ehe_visits": len(records.ehe_visits),
    }


def test_education_records_reach_the_devices_that_may_see_the_child(server: Server, tmp_path: Path) -> None:
    oak = server.org("Oak Academy")
    elm = server.org("Elm High")
    team = admin.create_org(server.store, "Elective Home Education Team", "early_help")
    for name, where in (("ann", oak), ("eve", team), ("zed", elm)):
        server.user(where, name)
    ann, eve, zed = (make_device(tmp_path, n, server, n) for n in ("ann", "eve", "zed"))
    with eve.db.unit_of_work("eve") as uow:
        officer = uow.insert("workers", {"organisation_id": team, "name": "Eve Shaw", "role": "EHE officer"})
    assert eve.sync().digest_ok and ann.sync().digest_ok

    school = Collection(ann.db, "ann").education
    child = ann.add_child("Ada", "Okafor", oak, postcode="LS6 3AB")
    school.enrol(child, oak, date(2023, 9, 4))
    school.add_exclusion(child, oak, "suspension", date(2026, 10, 5), ["PD", "VA"], sessions=4)
    school.add_provision(
        child, "part_time_timetable", "Oak Academy", 6, date(2026, 10, 12), planned_end=date(2026, 11, 6)
    )
    assert ann.sync().digest_ok
    assert zed.sync().digest_ok and eve.sync().digest_ok
    for device in (eve, zed):  # neither is involved yet
        assert _held(device.db, child) == dict.fromkeys(_held(ann.db, child), 0)

    case_id, _ = school.remove_to_home_education(child, date(2026, 11, 13), officer_id=officer)
    assert ann.sync().digest_ok and eve.sync().digest_ok and zed.sync().digest_ok
    expected = {"enrolments": 1, "exclusions": 1, "provisions": 1, "ehe_cases": 1, "ehe_visits": 0}
    assert _held(ann.db, child) == expected
    assert _held(eve.db, child) == expected
    assert _held(zed.db, child) == dict.fromkeys(expected, 0)
    with eve.db.session() as session:
        assert repo.get_child(session, child).current_school_id is None
        summaries = [e.summary for e in repo.events_for_child(session, child)]
    assert "Removed from roll at Oak Academy for elective home education" in summaries

    home = Collection(eve.db, "eve").education
    home.add_ehe_visit(case_id, date(2026, 11, 20), "suitable", "Structured learning at home; good resources.")
    assert eve.sync().digest_ok and ann.sync().digest_ok
    assert _held(ann.db, child)["ehe_visits"] == 1
    summary = school.summary(child, date(2026, 11, 23))
    assert summary.home_education is not None and "last visit 20 Nov 2026: suitable education" in summary.home_education
    assert zed.sync().digest_ok and _held(zed.db, child)["ehe_visits"] == 0


def test_a_child_leaving_the_view_takes_its_education_records_and_waits_for_them_to_be_pushed(
    tmp_path: Path,
) -> None:
    """Purging a child (it left the organisation's view) removes its education records too, and a device holding
    an education change not yet pushed defers the purge (the deferral looks at every row under the child)."""
    from casedesk.store.journal import apply
    from tests.factories import add_child, new_database

    db = new_database(tmp_path / "device.db")
    with db.unit_of_work("tester") as uow:
        oak = uow.insert("organisations", {"name": "Oak Academy", "kind": "school"})
    child = add_child(db, "Ada", "Okafor", date(2012, 1, 2))
    school = Collection(db, "ann").education
    school.enrol(child, oak, date(2023, 9, 4))
    exclusion, _ = school.add_exclusion(child, oak, "suspension", date(2026, 10, 5), ["PD"], sessions=2)
    case, _ = school.remove_to_home_education(child, date(2026, 11, 13))
    visit, _ = school.add_ehe_visit(case, date(2026, 11, 20), "suitable")
    with db.engine.begin() as conn:
        held = set(apply.child_row_ids(conn, child))
        assert {exclusion, case, visit} <= held
        stats = apply.PageStats()
        apply.purge_or_defer(conn, [child], apply.pending_fields(conn), stats)
        assert stats.deferred == [child]  # its changes are still waiting to be pushed
        apply.purge_child(conn, child)
    assert _held(db, child) == dict.fromkeys(_held(db, child), 0)
    with db.session() as session:
        assert repo.child_ids(session) == []
