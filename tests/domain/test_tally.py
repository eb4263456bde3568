"""The digest's sums: order-independent, exact to add and take away, and sensitive to any change of a row."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import date

from casedesk.domain.tally import Tally, canonical_number, recount, row_number

FIELDS = ("family_name", "given_name")


def number(row_id: str, name: str, deleted: bool = False) -> int:
    return row_number(row_id, {"given_name": name, "family_name": "Okafor"}, deleted, FIELDS)


def test_the_sum_does_not_depend_on_order_and_removal_undoes_addition() -> None:
    numbers = [number(f"id{i}", f"Child{i}") for i in range(50)]
    shuffled = numbers[:]
    random.Random(7).shuffle(shuffled)
    assert recount(numbers) == recount(shuffled)
    kept = recount(numbers)
    kept.add(number("extra", "Extra"))
    kept.remove(number("extra", "Extra"))
    assert kept == recount(numbers) and kept.count == 50


def test_a_changed_missing_or_tombstoned_row_changes_the_digest() -> None:
    rows = {f"id{i}": f"Child{i}" for i in range(10)}
    whole = recount(number(i, n) for i, n in rows.items())
    changed = recount(number(i, "Other" if i == "id3" else n) for i, n in rows.items())
    missing = recount(number(i, n) for i, n in rows.items() if i != "id3")
    tombstoned = recount(number(i, n, deleted=i == "id3") for i, n in rows.items())
    assert len({whole.hash, changed.hash, missing.hash, tombstoned.hash}) == 4
    assert changed.count == whole.count  # same count, different hash: the hash carries the difference


def test_tallies_merge_and_round_trip_through_their_stored_form() -> None:
    a, b = recount([number("a", "A")]), recount([number("b", "B")])
    both = Tally()
    both.merge(a)
    both.merge(b)
    assert both == recount([number("a", "A"), number("b", "B")])
    both.merge(b, -1)
    assert both == a
    assert Tally.from_parts(*both.to_json()) == both and len(both.hash) == 64


def test_a_number_hashes_the_canonical_json_the_json_module_writes() -> None:
    """The encoder built once writes what `json.dumps` with the digest's options writes, so both sides' numbers
    stay equal: keys sorted at every depth, text unescaped but for quotes, backslashes and control characters."""
    values = {
        "body": 'Zoë said "no" \\ then\nleft\t\x01 — 😀',
        "answers": {"q2": [1, 2.5, None, True], "q1": {"b": 1e16, "a": -0.0}},
        "count": 2**70,
        "deleted": False,
        "missing": None,
        "on": date(2025, 1, 6),  # not JSON: written as its text, as `default=str` writes it
    }
    text = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    expected = int.from_bytes(hashlib.sha256(f"row-1:{text}".encode()).digest(), "big")
    assert canonical_number("row-1", values) == expected
