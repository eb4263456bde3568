"""Break-glass overrides from the app: ask for what is withheld of one child, see one's requests, and — for a
safeguarding lead — decide the requests about the organisation's records.

    col.overrides.choices(child_id) -> Choices           # whose records are withheld here, and which kinds
    col.overrides.prepare(child_id) -> (Choices, OverrideList)  # network: the dialog's choices and the policy
    col.overrides.listing(child_id=None) -> OverrideList # network: one's requests, the lead's queue, the policy
    col.overrides.refresh_waiting() -> int               # network: how many wait for this lead (kept for My work)
    col.overrides.waiting() -> list[OverrideInfo]        # the lead's queue as last kept (offline)
    col.overrides.ask(child_id, owner_org, categories, reason, detail) -> (OverrideInfo, Changes)
    col.overrides.decide(override_id, approve, note) -> (OverrideInfo, Changes)
    col.overrides.end(override_id) -> (OverrideInfo, Changes)

The server decides and keeps the override's audit; each step is also noted in this device's audit chain (action
`break-glass`), so the child's Audit tab shows it even offline. The data an override brings arrives, and leaves
when it ends, at the next sync round. Network calls run on the app's network pool and reach the database
through `on_db`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from casedesk import config
from casedesk.domain import overrides as model
from casedesk.domain.records import Changes
from casedesk.errors import NotFound
from casedesk.services.sync import SyncService
from casedesk.store import repositories as repo
from casedesk.store import sharing_repo
from casedesk.store.database import Database
from casedesk.sync.wire_audit import OverrideAsk, OverrideDecision, OverrideInfo, OverrideList

__all__ = ["Choices", "OverrideInfo", "OverrideList", "OverrideService"]  # the UI takes the wire shapes from here


@dataclass(frozen=True, slots=True)
class Choices:
    """What the dialog offers: the other organisations involved with the child (name by id), and for each the
    kinds of information this device was told are withheld (empty when it was told of none)."""

    child_name: str
    organisations: dict[str, str]
    withheld: dict[str, tuple[str, ...]]


class OverrideService:
    def __init__(self, db: Database, actor: str, sync: Callable[[], SyncService]) -> None:
        self.db = db
        self.actor = actor
        self._sync = sync  # the collection's sync service (its transport and its hop to the database thread)

    @property
    def sync(self) -> SyncService:
        return self._sync()

    def choices(self, child_id: str) -> Choices:
        own = self.db.get(config.ORGANISATION_ID)
        with self.db.session() as session:
            child = repo.get_child(session, child_id)  # NotFound for a child this device does not hold
            involved = {i.organisation_id for i in repo.involvements_for_child(session, child_id)}
            told = sharing_repo.withheld_for_child(session, child_id)
            involved |= {w.owner_org for w in told if w.owner_org}
            names = {o.id: o.name for o in repo.organisations(session, involved).values()}
        others = {org: names.get(org, org) for org in sorted(involved, key=lambda o: names.get(o, o)) if org != own}
        withheld: dict[str, tuple[str, ...]] = {}
        for org in others:  # what the server's notices said it withholds, by whose records
            withheld[org] = tuple(sorted({w.category for w in told if w.owner_org == org}))
        return Choices(child.display_name, others, withheld)

    def prepare(self, child_id: str) -> tuple[Choices, OverrideList]:
        """What the dialog needs (network): the choices, and the server's policy with this user's requests."""
        choices = self.sync.on_db(lambda: self.choices(child_id))
        return choices, self.listing(child_id)

    def listing(self, child_id: str | None = None) -> OverrideList:
        """The server's list (network). The whole list also refreshes what the device keeps of the lead's queue
        for My work (`waiting`)."""
        found = self.sync.transport.overrides(child_id)
        if child_id is None:
            kept = [o.model_dump() for o in found.to_decide if o.state in model.OPEN_STATES]
            self.sync.on_db(lambda: self.db.put(config.OVERRIDES_WAITING, kept))
        return found

    def refresh_waiting(self) -> int:
        """Ask the server for the lead's queue (network) and keep it; returns how many wait for the lead (0 for
        a user who decides none). Called by the status bar after every sync round."""
        return sum(1 for o in self.listing().to_decide if o.state in model.OPEN_STATES)

    def waiting(self) -> list[OverrideInfo]:
        """The lead's queue as last kept (no network)."""
        return [OverrideInfo.model_validate(o) for o in self.db.get(config.OVERRIDES_WAITING)]

    def ask(
        self, child_id: str, owner_org: str, categories: list[str], reason: str, detail: str
    ) -> tuple[OverrideInfo, Changes]:
        """Checked here first (a clear error, nothing sent), then asked of the server and noted in the audit."""
        own = self.sync.on_db(lambda: self.db.get(config.ORGANISATION_ID)) or ""
        wanted = model.check_ask(child_id, owner_org, categories, reason, detail, own)
        info = self.sync.transport.ask_override(
            OverrideAsk(
                child_id=child_id,
                owner_org=owner_org,
                categories=sorted(c.value for c in wanted.categories),
                reason=wanted.reason.value,
                detail=wanted.detail,
            )
        )
        self._note(info, f"asked ({wanted.reason.label}): {wanted.detail}")
        return info, Changes()

    def decide(self, override_id: str, approve: bool, note: str = "") -> tuple[OverrideInfo, Changes]:
        info = self.sync.transport.decide_override(override_id, OverrideDecision(approve=approve, note=note))
        self._note(info, ("approved" if approve else "refused") + (f": {note}" if note else ""))
        return info, Changes()

    def end(self, override_id: str) -> tuple[OverrideInfo, Changes]:
        info = self.sync.transport.end_override(override_id)
        self._note(info, "ended early")
        return info, Changes()

    def _note(self, info: OverrideInfo, what: str) -> None:
        """The step in this device's audit chain, against the child when this device holds it."""

        def write() -> None:
            with self.db.session() as session:
                try:
                    held = repo.get_child(session, info.child_id) is not None
                except NotFound:  # a lead deciding about a child this device does not hold
                    held = False
            with self.db.unit_of_work(self.actor) as uow:
                uow.note(
                    "break-glass",
                    "children" if held else "overrides",
                    info.child_id if held else info.id,
                    reason=f"override of {info.owner}'s records ({', '.join(info.categories)}) {what}",
                    override_id=info.id,
                    state=info.state,
                )

        self.sync.on_db(write)
