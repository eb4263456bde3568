"""EHC plans, PEPs, youth justice outcomes and care periods with their social worker travel like the rest: to the
devices that may see the child (with their chronology entries), never to an organisation not involved."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from casedesk.services.casework.care import CareService
from casedesk.services.casework.send import SendService
from casedesk.services.casework.youth_justice import YouthJusticeService
from casedesk.store import repositories as repo
from tests.sync.harness import Server, make_device

TODAY = date(2026, 11, 20)


def test_casework_records_reach_the_devices_that_see_the_child(server: Server, tmp_path: Path) -> None:
    org = server.org("Oakwood Primary School")
    other_org = server.org("Elsewhere Academy")
    for name, where in (("ann", org), ("ben", org), ("eve", other_org)):
        server.user(where, name)
    ann, ben, eve = (make_device(tmp_path, n, server, n) for n in ("ann", "ben", "eve"))
    child = ann.add_child("Ada", "Okafor", org)
    with ann.db.unit_of_work("ann") as uow:
        worker = uow.insert("workers", {"organisation_id": org, "name": "Priya Shah", "role": "Social worker"})
    care, send, yj = CareService(ann.db, "ann"), SendService(ann.db, "ann"), YouthJusticeService(ann.db, "ann")
    care.start_period(child, "looked_after", date(2025, 9, 1), worker, today=TODAY)
    pep, _ = care.add_pep(child, date(2026, 1, 20), officer_id=worker, targets="Phonics", today=TODAY)
    plan, _ = send.save_plan(
        child,
        {
            "requested_on": date(2025, 3, 3),
            "assessment_decided_on": date(2025, 4, 7),
            "assessment_decision": "agreed",
            "issued_on": date(2025, 7, 14),
            "primary_need": "SEMH",
        },
        today=TODAY,
    )
    order, _ = yj.add_outcome(
        child, "youth_rehabilitation_order", date(2026, 5, 1), case_manager_id=worker, today=TODAY
    )
    yj.record_police_contact(child, "police_contact", datetime(2026, 4, 2, 20, tzinfo=UTC), "Stopped and searched")
    assert ann.sync().digest_ok
    assert ben.sync().digest_ok and eve.sync().digest_ok

    assert [p.id for p in CareService(ben.db, "ben").peps(child)] == [pep]
    assert [(p.id, p.issued_on) for p in SendService(ben.db, "ben").plans(child)] == [(plan, date(2025, 7, 14))]
    assert [(o.id, o.case_manager_id) for o in YouthJusticeService(ben.db, "ben").outcomes(child)] == [(order, worker)]
    with ben.db.session() as session:
        statuses = {(p.kind, p.worker_id) for p in repo.statuses_for_child(session, child)}
        theirs = {e.summary for e in repo.events_for_child(session, child)}
    with ann.db.session() as session:
        ours = {e.summary for e in repo.events_for_child(session, child)}
    assert ("looked_after", worker) in statuses and ("ehc_plan", None) in statuses
    assert theirs == ours and "Police contact: Stopped and searched" in theirs
    assert CareService(eve.db, "eve").peps(child) == []  # another organisation, not involved with the child
    assert SendService(eve.db, "eve").plans(child) == []
    assert YouthJusticeService(eve.db, "eve").outcomes(child) == []

    # An edit made on the other device comes back: the plan's first annual review.
    SendService(ben.db, "ben").save_plan(child, {"last_review_on": date(2026, 7, 1)}, plan, today=TODAY)
    assert ben.sync().digest_ok and ann.sync().digest_ok
    assert SendService(ann.db, "ann").plans(child)[0].last_review_on == date(2026, 7, 1)
