"""Which policy wins: for each setting, the stricter of the site profile's and the server's.

The server's policy is the one a device cannot be handed a different file for, so it can only tighten what the
site profile says, never loosen it; the site profile in turn tightens CaseDesk's defaults. "Stricter" is defined
per setting in `RULES` (each is commutative and has the default as its identity, so the order of the two does
not matter and an absent policy changes nothing):

| setting                  | stricter means                                   |
|--------------------------|--------------------------------------------------|
| idle_lock_minutes        | fewer minutes (locks sooner)                     |
| sync_interval_minutes    | fewer minutes (others see changes sooner)        |
| exports                  | only the kinds both allow                        |
| printing, demo_data      | false wins                                       |
| min_passphrase_strength  | the stronger                                     |
| kdf_floor                | the higher time cost and the higher memory cost  |
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from casedesk.site_profile.model import KdfFloor, Policy


def _fewer_minutes(a: int | None, b: int | None) -> int | None:
    if a is None or b is None:
        return b if a is None else a
    return min(a, b)


def _both_allow(a: frozenset[Any], b: frozenset[Any]) -> frozenset[Any]:
    return a & b


def _false_wins(a: bool, b: bool) -> bool:
    return a and b


def _higher(a: int, b: int) -> int:
    return max(a, b)


def _higher_floor(a: KdfFloor, b: KdfFloor) -> KdfFloor:
    return KdfFloor(max(a.time_cost, b.time_cost), max(a.memory_cost_kib, b.memory_cost_kib))


RULES: dict[str, Callable[[Any, Any], Any]] = {
    "idle_lock_minutes": _fewer_minutes,
    "sync_interval_minutes": _fewer_minutes,
    "exports": _both_allow,
    "printing": _false_wins,
    "demo_data": _false_wins,
    "min_passphrase_strength": _higher,
    "kdf_floor": _higher_floor,
}


def stricter(a: Policy, b: Policy) -> Policy:
    """Each setting at the stricter of `a`'s and `b`'s."""
    return Policy(**{name: rule(getattr(a, name), getattr(b, name)) for name, rule in RULES.items()})
