"""Possible duplicates over the device's caseload, and the merge a person confirms.

Finding is the shared pure finder (`casedesk.domain.duplicates`); this adds the records and the rules around a
merge: who may merge (a safeguarding lead or a manager: a merge changes whose record everything is filed under),
what it writes (one merge record, the kept record's missing identifiers filled from the other, a chronology entry,
the merged record's tombstone and an audit entry) and that nothing is lost (every row moves, none is deleted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from casedesk import config
from casedesk.domain import roles
from casedesk.domain.duplicates import Candidate, compare, duplicates_of, find_duplicates
from casedesk.domain.duplicates.model import Person
from casedesk.domain.records import Changes, Child
from casedesk.domain.vocab import EventKind
from casedesk.errors import AuthError, ValidationError
from casedesk.store import merges
from casedesk.store import repositories as repo
from casedesk.store.database import Database

MERGE_ROLES = frozenset({roles.Role.SAFEGUARDING_LEAD, roles.Role.MANAGER})
# identity fields the kept record takes from the merged one when it has none of its own
FILLED = ("preferred_name", "upn", "uln", "nhs_number", "address_line1", "address_line2", "town", "postcode")
IDENTITY = ("given_name", "family_name", "preferred_name", "date_of_birth", "sex", "upn", "uln", "nhs_number")


@dataclass(frozen=True)
class PossibleDuplicate:
    """A candidate pair with both records, for a person to compare side by side."""

    candidate: Candidate
    first: Child
    second: Child


def may_merge(role: str | None) -> bool:
    return roles.parse(role or None) in MERGE_ROLES


class DuplicatesService:
    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor

    def _children(self) -> dict[str, Child]:
        with self.db.session() as session:
            return {c.id: c for c in repo.list_children(session)}

    def _different(self) -> set[frozenset[str]]:
        with self.db.session() as session:
            return merges.different_children(session)

    def find(self) -> list[PossibleDuplicate]:
        """Every possible duplicate pair among the children this device holds, strongest first, except the pairs
        a person has said are two children."""
        children = self._children()
        found = find_duplicates(children.values(), not_duplicates=self._different())
        return [PossibleDuplicate(c, children[c.first_id], children[c.second_id]) for c in found]

    def for_child(self, child_id: str) -> list[PossibleDuplicate]:
        children = self._children()
        me = children[child_id]
        found = duplicates_of(me, children.values(), not_duplicates=self._different())
        return [PossibleDuplicate(c, children[c.first_id], children[c.second_id]) for c in found]

    def not_duplicates(self, first_id: str, second_id: str, reason: str) -> Changes:
        """Record that two proposed records are two different children (twins, siblings, a namesake), with why:
        audited, and the pair is never proposed again on this device. Who may merge may decide this too: a pair
        set aside by someone else would hide a real duplicate from them."""
        if not self.may_merge():
            raise AuthError("Only a safeguarding lead or a manager may decide two records are different children.")
        if first_id == second_id:
            raise ValidationError("Choose two different records.", [("second_id", "The same record.")])
        if not reason.strip():
            raise ValidationError("Say why these are two different children.", [("reason", "Required.")])
        with self.db.session() as session:
            repo.get_child(session, first_id), repo.get_child(session, second_id)  # NotFound if gone
        with self.db.unit_of_work(self.actor) as uow:
            uow.note(merges.DIFFERENT, "children", first_id, reason.strip(), other_child_id=second_id)
        return Changes(frozenset({"children"}), frozenset({first_id, second_id}))

    def may_merge(self) -> bool:
        return may_merge(self.db.get(config.ROLE))

    def merge(self, kept_id: str, merged_id: str, reason: str, now: datetime | None = None) -> tuple[str, Changes]:
        """Merge `merged_id` into `kept_id`: every record, chronology entry and audit entry of both is kept, now
        under the kept child. Returns the merge record's id.

        A merge cannot be undone: every device and the server re-point the merged child's rows without saying
        which they were, so nothing can tell them apart again. The confirmation says so before anything is
        written; the merge record keeps the merged record's identity, evidence and reason, and the chronology
        entry says what was merged, so a wrong merge can be traced and the other child recorded again."""
        if not self.may_merge():
            raise AuthError("Only a safeguarding lead or a manager may merge two records of a child.")
        if kept_id == merged_id:
            raise ValidationError("Choose two different records to merge.", [("merged_id", "The same record.")])
        if not reason.strip():
            raise ValidationError("Say why these are the same child.", [("reason", "Required.")])
        now = now or datetime.now(UTC)
        with self.db.session() as session:
            kept, merged = repo.get_child(session, kept_id), repo.get_child(session, merged_id)  # NotFound if gone
            if merges.merged_ids(session) & {kept_id, merged_id}:
                raise ValidationError("One of these records has already been merged.", [])
        evidence = [e.detail for e in compare(Person.of(kept), Person.of(merged)).evidence]
        identity = {k: _plain(getattr(merged, k)) for k in IDENTITY}
        fill = {k: getattr(merged, k) for k in FILLED if not getattr(kept, k) and getattr(merged, k)}
        if "postcode" in fill:  # an address is taken whole or not at all
            fill.update({k: getattr(merged, k) for k in ("address_line1", "address_line2", "town")})
        elif any(getattr(kept, k) for k in ("address_line1", "postcode")):
            for k in ("address_line1", "address_line2", "town"):
                fill.pop(k, None)
        with self.db.unit_of_work(self.actor) as uow:
            merge_id = uow.insert(
                "child_merges",
                {
                    "kept_id": kept_id,
                    "merged_id": merged_id,
                    "merged_by": self.actor,
                    "merged_at": now,
                    "reason": reason.strip(),
                    "evidence": evidence,
                    "merged_identity": identity,
                },
            )
            if fill:
                uow.update("children", kept_id, fill)
            uow.insert(
                "events",
                {
                    "child_id": kept_id,
                    "kind": EventKind.RECORD_REVIEW.value,
                    "occurred_at": now,
                    "recorded_at": now,
                    "author": self.actor,
                    "summary": f"Records merged: {merged.full_name} (born {merged.date_of_birth:%d/%m/%Y}) was "
                    f"recorded twice; everything recorded under that record is now here",
                    "body": f"Reason: {reason.strip()}\nEvidence: " + "; ".join(evidence),
                    "category": "general",
                    "organisation_id": self.db.get(config.ORGANISATION_ID) or None,
                },
            )
            uow.flush()
            moved = merges.repoint(uow.session.connection(), merged_id, kept_id)
            uow.delete("children", merged_id, reason=f"merged into {kept.full_name} ({kept_id})")
            uow.note("merge", "children", kept_id, reason.strip(), merged_id=merged_id, rows_moved=moved)
        return merge_id, Changes(frozenset({"children", "events", "child_merges"}), frozenset({kept_id, merged_id}))

    def merges_into(self, child_id: str) -> list[merges.Merge]:
        with self.db.session() as session:
            return merges.merges_into(session, child_id)


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


__all__ = ["DuplicatesService", "PossibleDuplicate", "may_merge"]
