"""The checks every pushed value must pass before the server stores it, shared by edits and resolutions.

The types, ranges and vocabularies are the record catalogue's (`casedesk.domain.schema`): a value is refused
when a device could not store it, and stored in the one canonical form every device stores, so digests agree.
"""

from __future__ import annotations

from typing import Any

from casedesk.domain.schema import ValueRefused, canonical_fields
from casedesk.sync.entities import EntitySpec

# One wording for a record that does not exist and one this organisation may not see, so that refusals never
# reveal whether a hidden child (or anything recorded about it) exists.
NOT_VISIBLE = "this record does not exist or is not shared with your organisation"

SCOPE_FIELDS = frozenset({"organisation_id", "end_date"})  # involvement fields that decide who sees the child


class Rejected(Exception):
    """A change that breaks a rule; its message is the reason shown on the device."""


def check_values(spec: EntitySpec, entity: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields in canonical form (what the server stores and feeds), or `Rejected` with the reason."""
    try:
        return canonical_fields(spec.record, fields)
    except ValueRefused as exc:
        raise Rejected(str(exc)) from None


def device_of(hlc: str) -> str:
    return hlc.split("-", 2)[2] if hlc.count("-") >= 2 else ""
