"""ORUK 1.0 (HSDS 1.1 based) services converted to ORUK 3.0 shape.

Many council feeds still publish ORUK 1.0. Rather than a second mapping to `Service`, a 1.0 record is rewritten as
the equivalent 3.0 object (eligibility ages onto the service, regular schedules as weekly schedules, physical
addresses as location addresses, service taxonomies as attributes) and then read like any 3.0 service. The CSV
reader builds the same 1.0-shaped dicts from HSDS 1.1 tables and uses this too.
"""

from __future__ import annotations

import uuid
from typing import Any

# Keys only ORUK 1.0 services carry: how a single object is told apart from an ORUK 3.0 one.
ORUK1_ONLY_KEYS = frozenset(
    {
        "eligibilitys",
        "regular_schedules",
        "holiday_schedules",
        "service_taxonomys",
        "deliverable_type",
        "attending_access",
        "attending_type",
        "physical_addresses",
        "reviews",
    }
)

_WEEKDAYS = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}
_WEEKDAY_NAMES = {
    name.lower(): code
    for code, name in enumerate(("", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"))
    if name
}


def derived_id(*parts: object) -> str:
    """A stable UUID for an object ORUK 1.0 has no id for, so re-imports update instead of duplicating."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "casedesk:" + "/".join(str(part) for part in parts)))


def _list(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _weekday(value: Any) -> str | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    if text.isdigit():
        return _WEEKDAYS.get(int(text))
    code = _WEEKDAY_NAMES.get(text.lower())
    return _WEEKDAYS[code] if code else text[:2].upper()


def _ages(eligibilitys: list[dict[str, Any]]) -> tuple[Any, Any]:
    lows = [e["minimum_age"] for e in eligibilitys if e.get("minimum_age") not in (None, "")]
    highs = [e["maximum_age"] for e in eligibilitys if e.get("maximum_age") not in (None, "")]
    return (min(lows, key=float) if lows else None, max(highs, key=float) if highs else None)


def _location(sal: dict[str, Any], service_id: str) -> dict[str, Any]:
    nested = sal.get("location")
    loc: dict[str, Any] = nested if isinstance(nested, dict) else sal
    address = next(iter(_list(loc.get("physical_addresses"))), None)
    result: dict[str, Any] = {
        "id": loc.get("id") or derived_id(service_id, "location"),
        "location_type": "physical",
        "name": loc.get("name") or "",
        "description": loc.get("description") or "",
        "latitude": loc.get("latitude"),
        "longitude": loc.get("longitude"),
    }
    if address:
        result["addresses"] = [{**address, "address_type": "physical"}]
    return {"id": sal.get("id") if sal is not loc else derived_id(service_id, "sal", result["id"]), "location": result}


def oruk1_to_oruk3(item: dict[str, Any]) -> dict[str, Any]:
    """An ORUK 1.0 service (as in a `/services` page, or assembled from HSDS 1.1 CSV) in ORUK 3.0 shape."""
    service_id = str(item.get("id") or "")
    low, high = _ages(_list(item.get("eligibilitys")))
    schedules = []
    for sched in _list(item.get("regular_schedules")):
        day = _weekday(sched.get("weekday"))
        schedules.append(
            {
                "id": sched.get("id") or derived_id(service_id, "schedule", day, sched.get("opens_at")),
                "freq": "WEEKLY",
                "byday": day,
                "opens_at": sched.get("opens_at"),
                "closes_at": sched.get("closes_at"),
                "description": sched.get("description") or "",
                "attending_type": item.get("attending_type") or "",
            }
        )
    areas = [
        {
            "id": a.get("id") or derived_id(service_id, "area", index),
            "name": a.get("service_area") or a.get("name") or "",
            "service_area": a.get("description") or a.get("service_area") or "",
        }
        for index, a in enumerate(_list(item.get("service_areas")))
    ]
    attributes = []
    for link in _list(item.get("service_taxonomys")):
        taxonomy = link.get("taxonomy")
        term: dict[str, Any] = taxonomy if isinstance(taxonomy, dict) else {}
        if term.get("id"):
            term3 = {"id": term["id"], "name": term.get("name") or "", "taxonomy": term.get("vocabulary") or ""}
            attributes.append(
                {"id": link.get("id") or derived_id(service_id, "attr", term["id"]), "taxonomy_term": term3}
            )
    contacts = [
        {
            "id": c.get("id") or derived_id(service_id, "contact", index),
            "name": c.get("name") or "",
            "title": c.get("title") or "",
            "email": c.get("email"),
            "phones": [
                {
                    "id": p.get("id") or derived_id(service_id, "phone", p.get("number")),
                    "number": str(p.get("number") or ""),
                    "description": p.get("description") or "",
                }
                for p in _list(c.get("phones"))
            ],
        }
        for index, c in enumerate(_list(item.get("contacts")))
    ]
    result: dict[str, Any] = {
        key: item[key]
        for key in ("id", "name", "description", "url", "email", "status", "fees", "accreditations")
        if item.get(key) not in (None, "")
    }
    result.update(
        minimum_age=low,
        maximum_age=high,
        schedules=schedules,
        service_areas=areas,
        service_at_locations=[
            _location(sal, service_id) for sal in _list(item.get("service_at_locations") or item.get("locations"))
        ],
        contacts=contacts,
        phones=[
            {
                "id": p.get("id") or derived_id(service_id, "phone", p.get("number")),
                "number": str(p.get("number") or ""),
                "description": p.get("description") or "",
            }
            for p in _list(item.get("phones"))
        ],
        cost_options=[
            {
                "id": c.get("id") or derived_id(service_id, "cost", index),
                "option": c.get("option") or "",
                "amount": c.get("amount"),
                "amount_description": c.get("amount_description") or "",
            }
            for index, c in enumerate(_list(item.get("cost_options")))
        ],
        attributes=attributes,
        languages=[
            {
                "id": lang.get("id") or derived_id(service_id, "lang", lang.get("language")),
                "name": lang.get("language") or "",
            }
            for lang in _list(item.get("languages"))
        ],
    )
    if isinstance(item.get("organization"), dict):
        org = item["organization"]
        result["organization"] = {
            "id": org.get("id"),
            "name": org.get("name") or "",
            "description": org.get("description") or "",
            "email": org.get("email"),
            "website": org.get("url"),
        }
    if item.get("wait_time"):
        result.setdefault("x_casedesk", {})["typical_wait"] = str(item["wait_time"])
    return result
