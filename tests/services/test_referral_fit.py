"""A service that does not fit the child, or that already declined the child as inappropriate, needs an explicit
override with a reason before a referral to it is saved; the reason travels with the referral."""

from __future__ import annotations

from datetime import date

import pytest

from casedesk.domain.referrals.workflow import THRESHOLD_REASON
from casedesk.errors import ValidationError
from casedesk.services.directory.service import DirectoryService
from casedesk.services.referrals.service import NewReferral, ReferralService
from casedesk.services.triage.service import TriageService
from casedesk.store import referral_repo
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from tests.factories import CONSENT, LEVEL3, Q_ID, Q_VERSION, REFERRER, add_child


@pytest.fixture
def setting(db: Database) -> dict[str, str]:
    DirectoryService(db, "tester").load_sample()
    services = {s.name: s.id for s in DirectoryService(db, "tester").services()}
    child = add_child(db, "Ada", "Okafor", date(2014, 3, 2), postcode="LS6 3AB")
    checks = TriageService(db, "tester")
    draft, _ = checks.start_draft(child, Q_ID, Q_VERSION)
    checks.save_answers(draft.id, LEVEL3)
    result, _ = checks.complete(draft.id)
    return {"child": child, "result": result.id, **services}


def new(setting: dict[str, str], service: str, **extra: object) -> NewReferral:
    return NewReferral(
        child_id=setting["child"],
        service_id=setting[service],
        service_name=service,
        reason="Attendance has fallen and the family asked for help with mornings.",
        sharing=CONSENT,
        referrer=REFERRER,
        triage_result_id=setting["result"],
        **extra,  # type: ignore[arg-type]
    )


def test_a_service_that_does_not_fit_needs_a_reason(db: Database, setting: dict[str, str]) -> None:
    problems = ReferralService(db, "tester").fit_problems(
        setting["child"], setting["Crisis Mental Health Team"], setting["result"]
    )
    assert problems and "serves level 4; this child is level 3" in problems[0]
    with pytest.raises(ValidationError) as refused:
        ReferralService(db, "tester").create(new(setting, "Crisis Mental Health Team", fit_override="because"))
    field, message = refused.value.problems[-1]
    assert field == "fit_override" and "does not fit this child (serves level 4" in message
    with db.session() as session:
        assert referral_repo.list_referrals(session, setting["child"]) == []

    why = "The school nurse saw new self-harm marks today; CAMHS asked us to go to the crisis team."
    referral_id, _ = ReferralService(db, "t").create(new(setting, "Crisis Mental Health Team", fit_override=why))
    with db.session() as session:
        stored = referral_repo.get_referral(session, referral_id)
        entry = max(repo.events_for_child(session, setting["child"]), key=lambda e: e.recorded_at)
    assert stored.fit_override == why
    assert "Referred although the service does not fit (serves level 4" in (entry.body or "") and why in entry.body


def test_a_fitting_service_needs_no_reason_and_keeps_none(db: Database, setting: dict[str, str]) -> None:
    assert (
        ReferralService(db, "tester").fit_problems(
            setting["child"], setting["Attendance Support Team"], setting["result"]
        )
        == []
    )
    referral_id, _ = ReferralService(db, "tester").create(
        new(setting, "Attendance Support Team", fit_override="a reason nobody asked for")
    )

    with db.session() as session:
        assert referral_repo.get_referral(session, referral_id).fit_override is None


def test_a_service_that_declined_the_child_as_inappropriate_needs_a_reason(
    db: Database, setting: dict[str, str]
) -> None:
    first, _ = ReferralService(db, "tester").create(new(setting, "Attendance Support Team"))
    ReferralService(db, "tester").transition(first, "sent")
    ReferralService(db, "tester").transition(first, "declined", reason=THRESHOLD_REASON)
    with db.session() as session:
        assert referral_repo.get_referral(session, first).inappropriate
    problems = ReferralService(db, "tester").fit_problems(
        setting["child"], setting["Attendance Support Team"], setting["result"]
    )
    assert problems == ["this service has already declined this child as an inappropriate referral"]
    with pytest.raises(ValidationError):
        ReferralService(db, "tester").create(new(setting, "Attendance Support Team"))
