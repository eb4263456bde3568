"""Guidance as the app and the CLI use it: import, ask, and keep what people could not find.

`casedesk import guidance FILE.json` validates a file and stores its entries as synced `guidance_entries`
records in one unit of work, so the server hands an area's guidance to every device (as it does the directory).
Re-importing updates entries by their id in the file and changes nothing for an entry that is the same. A
device whose database holds no guidance answers from the bundled sample content, marked as such.

Questions that found nothing and "did this help?" answers are kept as `guidance_questions` records, which reach
the local authority with the next sync, but only after `scrub` has taken out the caseload's names, identifiers,
dates, postcodes and addresses: the raw question is never written anywhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from casedesk.domain.guidance.load import GuidanceFile, load_guidance, sample_guidance
from casedesk.domain.guidance.model import GuidanceEntry
from casedesk.domain.guidance.scrub import scrub
from casedesk.domain.guidance.search import Answer, GuidanceIndex, Reading
from casedesk.domain.records import Changes
from casedesk.domain.schema.catalogue import GUIDANCE_OUTCOMES
from casedesk.errors import ValidationError
from casedesk.services.directory.permission import require_manager
from casedesk.store import guidance_repo
from casedesk.store.database import Database

SAMPLE_SOURCE = "CaseDesk sample guidance"


@dataclass(frozen=True)
class GuidanceImport:
    source: str
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()

    def __str__(self) -> str:
        return (
            f"{len(self.added)} entr(ies) added, {len(self.updated)} updated, {len(self.unchanged)} unchanged "
            f"from {self.source}"
        )


def _columns(entry: GuidanceEntry) -> dict[str, Any]:
    return {
        "question": entry.question,
        "document": json.loads(json.dumps(entry.to_dict())),
        "owner": entry.owner,
        "last_reviewed": entry.last_reviewed,
    }


def store_guidance(db: Database, content: GuidanceFile, actor: str, source: str) -> tuple[GuidanceImport, Changes]:
    """Add new entries and update changed ones, in one transaction."""
    added: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    with db.unit_of_work(actor) as uow:
        held = guidance_repo.entries_by_external_id(uow.session)
        for entry in content.entries:
            values = _columns(entry)
            stored = held.get(entry.id)
            if stored is None:
                uow.insert("guidance_entries", {"external_id": entry.id, "source": source, **values})
                added.append(entry.id)
                continue
            changed = {k: v for k, v in values.items() if getattr(stored, k) != v}
            if changed:
                uow.update("guidance_entries", stored.id, {**changed, "source": source})
                updated.append(entry.id)
            else:
                unchanged.append(entry.id)
        uow.note("import", "guidance_entries", "-", title=content.title, source=source, entries=len(content.entries))
    return GuidanceImport(source, tuple(added), tuple(updated), tuple(unchanged)), uow.changes


def import_guidance(db: Database, path: Path, actor: str) -> tuple[GuidanceImport, Changes]:
    """Validate a guidance file and store it; with any problem, raise and store nothing. Only a directory manager
    imports (the server refuses anyone else's guidance)."""
    require_manager(db)
    content = load_guidance(path)
    return store_guidance(db, content, actor, path.name)


def load_sample_guidance(db: Database, actor: str) -> int:
    """Store the bundled sample unless the database already holds guidance; returns how many entries."""
    with db.session() as session:
        if guidance_repo.list_entries(session):
            return 0
    report, _ = store_guidance(db, sample_guidance(), actor, SAMPLE_SOURCE)
    return len(report.added)


def stored_entries(db: Database) -> list[GuidanceEntry]:
    with db.session() as session:
        return [GuidanceEntry.from_dict(stored.document) for stored in guidance_repo.list_entries(session)]


class GuidanceService:
    """Ask CaseDesk for one open database (`Collection.guidance`)."""

    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor
        self._index: GuidanceIndex | None = None
        self._version: tuple[int, str] | None = None

    def index(self) -> GuidanceIndex:
        """The ranking index over the stored entries (the bundled sample when none are stored), rebuilt only
        when the content changed."""
        with self.db.session() as session:
            version = guidance_repo.content_version(session)
        if self._index is None or version != self._version:
            entries = stored_entries(self.db) if version[0] else list(sample_guidance().entries)
            self._index, self._version = GuidanceIndex(entries), version
        return self._index

    def ask(self, question: str, limit: int = 5) -> tuple[Reading, list[Answer]]:
        return self.index().ask(question, limit)

    def entry(self, entry_id: str) -> GuidanceEntry | None:
        return next((e for e in self.index().entries if e.id == entry_id), None)

    def keep_question(
        self, question: str, outcome: str, entry_id: str | None = None, today: date | None = None
    ) -> tuple[str, Changes]:
        """Keep a question that found nothing (`no_result`) or a rating of an answer (`helpful`/`unhelpful`),
        scrubbed of personal data first; returns the text as kept."""
        if outcome not in GUIDANCE_OUTCOMES:
            raise ValidationError(f"'{outcome}' is not one of {', '.join(GUIDANCE_OUTCOMES)}.")
        with self.db.session() as session:
            names = guidance_repo.caseload_names(session)
        kept = scrub(question, names)
        if not kept:
            raise ValidationError("There is no question to keep.")
        with self.db.unit_of_work(self.actor) as uow:
            uow.insert(
                "guidance_questions",
                {"question": kept, "outcome": outcome, "entry_id": entry_id, "asked_on": today or date.today()},
            )
        return kept, uow.changes

    def import_file(self, path: Path) -> tuple[GuidanceImport, Changes]:
        return import_guidance(self.db, path, self.actor)
