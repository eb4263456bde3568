"""How a synced row's field versions are kept on the device: one number when one version covers every field.

`versions` maps each field to the server version the device last saw of it (the base of the device's next edit
of it). A row a first sync brings was most often written by one change, so all its fields share one version, and
the map spelled out every field's name again for every row: about a seventh of a receiving device's file. Such a
map is stored as `[version, "entity"]` (with a list of the entity's fields the row never had, if any) and read
back as the map itself, each of the entity's fields (the catalogue's) but those at that version. Any other map
(fields at different versions, a field this version does not know) is stored as it is, and reading gives a dict
either way, so no reader changes; older files read as before.

After an upgrade that adds a field to an entity, a compact row reads as holding the new field at the row's version
too. The server can only send that field with a later version (it was not among the row's fields when the row
was sent, so it was written later), and an edit's base for it is checked against the server's version of it as
before, so neither a pulled value nor an edit is judged differently.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import JSON, TypeDecorator

from casedesk.domain.schema import CATALOGUE


@cache
def _names(entity: str) -> frozenset[str]:
    return CATALOGUE[entity].names


def versions_json(entity: str, versions: Mapping[str, int]) -> str:
    """`versions` as the JSON text best stored: `[version, "entity"]` when one version covers exactly the entity's
    fields, `[version, "entity", [field, …]]` when it covers all of them but those listed (fields the row never
    had), else the map itself. A first sync writes one a row: the compact text is put together from a cached
    tail rather than encoded each time."""
    numbers = list(versions.values())
    if numbers and numbers.count(numbers[0]) == len(numbers):
        tail = _tail(entity, tuple(versions))
        if tail is not None:
            return f"[{int(numbers[0])},{tail}"
    return json.dumps(versions)


@lru_cache(maxsize=1024)
def _tail(entity: str, keys: tuple[str, ...]) -> str | None:
    """The compact form's text after the version, for a map with these keys (None: not compact)."""
    names = _names(entity)
    if not set(keys) <= names or len(set(keys)) != len(keys):
        return None
    missing = sorted(names.difference(keys))
    return json.dumps([entity, missing] if missing else [entity], separators=(",", ":"))[1:]


class FieldVersions(TypeDecorator[dict[str, int]]):
    """The `versions` column: JSON, a map of field to version, or its compact form (`versions_json`) read as the
    map."""

    impl = JSON
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> dict[str, int] | None:
        if isinstance(value, list):
            version, entity, *rest = value
            names = _names(entity).difference(rest[0]) if rest else _names(entity)
            return dict.fromkeys(names, int(version))
        return value
