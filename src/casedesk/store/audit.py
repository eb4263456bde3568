"""The audit chain: who did what, when, before → after, each entry hashed over the one before it.

Anyone able to edit the encrypted file could rewrite an entry, but not without breaking every hash after it,
so `verify_chain` finds the first entry that was changed, removed or inserted.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.store.journal.wire_values import to_json_value
from casedesk.store.models import AuditRow

GENESIS_HASH = "0" * 64


def _json_default(value: Any) -> Any:
    return to_json_value(value)


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """Fields are already JSON-safe on every path (the unit of work converts them once); dates are converted
    here only as a fallback, with the same result `to_json_value` gives."""
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def hashed_fields(
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    row_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str | None,
) -> dict[str, Any]:
    return {
        "seq": seq,
        "at": at.isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "entity": entity,
        "row_id": row_id,
        "before": before,
        "after": after,
        "reason": reason,
    }


def chain_tip(session: Session) -> tuple[int, str]:
    """The last sequence number and hash, where the next entry links on."""
    row = session.execute(select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)).first()
    return (0, GENESIS_HASH) if row is None else (row.seq, row.hash)


@dataclass(frozen=True, slots=True)
class ChainReport:
    entries: int
    ok: bool
    broken_at: int | None = None
    problem: str | None = None

    def describe(self) -> str:
        if self.ok:
            return f"Audit chain intact: {self.entries} entries verified."
        if self.broken_at is None:
            return f"Audit chain cannot be trusted: {self.problem}"
        return f"Audit chain BROKEN at entry {self.broken_at}: {self.problem}"


def verify_chain(session: Session) -> ChainReport:
    """Walk the whole chain in order; stop at the first entry whose links or content do not add up."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    count = 0
    for row in session.execute(select(AuditRow).order_by(AuditRow.seq)).scalars():
        if row.seq != expected_seq:
            return ChainReport(count, False, expected_seq, f"entry {expected_seq} is missing (next is {row.seq}).")
        if row.prev_hash != prev_hash:
            return ChainReport(count, False, row.seq, "it does not link to the entry before it.")
        fields = hashed_fields(
            row.seq, row.at, row.actor, row.action, row.entity, row.row_id, row.before, row.after, row.reason
        )
        if entry_hash(prev_hash, fields) != row.hash:
            return ChainReport(count, False, row.seq, "its content was changed after it was written.")
        prev_hash = row.hash
        expected_seq += 1
        count += 1
    return ChainReport(count, True)
