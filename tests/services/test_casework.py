"""SEND, care and youth-justice records through their services over a real encrypted database: each writes its
chronology entry in the same unit of work, and bad input is refused with the record left as it was."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from casedesk.domain.casework import care, send
from casedesk.errors import ValidationError
from casedesk.services.casework.care import CareService
from casedesk.services.casework.send import SendService
from casedesk.services.casework.youth_justice import YouthJusticeService
from casedesk.services.children import ChildrenService
from casedesk.services.export import export_child, write_chronology_pdf
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from tests.factories import add_child

TODAY = date(2026, 11, 20)


@pytest.fixture
def child(db: Database) -> str:
    return add_child(db, "Ada", "Okafor", date(2014, 3, 2))


@pytest.fixture
def org_and_worker(db: Database) -> tuple[str, str]:
    with db.unit_of_work("tester") as uow:
        org = uow.insert(
            "organisations", {"name": "Leeds Children's Social Work Service", "kind": "childrens_social_care"}
        )
        worker = uow.insert("workers", {"organisation_id": org, "name": "Priya Shah", "role": "Social worker"})
    return org, worker


def _events(db: Database, child_id: str) -> list[tuple[str, str, str]]:
    with db.session() as session:
        return [(e.kind, e.category, e.summary) for e in repo.events_for_child(session, child_id)]


def _statuses(db: Database, child_id: str) -> list[tuple[str, date, date | None, str | None]]:
    with db.session() as session:
        return [(p.kind, p.start_date, p.end_date, p.detail) for p in repo.statuses_for_child(session, child_id)]


def test_an_issued_ehc_plan_replaces_sen_support_and_each_step_is_in_the_chronology(db: Database, child: str) -> None:
    service = SendService(db, "Sam Patel")
    service.set_provision(child, "K", date(2025, 1, 6), "SLCN", "SEMH", today=TODAY)
    plan_id, _ = service.save_plan(child, {"requested_on": date(2025, 9, 1)}, today=TODAY)
    service.save_plan(
        child,
        {"assessment_decided_on": date(2025, 10, 27), "assessment_decision": "agreed"},
        plan_id,
        today=TODAY,
    )
    service.save_plan(child, {"issued_on": date(2026, 2, 2), "primary_need": "SLCN"}, plan_id, today=TODAY)
    assert _statuses(db, child) == [
        ("sen_support", date(2025, 1, 6), date(2026, 2, 1), "SLCN"),
        ("ehc_plan", date(2026, 2, 2), None, "SLCN"),
    ]
    summaries = [s for kind, category, s in _events(db, child) if category == "send"]
    assert summaries[1:] == [
        "EHC needs assessment requested",
        "Agreed to assess (EHC needs assessment)",
        "EHC plan issued, week 22 of 20: primary need SLCN (Speech, language and communication needs)",
    ]
    with db.session() as session:
        issued = next(e for e in repo.events_for_child(session, child) if e.summary.startswith("EHC plan issued"))
    assert issued.body == "Late: due by 19 Jan 2026." and issued.significance == "notable"
    assert issued.related_id == plan_id
    (plan,) = service.plans(child)
    steps = send.ehc_steps(
        plan.requested_on,
        plan.assessment_decided_on,
        plan.assessment_decision,
        plan.issued_on,
        plan.last_review_on,
        plan.ceased_on,
        date(2014, 3, 2),
        TODAY,
    )
    assert [(s.name, s.late) for s in steps] == [
        ("Decision to assess", True),  # 8 weeks, not 6
        ("Plan issued (20 weeks)", True),
        ("Annual review", False),  # due 2 Feb 2027
    ]


def test_an_ehc_plan_with_steps_out_of_order_is_refused_and_nothing_is_written(db: Database, child: str) -> None:
    service = SendService(db, "Sam Patel")
    with pytest.raises(ValidationError) as refused:
        service.save_plan(
            child, {"requested_on": date(2025, 9, 1), "issued_on": date(2025, 8, 1), "primary_need": "XX"}, today=TODAY
        )
    fields = {name for name, _ in refused.value.problems}
    assert {"issued_on", "primary_need"} <= fields
    with pytest.raises(ValidationError):
        service.save_plan(child, {"requested_on": date(2027, 1, 1)}, today=TODAY)  # in the future
    assert service.plans(child) == [] and _events(db, child) == []


def test_a_provision_cannot_start_before_the_current_one_and_nsa_needs_sen_support(db: Database, child: str) -> None:
    service = SendService(db, "Sam Patel")
    service.set_provision(child, "K", date(2025, 1, 6), "NSA", today=TODAY)
    with pytest.raises(ValidationError):
        service.set_provision(child, "E", date(2024, 1, 6), "NSA", today=TODAY)
    service.set_provision(child, "N", date(2025, 6, 1), today=TODAY)
    assert _statuses(db, child) == [("sen_support", date(2025, 1, 6), date(2025, 5, 31), "NSA")]


def test_care_periods_carry_the_social_worker_and_the_cp_category(
    db: Database, child: str, org_and_worker: tuple[str, str]
) -> None:
    _, worker = org_and_worker
    service = CareService(db, "Priya Shah")
    with pytest.raises(ValidationError):
        service.start_period(child, "child_protection_plan", date(2026, 3, 1), worker, None, today=TODAY)
    with pytest.raises(ValidationError):
        service.start_period(child, "child_protection_plan", date(2026, 3, 1), worker, "BAD", today=TODAY)
    assert _statuses(db, child) == []
    service.start_period(child, "child_protection_plan", date(2026, 3, 1), worker, "NEG", today=TODAY)
    with db.session() as session:
        (period,) = repo.statuses_for_child(session, child)
    assert (period.detail, period.worker_id) == ("NEG", worker)
    assert _events(db, child) == [
        ("status_change", "safeguarding", "Child protection plan (category: neglect) from 01 Mar 2026")
    ]
    assert care.abuse_categories()["MUL"] == "Multiple/not recommended"


def test_a_pep_is_due_each_term_and_overdue_once_the_term_has_passed(
    db: Database, child: str, org_and_worker: tuple[str, str]
) -> None:
    _, worker = org_and_worker
    service = CareService(db, "Priya Shah")
    assert service.pep_warnings(child, date(2026, 1, 20))  # not looked after: the app asks first
    service.start_period(child, "looked_after", date(2025, 12, 1), worker, today=TODAY)
    assert service.pep_warnings(child, date(2026, 1, 20)) == []
    assert service.pep_state(child, date(2025, 12, 10)).due == date(2025, 12, 15)  # 10 working days
    pep_id, _ = service.add_pep(
        child,
        date(2026, 1, 20),
        designated_teacher="Mr Hall",
        officer_id=worker,
        targets="Reading age +1 year",
        today=TODAY,
    )
    (pep,) = service.peps(child)
    assert pep.next_due_on == date(2026, 8, 31)  # held in the spring term: due by the end of the summer term
    assert not service.pep_state(child, date(2026, 6, 1)).overdue
    assert service.pep_state(child, TODAY).overdue
    (event,) = [e for e in _events(db, child) if e[0] == "pep"]
    assert event == ("pep", "social_care", "Personal education plan (PEP) meeting; next due by 31 Aug 2026")
    with pytest.raises(ValidationError):
        service.add_pep(child, date(2026, 2, 1), next_due_on=date(2026, 1, 1), today=TODAY)
    assert len(service.peps(child)) == 1 and pep_id


def test_youth_justice_orders_and_police_contact_are_chronology_entries(
    db: Database, child: str, org_and_worker: tuple[str, str]
) -> None:
    org, worker = org_and_worker
    service = YouthJusticeService(db, "Jo Case")
    order_id, _ = service.add_outcome(
        child,
        "referral_order",
        date(2026, 4, 2),
        end_date=date(2026, 10, 1),
        case_manager_id=worker,
        organisation_id=org,
        offence="Theft",
        today=TODAY,
    )
    service.record_police_contact(child, "arrest", datetime(2026, 5, 3, 21, 0, tzinfo=UTC), "Arrested in town")
    with pytest.raises(ValidationError):
        service.add_outcome(child, "referral_order", date(2026, 4, 2), end_date=date(2026, 1, 1), today=TODAY)
    with pytest.raises(ValidationError):
        service.record_police_contact(child, "chat", datetime(2026, 5, 3, tzinfo=UTC), "x")
    with db.session() as session:
        events = repo.events_for_child(session, child)
    assert [(e.kind, e.significance, e.summary) for e in events] == [
        ("youth_justice_outcome", "significant", "Referral order"),
        ("arrest", "significant", "Arrest: Arrested in town"),
    ]
    assert events[0].body == "Offence: Theft.\nUntil 01 Oct 2026.\nCase manager: Priya Shah."
    assert [o.id for o in service.outcomes(child)] == [order_id]


def test_involvement_changes_are_in_the_chronology(db: Database, child: str, org_and_worker: tuple[str, str]) -> None:
    org, worker = org_and_worker
    service = ChildrenService(db, "Sam Patel")
    involvement, _ = service.add_involvement(child, org, "social_worker", date(2026, 1, 5), worker)
    with pytest.raises(ValidationError):
        service.end_involvement(involvement, date(2025, 12, 1))
    service.end_involvement(involvement, date(2026, 6, 30))
    assert [(k, s) for k, _, s in _events(db, child)][:2] == [
        ("involvement", "Involvement started: Priya Shah (Social worker), Leeds Children's Social Work Service"),
        ("involvement", "Involvement ended: Priya Shah (Social worker), Leeds Children's Social Work Service"),
    ]


def test_the_pdf_chronology_and_the_subject_access_export_include_the_casework(
    db: Database, child: str, org_and_worker: tuple[str, str], tmp_path: Path
) -> None:
    org, worker = org_and_worker
    CareService(db, "Priya Shah").start_period(child, "looked_after", date(2025, 9, 1), worker, today=TODAY)
    pep, _ = CareService(db, "Priya Shah").add_pep(child, date(2026, 1, 20), officer_id=worker, today=TODAY)
    plan, _ = SendService(db, "Sam Patel").save_plan(child, {"requested_on": date(2026, 9, 1)}, today=TODAY)
    order, _ = YouthJusticeService(db, "Jo Case").add_outcome(
        child, "youth_caution", date(2026, 4, 2), case_manager_id=worker, organisation_id=org, today=TODAY
    )
    document = export_child(db, child, "Sam Patel")
    (bundle,) = document["children"]
    assert [p["id"] for p in bundle["peps"]] == [pep] and [p["id"] for p in bundle["ehc_plans"]] == [plan]
    assert [o["id"] for o in bundle["youth_justice_outcomes"]] == [order]
    assert worker in {w["id"] for w in bundle["workers"]} and org in {o["id"] for o in bundle["organisations"]}
    assert {pep, plan, order} <= {a["row_id"] for a in bundle["audit"]}

    out = tmp_path / "chronology.pdf"
    write_chronology_pdf(db, child, "Sam Patel", out, datetime(2026, 11, 20, 12, tzinfo=UTC))
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    raw = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(raw.split())  # cells wrap onto several lines
    assert "Plans and orders" in text
    assert "held 20 Jan 2026; next due 31 Aug 2026" in text and "Youth caution" in text
    assert (
        "decision to assess due 13 Oct 2026" in text
        and "EHC needs assessment" in text
        and "late: Decision to assess" in text
    )
