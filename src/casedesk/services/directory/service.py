"""The service directory as the app and the CLI use it: import, export, load for matching, and search.

Import is all or nothing by default: a file (or API listing) with any problem raises `ValidationError` listing
every problem and writes nothing, because a half-imported directory silently missing services is worse than a
refused file. `skip_invalid` imports the valid records and reports the rest. Everything goes through one unit
of work, so the import is one transaction, journaled for sync (an area's directory reaches every device) and
audited.

Services are found again by `external_id`, their id in the directory they came from, so re-importing a feed
updates services (only the fields that changed) instead of duplicating them. The record id is that same id
when it is a UUID, so two devices importing the same feed make the same records rather than twins.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from casedesk.domain.directory.model import Service
from casedesk.domain.directory.oruk import ParseResult, load_directory, sample_services
from casedesk.domain.directory.oruk_export import export_issues, service_to_oruk3, to_oruk3_page
from casedesk.domain.directory.oruk_map import service_from_oruk3
from casedesk.domain.directory.oruk_schema import ImportIssue, is_uuid
from casedesk.domain.directory.reviews import ReviewLine, due_for_review
from casedesk.domain.ids import new_id
from casedesk.domain.records import Changes
from casedesk.errors import CaseDeskError, NotFound, ValidationError
from casedesk.services import policy
from casedesk.services.directory.editing import DirectoryEditor
from casedesk.services.directory.fetch import fetch_directory, is_url
from casedesk.services.directory.permission import require_manager
from casedesk.services.directory.search import (
    Attendance,
    Cost,
    DirectoryFilter,
    attendance_modes,
    search_services,
)
from casedesk.services.directory.taxonomy import TaxonomyService, load_taxonomy, with_needs
from casedesk.services.directory.usage import record_search
from casedesk.site_profile import ExportKind
from casedesk.store import directory_repo
from casedesk.store.database import Database

__all__ = [
    "Attendance",
    "Cost",
    "DirectoryFilter",
    "DirectoryService",
    "ImportReport",
    "attendance_modes",
    "read_directory",
    "search_services",
]

log = logging.getLogger(__name__)
SAMPLE_SOURCE = "CaseDesk sample directory"


@dataclass(frozen=True)
class ImportReport:
    """What an import did, by service name, and what it left out (with `--skip-invalid`) and why."""

    source: str
    format: str
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    problems: tuple[ImportIssue, ...] = ()
    organizations: int = 0
    taxonomy_terms: int = 0

    def __str__(self) -> str:
        text = (
            f"{len(self.added)} service(s) added, {len(self.updated)} updated, {len(self.unchanged)} unchanged"
            f" from {self.source}"
        )
        if self.skipped:
            text += f"; {len(self.skipped)} record(s) skipped as invalid"
        return text


def issue_where(issue: ImportIssue) -> str:
    """`file: location` and the field when the location does not already end with it (for CLI lines)."""
    where = f"{issue.file}: {issue.location}" if issue.location else issue.file
    if issue.field and not issue.location.endswith(f".{issue.field}"):
        where += f" (field '{issue.field}')"
    return where


def read_directory(path_or_url: str | Path) -> ParseResult:
    """Parse and validate a file, a CSV package folder or (for an http(s) address) a paged ORUK API."""
    text = str(path_or_url)
    if is_url(text):
        return fetch_directory(text)
    path = Path(path_or_url)
    if not path.exists():
        raise CaseDeskError(f"{path} does not exist.")
    return load_directory(path)


def refuse_if_invalid(result: ParseResult, skip_invalid: bool) -> None:
    """Raise with every problem unless the caller asked to import the valid rest."""
    if result.errors and not skip_invalid:
        problems = [(issue_where(issue), issue.message) for issue in result.errors]
        raise ValidationError(
            f"{result.source} has {len(problems)} problem(s); nothing was imported "
            "(fix them, or use --skip-invalid to import the valid records).",
            problems,
        )


def _columns(service: Service) -> dict[str, Any]:
    document = json.loads(json.dumps(service_to_oruk3(service)))  # plain JSON, exactly as it is stored
    return {
        "name": service.name,
        "organisation_name": service.organization.name if service.organization else None,
        "document": document,
        "last_reviewed": service.last_reviewed,
    }


def _service(stored: directory_repo.StoredService) -> Service | None:
    try:
        return service_from_oruk3(stored.document)
    except (KeyError, TypeError, ValueError) as error:  # e.g. synced from a newer CaseDesk
        log.warning("directory service %s could not be read (%s); it is left out", stored.id, error)
        return None


class DirectoryService:
    """The directory use cases bound to one open database and the acting user (`Collection.directory`). Every
    call that writes returns what it made with the `Changes` it made."""

    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self._actor = actor
        self.taxonomy = TaxonomyService(db, actor)
        self.editor = DirectoryEditor(db, actor)

    @property
    def actor(self) -> str:
        return self._actor

    @actor.setter
    def actor(self, name: str) -> None:
        self._actor = name
        self.taxonomy.actor = name
        self.editor.actor = name

    # -- reading -------------------------------------------------------------------------------------------------
    def services(self) -> list[Service]:
        """Every stored service, by name, for the directory page, search and matching.

        Each service's `id` is its CaseDesk record id (what a referral points at); the directory's own id stays
        in the stored document, which is what export writes.
        """
        with self.db.session() as session:
            stored = directory_repo.list_services(session)
        services = []
        for row in stored:
            service = _service(row)
            if service is not None:
                services.append(service if service.id == row.id else replace(service, id=row.id))
        return with_needs(services, load_taxonomy(self.db))

    def get(self, service_id: str) -> Service:
        with self.db.session() as session:
            stored = directory_repo.get_service(session, service_id)
        service = _service(stored)
        if service is None:
            raise NotFound(f"Directory service {service_id} cannot be read by this version of CaseDesk.")
        return with_needs([replace(service, id=stored.id)], load_taxonomy(self.db))[0]

    def due_for_review(self, today: date | None = None) -> list[ReviewLine]:
        return due_for_review(self.services(), today or date.today())

    def export(self) -> dict[str, Any]:
        """Every service as one ORUK 3.0 API page, under the directory's own ids; refuses output that would not
        validate."""
        policy.require_export(self.db, ExportKind.DIRECTORY)
        with self.db.session() as session:
            stored = directory_repo.list_services(session)
        services = [service for service in map(_service, stored) if service is not None]
        page = to_oruk3_page(services)
        issues = export_issues(page["contents"])
        if issues:
            raise CaseDeskError(f"The export would not be valid ORUK 3.0 ({issues[0]}); nothing was written.")
        return page

    # -- writing -------------------------------------------------------------------------------------------------
    def record_search(self, criteria: dict[str, Any]) -> Changes:
        """Keep the criteria of one search (see `usage.py`: filters only, no personal data)."""
        return record_search(self.db, self.actor, criteria)

    def store(self, services: tuple[Service, ...] | list[Service], source: str) -> tuple[ImportReport, Changes]:
        """Insert new services and update changed ones, in one transaction; the report says which were which."""
        unique = list({service.id: service for service in services}.values())  # a feed may repeat a service
        added: list[str] = []
        updated: list[str] = []
        unchanged: list[str] = []
        with self.db.unit_of_work(self.actor) as uow:
            ids = [service.id for service in unique]
            held = directory_repo.find_by_external_ids(uow.session, ids)
            taken = directory_repo.existing_ids(uow.session, [i for i in ids if i not in held])
            for service in unique:
                values = _columns(service)
                stored = held.get(service.id)
                if stored is None:
                    row_id = service.id if is_uuid(service.id) and service.id not in taken else new_id()
                    uow.insert("services", {"id": row_id, "external_id": service.id, "source": source, **values})
                    added.append(service.name)
                    continue
                changes = {key: value for key, value in values.items() if getattr(stored, key) != value}
                if changes:
                    uow.update("services", stored.id, {**changes, "source": source})
                    updated.append(service.name)
                else:
                    unchanged.append(service.name)
        return ImportReport(source, "", tuple(added), tuple(updated), tuple(unchanged)), uow.changes

    def import_directory(self, path_or_url: str | Path, skip_invalid: bool = False) -> tuple[ImportReport, Changes]:
        """Validate a directory and store its services; with any problem and not `skip_invalid`, change nothing."""
        result = read_directory(path_or_url)
        refuse_if_invalid(result, skip_invalid)
        return self.import_parsed(result)

    def import_parsed(self, result: ParseResult) -> tuple[ImportReport, Changes]:
        """Store an already validated result (the CLI validates before asking for the passphrase); only a
        directory manager imports (the server refuses anyone else's directory changes)."""
        require_manager(self.db)
        report, changes = self.store(result.services, result.source)
        full = replace(
            report,
            format=result.format,
            skipped=result.skipped,
            problems=result.errors,
            organizations=len(result.organizations),
            taxonomy_terms=len(result.taxonomy_terms),
        )
        return full, changes

    def load_sample(self) -> tuple[int, Changes]:
        """Add the bundled fictional directory unless the database already holds services; returns how many."""
        with self.db.session() as session:
            if directory_repo.service_count(session):
                return 0, Changes()
        report, changes = self.store(sample_services(), SAMPLE_SOURCE)
        return len(report.added), changes
