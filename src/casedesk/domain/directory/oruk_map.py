"""ORUK 3.0 objects (already validated) as directory records, including CaseDesk's `x_casedesk` extension.

Kept apart from parsing so the JSON reader, the CSV reader (which assembles ORUK 3.0-shaped objects from rows) and
the ORUK 1.0 reader (which converts to 3.0 first) share one mapping and cannot drift apart.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from casedesk.domain.directory.model import (
    Contact,
    CostOption,
    ExpectationCard,
    Location,
    Organization,
    Phone,
    ReferralMethod,
    ReferralRoute,
    Schedule,
    Service,
    ServiceArea,
    TaxonomyTerm,
)
from casedesk.domain.directory.oruk_v1 import derived_id
from casedesk.domain.directory.oruk_x import EXTENSION_KEY


def services_from_record(record: dict[str, Any], kind: str) -> list[Service]:
    """The services a validated record carries (an organization may carry several, a taxonomy none)."""
    if kind == "service":
        return [service_from_oruk3(record)]
    if kind == "organization":
        org = {k: v for k, v in record.items() if k != "services"}
        return [service_from_oruk3({"organization": org, **s}) for s in record.get("services") or ()]
    if kind == "service_at_location":
        service = dict(record["service"])
        sal = {"id": record.get("id"), "location": record.get("location")}
        service["service_at_locations"] = [sal, *(service.get("service_at_locations") or ())]
        return [service_from_oruk3(service)]
    return []


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return int(float(value))


def _float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


def organization_from(obj: dict[str, Any]) -> Organization:
    return Organization(
        obj["id"],
        _text(obj.get("name")),
        _text(obj.get("description")),
        obj.get("email"),
        obj.get("website") or obj.get("url"),
    )


def term_from(obj: dict[str, Any], attribute_id: str | None = None) -> TaxonomyTerm:
    return TaxonomyTerm(
        obj["id"],
        _text(obj.get("name") or obj.get("term")),
        _text(obj.get("taxonomy")),
        obj.get("term_uri"),
        attribute_id,
    )


def _location(sal: dict[str, Any]) -> Location | None:
    loc = sal.get("location")
    if not isinstance(loc, dict) or not loc.get("id"):
        return None
    address: dict[str, Any] = next(iter(loc.get("addresses") or ()), {})
    return Location(
        loc["id"],
        _text(loc.get("name")),
        _text(loc.get("description")),
        _text(address.get("address_1")),
        _text(address.get("city")),
        _text(address.get("postal_code")),
        _float(loc.get("latitude")),
        _float(loc.get("longitude")),
        sal.get("id"),
        address.get("id"),
        _text(address.get("state_province")),
    )


def _contacts(obj: dict[str, Any]) -> tuple[Contact, ...]:
    contacts = [
        Contact(
            c["id"],
            _text(c.get("name")),
            _text(c.get("title")),
            c.get("email"),
            tuple(Phone(p["id"], _text(p.get("number")), _text(p.get("description"))) for p in c.get("phones") or ()),
        )
        for c in obj.get("contacts") or ()
    ]
    loose = tuple(Phone(p["id"], _text(p.get("number")), _text(p.get("description"))) for p in obj.get("phones") or ())
    if loose:
        contacts.append(Contact(derived_id(loose[0].id, "contact"), phones=loose))  # phones without a contact
    return tuple(contacts)


def service_from_oruk3(obj: dict[str, Any]) -> Service:
    """A validated ORUK 3.0 service object (with any `x_casedesk` extension) as a `Service`."""
    org = obj.get("organization")
    ext = obj.get(EXTENSION_KEY) or {}
    return Service(
        id=obj["id"],
        name=_text(obj.get("name")),
        description=_text(obj.get("description")),
        status=_text(obj.get("status")) or "active",
        organization=organization_from(org) if isinstance(org, dict) and org.get("id") else None,
        url=obj.get("url"),
        email=obj.get("email"),
        fees=_text(obj.get("fees")),
        minimum_age=_int(obj.get("minimum_age")),
        maximum_age=_int(obj.get("maximum_age")),
        last_modified=obj.get("last_modified"),
        locations=tuple(loc for sal in obj.get("service_at_locations") or () if (loc := _location(sal))),
        contacts=_contacts(obj),
        schedules=tuple(
            Schedule(
                s["id"],
                _text(s.get("description")),
                s.get("freq"),
                s.get("byday"),
                s.get("opens_at"),
                s.get("closes_at"),
                _text(s.get("attending_type")),
            )
            for s in obj.get("schedules") or ()
        ),
        cost_options=tuple(
            CostOption(c["id"], _text(c.get("option")), _float(c.get("amount")), _text(c.get("amount_description")))
            for c in obj.get("cost_options") or ()
        ),
        service_areas=tuple(
            ServiceArea(
                a["id"],
                _text(a.get("name") or a.get("service_area")),
                _text(a.get("service_area")) if a.get("service_area") != a.get("name") else "",
                a.get("extent_type"),
                a.get("uri"),
            )
            for a in obj.get("service_areas") or ()
        ),
        taxonomy_terms=tuple(
            term_from(a["taxonomy_term"], a.get("id"))
            for a in obj.get("attributes") or ()
            if isinstance(a.get("taxonomy_term"), dict)
        ),
        languages=tuple(
            _text(lang.get("name") or lang.get("code"))
            for lang in obj.get("languages") or ()
            if lang.get("name") or lang.get("code")
        ),
        **casedesk_fields(ext),
    )


def casedesk_fields(ext: dict[str, Any]) -> dict[str, Any]:
    """`Service` keyword arguments from a validated `x_casedesk` extension; absent parts keep their defaults."""
    fields: dict[str, Any] = {}
    if "levels" in ext:
        fields["levels"] = tuple(sorted(set(ext["levels"])))
    if "need_domains" in ext:
        fields["need_domains"] = tuple(ext["need_domains"])
    if isinstance(ext.get("referral_route"), dict):
        route = ext["referral_route"]
        fields["referral_route"] = ReferralRoute(ReferralMethod(route["method"]), _text(route.get("address")))
    for key in ("typical_wait",):
        if key in ext:
            fields[key] = _text(ext[key])
    if ext.get("typical_wait_days") is not None:
        fields["typical_wait_days"] = int(ext["typical_wait_days"])
    if ext.get("last_reviewed"):
        fields["last_reviewed"] = date.fromisoformat(ext["last_reviewed"])
    if isinstance(ext.get("expectation_card"), dict):
        card = ext["expectation_card"]
        fields["expectation_card"] = ExpectationCard(
            *(
                tuple(card.get(part) or ())
                for part in ("does", "does_not", "referrer_must_first", "referral_must_include")
            )
        )
    if "tags" in ext:
        fields["tags"] = tuple(ext["tags"])
    if "sample" in ext:
        fields["sample"] = bool(ext["sample"])
    if "needs" in ext:
        fields["needs"] = tuple(ext["needs"])
    for key in ("eligibility", "review_owner"):
        if key in ext:
            fields[key] = _text(ext[key])
    return fields
