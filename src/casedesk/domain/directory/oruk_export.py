"""Directory services written as ORUK 3.0 service objects that validate against the UK profile schema.

Export is how an area shares its directory with other tools, so it must be plain ORUK first: every required
property is present, absent values are left out rather than written as empty strings that would fail format
checks, and CaseDesk's own fields go in the `x_casedesk` extension (allowed by ORUK, ignored by others).
"""

from __future__ import annotations

from typing import Any

from casedesk.domain.directory.model import Location, Service
from casedesk.domain.directory.oruk_schema import ImportIssue, oruk3_validator, schema_issues
from casedesk.domain.directory.oruk_v1 import derived_id
from casedesk.domain.directory.oruk_x import EXTENSION_KEY, extension_of


def _compact(obj: dict[str, Any]) -> dict[str, Any]:
    """Drop None and empty values: ORUK treats a missing property as unknown, but '' as a (possibly bad) value."""
    return {key: value for key, value in obj.items() if value not in (None, "", [], {})}


def _location(service: Service, location: Location) -> dict[str, Any]:
    loc = _compact(
        {
            "id": location.id,
            "location_type": "physical",
            "name": location.name,
            "description": location.description,
            "latitude": location.latitude,
            "longitude": location.longitude,
        }
    )
    if location.address_1 or location.postal_code:
        loc["addresses"] = [
            {
                "id": location.address_id or derived_id(location.id, "address"),
                "location_id": location.id,
                "address_1": location.address_1,
                "city": location.city,
                "state_province": location.state_province,
                "postal_code": location.postal_code,
                "country": "GB",
                "address_type": "physical",
            }
        ]
    sal_id = location.service_at_location_id or derived_id(service.id, "sal", location.id)
    return {"id": sal_id, "service_id": service.id, "location_id": location.id, "location": loc}


def service_to_oruk3(service: Service) -> dict[str, Any]:
    """One service as an ORUK 3.0 `service` object."""
    org = service.organization
    obj: dict[str, Any] = _compact(
        {
            "id": service.id,
            "organization_id": org.id if org else None,
            "name": service.name,
            "description": service.description,
            "url": service.url,
            "email": service.email,
            "status": service.status,
            "fees": service.fees,
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "last_modified": service.last_modified,
        }
    )
    if org:
        obj["organization"] = _compact(
            {"id": org.id, "name": org.name, "description": org.description, "email": org.email, "website": org.website}
        )
        obj["organization"].setdefault("description", "")
    lists: dict[str, list[dict[str, Any]]] = {
        "service_at_locations": [_location(service, loc) for loc in service.locations],
        "contacts": [
            _compact(
                {
                    "id": c.id,
                    "service_id": service.id,
                    "name": c.name,
                    "title": c.title,
                    "email": c.email,
                    "phones": [
                        _compact({"id": p.id, "contact_id": c.id, "number": p.number, "description": p.description})
                        for p in c.phones
                    ],
                }
            )
            for c in service.contacts
        ],
        "schedules": [
            _compact(
                {
                    "id": s.id,
                    "service_id": service.id,
                    "description": s.description,
                    "freq": s.freq,
                    "byday": s.byday,
                    "opens_at": s.opens_at,
                    "closes_at": s.closes_at,
                    "attending_type": s.attending_type,
                }
            )
            for s in service.schedules
        ],
        "cost_options": [
            _compact(
                {
                    "id": c.id,
                    "service_id": service.id,
                    "option": c.option,
                    "amount": c.amount,
                    "amount_description": c.amount_description,
                }
            )
            for c in service.cost_options
        ],
        "service_areas": [
            _compact(
                {
                    "id": a.id,
                    "service_id": service.id,
                    "name": a.name,
                    "service_area": a.description or a.name,
                    "extent_type": a.extent_type,
                    "uri": a.uri,
                }
            )
            for a in service.service_areas
        ],
        "attributes": [
            {
                "id": t.attribute_id or derived_id(service.id, "attribute", t.id),
                "link_id": service.id,
                "link_type": "service",
                "taxonomy_term_id": t.id,
                "taxonomy_term": _compact(
                    {"id": t.id, "name": t.name, "description": t.name, "taxonomy": t.taxonomy, "term_uri": t.term_uri}
                ),
            }
            for t in service.taxonomy_terms
        ],
        "languages": [
            {"id": derived_id(service.id, "language", name), "service_id": service.id, "name": name}
            for name in service.languages
        ],
    }
    obj.update({key: value for key, value in lists.items() if value})
    extension = extension_of(service)
    if extension:
        obj[EXTENSION_KEY] = extension
    return obj


def to_oruk3(services: list[Service] | tuple[Service, ...]) -> list[dict[str, Any]]:
    """Services as ORUK 3.0 service objects, in the order given."""
    return [service_to_oruk3(service) for service in services]


def to_oruk3_page(services: list[Service] | tuple[Service, ...]) -> dict[str, Any]:
    """All services as one ORUK 3.0 API page, the shape `casedesk import directory` reads back."""
    contents = to_oruk3(services)
    return {
        "total_items": len(contents),
        "total_pages": 1,
        "page_number": 1,
        "size": len(contents),
        "first_page": True,
        "last_page": True,
        "empty": not contents,
        "contents": contents,
    }


def export_issues(objects: list[dict[str, Any]], file: str = "export") -> list[ImportIssue]:
    """Schema problems in exported objects (expected to be none; the export command refuses to write otherwise)."""
    issues: list[ImportIssue] = []
    for index, obj in enumerate(objects):
        issues += schema_issues(oruk3_validator("service"), obj, file, (index,))
    return issues
