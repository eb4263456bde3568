"""A large demo holds to the rules a real record keeps (domain/coherence.py, the same rules the app warns with)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest

from casedesk.domain.coherence import Period, status_warnings
from casedesk.domain.vocab import InvolvementRole, label_of
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
