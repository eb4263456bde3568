"""What each counted record gives the dashboards: a fact of the few fields they group by (`report_facts`), never a
name or free text. `extract` is the one place a record's JSON is read; `facts` keeps the facts caught up.

A record type not in `EXTRACT` is never counted. Police contacts and arrests are the only chronology entries kept
(and any entry that amends another, so an amended contact counts by its latest version, as on the device).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import cache
from typing import Any

from casedesk.domain.attendance.codes import codes
from casedesk.domain.attendance.week import SESSIONS
from casedesk.domain.vocab import EventKind

Fact = dict[str, Any]
OPENED = "opened"  # a directory usage record of a service opened, not a search
MAX_FOUND = 10  # the services a search's fact keeps, first in the results first
POLICE_KINDS = frozenset({EventKind.POLICE_CONTACT.value, EventKind.ARREST.value})


def _day(value: Any) -> str | None:
    """The ISO day of a date or timestamp field ("2026-03-04T10:00:00+00:00" → "2026-03-04")."""
    text = str(value or "")[:10]
    try:
        date.fromisoformat(text)
    except ValueError:
        return None
    return text


def _days_between(start: Any, end: Any) -> int | None:
    a, b = _day(start), _day(end)
    if a is None or b is None:
        return None
    return (date.fromisoformat(b) - date.fromisoformat(a)).days


def _district(postcode: Any) -> str | None:
    """The outward code of a postcode (the district), never the full postcode."""
    text = " ".join(str(postcode or "").upper().split())
    if len(text) < 5:
        return None
    return (text.split(" ")[0] if " " in text else text[:-3]).strip() or None


@cache
def _weights() -> dict[str, tuple[int, int]]:
    """Per attendance code: (1 if a possible session, 1 if an absence)."""
    return {code: (int(c.category.counted), int(c.category.absent)) for code, c in codes().items()}


def _children(d: Mapping[str, Any]) -> Fact:
    return {
        "school_id": d.get("current_school_id"),
        "on_day": _day(d.get("date_of_birth")),
        "kind": d.get("sex"),
        "detail": _district(d.get("postcode")),
    }


def tags(codes: Iterable[Any]) -> str | None:
    """ ",a,b," (sorted, each once), so SQL can group by it and `LIKE '%,a,%'` finds one; None when empty."""
    found = sorted({str(code) for code in codes if code})
    text = "," + ",".join(found) + ","
    return text[:400] if found else None


def tag_list(text: str | None) -> list[str]:
    return [code for code in (text or "").split(",") if code]


def _triage(d: Mapping[str, Any]) -> Fact | None:
    if d.get("state") != "complete":
        return None
    outcome = d.get("outcome") or {}
    domains = [x.get("id") for x in outcome.get("domains", ()) if isinstance(x, dict) and x.get("score")]
    return {"on_day": _day(d.get("completed_at")), "level": d.get("level"), "tags": tags(domains)}


def _referral(d: Mapping[str, Any]) -> Fact | None:
    if not d.get("sent_at"):
        return None  # a draft was never a referral to anyone
    return {
        "on_day": _day(d.get("sent_at")),
        "kind": d.get("status"),
        "detail": str(d.get("service_name") or "")[:100],
        "other_id": d.get("service_id"),
        "flag": bool(d.get("inappropriate")),
        "n1": _days_between(d.get("sent_at"), d.get("acknowledged_at")),
        "until_day": _day(d.get("acknowledged_at")),  # working days are counted at report time (holidays change)
        "level": d.get("ack_within_days"),
    }


def _exclusion(d: Mapping[str, Any]) -> Fact:
    return {
        "school_id": d.get("school_id"),
        "on_day": _day(d.get("first_day")),
        "kind": d.get("kind"),
        "n1": d.get("sessions"),
    }


def _move(d: Mapping[str, Any]) -> Fact:
    return {
        "school_id": d.get("home_school_id"),
        "other_id": d.get("host_school_id"),
        "on_day": _day(d.get("start_date")),
        "kind": d.get("outcome") or "under_way",
    }


def _ehe(d: Mapping[str, Any]) -> Fact:
    return {
        "school_id": d.get("previous_school_id"),
        "on_day": _day(d.get("notified_on")),
        "until_day": _day(d.get("closed_on")),
        "kind": d.get("status"),
    }


def _status(d: Mapping[str, Any]) -> Fact:
    return {
        "on_day": _day(d.get("start_date")),
        "until_day": _day(d.get("end_date")),
        "kind": d.get("kind"),
        "detail": str(d.get("detail") or "")[:100] or None,
        "tags": tags([d.get("detail"), d.get("secondary_detail")]),  # SEN needs, primary and secondary
    }


def _ehc_plan(d: Mapping[str, Any]) -> Fact | None:
    """An issued EHC plan: statutory support from its issue until it ceases, with its needs."""
    if not d.get("issued_on"):
        return None  # a request still being assessed is no plan yet
    return {
        "on_day": _day(d.get("issued_on")),
        "until_day": _day(d.get("ceased_on")),
        "kind": "ehc_plan",
        "detail": str(d.get("primary_need") or "")[:100] or None,
        "tags": tags([d.get("primary_need"), d.get("secondary_need")]),
    }


def _youth_justice(d: Mapping[str, Any]) -> Fact:
    return {"on_day": _day(d.get("outcome_on")), "until_day": _day(d.get("end_date")), "kind": d.get("kind")}


def _event(d: Mapping[str, Any]) -> Fact | None:
    """A police contact or arrest, or an entry amending another (`other_id`: the one it amends), by kind and day."""
    kind, amends = d.get("kind"), d.get("amends_id")
    if kind not in POLICE_KINDS and not amends:
        return None
    return {"on_day": _day(d.get("occurred_at")), "kind": str(kind or "")[:40], "other_id": amends}


def _enrolment(d: Mapping[str, Any]) -> Fact:
    return {
        "school_id": d.get("school_id"),
        "on_day": _day(d.get("start_date")),
        "until_day": _day(d.get("end_date")),
        "kind": d.get("leaving_reason"),
    }


def _provision(d: Mapping[str, Any]) -> Fact:
    return {"on_day": _day(d.get("start_date")), "until_day": _day(d.get("end_date")), "kind": d.get("kind")}


def _search(d: Mapping[str, Any]) -> Fact:
    """A search's criteria: where it was made, the level, the district and the need domains asked for, and what it
    found (how many services, the first few by id: `n1`, `extra`); or a service opened from the results (`kind`
    "opened", `other_id` the service)."""
    raw = d.get("criteria")
    criteria: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
    if criteria.get("source") == OPENED:
        return {"on_day": _day(d.get("searched_on")), "kind": OPENED, "other_id": str(criteria.get("service"))[:36]}
    domains = [*(criteria.get("domains") or ()), criteria.get("need")]
    level, found = criteria.get("level"), criteria.get("found")
    services = [str(s)[:36] for s in criteria.get("services") or () if s][:MAX_FOUND]
    return {
        "on_day": _day(d.get("searched_on")),
        "kind": str(criteria.get("source") or "directory")[:40],
        "level": level if isinstance(level, int) and not isinstance(level, bool) else None,
        "detail": str(criteria.get("district") or "")[:100] or None,
        "tags": tags(domains),
        "n1": found if isinstance(found, int) and not isinstance(found, bool) and found >= 0 else None,
        "extra": {"services": services} if services else None,
    }


def _week(d: Mapping[str, Any]) -> Fact:
    weights = _weights()
    possible = missed = 0
    school = None
    for name in SESSIONS:
        value = d.get(name)
        if not value:
            continue
        code, _, rest = str(value).partition("|")
        counted, absent = weights.get(code, (0, 0))
        possible += counted
        missed += absent
        school = school or (rest.split("|")[0] or None)
    return {"school_id": school, "on_day": _day(d.get("week_start")), "n1": possible, "n2": missed}


EXTRACT: dict[str, Callable[[Mapping[str, Any]], Fact | None]] = {
    "children": _children,
    "triage_results": _triage,
    "referrals": _referral,
    "exclusions": _exclusion,
    "managed_moves": _move,
    "ehe_cases": _ehe,
    "status_periods": _status,
    "enrolments": _enrolment,
    "provisions": _provision,
    "directory_searches": _search,
    "ehc_plans": _ehc_plan,
    "youth_justice_outcomes": _youth_justice,
    "events": _event,
    "attendance_weeks": _week,
}


def extract(entity: str, row_id: str, child_id: str | None, org_id: str | None, data: Mapping[str, Any]) -> Fact | None:
    """The fact a record gives, or None when no dashboard counts it."""
    found = EXTRACT[entity](data)
    if found is None:
        return None
    return {"entity": entity, "row_id": row_id, "child_id": child_id, "org_id": org_id, **found}
