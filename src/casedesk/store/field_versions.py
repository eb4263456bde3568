"""How a synced row's field versions are kept on the device: one number when one version covers every field.

`versions` maps each field to the server version the device last saw of it (the base of the device's next edit
of it). A row a first sync brings was most often written by one change, so all its fields share one version, and
the map spelled out every field's name again for every row: about a seventh of a receiving device's file. Such a
map is stored as `[version, "entity"]` and read back as the map itself, each of the entity's fields (the
catalogue's) at that version. Any other map (a field withheld, fields at different versions, a deletion) is
stored as it is, and reading gives a dict either way, so no reader changes; older files read as before.

After an upgrade that adds a field to an entity, a compact row reads as holding the new field at the row's version
too. The server can only send that field with a later version (it was not among the row's fields when the row
was sent, so it was written later), and an edit's base for it is checked against the server's version of it as
before, so neither a pulled value nor an edit is judged differently.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from sqlalchemy import JSON, TypeDecorator

from casedesk.domain.schema import CATALOGUE


@cache
def _names(entity: str) -> frozenset[str]:
    return CATALOGUE[entity].names


def compact(entity: str, versions: Mapping[str, int]) -> Any:
    """`versions` as it is best stored: `[version, entity]` when one version covers exactly the entity's fields."""
    if not versions:
        return versions
    names = _names(entity)
    if len(versions) == len(names) and len(set(versions.values())) == 1 and versions.keys() == names:
        return [next(iter(versions.values())), entity]
    return versions


class FieldVersions(TypeDecorator[dict[str, int]]):
    """The `versions` column: JSON, a map of field to version, or its compact form (`compact`) read as the map."""

    impl = JSON
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> dict[str, int] | None:
        if isinstance(value, list):
            version, entity = value
            return dict.fromkeys(_names(entity), int(version))
        return value
