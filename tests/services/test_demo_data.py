"""The synthetic caseload: reproducible for a seed, valid identifiers, a plausible mix, writable as real data."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from casedesk.domain import identifiers as ids
from casedesk.domain.validation import validate_child
from casedesk.errors import ValidationError
from casedesk.services.demo.data import STATUS_RATES, generate_demo
from casedesk.services.demo.load import seed_demo
from casedesk.services.referrals.service import ReferralService
from casedesk.store import repositories as repo
from casedesk.store.audit import verify_chain
from casedesk.store.database import Database

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo():  # type: ignore[no-untyped-def]
    return generate_demo(600, seed=11, today=TODAY)


def test_same_seed_same_data_and_another_seed_differs(demo) -> None:  # type: ignore[no-untyped-def]
    again = generate_demo(600, seed=11, today=TODAY)
    assert again.children == demo.children and again.events == demo.events
    other = generate_demo(600, seed=12, today=TODAY)
    assert other.children[0]["id"] != demo.children[0]["id"]


def test_every_child_passes_validation_with_valid_identifiers(demo) -> None:  # type: ignore[no-untyped-def]
    for child in demo.children:
        assert validate_child(child, TODAY).ok, child
        assert child.get("upn") or child.get("upn_unknown_reason")
        if child.get("upn"):
            assert ids.upn_is_valid(child["upn"]) and not ids.check_upn(child["upn"]).warnings
        assert ids.nhs_number_is_valid(child["nhs_number"]) and child["nhs_number"].startswith("999")
        assert ids.postcode_is_valid(child["postcode"])
    assert len({c["upn"] for c in demo.children if c.get("upn")}) == sum(1 for c in demo.children if c.get("upn"))
    assert len({c["nhs_number"] for c in demo.children}) == len(demo.children)


def test_status_mix_follows_the_stated_rates(demo) -> None:  # type: ignore[no-untyped-def]
    children_with = Counter(kind for _, kind in {(p["child_id"], p["kind"]) for p in demo.status_periods})
    for kind, rate in STATUS_RATES.items():
        assert abs(children_with[kind.value] / len(demo.children) - rate) < 0.05, kind


def test_chronology_spans_about_three_years_and_amendments_follow_originals(demo) -> None:  # type: ignore[no-untyped-def]
    per_child = Counter(e["child_id"] for e in demo.events)
    assert min(per_child.values()) >= 6 and 15 <= sum(per_child.values()) / len(per_child) <= 30
    earliest = min(e["occurred_at"] for e in demo.events).date()
    assert TODAY - timedelta(days=3 * 366) <= earliest <= TODAY - timedelta(days=2 * 365)
    assert all(e["recorded_at"] >= e["occurred_at"] and e["recorded_at"].date() <= TODAY for e in demo.events)
    seen: set[str] = set()
    amendments = 0
    for event in demo.events:
        if event.get("amends_id"):
            amendments += 1
            assert event["amends_id"] in seen
        seen.add(event["id"])
    assert amendments > 0


def test_every_child_has_a_school_and_agencies_match_statuses(demo) -> None:  # type: ignore[no-untyped-def]
    kinds = {o["id"]: o["kind"] for o in demo.organisations}
    involved: dict[str, set[str]] = {}
    for inv in demo.involvements:
        involved.setdefault(inv["child_id"], set()).add(kinds[inv["organisation_id"]])
    assert all("school" in involved[c["id"]] for c in demo.children)
    for period in demo.status_periods:
        if period["kind"] == "child_protection_plan":
            assert "childrens_social_care" in involved[period["child_id"]]
    assert {"school", "childrens_social_care", "youth_justice", "virtual_school", "health"} <= set(kinds.values())


def test_seed_demo_writes_through_the_unit_of_work_and_refuses_a_rerun(db: Database) -> None:
    summary = seed_demo(db, 30, seed=3, today=TODAY)
    with db.session() as session:
        counts = repo.row_counts(session)
        assert counts["children"] == 30 and counts["events"] >= summary.events  # plus referral steps
        assert repo.pending_change_count(session) > summary.events
        assert verify_chain(session).ok
    with pytest.raises(ValidationError, match="already holds the demo data"):
        seed_demo(db, 30, seed=3, today=TODAY)
    with db.session() as session:
        assert repo.row_counts(session)["children"] == 30


def test_demo_makes_referrals_in_every_state(db: Database) -> None:
    from casedesk.domain.referrals.workflow import ReferralStatus

    summary = seed_demo(db, 150, seed=5, today=TODAY)
    made = ReferralService(db, "tester").all()
    assert summary.referrals == len(made) > 0
    assert {r.status for r in made} == {s.value for s in ReferralStatus}


def test_children_home_educated_now_have_no_school_and_an_ehe_officer(demo) -> None:  # type: ignore[no-untyped-def]
    current = {
        p["child_id"] for p in demo.status_periods if p["kind"] == "elective_home_education" and not p["end_date"]
    }
    assert current
    children = {c["id"]: c for c in demo.children}
    roles: dict[str, set[str]] = {}
    for inv in demo.involvements:
        if inv["end_date"] is None:
            roles.setdefault(inv["child_id"], set()).add(inv["role"])
    for child_id in current:
        assert children[child_id]["current_school_id"] is None and "ehe_officer" in roles[child_id]
