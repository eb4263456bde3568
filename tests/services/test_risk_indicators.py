"""Risk-of-exclusion indicators from a child's records: each indicator found lists exactly the records that show it
(and none that fall outside its rule), the cohort's set-based query agrees with the child's own evidence, and the
national rate comes from the shipped DfE figures."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from casedesk.domain.risk.config import bundled_config, load_config
from casedesk.errors import ValidationError
from casedesk.services.cohort.findings import child_findings
from casedesk.services.collection import Collection
from casedesk.store import risk_repo
from casedesk.store.database import Database
from tests.factories import add_child

TODAY = date(2026, 3, 20)


def _school(db: Database, name: str) -> str:
    with db.unit_of_work("Sam Patel") as uow:
        return uow.insert("organisations", {"name": name, "kind": "school", "urn": None})


@pytest.fixture
def col(db: Database) -> Collection:
    return Collection(db, "Sam Patel")


def _child_with_a_record(col: Collection, db: Database) -> tuple[str, dict[str, set[str]]]:
    """A Year 9 pupil with evidence for most indicators, and records beside it that must not count."""
    oak, elm = _school(db, "Oak Academy"), _school(db, "Elm High")
    child = add_child(db, "Kai", "Brennan", date(2012, 1, 10))
    ed = col.education
    ed.enrol(child, elm, date(2023, 9, 4))
    ed.enrol(child, oak, date(2025, 1, 6))  # Elm's enrolment ends: moved school (evidence)
    expected: dict[str, set[str]] = {}
    ed.add_exclusion(child, elm, "suspension", date(2024, 1, 10), ["PD"], sessions=2)  # before the two-year window
    s1, _ = ed.add_exclusion(child, oak, "suspension", date(2025, 11, 3), ["PD"], sessions=4)
    s2, _ = ed.add_exclusion(child, oak, "suspension", date(2026, 2, 9), ["VA", "DM"], sessions=6)
    expected["suspensions"] = {s1, s2}
    cin, _ = col.children.add_status(child, "child_in_need", date(2024, 2, 1), end=date(2025, 6, 30))
    expected["social_care"] = {cin}
    sen, _ = col.send.set_provision(child, "K", date(2025, 9, 1), primary_need="SEMH", today=TODAY)
    assert sen is not None
    expected["semh"] = {sen}
    expected["sen_support"] = {sen}
    fsm, _ = col.children.add_status(child, "free_school_meals", date(2024, 9, 1))
    expected["free_school_meals"] = {fsm}
    part, _ = ed.add_provision(
        child, "part_time_timetable", "Oak Academy", 6, date(2026, 2, 23), planned_end=date(2026, 4, 3)
    )
    ed.add_provision(child, "alternative_provision", "The Bridge", 2, date(2026, 1, 5))  # not part time: no
    expected["part_time"] = {part}
    arrest, _ = col.youth_justice.record_police_contact(
        child, "arrest", datetime(2026, 1, 14, 21, 0, tzinfo=UTC), "Arrested on suspicion of theft"
    )
    expected["youth_justice"] = {arrest}
    expected["school_moves"] = {e.id for e in ed.enrolments(child) if e.school_id == elm}
    return child, expected


def test_each_indicator_lists_exactly_its_evidence(col: Collection, db: Database) -> None:
    child, expected = _child_with_a_record(col, db)
    findings = {f.indicator.id: f for f in child_findings(db, child, TODAY)}
    assert {k: {e.row_id for e in f.evidence} for k, f in findings.items()} == expected
    suspensions = findings["suspensions"]
    assert [e.on for e in suspensions.evidence] == [date(2025, 11, 3), date(2026, 2, 9)]
    assert suspensions.why == "Suspension 09 Feb 2026, 6 sessions; Suspension 03 Nov 2025, 4 sessions"
    assert findings["social_care"].why == "Child in need 01 Feb 2024 – 30 Jun 2025"
    assert findings["semh"].why == "SEN support (SEMH) since 01 Sep 2025"
    assert findings["school_moves"].why == "Left Elm High 05 Jan 2025: moved school"
    assert findings["part_time"].why == "Part-time timetable since 23 Feb 2026, 6 sessions a week"
    assert findings["youth_justice"].why == "Arrest 14 Jan 2026"
    # never a bare score: every indicator present comes with its evidence and, where the DfE has one, its rate
    semh = findings["semh"].national
    assert semh is not None and semh.year == "2016/17" and semh.rate == pytest.approx(17.46)
    assert semh.ratio == pytest.approx(17.46 / 2.29) and "7.6 times" in semh.sentence()
    assert findings["suspensions"].national is None  # no national figure for it: none invented


def test_the_cohort_query_finds_the_same_indicators_as_the_child_view(col: Collection, db: Database) -> None:
    child, expected = _child_with_a_record(col, db)
    bystander = add_child(db, "Nia", "Osei", date(2013, 5, 2))
    col.children.add_status(bystander, "young_carer", date(2020, 1, 1), end=date(2021, 1, 1))  # over: no
    with db.session() as session:
        present = risk_repo.present(session, bundled_config().indicators, TODAY)
    assert set(present[child]) == set(expected) and bystander not in present


def test_a_needs_check_counts_by_its_level_or_its_domains(col: Collection, db: Database) -> None:
    child = add_child(db, "Ola", "Ade", date(2011, 4, 1))
    outcome: dict[str, Any] = {
        "domains": [
            {"id": "semh", "name": "Social, emotional and mental health", "score": 3},
            {"id": "health", "name": "Physical health", "score": 0},
        ]
    }
    with db.unit_of_work("Sam Patel") as uow:
        check = uow.insert(
            "triage_results",
            {
                "child_id": child,
                "questionnaire_id": "risk-of-exclusion",
                "questionnaire_version": "1.0",
                "state": "complete",
                "answers": {},
                "outcome": outcome,
                "level": 2,
                "author": "Sam Patel",
                "started_at": datetime(2026, 3, 1, 9, tzinfo=UTC),
                "completed_at": datetime(2026, 3, 1, 10, tzinfo=UTC),
            },
        )
    (found,) = [f for f in child_findings(db, child, TODAY) if f.indicator.id == "needs_check"]
    assert [e.row_id for e in found.evidence] == [check]
    assert found.why == "Needs check 01 Mar 2026: level 2 (Social, emotional and mental health)"


NATIONAL = {
    "file": "exclusion_natcharacteristics_201617.csv",
    "measure": "one_plus_fixed_rate",
    "describes": "x",
    "source": "y",
}


def _document(*indicators: dict[str, Any]) -> dict[str, Any]:
    cliff = {"min_indicators": 3, "statutory_support": ["child_in_need"]}
    return {"version": "1", "national": NATIONAL, "cliff_edge": cliff, "indicators": list(indicators)}


def test_a_broken_indicators_file_is_refused_with_its_paths(tmp_path: Path) -> None:
    good = bundled_config()
    assert [i.id for i in good.indicators][:3] == ["absence", "suspensions", "social_care"]
    with pytest.raises(ValidationError) as caught:
        load_config(
            _document(
                {"id": "a", "label": "A", "kind": "statuses", "statuses": ["astronaut"]},
                {"id": "b", "label": "B", "kind": "exclusions"},
            )
        )
    paths = [p for p, _ in caught.value.problems]
    assert "$.indicators[0].statuses[0]" in paths and "$.indicators[1]" in paths
    martians = {"characteristic": "Martians", "group": "m"}
    with pytest.raises(ValidationError) as caught:
        load_config(
            _document(
                {"id": "a", "label": "A", "kind": "statuses", "statuses": ["young_carer"], "national": martians},
                {"id": "a", "label": "A2", "kind": "statuses", "statuses": ["young_carer"]},
            )
        )
    assert dict(caught.value.problems) == {
        "$.indicators[0].national.characteristic": "no national figure for Martians",
        "$.indicators[1].id": "a is used twice",
    }
    broken = tmp_path / "indicators.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(ValidationError, match="not valid JSON"):
        load_config(broken)


def test_the_overview_card_lists_each_indicator_with_its_records_and_flags_the_cliff_edge(
    col: Collection, db: Database
) -> None:
    child, expected = _child_with_a_record(col, db)
    card = next(c for c in col.overview.cards(col.children.view(child), TODAY) if c.key == "risk")
    assert card.lines[0] == f"{len(expected)} of {len(bundled_config().indicators)} indicators present:"
    by_label = {line.split(" — ")[0].split(":")[0]: line for line in card.lines[1:]}
    assert by_label["• Previous suspensions or exclusions"] == (
        "• Previous suspensions or exclusions: Suspension 09 Feb 2026, 6 sessions; Suspension 03 Nov 2025, 4 sessions"
    )
    assert (
        "7.6 times the national rate for all pupils (DfE, England 2016/17)"
        in by_label["• Social, emotional and mental health need"]
    )
    assert card.flags == ("Cliff edge: several indicators and no statutory support",)
    col.care.start_period(child, "child_protection_plan", date(2026, 3, 1), category="NEG", today=TODAY)
    card = next(c for c in col.overview.cards(col.children.view(child), TODAY) if c.key == "risk")
    assert card.flags == ()  # a protection plan is statutory support
    quiet = add_child(db, "Ivy", "Lane", date(2015, 1, 1))
    card = next(c for c in col.overview.cards(col.children.view(quiet), TODAY) if c.key == "risk")
    assert card.empty and card.lines == ("None of the 11 indicators found in this record.",)


def test_a_needs_check_names_its_first_three_domains_and_counts_the_rest() -> None:
    from casedesk.domain.risk.explain import describe
    from casedesk.store.risk_repo import EvidenceRow

    check = bundled_config().indicator("needs_check")
    row = EvidenceRow("c", "triage_results", "t", date(2026, 3, 1), None, "3", "A; B; C; D; E", None)
    assert describe(check, row, TODAY) == "Needs check 01 Mar 2026: level 3 (A; B; C; 2 more)"
