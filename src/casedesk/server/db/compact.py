"""How the server stores what it keeps per field, without one copy per field of what is the same for many.

A record keeps, for each field, the version (feed number) of the change that last wrote it, that change's clock
and its author. One change writes many fields at once, so most records hold a single version, clock and author
repeated for every field: stored as `{field: value}` maps, the clocks alone took more room than the records' data.
`FieldMeta` stores each map grouped by value — `[[value, [field, …]], …]` — and gives the map back on reading,
so the code above it still sees `{field: value}`. A map whose values cannot be grouped (never the case for
versions, clocks or authors) is stored as it is, and a stored map (from before grouping) reads as it is.

A change's clock and author are the same for every field it wrote, and the field's version names that change, so
a record keeps them once per write (`pack_writes`): `{"<version>": [clock, author], …}`, looked up through the
field's version (`unpack_writes` gives the code its `{field: clock}` and `{field: author}` maps back). A field whose
clock or author is not its version's (never written so by this server, but kept exactly if a database holds one)
is listed under "fields" with its own.

A record's versions are stored against its data (`pack_versions`): most records were written by one change, so
every field of the data holds the same version and the stored form is that version alone (`9`); a record edited
since is stored as the version most of its fields hold and the exceptions, grouped (`[9, [[120, ["body"]]]]`),
with a third element listing the data's fields that hold no version, if any. The data's own keys name the fields
(`unpack_versions`), so the field names, stored once in the data, are not stored again with their version. The
grouped and plain forms from before still read.

The stored answer to each pushed change (what a retried push is told again) drops what the row already holds
(its change id) and an empty reason, and groups its versions the same way (`pack_answer`, `unpack_answer`).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import JSON, String, TypeDecorator


def group(values: dict[str, Any]) -> list[list[Any]] | dict[str, Any]:
    """`{field: value}` as `[[value, [field, …]], …]`, values in first-seen order."""
    held = list(values.values())
    if held and held.count(held[0]) == len(held) and len(set(map(type, held))) == 1:
        return [[held[0], list(values)]]  # one change wrote every field (an insert): no grouping needed
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
    """A record's versions: a `{field: version}` map is stored grouped by value; a form `pack_versions` made is
    stored as it is, and read as it is stored (`unpack_versions` gives the map back, with the record's data)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return group(value) if isinstance(value, dict) else value


def pack_versions(versions: dict[str, Any], data: dict[str, Any]) -> Any:
    """A record's `{field: version}` as stored beside its data: the version alone when every field of the data
    holds it (and nothing else has one), else `[base, grouped exceptions]` (and the data's fields without a
    version, if any). Versions that are not all whole numbers are stored grouped, as before."""
    values = list(versions.values())
    if not values:
        return group(versions)
    first = values[0]
    if type(first) is int and values.count(first) == len(values) and versions.keys() == data.keys():
        return first  # one change wrote every field: the common case, worked out without counting
    if any(type(v) is not int for v in values):
        return group(versions)
    counts: dict[int, int] = {}
    for name in data:
        if name in versions:
            counts[versions[name]] = counts.get(versions[name], 0) + 1
    if not counts:
        return group(versions)
    base = max(counts, key=counts.__getitem__)  # the first of the most held, in the data's order
    exceptions = {name: v for name, v in versions.items() if v != base or name not in data}
    unversioned = [name for name in data if name not in versions]
    packed: list[Any] = [base, group(exceptions)]
    if unversioned:
        packed.append(unversioned)
    return packed


def unpack_versions(stored: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The `{field: version}` map back from what `pack_versions` stored beside `data` (or from a grouped or
    plain map stored before)."""
    if type(stored) is int:
        return dict.fromkeys(data, stored)
    if isinstance(stored, list) and stored and not isinstance(stored[0], list):
        base, exceptions, *rest = stored
        unversioned = set(rest[0]) if rest else ()
        out = {name: base for name in data if name not in unversioned}
        out.update(ungroup(exceptions))
        return out
    return dict(ungroup(stored) or {})


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


ODD = "fields"  # beside the writes (whose keys are versions, all digits): fields with a clock or author of their own


def pack_writes(versions: dict[str, Any], hlcs: dict[str, Any], authors: dict[str, Any]) -> dict[str, Any]:
    """Each write's clock and author once, keyed by its version (see the module docstring)."""
    pairs: dict[Any, list[Any]] = {}
    odd: dict[str, Any] = {}
    bare: list[str] = []  # fields with a version but neither clock nor author ("deleted")
    for name, version in versions.items():
        hlc, author = hlcs.get(name), authors.get(name)
        if hlc is None and author is None:
            bare.append(name)
            continue
        held = pairs.get(version)
        if held is None:
            pairs[version] = [hlc, author]
        elif held[0] != hlc or held[1] != author:
            odd[name] = [hlc, author]
    for name in bare:
        if versions[name] in pairs:  # its version's write would lend it a clock it never had
            odd[name] = [None, None]
    if not (hlcs.keys() <= versions.keys() and authors.keys() <= versions.keys()):
        for name in (hlcs.keys() | authors.keys()) - versions.keys():
            odd[name] = [hlcs.get(name), authors.get(name)]
    writes: dict[str, Any] = {str(version): pair for version, pair in pairs.items()}
    if odd:
        writes[ODD] = odd
    return writes


def unpack_writes(versions: dict[str, Any], writes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The `{field: clock}` and `{field: author}` maps back from `pack_writes`."""
    odd: dict[str, Any] = writes.get(ODD) or {}
    hlcs: dict[str, Any] = {}
    authors: dict[str, Any] = {}
    for name, version in versions.items():
        pair = odd.get(name) or writes.get(str(version))
        if pair is not None:
            if pair[0] is not None:
                hlcs[name] = pair[0]
            if pair[1] is not None:
                authors[name] = pair[1]
    for name, (hlc, author) in odd.items():
        if name not in versions:
            if hlc is not None:
                hlcs[name] = hlc
            if author is not None:
                authors[name] = author
    return hlcs, authors


_CANONICAL = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class CompactId(TypeDecorator[str]):
    """An id column that SQLite holds as the id's 16 bytes when it is a canonical (lower-case) UUID, and as its
    text otherwise (SQLite keeps what it is given): a third of the room, and the same id back on reading. Other
    databases hold the text."""

    impl = String(36)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if dialect.name == "sqlite" and isinstance(value, str) and _CANONICAL.match(value):
            return uuid.UUID(value).bytes
        return value

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return str(uuid.UUID(bytes=bytes(value))) if isinstance(value, bytes | memoryview) else value
