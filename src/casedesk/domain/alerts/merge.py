"""One alert from two devices: how the server merges the same alert raised twice with different evidence.

An alert's id follows from rule, child and period, so two devices that raise it before either syncs send the same
row. Usually their values are equal too (they hold the same records); when they are not — one device held a mark,
an entry or an involvement the other had not yet received — the two are one alert seen from two sides, not two
people disagreeing, so no person is asked to choose. The server merges them by these rules, which give the same
alert whichever arrives first (the merge is commutative, associative and idempotent):

- **evidence**: the union of both lists (a record is one item, named by entity, row and date), oldest first; past
  `MAX_EVIDENCE` the latest are kept, as a device keeps them;
- **told**: the union of both lists (a person or organisation once), sorted as a device sorts them;
- **met on**: the earlier day (the alert was due from then);
- **urgency**: the more urgent (a rule set changed on one device first must not quietly lower it);
- **summary, rule title, rule set**: those of the side met earlier (ties broken by the words themselves), so the
  explanation is the one that was true first; the merged evidence lists what either side found;
- **child, rule, period, category**: they follow from the id and are kept as held.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from casedesk.domain.alerts.model import URGENCIES

MAX_EVIDENCE = 20
_DESCRIBED_BY_FIRST = ("summary", "rule_title", "rule_set")
MERGED_FIELDS = ("evidence", "tell", "met_on", "urgency", *_DESCRIBED_BY_FIRST)


def _evidence_key(item: Mapping[str, Any]) -> tuple[str, str, str, str]:
    return (str(item.get("on", "")), str(item.get("entity", "")), str(item.get("row_id", "")), str(item.get("text")))


def _told_key(item: Mapping[str, Any]) -> tuple[str, str, str]:
    return (str(item.get("name", "")), str(item.get("worker_id", "")), str(item.get("organisation_id", "")))


def _union(a: Any, b: Any, key: Any, identity: Any) -> list[Any]:
    """Both lists, each item once (the first by `key` order wins for one identity), ordered by `key`."""
    found: dict[Any, Any] = {}
    for item in sorted([*(a or []), *(b or [])], key=key):
        found.setdefault(identity(item), item)
    return sorted(found.values(), key=key)


def _first(held: Mapping[str, Any], incoming: Mapping[str, Any]) -> Mapping[str, Any]:
    def order(side: Mapping[str, Any]) -> tuple[str, ...]:
        return (str(side.get("met_on") or "9999"), *(str(side.get(f) or "") for f in _DESCRIBED_BY_FIRST))

    return min(held, incoming, key=order)


def merge_alert(held: Mapping[str, Any], incoming: Mapping[str, Any]) -> dict[str, Any]:
    """The alert both rows describe (wire values: days as ISO text, evidence and told as lists of objects)."""
    first = _first(held, incoming)
    evidence = _union(
        held.get("evidence"),
        incoming.get("evidence"),
        key=_evidence_key,
        identity=lambda e: (e.get("entity"), e.get("row_id"), e.get("on"), e.get("text")),
    )
    told = _union(
        held.get("tell"),
        incoming.get("tell"),
        key=lambda t: (_told_key(t), json.dumps(t, sort_keys=True)),
        identity=lambda t: t.get("worker_id") or t.get("organisation_id"),
    )
    urgency = min(
        (str(u) for u in (held.get("urgency"), incoming.get("urgency")) if u in URGENCIES),
        key=URGENCIES.index,
        default=held.get("urgency"),
    )
    return {
        **held,
        "evidence": evidence[-MAX_EVIDENCE:],
        "tell": told,
        "met_on": first.get("met_on"),
        "urgency": urgency,
        **{name: first.get(name) for name in _DESCRIBED_BY_FIRST},
    }
