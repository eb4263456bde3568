"""A child's education through the collection over a real encrypted database: enrolments and the current school,
suspensions and their counts, a permanent exclusion ending the enrolment, managed moves, provision flags,
removal from roll to home education opening the EHE case, and a missing-education enquiry. Every write's
`Changes` is what it journaled, and each record has its chronology entry."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from casedesk.domain.education.records import Enrolment
from casedesk.errors import ValidationError
from casedesk.services import export
from casedesk.services.collection import Collection
from casedesk.store import education_repo
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.store.journal import outbox
from tests.factories import add_child

TODAY = date(2026, 11, 23)  # autumn term 2026/27


@pytest.fixture
def col(db: Database) -> Collection:
    return Collection(db, "Sam Patel")


def _schools(db: Database, *names: str) -> list[str]:
    with db.unit_of_work("tester") as uow:
        return [uow.insert("organisations", {"name": n, "kind": "school", "urn": f"1{n[:1]}0000"[:6]}) for n in names]


def _journaled(db: Database) -> dict[str, tuple[str, str]]:
    """Every journaled change by its id: (entity, row id)."""
    return {c["change_id"]: (c["entity"], c["row_id"]) for c in outbox.pending_batch(db, 10_000)}


def _written(db: Database, before: dict[str, tuple[str, str]]) -> set[tuple[str, str]]:
    return {row for change_id, row in _journaled(db).items() if change_id not in before}


def _events(db: Database, child_id: str) -> list[str]:
    with db.session() as session:
        return [e.summary for e in repo.events_for_child(session, child_id)]


def test_enrolling_moves_the_child_and_writes_the_history(col: Collection, db: Database) -> None:
    oak, elm = _schools(db, "Oak Primary", "Elm High")
    child = add_child(db, "Ada", "Okafor", date(2014, 10, 2))
    before = _journaled(db)
    first, changes = col.education.enrol(child, oak, date(2019, 9, 4))
    written = _written(db, before)
    assert {("enrolments", first), ("children", child)} <= written
    assert changes.entities == {entity for entity, _ in written} == {"enrolments", "children", "events"}
    assert changes.row_ids == {row_id for _, row_id in written}
    col.education.enrol(child, elm, date(2025, 9, 3), previous_reason="phase_transfer")
    history = col.education.enrolments(child)
    assert [(e.school_id, e.end_date, e.leaving_reason) for e in history] == [
        (oak, date(2025, 9, 2), "phase_transfer"),
        (elm, None, None),
    ]
    with db.session() as session:
        assert repo.get_child(session, child).current_school_id == elm
    assert "Joined Elm High" in _events(db, child)
    summary = col.education.summary(child, TODAY)
    assert (summary.school, summary.year, summary.on_roll_since) == ("Elm High", "Year 7", date(2025, 9, 3))
    assert summary.moves_text == ["Left Oak Primary (moved on at the end of the phase), 02 Sep 2025"]
    with pytest.raises(ValidationError, match="already on this school's roll"):
        col.education.enrol(child, elm, date(2026, 1, 5))


def test_suspensions_are_counted_this_term_this_year_and_ever(col: Collection, db: Database) -> None:
    (oak,) = _schools(db, "Oak Academy")
    child = add_child(db, "Ben", "Ito", date(2012, 3, 1))
    col.education.enrol(child, oak, date(2023, 9, 1))
    for day, sessions in (
        (date(2025, 3, 3), 2),
        (date(2026, 5, 11), 4),
        (date(2026, 9, 15), 1),
        (date(2026, 11, 2), 6),
    ):
        col.education.add_exclusion(child, oak, "suspension", day, ["PD", "VA"], sessions=sessions)
    counts = col.education.summary(child, TODAY).suspensions
    assert (counts.term, counts.year, counts.ever, counts.permanent) == (2, 2, 4, 0)
    summaries = _events(db, child)
    assert "Suspension (6 sessions): Persistent disruptive behaviour" in summaries


@pytest.mark.parametrize(
    ("kind", "reasons", "sessions", "message"),
    [
        ("suspension", ["PD", "PD"], 2, "same reason"),
        ("suspension", ["XX"], 2, "Not a DfE reason"),
        ("suspension", [], 2, "At least one reason"),
        ("suspension", ["PD"], None, "1–90 sessions"),
        ("permanent", ["PA"], 4, "no number of sessions"),
        ("expelled", ["PA"], None, "Choose suspension"),
    ],
)
def test_a_wrong_exclusion_is_refused_and_nothing_written(
    col: Collection, db: Database, kind: str, reasons: list[str], sessions: int | None, message: str
) -> None:
    (oak,) = _schools(db, "Oak Academy")
    child = add_child(db, "Cy", "Lee", date(2012, 3, 1))
    before = _journaled(db)
    with pytest.raises(ValidationError) as raised:
        col.education.add_exclusion(child, oak, kind, date(2026, 11, 2), reasons, sessions=sessions)
    assert any(message in text for _, text in raised.value.problems)
    assert _journaled(db) == before


def test_a_permanent_exclusion_ends_the_enrolment_and_its_reviews_are_recorded(col: Collection, db: Database) -> None:
    oak, pru = _schools(db, "Oak Academy", "East PRU")
    child = add_child(db, "Dee", "Khan", date(2011, 1, 9))
    col.education.enrol(child, oak, date(2022, 9, 1))
    exclusion, _ = col.education.add_exclusion(child, oak, "permanent", date(2026, 10, 1), ["PA", "OW"])
    (ended,) = col.education.enrolments(child)
    assert (ended.end_date, ended.leaving_reason) == (date(2026, 10, 1), "permanent_exclusion")
    with db.session() as session:
        assert repo.get_child(session, child).current_school_id is None
    col.education.record_exclusion_review(exclusion, governors_review=date(2026, 10, 14), governors_decision="upheld")
    col.education.record_exclusion_review(
        exclusion, independent_review=date(2026, 11, 10), independent_review_outcome="upheld"
    )
    with pytest.raises(ValidationError):
        col.education.record_exclusion_review(exclusion, independent_review=date(2026, 9, 1))
    col.education.enrol(child, pru, date(2026, 10, 6))
    summary = col.education.summary(child, TODAY)
    assert summary.school == "East PRU" and summary.suspensions.permanent == 1
    assert summary.moves_text[0].startswith("Left Oak Academy (permanent exclusion)")
    assert {"Governors' review at Oak Academy: upheld", "Independent review panel: upheld"} <= set(_events(db, child))


def test_a_managed_move_that_succeeds_puts_the_child_on_the_host_roll(col: Collection, db: Database) -> None:
    home, host = _schools(db, "Oak Academy", "Elm High")
    child = add_child(db, "Eve", "Moss", date(2011, 6, 6))
    col.education.enrol(child, home, date(2022, 9, 1))
    move, _ = col.education.start_managed_move(child, host, date(2026, 9, 7), date(2026, 10, 16))
    summary = col.education.summary(child, date(2026, 9, 20))
    assert summary.school == "Oak Academy" and any("Managed move to Elm High" in p for p in summary.provision)
    assert col.education.summary(child, TODAY).flags == ["Managed move trial past its end date with no outcome"]
    col.education.end_managed_move(move, "successful", date(2026, 10, 19))
    home_row, host_row = col.education.enrolments(child)
    assert (home_row.end_date, home_row.leaving_reason) == (date(2026, 10, 18), "managed_move")
    assert host_row.school_id == host and host_row.end_date is None
    assert col.education.summary(child, TODAY).moves_text == [
        "Managed move to Elm High (successful: joined the host school), 07 Sep 2026"
    ]
    with pytest.raises(ValidationError, match="already ended"):
        col.education.end_managed_move(move, "returned", date(2026, 11, 1))


def test_off_rolling_stays_visible_as_a_move(col: Collection, db: Database) -> None:
    (oak,) = _schools(db, "Oak Academy")
    child = add_child(db, "Fay", "Noor", date(2010, 6, 6))
    enrolment, _ = col.education.enrol(child, oak, date(2021, 9, 1))
    col.education.end_enrolment(enrolment, date(2026, 5, 1), "off_rolled")
    summary = col.education.summary(child, TODAY)
    assert summary.moves == 1 and "possible off-rolling" in summary.moves_text[0]
    assert "Removed from roll at Oak Academy: possible off-rolling" in _events(db, child)


def test_a_part_time_timetable_past_its_end_is_flagged(col: Collection, db: Database) -> None:
    (oak,) = _schools(db, "Oak Academy")
    child = add_child(db, "Gus", "Owen", date(2013, 6, 6))
    col.education.enrol(child, oak, date(2024, 9, 1))
    with pytest.raises(ValidationError, match="highlighted"):
        col.education.add_provision(child, "part_time_timetable", "Oak Academy", 6, date(2026, 9, 1))
    ptt, _ = col.education.add_provision(
        child, "part_time_timetable", "Oak Academy", 6, date(2026, 9, 1), planned_end=date(2026, 10, 23)
    )
    col.education.add_provision(child, "alternative_provision", "Pathways AP", 4, date(2026, 9, 1))
    summary = col.education.summary(child, TODAY)
    assert summary.flags == ["Part-time timetable past its planned end (23 Oct 2026)"]
    assert len(summary.provision) == 2
    col.education.update_provision(ptt, end_date=date(2026, 11, 20))
    assert col.education.summary(child, TODAY).flags == []


def test_removal_to_home_education_opens_the_ehe_case(col: Collection, db: Database) -> None:
    (oak,) = _schools(db, "Oak Academy")
    with db.unit_of_work("tester") as uow:
        team = uow.insert("organisations", {"name": "EHE Team", "kind": "early_help"})
        officer = uow.insert("workers", {"organisation_id": team, "name": "Pat Reed", "role": "EHE officer"})
    child = add_child(db, "Hal", "Park", date(2012, 2, 2))
    col.education.enrol(child, oak, date(2023, 9, 1))
    case_id, changes = col.education.remove_to_home_education(
        child, date(2026, 11, 6), notified_on=date(2026, 11, 9), officer_id=officer
    )
    assert {"enrolments", "children", "status_periods", "ehe_cases", "involvements", "events"} <= changes.entities
    with db.session() as session:
        assert repo.get_child(session, child).current_school_id is None
        (ehe,) = [s for s in repo.statuses_for_child(session, child) if s.kind == "elective_home_education"]
        (inv,) = repo.involvements_for_child(session, child)
    assert ehe.start_date == date(2026, 11, 7) and (inv.organisation_id, inv.role) == (team, "ehe_officer")
    (enrolment,) = col.education.enrolments(child)
    assert enrolment.leaving_reason == "elective_home_education"
    summary = col.education.summary(child, TODAY)
    assert summary.school == "No school: electively home educated"
    assert summary.home_education is not None and "first contact due 23 Nov 2026" in summary.home_education
    assert col.education.summary(child, date(2026, 11, 24)).flags == ["First contact overdue since 23 Nov 2026"]
    with pytest.raises(ValidationError, match="already has an open"):
        col.education.remove_to_home_education(child, date(2026, 11, 10))
    col.education.add_ehe_visit(case_id, date(2026, 11, 20), "not_suitable")
    col.education.ehe_attendance_order(case_id, date(2026, 11, 21))
    summary = col.education.summary(child, TODAY)
    assert summary.flags == [] and summary.home_education.startswith("School attendance order route since")
    col.education.ehe_return_to_school(case_id, oak, date(2026, 11, 23))
    with db.session() as session:
        assert repo.get_child(session, child).current_school_id == oak
        assert education_repo.for_child(session, Enrolment, child)[-1].end_date is None
        ended = [s for s in repo.statuses_for_child(session, child) if s.kind == "elective_home_education"]
    assert ended[0].end_date == date(2026, 11, 22)


def test_a_missing_education_enquiry_records_its_steps(col: Collection, db: Database) -> None:
    child = add_child(db, "Ivy", "Quinn", date(2013, 2, 2))
    enquiry, _ = col.education.open_cme_enquiry(child, date(2026, 11, 2), "absent_ten_days")
    col.education.add_cme_step(enquiry, date(2026, 11, 3), "home_visit", "No answer; neighbours say moved")
    col.education.add_cme_step(enquiry, date(2026, 11, 5), "other_la")
    with pytest.raises(ValidationError):
        col.education.add_cme_step(enquiry, date(2026, 10, 1), "police")
    view = col.education.view(child, TODAY)
    assert [s.step for s in view.records.cme_steps] == ["home_visit", "other_la"]
    assert "2 step(s)" in (col.education.summary(child, TODAY).missing_education or "")
    col.education.close_cme_enquiry(enquiry, date(2026, 11, 12), "found_other_la")
    assert col.education.summary(child, TODAY).flags == []
    assert "Missing education enquiry closed: found in another local authority" in _events(db, child)


def test_the_national_curriculum_year() -> None:
    from casedesk.domain.education.rules import national_curriculum_year, year_label

    on = date(2026, 11, 23)
    assert year_label(national_curriculum_year(date(2021, 9, 1), on)) == "Reception"
    assert year_label(national_curriculum_year(date(2022, 8, 31), on)) == "Reception"
    assert year_label(national_curriculum_year(date(2022, 9, 1), on)) == "Nursery"
    assert year_label(national_curriculum_year(date(2011, 9, 1), on)) == "Year 10"
    assert year_label(national_curriculum_year(date(2011, 8, 31), on)) == "Year 11"
    assert national_curriculum_year(date(2011, 8, 31), date(2027, 8, 31)) == 11
    assert national_curriculum_year(date(2011, 8, 31), date(2027, 9, 1)) == 12


def test_the_subject_access_export_and_the_pdf_chronology_include_education(
    col: Collection, db: Database, tmp_path: Path
) -> None:
    oak, elm = _schools(db, "Oak Academy", "Elm High")
    child = add_child(db, "Jo", "Ray", date(2012, 2, 2))
    col.education.enrol(child, oak, date(2023, 9, 1))
    col.education.add_exclusion(child, oak, "suspension", date(2026, 10, 5), ["DA"], sessions=2)
    col.education.start_managed_move(child, elm, date(2026, 11, 2))
    document = export.export_child(db, child, "Sam Patel")
    (bundle,) = document["children"]
    assert [e["school_id"] for e in bundle["enrolments"]] == [oak]
    assert bundle["exclusions"][0]["reason_1"] == "DA" and bundle["managed_moves"][0]["host_school_id"] == elm
    assert {o["name"] for o in bundle["organisations"]} >= {"Oak Academy", "Elm High"}
    audited = {a["entity"] for a in bundle["audit"]}
    assert {"enrolments", "exclusions", "managed_moves"} <= audited
    pdf = col.children.write_chronology_pdf(child, tmp_path / "chronology.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = " ".join(text.split())  # table cells wrap their text
    assert "Drug and alcohol related" in words and "Joined Oak Academy" in words and "Elm High" in words
