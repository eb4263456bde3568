"""What a device may pass on of a child's record to another organisation: in a referral pack, meeting papers, a
printed chronology or an export made for someone else.

A device holds rows several organisations wrote, each received under the agreements between its owner and the
device's organisation. Passing one on is a new disclosure, from the row's owner to the receiver: it follows the
same `Policy` as the server's pulls (the agreements naming the owner and the receiver, the area's default, the
child's consent records; restricted entries never leave their organisation), evaluated here with the agreements
the device holds and each row's owner as the server sent it. A pack's own narrowing (the sections the referrer
chose) applies on top. Everything goes through `sharing.redact`, so nothing else decides what leaves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from casedesk.domain import sharing
from casedesk.domain.meetings.audience import common
from casedesk.domain.schema import CATALOGUE

R = TypeVar("R")


@dataclass
class Onward:
    """The rules for passing one child's rows on to `receivers` (every one of them must be allowed to see what
    is shown: meeting papers go to all attendees). `owner_of(row_id)` names the organisation that wrote a row,
    None for this device's organisation's own rows (`own`)."""

    policy: sharing.Policy
    receivers: Sequence[str]
    child_id: str
    own: str
    owner_of: Callable[[str], str | None]
    base: sharing.Allowed = sharing.EVERYTHING  # the pack's own narrowing (a referral's sections)
    _by_owner: dict[str | None, sharing.Allowed] = field(default_factory=dict, repr=False)

    def allowed(self, owner: str | None) -> sharing.Allowed:
        """What every receiver may see of a row `owner` wrote (None: this organisation's own)."""
        source = owner or self.own
        found = self._by_owner.get(source)
        if found is None:
            found = common(
                [self.policy.allowed_for(r, self.child_id, source_org=source or None) for r in self.receivers]
            )
            if all(source == r for r in self.receivers):
                found = sharing.EVERYTHING  # a pack for the organisation that wrote it
            self._by_owner[source] = found
        return found

    def redact(self, record: R, row_id: str | None = None) -> R | None:
        """The record as the receivers may have it, or None. A plain `Shared` row names its id in `row_id` (or
        its values' `id`); a domain record carries its own."""
        shown = sharing.redact(record, self.base)
        if shown is None or not _about_a_child(record):
            return shown  # the directory, a meeting's header: about no child, every device holds them
        rid = row_id or _id_of(record)
        return sharing.redact(shown, self.allowed(self.owner_of(rid) if rid else None))

    def redact_all(self, records: Iterable[R]) -> list[R]:
        return [shown for shown in (self.redact(r) for r in records) if shown is not None]


def _about_a_child(record: Any) -> bool:
    entity = record.entity if isinstance(record, sharing.Shared) else sharing.ENTITY_OF[type(record)]
    return entity == "children" or CATALOGUE[entity].child_key is not None


def _id_of(record: Any) -> str | None:
    if isinstance(record, sharing.Shared):
        value = record.values.get("id")
        return str(value) if value else None
    return getattr(record, "id", None)
