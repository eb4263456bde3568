"""Editing the directory: drafts on this device, then one publish that reaches every device.

The local authority's directory team edits services (or adds new ones) as drafts kept in this device's encrypted
settings, never half-visible elsewhere; `publish` checks every draft (`domain.directory.editing`) and writes them
all in one unit of work, journaled, so the next sync carries them to the server and from there to every device.
A draft that does not pass is refused with its problems and nothing is published. Each published service gets
today's review date unless the editor set one.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

from casedesk.config import DIRECTORY_DRAFTS
from casedesk.domain.directory.editing import service_problems
from casedesk.domain.directory.model import Service
from casedesk.domain.directory.oruk_export import service_to_oruk3
from casedesk.domain.directory.oruk_map import service_from_oruk3
from casedesk.domain.ids import new_id
from casedesk.domain.records import Changes
from casedesk.errors import NotFound, ValidationError
from casedesk.services.directory.permission import may_manage, require_manager
from casedesk.services.directory.taxonomy import load_taxonomy
from casedesk.store import directory_repo
from casedesk.store.database import Database


def _document(service: Service) -> dict[str, Any]:
    return dict(json.loads(json.dumps(service_to_oruk3(service))))


def check(db: Database, service: Service) -> None:
    problems = service_problems(service, load_taxonomy(db).labels())
    if problems:
        raise ValidationError(f"'{service.name or 'This service'}' cannot be published yet.", problems)


class DirectoryEditor:
    """`col.directory.editor`: drafts and publishing for one open database."""

    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor

    def allowed(self) -> bool:
        """Whether this device's user may edit and publish (the page hides the editor otherwise)."""
        return may_manage(self.db)

    def drafts(self) -> dict[str, Service]:
        """Unpublished edits by the record id they will update ("new:…" for a new service)."""
        stored = self.db.get(DIRECTORY_DRAFTS)
        return {key: service_from_oruk3(document) for key, document in stored.items()}

    def _stored(self) -> dict[str, Any]:
        stored: dict[str, Any] = self.db.get(DIRECTORY_DRAFTS)
        return dict(stored)

    def save_draft(self, service: Service, record_id: str | None) -> tuple[str, Changes]:
        """Keep an edit (checked, so a draft always publishes); returns its key. A draft is this device's own
        setting, not a record: it changes nothing that syncs, hence no `Changes`."""
        require_manager(self.db)
        check(self.db, service)
        key = record_id or f"new:{new_id()}"
        drafts = self._stored()
        drafts[key] = _document(service)
        self.db.put(DIRECTORY_DRAFTS, drafts)
        return key, Changes()

    def discard(self, key: str) -> None:
        drafts = self._stored()
        if drafts.pop(key, None) is None:
            raise NotFound(f"No draft {key}.")
        self.db.put(DIRECTORY_DRAFTS, drafts)

    def publish(self, today: date | None = None) -> tuple[list[str], Changes]:
        """Write every draft in one unit of work (all or nothing); returns the names published."""
        require_manager(self.db)
        drafts = self.drafts()
        for service in drafts.values():
            check(self.db, service)
        published: list[str] = []
        with self.db.unit_of_work(self.actor) as uow:
            for key, service in drafts.items():
                reviewed = service.last_reviewed or today or date.today()
                ready = replace(service, last_reviewed=reviewed, sample=False)
                values = {"name": ready.name, "document": _document(ready), "last_reviewed": reviewed}
                values["organisation_name"] = ready.organization.name if ready.organization else None
                if key.startswith("new:"):
                    uow.insert("services", {"external_id": ready.id, "source": "CaseDesk directory editor", **values})
                else:
                    stored = directory_repo.get_service(uow.session, key)  # NotFound if deleted meanwhile
                    ready = replace(ready, id=str(stored.document.get("id") or stored.external_id))
                    uow.update("services", key, {**values, "document": _document(ready)})
                published.append(ready.name)
            uow.note("publish", "services", "-", services=len(published))
        self.db.put(DIRECTORY_DRAFTS, {})
        return published, uow.changes
