"""The demo's education records over a large demo hold to the rules a real record keeps
(domain/education/coherence.py through domain/coherence.py, the rules the app warns with), and cover every kind."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import pytest

from casedesk.domain.coherence import education_warnings
from casedesk.domain.education.records import Enrolment, Exclusion
from casedesk.domain.education.rules import national_curriculum_year
from casedesk.services.demo.data import generate_demo

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo():  # type: ignore[no-untyped-def]
    return generate_demo(3000, seed=5, today=TODAY)


def _by_child(rows, record_type):  # type: ignore[no-untyped-def]
    grouped = defaultdict(list)
    for row in rows:
        grouped[row["child_id"]].append(record_type(**row))
    return grouped


def test_no_child_breaks_the_school_history_rules(demo) -> None:  # type: ignore[no-untyped-def]
    enrolments = _by_child(demo.enrolments, Enrolment)
    exclusions = _by_child(demo.exclusions, Exclusion)
    home = {
        p["child_id"]
        for p in demo.status_periods
        if p["kind"] == "elective_home_education" and p["start_date"] <= TODAY and p["end_date"] is None
    }
    broken = {
        c["id"]: w
        for c in demo.children
        if (
            w := education_warnings(
                enrolments[c["id"]], exclusions[c["id"]], c["id"] in home, c.get("current_school_id"), TODAY
            )
        )
    }
    assert broken == {}
    assert all(enrolments[c["id"]] for c in demo.children), "every child has a school history"


def test_every_kind_of_record_is_there_and_each_has_its_chronology_entry(demo) -> None:  # type: ignore[no-untyped-def]
    kinds = Counter(x["kind"] for x in demo.exclusions)
    born = {c["id"]: c["date_of_birth"] for c in demo.children}
    assert all(national_curriculum_year(born[x["child_id"]], x["first_day"]) >= 2 for x in demo.exclusions)
    assert kinds["suspension"] > 300 and 0 < kinds["permanent"] < 100
    assert {m["outcome"] for m in demo.managed_moves} >= {None, "returned"}
    assert {p["kind"] for p in demo.provisions} == {"alternative_provision", "part_time_timetable"}
    assert any(
        p["kind"] == "part_time_timetable" and p["end_date"] is None and p["planned_end_date"] < TODAY
        for p in demo.provisions
    ), "a part-time timetable past its end, to be flagged"
    assert demo.ehe_cases and demo.ehe_visits and demo.cme_enquiries and demo.cme_steps
    related = {e["related_id"] for e in demo.events if e.get("related_id")}
    for table in ("exclusions", "managed_moves", "provisions", "ehe_cases", "ehe_visits", "cme_enquiries"):
        assert {r["id"] for r in getattr(demo, table)} <= related, table
    for event in demo.events:  # the chronology's own suspension entries became records, not loose words
        if event["kind"] in ("suspension", "permanent_exclusion") and not event.get("amends_id"):
            assert event.get("related_id") and event["category"] == "education"


def test_a_permanent_exclusion_ends_the_enrolment_and_home_education_has_its_case(demo) -> None:  # type: ignore[no-untyped-def]
    enrolments = _by_child(demo.enrolments, Enrolment)
    children = {c["id"]: c for c in demo.children}
    for x in demo.exclusions:
        if x["kind"] == "permanent":
            left = [e for e in enrolments[x["child_id"]] if e.school_id == x["school_id"] and e.end_date]
            assert left and left[-1].leaving_reason == "permanent_exclusion" and left[-1].end_date == x["first_day"]
            assert children[x["child_id"]]["current_school_id"] != x["school_id"]
    open_cases = {c["child_id"] for c in demo.ehe_cases if c["closed_on"] is None}
    home = {
        p["child_id"] for p in demo.status_periods if p["kind"] == "elective_home_education" and p["end_date"] is None
    }
    assert open_cases == home
    for child_id in home:
        assert children[child_id]["current_school_id"] is None
        assert enrolments[child_id][-1].leaving_reason == "elective_home_education"


def test_the_rules_warn_about_what_a_user_might_record() -> None:
    oak = Enrolment("e1", "c", "oak", date(2024, 9, 1))
    assert "still on a school's roll" in education_warnings([oak], [], True, None, TODAY)[0]
    excluded = Exclusion("x1", "c", "oak", "permanent", date(2026, 10, 1), "PA")
    assert any("still on that school's roll" in w for w in education_warnings([oak], [excluded], False, "oak", TODAY))
    ended = oak.__class__("e1", "c", "oak", date(2024, 9, 1), date(2026, 10, 1), "permanent_exclusion")
    assert education_warnings([ended], [excluded], False, None, TODAY) == []
    elsewhere = Exclusion("x2", "c", "elm", "suspension", date(2026, 10, 1), "PD", sessions=2)
    assert "not on the roll" in education_warnings([oak], [elsewhere], False, "oak", TODAY)[0]
    elm = Enrolment("e2", "c", "elm", date(2025, 9, 1))
    assert "two schools' rolls" in education_warnings([oak, elm], [], False, "elm", TODAY)[0]


def test_entries_reporting_a_record_say_what_the_record_holds(demo) -> None:  # type: ignore[no-untyped-def]
    exclusions = {x["id"]: x for x in demo.exclusions}
    checked = 0
    for event in demo.events:
        record = exclusions.get(event.get("related_id") or "")
        if record is None or record["kind"] != "suspension":
            continue
        sessions = f"{record['sessions']} session"
        assert sessions in event["summary"] and sessions in event["body"], event
        assert event["significance"] == "significant" and event["category"] == "education"
        checked += 1
    assert checked > 300
