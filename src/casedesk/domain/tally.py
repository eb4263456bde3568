"""The digest both sides keep up to date: per entity, a row count and an order-independent hash of the rows.

Each row hashes to a 256-bit number (SHA-256 of its id and the canonical JSON of its synced fields); an entity's
hash is the sum of its rows' numbers modulo 2^256. A sum can be kept as rows change (add the new row's number,
subtract the old one's), so a sync round compares digests without reading every row, and the cost of a round
follows its changes, not the caseload. Equal sets of equal rows give equal sums; a missing, extra or different row
changes the sum (two differences cancelling exactly is as unlikely as a SHA-256 collision).

The same functions recount a digest from the rows themselves: for repair, and for the periodic check that the
kept sums have not drifted from the data. Pure Python: the device's store and the server both keep one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

MODULUS = 1 << 256
# The canonical JSON: keys sorted, no spaces, text as it is (the same as `json.dumps` with these options; one
# encoder built once rather than one per row).
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
# The same encoding through the C encoder `_ENCODER.encode` builds for each call, built once (a first sync numbers
# every row it receives): (no cycle check: a row's values come from JSON or from columns, never cyclic) default,
# text escaping, indent, separators, sort keys, skip non-text keys, allow NaN — as `_ENCODER` has them.
_C_MAKE_ENCODER = getattr(json.encoder, "c_make_encoder", None)  # absent where the json module has no C part
_C_ENCODER = (
    _C_MAKE_ENCODER(None, str, encode_basestring, None, ":", ",", True, False, True)
    if _C_MAKE_ENCODER is not None
    else None
)


def row_number(row_id: str, values: Mapping[str, Any], deleted: bool, fields: Iterable[str]) -> int:
    """One row's contribution. Both sides hash the same canonical JSON of the entity's synced `fields` (the server
    from its records' JSON, the device from its columns' JSON-safe values), so equal rows give equal numbers."""
    canonical = {name: values.get(name) for name in fields}
    canonical["deleted"] = bool(deleted)
    return canonical_number(row_id, canonical)


def canonical_number(row_id: str, canonical: dict[str, Any]) -> int:
    """The number of a row whose canonical values (every synced field, JSON-safe, and `deleted`) are already
    gathered: `row_number` without building them again (a first sync numbers every row it receives)."""
    text = "".join(_C_ENCODER(canonical, 0)) if _C_ENCODER is not None else _ENCODER.encode(canonical)
    return int.from_bytes(hashlib.sha256(f"{row_id}:{text}".encode()).digest(), "big")


@dataclass
class Tally:
    """A row count and the sum of the rows' numbers, for one entity (on the server, within one scope)."""

    count: int = 0
    total: int = 0

    def add(self, number: int, count: int = 1) -> None:
        self.count += count
        self.total = (self.total + number) % MODULUS

    def remove(self, number: int, count: int = 1) -> None:
        self.add(-number % MODULUS, -count)

    def merge(self, other: Tally, sign: int = 1) -> None:
        self.add(other.total if sign > 0 else -other.total % MODULUS, sign * other.count)

    def copy(self) -> Tally:
        return Tally(self.count, self.total)

    @property
    def empty(self) -> bool:
        return self.count == 0 and self.total == 0

    @property
    def hash(self) -> str:
        return f"{self.total:064x}"

    def to_json(self) -> list[Any]:
        return [self.count, self.hash]

    @classmethod
    def from_parts(cls, count: int, hash_hex: str) -> Tally:
        return cls(int(count), int(hash_hex, 16) % MODULUS if hash_hex else 0)


def recount(numbers: Iterable[int]) -> Tally:
    tally = Tally()
    for number in numbers:
        tally.add(number)
    return tally
