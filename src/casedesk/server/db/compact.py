"""How the server stores what it keeps per field, without one copy per field of what is the same for many.

A record keeps, for each field, the version (feed number) of the change that last wrote it, that change's clock
and its author. One change writes many fields at once, so most records hold a single version, clock and author
repeated for every field: stored as `{field: value}` maps, the clocks alone took more room than the records' data.
`FieldMeta` stores each map grouped by value — `[[value, [field, …]], …]` — and gives the map back on reading,
so the code above it still sees `{field: value}`. A map whose values cannot be grouped (never the case for
versions, clocks or authors) is stored as it is, and a stored map (from before grouping) reads as it is.

The stored answer to each pushed change (what a retried push is told again) drops what the row already holds
(its change id) and an empty reason, and groups its versions the same way (`pack_answer`, `unpack_answer`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, TypeDecorator


def group(values: dict[str, Any]) -> list[list[Any]] | dict[str, Any]:
    """`{field: value}` as `[[value, [field, …]], …]`, values in first-seen order."""
    groups: dict[tuple[type, Any], list[str]] = {}  # by type too: 1, 1.0 and True are equal keys
    try:
        for name, value in values.items():
            groups.setdefault((type(value), value), []).append(name)
    except TypeError:  # an unhashable value: kept as it is
        return values
    return [[value, names] for (_, value), names in groups.items()]


def ungroup(stored: Any) -> Any:
    """The `{field: value}` map back from `group` (a map stored as it is comes back unchanged)."""
    if isinstance(stored, list):
        return {name: value for value, names in stored for name in names}
    return stored


class FieldMeta(TypeDecorator[Any]):
    """A JSON column holding a `{field: value}` map, stored grouped by value (see the module docstring)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return group(value) if isinstance(value, dict) else value

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return ungroup(value)


def pack_answer(result: dict[str, Any]) -> dict[str, Any]:
    """A change's answer as stored beside its change id: no id, no empty reason, versions grouped."""
    packed: dict[str, Any] = {"status": result["status"]}
    if result.get("versions"):
        packed["versions"] = group(result["versions"])
    if result.get("reason") is not None:
        packed["reason"] = result["reason"]
    return packed


def unpack_answer(change_id: str, stored: dict[str, Any]) -> dict[str, Any]:
    """The answer as it was given (an answer stored whole, from before packing, reads as it is)."""
    return {
        "change_id": change_id,
        "status": stored["status"],
        "versions": ungroup(stored.get("versions") or {}),
        "reason": stored.get("reason"),
    }
