"""A large demo holds to the rules a real record keeps (domain/coherence.py, the same rules the app warns with)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest

from casedesk.domain.casework.care import abuse_categories
from casedesk.domain.coherence import Period, pep_warnings, status_warnings
from casedesk.domain.vocab import InvolvementRole, label_of
from casedesk.services.demo import text
from casedesk.services.demo.data import generate_demo

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo():  # type: ignore[no-untyped-def]
    return generate_demo(3000, seed=5, today=TODAY)


def test_no_child_breaks_the_status_rules(demo) -> None:  # type: ignore[no-untyped-def]
    periods: dict[str, list[Period]] = defaultdict(list)
    for p in demo.status_periods:
        periods[p["child_id"]].append(Period(p["kind"], p["start_date"], p["end_date"]))
    broken = {
        c["id"]: w for c in demo.children if (w := status_warnings(periods[c["id"]], c.get("current_school_id"), TODAY))
    }
    assert broken == {}
    both = [cid for cid, ps in periods.items() if {"ehc_plan", "sen_support"} <= {p.kind for p in ps}]
    assert both, "the demo should still show children moving from SEN support to an EHC plan"


def test_a_home_educated_child_has_no_school_and_no_school_entries_after_leaving(demo) -> None:  # type: ignore[no-untyped-def]
    left = {
        p["child_id"]: p["start_date"]
        for p in demo.status_periods
        if p["kind"] == "elective_home_education" and p["end_date"] is None
    }
    assert left
    schools = {o["id"] for o in demo.organisations if o["kind"] == "school"}
    by_id = {c["id"]: c for c in demo.children}
    for child_id in left:
        assert by_id[child_id]["current_school_id"] is None
    late = [
        e
        for e in demo.events
        if e["child_id"] in left and e["organisation_id"] in schools and e["occurred_at"].date() >= left[e["child_id"]]
    ]
    assert late == []


def test_roles_are_spelled_properly(demo) -> None:  # type: ignore[no-untyped-def]
    labels = {label_of(InvolvementRole, i["role"]) for i in demo.involvements}
    assert "EHE officer" in labels and "Designated safeguarding lead" in labels
    assert not labels & {"Ehe officer", "Senco", "Designated_safeguarding_lead"}


def test_the_rules_warn_about_an_overlap_and_a_school_kept_after_leaving() -> None:
    sen = Period("sen_support", date(2024, 1, 1), None)
    ehc = Period("ehc_plan", date(2025, 1, 1), None)
    assert "EHC plan and SEN support overlap" in status_warnings([sen, ehc], None, TODAY)[0]
    assert status_warnings([sen._replace(end_date=date(2024, 12, 31)), ehc], None, TODAY) == []
    ehe = Period("elective_home_education", date(2025, 9, 1), None)
    assert "home education" in status_warnings([ehe], "school-1", TODAY)[0]
    assert status_warnings([ehe], None, TODAY) == []


def test_the_rules_warn_about_a_pep_for_a_child_not_looked_after() -> None:
    looked_after = Period("looked_after", date(2025, 9, 1), date(2026, 3, 31))
    assert pep_warnings([looked_after], [date(2025, 10, 1), date(2026, 3, 31)]) == []
    (warning,) = pep_warnings([looked_after], [date(2026, 6, 1), date(2025, 1, 5)])
    assert "not looked after on 05 Jan 2025, 01 Jun 2026" in warning


def _periods(demo) -> dict[str, list[Period]]:  # type: ignore[no-untyped-def]
    periods: dict[str, list[Period]] = defaultdict(list)
    for p in demo.status_periods:
        periods[p["child_id"]].append(Period(p["kind"], p["start_date"], p["end_date"]))
    return periods


def test_peps_only_for_looked_after_children_and_each_plan_behind_its_ehc_period(demo) -> None:  # type: ignore[no-untyped-def]
    periods = _periods(demo)
    held: dict[str, list[date]] = defaultdict(list)
    for pep in demo.peps:
        held[pep["child_id"]].append(pep["held_on"])
    assert held, "the demo should show looked-after children with PEPs"
    assert {cid: w for cid, days in held.items() if (w := pep_warnings(periods[cid], days))} == {}
    ehc_starts = {(p["child_id"], p["start_date"]) for p in demo.status_periods if p["kind"] == "ehc_plan"}
    assert {(plan["child_id"], plan["issued_on"]) for plan in demo.ehc_plans} == ehc_starts
    assert all(plan["primary_need"] != "NSA" and plan["requested_on"] < plan["issued_on"] for plan in demo.ehc_plans)
    looked_after_with_plan = {cid for cid in held if any(p.kind == "ehc_plan" for p in periods[cid])}
    assert looked_after_with_plan, "the demo should show a looked-after child with an EHC plan and PEPs"


def test_care_periods_name_a_social_worker_and_cp_plans_a_category(demo) -> None:  # type: ignore[no-untyped-def]
    care_periods = [p for p in demo.status_periods if p["kind"] in ("child_in_need", "child_protection_plan")]
    assert care_periods and all(p.get("worker_id") for p in care_periods)
    categories = {p["detail"] for p in care_periods if p["kind"] == "child_protection_plan"}
    assert categories <= set(abuse_categories()) and "NEG" in categories
    assert {o["kind"] for o in demo.youth_justice_outcomes} >= {"referral_order", "youth_caution"}


def test_chronology_titles_bodies_and_significance_belong_together(demo) -> None:  # type: ignore[no-untyped-def]
    """Every generated entry's body and significance are the ones written for its title."""
    by_title: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for kind, (_, _, _, entries) in text.EVENT_TEMPLATES.items():
        for summary, body, significance in entries:
            by_title[(kind.value, summary)].add((body, significance.value))
    names = {c["id"]: c.get("preferred_name") or c["given_name"] for c in demo.children}
    checked = 0
    for event in demo.events:
        if event.get("amends_id") or event["kind"] not in {k.value for k in text.EVENT_TEMPLATES}:
            continue
        if event.get("related_id"):  # reports its record in the record's words (tests/services/test_demo_education)
            continue
        name = names[event["child_id"]]
        expected = {
            (body.format(name=name), significance)
            for (kind, summary), pairs in by_title.items()
            if kind == event["kind"] and summary.format(name=name) == event["summary"]
            for body, significance in pairs
        }
        assert (event["body"], event["significance"]) in expected, event
        checked += 1
    assert checked > 10_000
    pep_entries = [e for e in demo.events if e["kind"] == "pep"]
    assert pep_entries and all(e["category"] == "social_care" and e["related_id"] for e in pep_entries)
    custody = [e for e in demo.events if e["kind"] == "youth_justice_outcome" and "custody" in e["summary"]]
    assert all(e["significance"] == "critical" for e in custody)
    assert not [e for e in demo.events if "Personal education plan" in e["summary"] and e["kind"] != "pep"]


def test_casework_is_held_by_the_childs_named_workers(demo) -> None:  # type: ignore[no-untyped-def]
    named = {(i["child_id"], i["organisation_id"]): i["worker_id"] for i in demo.involvements}
    orders = [o for o in demo.youth_justice_outcomes if (o["child_id"], o["organisation_id"]) in named]
    assert orders and all(o["case_manager_id"] == named[(o["child_id"], o["organisation_id"])] for o in orders)
    worker_org = {w["id"]: w["organisation_id"] for w in demo.workers}
    officers = [p for p in demo.peps if p["officer_id"]]
    assert officers and all(
        named.get((p["child_id"], worker_org[p["officer_id"]])) == p["officer_id"] for p in officers
    )
