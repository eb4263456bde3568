"""Read side of guidance: stored entries, kept questions, and the caseload's names (for scrubbing questions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casedesk.store.models import ChildRow, GuidanceEntryRow, GuidanceQuestionRow, WorkerRow
from casedesk.store.repositories import to_record
from casedesk.store.tables import mapped_table


@dataclass(frozen=True)
class StoredEntry:
    id: str
    external_id: str
    question: str
    document: dict[str, Any]
    owner: str | None
    last_reviewed: date | None
    source: str | None


@dataclass(frozen=True)
class KeptQuestion:
    id: str
    question: str
    outcome: str
    entry_id: str | None
    asked_on: date


def list_entries(session: Session) -> list[StoredEntry]:
    table = mapped_table(GuidanceEntryRow)
    query = select(table).where(table.c.deleted.is_(False)).order_by(table.c.external_id, table.c.id)
    return [to_record(StoredEntry, row) for row in session.execute(query)]


def entries_by_external_id(session: Session) -> dict[str, StoredEntry]:
    """Live entries by their id in the guidance file (the first, should two devices have made twins)."""
    found: dict[str, StoredEntry] = {}
    for entry in list_entries(session):
        found.setdefault(entry.external_id, entry)
    return found


def content_version(session: Session) -> tuple[int, str]:
    """How many entries and the latest change: enough to tell whether a built index is still current."""
    table = mapped_table(GuidanceEntryRow)
    count, latest = session.execute(select(func.count(), func.max(table.c.updated_at))).one()
    return int(count), str(latest)


def list_questions(session: Session) -> list[KeptQuestion]:
    table = mapped_table(GuidanceQuestionRow)
    query = select(table).where(table.c.deleted.is_(False)).order_by(table.c.asked_on, table.c.id)
    return [to_record(KeptQuestion, row) for row in session.execute(query)]


def caseload_names(session: Session) -> list[str]:
    """Every name a kept question must not carry: children's (given, preferred, family) and workers'."""
    children = mapped_table(ChildRow)
    workers = mapped_table(WorkerRow)
    names: list[str] = []
    for given, preferred, family in session.execute(
        select(children.c.given_name, children.c.preferred_name, children.c.family_name)
    ):
        names += [n for n in (given, preferred, family) if n]
    names += [n for (n,) in session.execute(select(workers.c.name)) if n]
    return names
