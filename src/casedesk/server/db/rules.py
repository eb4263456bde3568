"""The checks every pushed value must pass before the server stores it, shared by edits and resolutions."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from casedesk.sync.entities import DATE_FIELDS, DATETIME_FIELDS, JSON_FIELDS, MAX_JSON, MAX_TEXT, EntitySpec

# One wording for a record that does not exist and one this organisation may not see, so that refusals never
# reveal whether a hidden child (or anything recorded about it) exists.
NOT_VISIBLE = "this record does not exist or is not shared with your organisation"


class Rejected(Exception):
    """A change that breaks a rule; its message is the reason shown on the device."""


def check_values(spec: EntitySpec, entity: str, fields: dict[str, Any]) -> None:
    unknown = set(fields) - spec.fields
    if unknown:
        raise Rejected(f"{entity} has no field(s) {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        if value is None:
            continue
        if name in JSON_FIELDS:
            if not isinstance(value, dict | list) or len(json.dumps(value, default=str)) > MAX_JSON:
                raise Rejected(f"{name}: expected a structured value of at most {MAX_JSON:,} characters")
            continue
        if not isinstance(value, str | int | float | bool):
            raise Rejected(f"{name}: only plain values can be stored")
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise Rejected(f"{name}: text longer than {MAX_TEXT} characters")
        try:
            if name in DATE_FIELDS:
                date.fromisoformat(str(value))
            elif name in DATETIME_FIELDS and datetime.fromisoformat(str(value)).tzinfo is None:
                raise ValueError
        except ValueError:
            raise Rejected(f"{name}: {value!r} is not a valid {'date' if name in DATE_FIELDS else 'time'}") from None


def device_of(hlc: str) -> str:
    return hlc.split("-", 2)[2] if hlc.count("-") >= 2 else ""
