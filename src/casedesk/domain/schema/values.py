"""Every value checked against its field's declared type and range, and turned into the one canonical form that
every device stores and hashes.

A value a device could not store (an integer beyond 64 bits, text over its length, a code outside its vocabulary,
a string holding NUL) is refused with a reason a person can read. A value with several spellings is stored in the
one spelling a device reads back — a basic-format date `20120101` becomes `2012-01-01`, a time in any zone becomes
UTC — so the server and every device hash equal rows equally. Values of the wrong kind (a number in a text field)
are refused rather than converted: the sender is wrong, and guessing would hide it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from casedesk.domain.schema.types import INT64_RANGE, FieldSpec, FieldType, RecordSpec

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class ValueRefused(ValueError):
    """A value its field cannot hold; the message names the field and says why."""


def is_uuid(value: object) -> bool:
    """A record id as devices mint them: lower-case, hyphenated UUID text (nothing else is a valid id)."""
    return isinstance(value, str) and bool(_UUID.match(value))


def check_id(value: object, what: str = "id") -> str:
    if not is_uuid(value):
        raise ValueRefused(f"{what}: {str(value)[:60]!r} is not a record id (a lower-case UUID)")
    return str(value)


def _text(spec: FieldSpec, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueRefused(f"{spec.name}: expected text, got {type(value).__name__}")
    if "\x00" in value:
        raise ValueRefused(f"{spec.name}: text may not contain NUL characters")
    if spec.max_length is not None and len(value) > spec.max_length:
        raise ValueRefused(f"{spec.name}: text longer than {spec.max_length:,} characters")
    if spec.choices is not None and value not in spec.choices:
        raise ValueRefused(f"{spec.name}: {value[:40]!r} is not one of {', '.join(spec.choices)}")
    return value


def _integer(spec: FieldSpec, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueRefused(f"{spec.name}: expected a whole number, got {type(value).__name__}")
    low = INT64_RANGE[0] if spec.minimum is None else spec.minimum
    high = INT64_RANGE[1] if spec.maximum is None else spec.maximum
    if not low <= value <= high:
        shown = str(value) if len(str(value)) <= 20 else f"a {len(str(value))}-digit number"
        raise ValueRefused(f"{spec.name}: {shown} is outside {low}–{high}")
    return value


def _date(spec: FieldSpec, value: Any) -> str:
    try:
        if not isinstance(value, str):
            raise TypeError
        return date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise ValueRefused(f"{spec.name}: {str(value)[:40]!r} is not a date (YYYY-MM-DD)") from None


def _datetime(spec: FieldSpec, value: Any) -> str:
    try:
        if not isinstance(value, str):
            raise TypeError
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueRefused(f"{spec.name}: {value[:40]!r} has no time zone")
        return moment.astimezone(UTC).isoformat()
    except (TypeError, ValueError, OverflowError) as exc:
        if isinstance(exc, ValueRefused):
            raise
        raise ValueRefused(f"{spec.name}: {str(value)[:40]!r} is not a time (ISO 8601 with a zone)") from None


def _plain_json(value: Any) -> bool:
    """Only what JSON itself can say, and what PostgreSQL's JSON can store (no NaN, no NUL in strings)."""
    if value is None or isinstance(value, bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, list):
        return all(_plain_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and "\x00" not in k and _plain_json(v) for k, v in value.items())
    return False


def _json(spec: FieldSpec, value: Any) -> Any:
    kind, expected = ("an object", dict) if spec.shape == "object" else ("a list", list)
    if not isinstance(value, expected):
        raise ValueRefused(f"{spec.name}: expected {kind}")
    if not _plain_json(value):
        raise ValueRefused(f"{spec.name}: holds a value JSON cannot store (NaN, infinity or a NUL character)")
    if len(json.dumps(value, ensure_ascii=False, separators=(",", ":"))) > spec.max_size:
        raise ValueRefused(f"{spec.name}: expected {kind} of at most {spec.max_size:,} characters")
    return value


def _uuid(spec: FieldSpec, value: Any) -> str:
    if isinstance(value, str) and _UUID.match(value):
        return value
    return check_id(value, spec.name)


_CHECKS = {
    FieldType.TEXT: _text,
    FieldType.INT: _integer,
    FieldType.BOOL: lambda spec, value: value if isinstance(value, bool) else _refuse(spec, "true or false"),
    FieldType.DATE: _date,
    FieldType.DATETIME: _datetime,
    FieldType.JSON: _json,
    FieldType.UUID: _uuid,
}


def _refuse(spec: FieldSpec, expected: str) -> Any:
    raise ValueRefused(f"{spec.name}: expected {expected}")


def canonical(spec: FieldSpec, value: Any) -> Any:
    """The value as every device stores it, or `ValueRefused`. None (an empty optional field) passes."""
    if value is None:
        return None
    return _CHECKS[spec.type](spec, value)


def _json_shape(spec: FieldSpec, value: Any) -> None:
    if not isinstance(value, dict if spec.shape == "object" else list):
        raise ValueRefused(f"{spec.name}: expected {'an object' if spec.shape == 'object' else 'a list'}")


def _readable(spec: FieldSpec, value: Any) -> None:
    """A date or time the device can read back (its canonical spelling is the server's business)."""
    try:
        parsed = (date if spec.type is FieldType.DATE else datetime).fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueRefused(f"{spec.name}: {str(value)[:40]!r} is not a {spec.type.value}") from None
    if isinstance(parsed, datetime) and parsed.tzinfo is None:
        raise ValueRefused(f"{spec.name}: {value[:40]!r} has no time zone")


_STORABLE = {
    FieldType.INT: _integer,
    FieldType.DATE: _readable,
    FieldType.DATETIME: _readable,
    FieldType.JSON: _json_shape,
}


def storable(spec: FieldSpec, value: Any) -> None:
    """Whether a device can store a pulled value at all (`ValueRefused` if not): the right kind, an integer its
    column holds, a date or time it can read. Lengths and vocabularies are the server's to enforce; a device
    keeps a code it does not know (from a newer version) rather than refusing it."""
    if value is None:
        return
    if spec.type in (FieldType.TEXT, FieldType.UUID):
        if not isinstance(value, str):
            raise ValueRefused(f"{spec.name}: expected text, got {type(value).__name__}")
    elif spec.type is FieldType.BOOL:
        if not isinstance(value, bool):
            raise ValueRefused(f"{spec.name}: expected true or false")
    else:
        _STORABLE[spec.type](spec, value)


def canonical_fields(record: RecordSpec, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Check a set of written fields (an insert or an edit) and return them in canonical form.

    Unknown fields are refused; whether required fields are present is the caller's question (an edit writes
    only some fields).
    """
    by_name = record.by_name
    unknown = fields.keys() - by_name.keys()
    if unknown:
        raise ValueRefused(f"{record.name} has no field(s) {', '.join(u[:40] for u in sorted(unknown)[:5])}")
    checks = _CHECKS  # every value of a push passes here: the lookups once, not per value through `canonical`
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if value is None:
            out[name] = None
        else:
            spec = by_name[name]
            out[name] = checks[spec.type](spec, value)
    return out


def missing_required(record: RecordSpec, fields: Mapping[str, Any]) -> list[str]:
    """Required fields absent or empty in a whole new row."""
    return sorted(name for name in record.required if fields.get(name) in (None, ""))
