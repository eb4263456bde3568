"""The merge of one alert raised on two devices: the union of evidence and of the people told, the earlier day
with its explanation, the more urgent urgency; the same result whichever arrives first."""

from __future__ import annotations

import itertools
from typing import Any

from casedesk.domain.alerts.merge import MAX_EVIDENCE, merge_alert


def _session(day: str, code: str = "O") -> dict[str, str]:
    return {"entity": "attendance_weeks", "row_id": f"week-{day[:8]}", "on": day, "text": f"{day}: {code}", "tab": "a"}


def _alert(met_on: str, evidence: list[dict[str, str]], **extra: Any) -> dict[str, Any]:
    return {
        "child_id": "c1",
        "rule_id": "recent-attendance-low",
        "rule_title": "Attendance low",
        "urgency": "soon",
        "category": "attendance",
        "period": "2025/26 autumn",
        "met_on": met_on,
        "summary": f"met on {met_on}",
        "evidence": evidence,
        "tell": [{"organisation_id": "o1", "name": "Oakwood", "why": "school"}],
        "rule_set": "Sample (1)",
        **extra,
    }


EVE = _alert("2025-11-27", [_session("2025-11-26"), _session("2025-11-27")])
ANN = _alert(
    "2025-11-28",
    [_session("2025-11-26"), _session("2025-11-27"), _session("2025-11-28")],
    tell=[
        {"organisation_id": "o1", "name": "Oakwood", "why": "school"},
        {"worker_id": "w1", "organisation_id": "o2", "name": "Sam Social", "why": "social worker"},
    ],
    urgency="urgent",
)
TOM = _alert("2025-11-28", [_session("2025-11-25", "N")], summary="another device's words")


def test_evidence_and_told_are_united_and_the_earlier_explanation_kept() -> None:
    merged = merge_alert(ANN, EVE)
    assert [e["on"] for e in merged["evidence"]] == ["2025-11-26", "2025-11-27", "2025-11-28"]
    assert [t["name"] for t in merged["tell"]] == ["Oakwood", "Sam Social"]
    assert merged["met_on"] == "2025-11-27" and merged["summary"] == "met on 2025-11-27"
    assert merged["urgency"] == "urgent"
    assert (merged["period"], merged["child_id"], merged["category"]) == (ANN["period"], "c1", "attendance")


def test_the_merge_is_the_same_in_any_order_and_idempotent() -> None:
    results = []
    for a, b, c in itertools.permutations([ANN, EVE, TOM]):
        results.append(merge_alert(merge_alert(a, b), c))
        results.append(merge_alert(a, merge_alert(b, c)))
    assert all(r == results[0] for r in results)
    assert merge_alert(results[0], EVE) == results[0] == merge_alert(results[0], results[0])


def test_past_the_limit_the_latest_evidence_is_kept() -> None:
    many = [_session(f"2025-10-{d:02d}") for d in range(1, 31)]
    merged = merge_alert(_alert("2025-10-30", many[:18]), _alert("2025-10-31", many[10:]))
    assert len(merged["evidence"]) == MAX_EVIDENCE
    assert merged["evidence"][-1]["on"] == "2025-10-30" and merged["evidence"][0]["on"] == "2025-10-11"
