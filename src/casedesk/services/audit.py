"""A child's audit for the app's Audit tab: the device's own audit joined with the server's access log.

    col.audit.note_viewed(child_id) -> Changes     # the record was opened: a "view" entry, at most every 30 min
    col.audit.child_audit(child_id) -> ChildAudit  # on the network pool: the server's log is fetched over the API

Reading the server's log needs the network, so `child_audit` runs where sync runs (the app's network pool) and
reaches the database through `on_db`. When the server cannot be asked (not enrolled, offline, the token refused,
the child not shared with the organisation) the device's own entries still show, with a sentence saying why the
server's are missing: the audit never fails just because the server is out of reach.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from casedesk.domain import audit_trail
from casedesk.domain.records import Changes
from casedesk.errors import CaseDeskError
from casedesk.services.sync import NotEnrolled, SyncService
from casedesk.store import audit_trail as store_trail
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.sync.transport import Offline, Refused
from casedesk.sync.wire_audit import AccessLogResponse


class AuditService:
    def __init__(self, db: Database, actor: str, sync: Callable[[], SyncService]) -> None:
        self.db = db
        self.actor = actor
        self._sync = sync  # the collection's sync service (its transport and its hop to the database thread)

    @property
    def sync(self) -> SyncService:
        return self._sync()

    def note_viewed(self, child_id: str, now: datetime | None = None) -> Changes:
        """Note that the acting user opened the child's record (once per `VIEW_EVERY`, so reopening the page or
        refreshing it after a save does not flood the audit)."""
        now = now or datetime.now(UTC)
        with self.db.session() as session:
            repo.get_child(session, child_id)  # NotFound for a child this device does not hold
            if store_trail.viewed_since(session, child_id, self.actor, now - store_trail.VIEW_EVERY):
                return Changes()
        with self.db.unit_of_work(self.actor) as uow:
            uow.note("view", "children", child_id, reason="opened the record")
        return Changes()

    def device_entries(self, child_id: str) -> list[audit_trail.DeviceEntry]:
        with self.db.session() as session:
            repo.get_child(session, child_id)
            return store_trail.entries_for_child(session, child_id)

    def child_audit(self, child_id: str) -> audit_trail.ChildAudit:
        """Both sources, newest first. Call it off the UI thread: it may wait on the server."""
        local = self.sync.on_db(lambda: self.device_entries(child_id))
        device_id = self.sync.on_db(lambda: self.db.device_id)
        server: list[audit_trail.ServerEntry] = []
        overrides: list[audit_trail.OverrideEntry] = []
        note = ""
        try:
            answer = self.sync.transport.access_log(child_id)
            server, overrides = server_entries(answer), override_entries(answer)
        except NotEnrolled:
            note = "This device is not enrolled with a server, so only what was done on this device is shown."
        except Offline:
            note = "The server cannot be reached, so only what was done on this device is shown."
        except Refused as exc:
            note = f"The server did not give its access log: {exc}"
        except CaseDeskError as exc:  # a refused token or a revoked device: sync says what to do about it
            note = f"The server's access log is not available: {exc}"
        return audit_trail.join(child_id, local, server, this_device=device_id, server_note=note, overrides=overrides)


def server_entries(answer: AccessLogResponse) -> list[audit_trail.ServerEntry]:
    return [
        audit_trail.ServerEntry(
            at=datetime.fromisoformat(e.at),
            username=e.username,
            organisation=e.organisation,
            device_name=e.device_name,
            device_id=e.device_id,
            kind=e.kind,
            items=e.items,
            basis=e.basis,
        )
        for e in answer.entries
    ]


def override_entries(answer: AccessLogResponse) -> list[audit_trail.OverrideEntry]:
    return [
        audit_trail.OverrideEntry(
            at=datetime.fromisoformat(o.requested_at),
            username=o.username,
            organisation=o.organisation,
            device_id=o.device_id,
            owner=o.owner,
            categories=tuple(o.categories),
            reason=o.reason,
            detail=o.detail,
            state=o.state,
            decided_by=o.decided_by,
            until=datetime.fromisoformat(o.expires_at) if o.expires_at else None,
        )
        for o in answer.overrides
    ]
