"""The audit across children in the app, for administrators, auditors and managers: the server's access log for
the organisation joined with this device's own audit chain, chosen by child, user, organisation, action and dates,
and exported as a CSV file (formula-safe) or a PDF for a subject access request or an information-governance
review.

    col.audit_search.search(filters) -> AuditSelection        # network pool: asks the server, reads the chain
    col.audit_search.write_csv(selection, path) / write_pdf(selection, path)   # each export audited

The server decides who may read its log (an administrator or auditor of the organisation); when it cannot be
asked the device's own entries still show, with a sentence saying why the server's are missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from casedesk import config
from casedesk.domain import audit_search as model
from casedesk.domain import roles
from casedesk.domain.audit_search import ACTIONS, AuditFilters, AuditRow
from casedesk.domain.records import Changes
from casedesk.domain.spreadsheet import write_csv
from casedesk.errors import CaseDeskError
from casedesk.services.alerts import access
from casedesk.services.sync import NotEnrolled, SyncService
from casedesk.store import audit_trail as store_trail
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.sync.transport import Offline, Refused
from casedesk.sync.wire_audit import AuditSearchEntry, AuditSearchResponse, OverrideInfo

__all__ = ["ACTIONS", "AuditFilters", "AuditSearchService", "AuditSelection"]  # the UI takes them from here


@dataclass(frozen=True)
class AuditSelection:
    filters: AuditFilters
    rows: list[AuditRow]
    overrides: list[OverrideInfo] = field(default_factory=list)
    note: str = ""  # why the server's entries are missing or cut short ("" when they are all here)
    organisations: dict[str, str] = field(default_factory=dict)  # id -> name, for the selection's words

    @property
    def selection(self) -> str:
        return self.filters.describe(self.organisations)


class AuditSearchService:
    def __init__(self, db: Database, actor: str, sync: Callable[[], SyncService]) -> None:
        self.db = db
        self.actor = actor
        self._sync = sync

    @property
    def sync(self) -> SyncService:
        return self._sync()

    def may_search(self) -> bool:
        """Whether this user's role may read the audit (auditors and managers; the app shows them the Audit page,
        administrators have the same search on theirs). The server decides again on every search."""
        return access.may(self.db, roles.Action.READ_AUDIT)

    def organisations(self) -> dict[str, str]:
        with self.db.session() as session:
            return {o.id: o.name for o in repo.organisations(session).values()}

    def search(self, filters: AuditFilters) -> AuditSelection:
        """Both sources, newest first. Call it off the UI thread: it may wait on the server."""
        filters = filters.checked()
        names = self.sync.on_db(self.organisations)
        local = self.sync.on_db(lambda: self._device_rows(filters, names))
        server: list[AuditRow] = []
        overrides: list[OverrideInfo] = []
        note = ""
        if filters.action in ("", model.RECEIVED, "break-glass"):
            try:
                answer = self._ask(filters)
            except NotEnrolled:
                note = "This computer is not enrolled with a server: only its own audit is shown."
            except Refused as exc:
                note = f"The server's access log is not shown: {exc}"
            except (Offline, CaseDeskError) as exc:
                note = f"The server's access log could not be read ({exc}): only this computer's audit is shown."
            else:
                if filters.action in ("", model.RECEIVED):
                    server = [self._server_row(e) for e in answer.entries]
                overrides = list(answer.overrides)
                if answer.truncated:
                    note = f"The server sent its newest {len(answer.entries):,} entries: narrow the selection."
        rows = [r for r in server + local if model.matches(r, filters)]
        return AuditSelection(filters, model.newest_first(rows), overrides, note, names)

    def _ask(self, filters: AuditFilters) -> AuditSearchResponse:
        params = {
            "child_id": filters.child if _looks_like_id(filters.child) else "",
            "org_id": filters.organisation,
            "username": filters.user,
            "since": filters.since.isoformat() if filters.since else "",
            "until": filters.until.isoformat() if filters.until else "",
        }
        return self.sync.transport.audit_search({k: v for k, v in params.items() if v})

    @staticmethod
    def _server_row(e: AuditSearchEntry) -> AuditRow:
        return AuditRow(
            at=datetime.fromisoformat(e.at),
            source=model.SERVER,
            child_id=e.child_id,
            child=e.child,
            organisation=e.organisation,
            user=e.username,
            device=e.device_name,
            action=model.RECEIVED,
            detail=f"{e.items} item(s); {e.basis}",
        )

    def _device_rows(self, filters: AuditFilters, names: dict[str, str]) -> list[AuditRow]:
        """This computer's own chain in the selection: it acts for this organisation only."""
        own = self.db.get(config.ORGANISATION_ID)
        if filters.organisation and filters.organisation != own:
            return []
        if filters.action == model.RECEIVED:
            return []
        since = datetime.combine(filters.since, time(), UTC) if filters.since else None
        before = datetime.combine(filters.until + timedelta(days=1), time(), UTC) if filters.until else None
        with self.db.session() as session:
            found = store_trail.entries_across(session, since, before, action=filters.action or None)
            held = {c.id: c.display_name for c in repo.list_children(session)} if found else {}
        organisation = names.get(own, self.db.get(config.PROFILE).organisation or "this organisation")
        rows = []
        for entry, child_id in found:
            if child_id is None:
                continue  # about no child (the directory, the database as a whole)
            detail = entry.reason or ""
            if entry.fields:
                detail = (detail + "; " if detail else "") + "fields: " + ", ".join(entry.fields)
            child = held.get(child_id, "")
            rows.append(
                AuditRow(entry.at, model.DEVICE, child_id, child, organisation, entry.actor, "", entry.action, detail)
            )
        return rows

    def write_csv(self, selection: AuditSelection, path: Path) -> Changes:
        """The selection as a CSV file a spreadsheet opens safely (no cell read as a formula); audited."""
        write_csv(path, model.HEADER, [r.cells() for r in selection.rows])
        return self._audited(selection, "CSV")

    def write_pdf(self, selection: AuditSelection, path: Path) -> Changes:
        """The selection as a PDF, the selection in words at the top and the overrides in it; audited."""
        from casedesk.reports.audit_search import render_audit_search_pdf

        now = datetime.now(UTC)
        render_audit_search_pdf(path, selection.rows, selection.overrides, selection.selection, self.actor, now)
        return self._audited(selection, "PDF")

    def _audited(self, selection: AuditSelection, kind: str) -> Changes:
        """An export of the audit is a disclosure too: noted once the file is written."""
        reason = f"audit across children as {kind} ({len(selection.rows)} entries): {selection.selection}"
        with self.db.unit_of_work(self.actor, journal=False) as uow:
            uow.note("export", "audit", self.db.database_id, reason=reason)
        return Changes()


def _looks_like_id(text: str) -> bool:
    return len(text) == 36 and text.count("-") == 4
