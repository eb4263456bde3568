"""The schema v2/v3 records travel like the rest: the directory to every device, needs checks and referrals to
the devices that may see the child, with their structured values intact and the digest agreeing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from casedesk.domain.referrals.workflow import SharingDecision
from casedesk.paths import resource_path
from casedesk.services.directory.service import DirectoryService
from casedesk.services.referrals.service import NewReferral, ReferralService
from casedesk.services.triage.service import TriageService
from casedesk.store.journal import outbox as sync_outbox
from tests.factories import LEVEL3, Q_ID, Q_VERSION
from tests.sync.harness import Server, make_device


def test_directory_needs_checks_and_referrals_reach_the_other_device(server: Server, tmp_path: Path) -> None:
    org = server.org("Oakwood Primary School")
    other_org = server.org("Elsewhere Academy")
    for name, where in (("ann", org), ("ben", org), ("eve", other_org)):
        server.user(where, name)
    server.directory_manager("ann")  # ann adds the services everyone refers to
    ann, ben, eve = (make_device(tmp_path, n, server, n) for n in ("ann", "ben", "eve"))
    sample = json.loads(resource_path("directory", "sample_services.json").read_text())["contents"][:3]
    with ann.db.unit_of_work("ann") as uow:
        service_ids = [
            uow.insert("services", {"external_id": s["id"], "name": s["name"], "document": s}) for s in sample
        ]
    child = ann.add_child("Ada", "Okafor", org, postcode="LS6 3AB")
    draft, _ = TriageService(ann.db, "ann").start_draft(child, Q_ID, Q_VERSION)
    TriageService(ann.db, "ann").save_answers(draft.id, LEVEL3)
    result, _ = TriageService(ann.db, "ann").complete(draft.id)
    referral, _ = ReferralService(ann.db, "ann").create(
        NewReferral(
            child_id=child,
            service_id=service_ids[0],
            service_name=sample[0]["name"],
            triage_result_id=result.id,
            reason="Attendance has fallen and the family asked for help.",
            referrer={"name": "Ann", "phone": "0113"},
            sharing=SharingDecision(
                consent=True,
                consent_given_by="Mother",
                consent_given_on=date(2026, 11, 20),
                consent_scope="this referral",
                decided_by="Ann",
            ),
            sections=("identity", "triage"),
            fit_override="The family used this advice line before and asked for it.",  # levels 1–2; child is 3
        )
    )
    ReferralService(ann.db, "ann").transition(referral, "sent")
    assert ann.sync().digest_ok
    assert set(sync_outbox.count_by_state(ann.db)) == {"applied"}

    assert ben.sync().digest_ok and eve.sync().digest_ok
    assert {s.name for s in DirectoryService(ben.db, "tester").services()} == {s["name"] for s in sample}
    assert {s.name for s in DirectoryService(eve.db, "tester").services()} == {
        s["name"] for s in sample
    }  # the shared directory
    (theirs,) = ReferralService(ben.db, "tester").all()
    assert theirs.status == "sent" and theirs.sharing["consent_given_by"] == "Mother"
    assert (
        TriageService(ben.db, "tester").get_result(result.id).outcome
        == TriageService(ann.db, "tester").get_result(result.id).outcome
    )
    assert ReferralService(eve.db, "tester").all() == []  # another organisation, not involved with the child

    ReferralService(ben.db, "ben").transition(referral, "acknowledged")
    ben.sync(), ann.sync()
    assert ReferralService(ann.db, "tester").all()[0].status == "acknowledged"
    assert [e.summary.rsplit(" ", 1)[-1] for e in ReferralService(ann.db, "tester").timeline(referral)] == [
        "drafted",
        "sent",
        "acknowledged",
    ]
