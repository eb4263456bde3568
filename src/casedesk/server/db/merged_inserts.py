"""Rows that two devices may create with the same id, merged by a rule of their own instead of a conflict.

An alert's id follows from rule, child and period (`casedesk.domain.alerts.model.alert_id`), so two devices raise
the same row. When their values differ (one held a record the other had not received yet) the difference is not
two people disagreeing, and showing it as a conflict would ask someone to choose between two halves of one alert.
The entity's merge rule (`MERGES`, pure functions of the domain) makes one row of the two, whichever came first.

What the merge writes is fed under the server's own clock, never the pushing device's, so *every* device pulls it —
the one that pushed too (a device is not sent back its own writes). The pushing device is answered with the
versions its fields had before the merge, so the merged values, which carry a newer version, replace its own at
its next pull.

A mixin of `Pusher` (it uses the batch's feed and records), kept apart so each file reads on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from casedesk.domain.alerts.merge import merge_alert
from casedesk.server.db.rules import check_values
from casedesk.sync.entities import EntitySpec
from casedesk.sync.wire import ChangeResult, WireChange

MERGES: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], dict[str, Any]]] = {"alerts": merge_alert}


def server_hlc(now: datetime) -> str:
    return f"{int(now.timestamp() * 1000):013d}-000000-server"


class MergedInserts:
    """Needs from its host: now and _feed/_save (see `Pusher`)."""

    now: datetime

    def _feed(self, *args: Any, **kwargs: Any) -> int:  # provided by Pusher
        raise NotImplementedError

    def _save(self, entity: str, row_id: str, **values: Any) -> None: ...

    def _merge_insert(self, change: WireChange, spec: EntitySpec, current: dict[str, Any]) -> ChangeResult:
        """The same row inserted again, from another device or after a restore: merged, never a conflict."""
        held = current["data"]
        incoming = check_values(spec, change.entity, {**spec.defaults, **change.fields})
        merged = check_values(spec, change.entity, MERGES[change.entity](held, incoming))
        # Fed: what changes on the server, and what the pushing device holds otherwise than the merge.
        fed = {n: v for n, v in merged.items() if v != held.get(n) or (n in incoming and v != incoming[n])}
        before = {n: int(current["versions"].get(n, 0)) for n in incoming}
        if fed:
            hlc = server_hlc(self.now)
            seq = self._feed(
                "row", change.entity, change.row_id, current["child_id"], fed, hlc=hlc, deleted=bool(current["deleted"])
            )
            self._save(
                change.entity,
                change.row_id,
                data={**held, **fed},
                versions={**current["versions"], **dict.fromkeys(fed, seq)},
                hlcs={**current["hlcs"], **dict.fromkeys(fed, hlc)},
                authors={**current["authors"], **dict.fromkeys(fed, change.author)},
            )
        return ChangeResult(change_id=change.change_id, status="applied", versions=before)
