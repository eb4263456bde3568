"""Turn stored values into JSON-safe values and back, for the journal, the audit log and exports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any


def to_json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    return value


def to_json_dict(values: dict[str, Any]) -> dict[str, Any]:
    return {key: to_json_value(value) for key, value in values.items()}
