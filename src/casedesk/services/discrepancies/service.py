"""Flag a value another organisation shared as wrong, and answer the flags raised on your organisation's records.

The feedback loop a partner portal lacked: a school's safeguarding lead sees a status, an involvement or an
identifier on a child's record they believe is wrong, and flags it from the record with a reason. The flag is a
record of its own (`discrepancy_flags`), journaled, audited and synced like any other; it names the owning
organisation, whose devices list it in their queue. Someone there resolves it — corrected (the record was put
right), confirmed (the value stands) or explained (with a note) — and the answer syncs back to whoever raised it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from casedesk import config
from casedesk.domain.records import Changes
from casedesk.domain.schema import CATALOGUE
from casedesk.domain.schema.review import FLAG_RESOLUTIONS
from casedesk.errors import AuthError, NotFound, ValidationError
from casedesk.store import discrepancy_repo
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.store.discrepancy_repo import Flag

# what a user may flag, from the record: the child's identifiers, and statuses and involvements
FLAGGABLE: dict[str, tuple[str, ...]] = {
    "children": ("given_name", "family_name", "date_of_birth", "sex", "upn", "nhs_number", "postcode"),
    "status_periods": ("kind", "detail", "start_date", "end_date", "worker_id"),
    "involvements": ("organisation_id", "worker_id", "role", "start_date", "end_date"),
}
RESOLUTION_WORDS = {"corrected": "corrected", "confirmed": "confirmed as right", "explained": "explained"}


@dataclass(frozen=True)
class Flaggable:
    """One value on a child's record that can be flagged, with the organisation that most likely owns it."""

    entity: str
    row_id: str
    field: str
    label: str
    value: str
    owner_org: str | None


def _shown(value: Any) -> str:
    if isinstance(value, date | datetime):
        return f"{value:%d/%m/%Y}"
    return "" if value is None else str(value)


class DiscrepancyService:
    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor

    def own_org(self) -> str | None:
        return self.db.get(config.ORGANISATION_ID) or None

    def flaggable(self, child_id: str, today: date | None = None) -> list[Flaggable]:
        """The shared values of a child's record a user may flag: identifiers, current statuses, involvements."""
        today = today or date.today()
        with self.db.session() as session:
            child = repo.get_child(session, child_id)
            statuses = repo.statuses_for_child(session, child_id)
            involvements = repo.involvements_for_child(session, child_id)
            workers = repo.workers(session)
            orgs = repo.organisations(session)
        out = [
            Flaggable(
                "children",
                child.id,
                name,
                name.replace("_", " ").capitalize(),
                _shown(getattr(child, name)),
                child.current_school_id,
            )
            for name in FLAGGABLE["children"]
            if getattr(child, name)
        ]
        for period in statuses:
            owner = workers[period.worker_id].organisation_id if period.worker_id in workers else None
            label = f"{period.kind.replace('_', ' ')} from {period.start_date:%d/%m/%Y}"
            out.append(Flaggable("status_periods", period.id, "kind", label, period.kind, owner))
        for inv in involvements:
            name = orgs[inv.organisation_id].name if inv.organisation_id in orgs else inv.organisation_id
            out.append(
                Flaggable(
                    "involvements",
                    inv.id,
                    "role",
                    f"{name}: {inv.role.replace('_', ' ')}",
                    inv.role,
                    inv.organisation_id,
                )
            )
        return out

    def raise_flag(
        self, child_id: str, entity: str, row_id: str, field: str, reason: str, owner_org: str
    ) -> tuple[str, Changes]:
        """Flag one value as wrong; the flag goes to `owner_org`'s queue at the next sync."""
        errors: list[tuple[str, str]] = []
        if entity not in FLAGGABLE or field not in CATALOGUE[entity].names:
            errors.append(("field", "This value cannot be flagged."))
        if not reason.strip():
            errors.append(("reason", "Say what you believe is wrong and why."))
        with self.db.session() as session:
            repo.get_child(session, child_id)  # NotFound
            row = discrepancy_repo.row_of(session, entity, row_id) if not errors else None
            if not errors and (row is None or (row.get("child_id", row.get("id")) != child_id)):
                errors.append(("row_id", "That record is not on this child's record."))
            if owner_org not in repo.organisations(session, [owner_org]):
                errors.append(("owner_org", "Choose the organisation whose record this is."))
        if errors:
            raise ValidationError("The flag was not raised.", errors)
        assert row is not None
        seen = _shown(row.get(field))[:300] or None
        with self.db.unit_of_work(self.actor) as uow:
            flag_id = uow.insert(
                "discrepancy_flags",
                {
                    "child_id": child_id,
                    "entity": entity,
                    "row_id": row_id,
                    "field": field,
                    "value_seen": seen,
                    "reason": reason.strip(),
                    "owner_org": owner_org,
                    "raised_by_org": self.own_org(),
                    "raised_by": self.actor,
                    "raised_at": datetime.now(UTC),
                    "status": "open",
                },
            )
        return flag_id, Changes(frozenset({"discrepancy_flags"}), frozenset({flag_id, child_id}))

    def organisations(self) -> dict[str, str]:
        """Every organisation this device knows, id → name (whose record a value is)."""
        with self.db.session() as session:
            return {o.id: o.name for o in repo.organisations(session).values()}

    def for_child(self, child_id: str) -> list[Flag]:
        with self.db.session() as session:
            return discrepancy_repo.for_child(session, child_id)

    def queue(self, *, open_only: bool = True) -> list[Flag]:
        """The flags raised on this organisation's records (open ones first in time)."""
        own = self.own_org()
        if not own:
            return []
        with self.db.session() as session:
            return discrepancy_repo.for_owner(session, own, open_only=open_only)

    def resolve(self, flag_id: str, resolution: str, note: str = "") -> Changes:
        """Answer a flag raised on this organisation's record: corrected, confirmed or explained (with a note)."""
        with self.db.session() as session:
            flag = discrepancy_repo.get(session, flag_id)
        if flag is None:
            raise NotFound("No such flag.")
        if flag.owner_org != self.own_org():
            raise AuthError("Only the organisation whose record it is can answer this flag.")
        errors = []
        if resolution not in FLAG_RESOLUTIONS:
            errors.append(("resolution", "Choose corrected, confirmed or explained."))
        if resolution == "explained" and not note.strip():
            errors.append(("resolution_note", "Say what explains the value."))
        if not flag.open:
            errors.append(("status", f"This flag was already {RESOLUTION_WORDS.get(flag.status, flag.status)}."))
        if errors:
            raise ValidationError("The flag was not answered.", errors)
        with self.db.unit_of_work(self.actor) as uow:
            uow.update(
                "discrepancy_flags",
                flag_id,
                {
                    "status": resolution,
                    "resolution_note": note.strip() or None,
                    "resolved_by": self.actor,
                    "resolved_at": datetime.now(UTC),
                },
            )
        return Changes(frozenset({"discrepancy_flags"}), frozenset({flag_id, flag.child_id}))


__all__ = ["DiscrepancyService", "Flag", "Flaggable"]
