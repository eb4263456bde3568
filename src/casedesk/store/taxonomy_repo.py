"""Read side of the needs taxonomy: stored need terms as plain rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.store.models import NeedTermRow
from casedesk.store.repositories import to_record
from casedesk.store.tables import mapped_table


@dataclass(frozen=True)
class StoredNeed:
    id: str
    code: str
    label: str
    domain: str
    indicated_by: list[Any] | None
    tags: list[Any] | None
    state: str
    merged_into: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "domain": self.domain,
            "indicated_by": list(self.indicated_by or ()),
            "tags": list(self.tags or ()),
            "state": self.state,
            "merged_into": self.merged_into,
        }


def list_needs(session: Session) -> list[StoredNeed]:
    table = mapped_table(NeedTermRow)
    query = select(table).where(table.c.deleted.is_(False)).order_by(table.c.code, table.c.id)
    found: dict[str, StoredNeed] = {}
    for row in session.execute(query):
        need = to_record(StoredNeed, row)
        found.setdefault(need.code, need)  # the first, should two devices have made twins
    return list(found.values())
