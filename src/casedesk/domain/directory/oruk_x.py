"""CaseDesk's extension to ORUK services: the `x_casedesk` object and its schema.

ORUK 3.0 has no place for levels of need, triage domains, referral routes or expectation cards, but its schemas
allow extra properties. Putting CaseDesk's fields in one namespaced object keeps exported files valid ORUK, lets
other tools ignore what they do not understand, and lets CaseDesk validate its own part as strictly as the rest.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from casedesk.domain.directory.model import Service
from casedesk.domain.directory.oruk_schema import ImportIssue, format_checker, schema_issues
from casedesk.paths import resource_path

EXTENSION_KEY = "x_casedesk"


@cache
def extension_validator() -> Draft202012Validator:
    with resource_path("directory", "schemas", "x_casedesk.schema.json").open(encoding="utf-8") as handle:
        return Draft202012Validator(json.load(handle), format_checker=format_checker())


def extension_issues(value: Any, file: str, path: tuple[str | int, ...]) -> list[ImportIssue]:
    """Problems in one service's extension object, located like schema errors."""
    return schema_issues(extension_validator(), value, file, path)


def extension_of(service: Service) -> dict[str, Any]:
    """The `x_casedesk` object for a service; empty parts are left out so plain ORUK services stay plain."""
    card = service.expectation_card
    ext: dict[str, Any] = {
        "sample": service.sample,
        "levels": list(service.levels),
        "need_domains": list(service.need_domains),
        "typical_wait": service.typical_wait,
        "typical_wait_days": service.typical_wait_days,
        "last_reviewed": service.last_reviewed.isoformat() if service.last_reviewed else None,
        "expectation_card": {
            "does": list(card.does),
            "does_not": list(card.does_not),
            "referrer_must_first": list(card.referrer_must_first),
            "referral_must_include": list(card.referral_must_include),
        },
        "tags": list(service.tags),
        "needs": list(service.needs),
        "eligibility": service.eligibility,
        "review_owner": service.review_owner,
    }
    if service.referral_route:
        ext["referral_route"] = {
            "method": service.referral_route.method.value,
            "address": service.referral_route.address,
        }
    if not any(ext["expectation_card"].values()):
        del ext["expectation_card"]
    if not service.sample:
        del ext["sample"]
    return {key: value for key, value in ext.items() if value is not None and value != "" and value != []}
