"""Data-quality rules: identifiers whose check digits fail or that are missing, statuses that two organisations
hold differently today, children nobody has changed for a long time, and children of school age with no school."""

from __future__ import annotations

from datetime import date

from casedesk.domain.feed.quality import (
    Child,
    Kind,
    Row,
    duplicate_problems,
    identifier_problems,
    stale,
    status_conflicts,
    without_school,
)
from casedesk.domain.identifiers import make_nhs_number, make_upn

TODAY = date(2025, 3, 1)
UPN = make_upn("383", "2000", 12, 1)


def _child(child_id: str = "c1", changed: date | None = TODAY, **data: object) -> Child:
    return Child(child_id, "school", {"date_of_birth": "2012-05-01", "upn": UPN, **data}, changed)


def test_identifiers_with_bad_check_digits_or_missing_are_problems() -> None:
    bad_upn = ("A" if UPN[0] != "A" else "B") + UPN[1:]
    good_nhs = make_nhs_number("943476587")
    problems = identifier_problems(
        [
            _child("ok", nhs_number=good_nhs),
            _child("upn", upn=bad_upn),
            _child("none", upn=None),
            _child("reason", upn=None, upn_unknown_reason="UN2"),
            _child("nhs", nhs_number="9434765871"),
        ]
    )
    found = {(p.child_id, p.detail.split(":")[0]) for p in problems}
    assert found == {
        ("upn", f"UPN {bad_upn}"),
        ("none", "No UPN, and no reason recorded why it is not known"),
        ("nhs", "NHS number 9434765871"),
    }
    assert all(p.kind is Kind.IDENTIFIER and p.row_id == p.child_id for p in problems)


def _status(owner: str, kind: str, start: str, end: str | None = None, child: str = "c1") -> Row:
    data = {"kind": kind, "start_date": start, "end_date": end}
    return Row("status_periods", f"{owner}-{kind}", child, owner, data)


def test_organisations_disagreeing_about_a_status_today_is_a_conflict_for_each() -> None:
    rows = [
        _status("school", "looked_after", "2023-01-01"),
        _status("care", "looked_after", "2023-01-01", "2024-06-30"),
        _status("school", "child_in_need", "2023-01-01"),
        _status("care", "child_in_need", "2023-01-01"),  # both say open: no conflict
        _status("school", "sen_support", "2023-01-01"),  # not one social care holds
    ]
    problems = status_conflicts(rows, TODAY)
    assert {(p.org_id, p.kind) for p in problems} == {("school", Kind.STATUS_CONFLICT), ("care", Kind.STATUS_CONFLICT)}
    assert "Looked after" in problems[0].detail and "ended for care" in problems[0].detail


def test_a_child_nobody_changed_for_longer_than_the_set_time_is_stale() -> None:
    children = [_child("old", changed=date(2024, 6, 1)), _child("new", changed=date(2025, 2, 1))]
    assert [p.child_id for p in stale(children, TODAY, 180)] == ["old"]
    assert stale(children, TODAY, 365) == []


def test_a_school_age_child_with_no_school_is_a_problem_unless_placed_or_home_educated() -> None:
    children = [
        _child("none"),
        _child("current", current_school_id="s1"),
        _child("enrolled"),
        _child("involved"),
        _child("ehe"),
        _child("left", date_of_birth="2005-01-01"),  # 20: past school age
    ]
    rows = [
        Row("enrolments", "e1", "enrolled", "s1", {"start_date": "2024-09-01"}),
        Row("involvements", "i1", "involved", "s1", {"organisation_id": "s1", "start_date": "2024-09-01"}),
        Row("status_periods", "p1", "ehe", "la", {"kind": "elective_home_education", "start_date": "2024-09-01"}),
        Row("enrolments", "e2", "none", "s1", {"start_date": "2023-09-01", "end_date": "2024-07-20"}),  # left
    ]
    assert [p.child_id for p in without_school(children, rows, {"s1"}, TODAY)] == ["none"]


def test_probable_duplicates_name_each_other_and_twins_are_left_alone() -> None:
    children = [
        _child("a", upn=None, given_name="Ada", family_name="Okafor", postcode="LS6 3AB"),
        _child("b", upn=None, given_name="Ada", family_name="Okafur", postcode="LS6 3AB"),
        _child("t1", upn=None, given_name="Amy", family_name="Smith", postcode="LS7 2AB", date_of_birth="2014-03-03"),
        _child("t2", upn=None, given_name="Ben", family_name="Smith", postcode="LS7 2AB", date_of_birth="2014-03-03"),
    ]
    problems = duplicate_problems(children)
    assert sorted(p.child_id for p in problems) == ["a", "b"]
    first = next(p for p in problems if p.child_id == "a")
    assert first.kind is Kind.DUPLICATE and "Ada Okafur (b)" in first.detail and "date of birth" in first.detail
