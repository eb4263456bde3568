"""`col.alerts`: the alerts a user is told of, each explained, and what they do about them.

An alert is open until someone told acts on it or dismisses it (with a reason); acknowledging says "I have seen
this" and leaves it open for the others. Each of these is an `alert_actions` row (append-only, journaled, audited,
synced with the alert's data category), so every device holding the child shows who did what and when.

Who "I" am: the worker records that are the profile's user (`services.caseload.my_worker_ids`) and this device's
organisation (the server's, once enrolled; else the profile's organisation by name). An alert names the people
told (`tell`); one that names only an organisation is for everyone there, and one that names nobody is for
everyone who holds the child.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from casedesk import config
from casedesk.domain.alerts.model import ACTIONS, CLOSING_ACTIONS, URGENCIES, WITHDRAWN
from casedesk.domain.alerts.recipients import is_told
from casedesk.domain.records import Changes
from casedesk.errors import NotFound, ValidationError
from casedesk.services.alerts import rules as rule_sets
from casedesk.services.alerts.evaluate import Evaluation, evaluate
from casedesk.store import alerts_repo as repo
from casedesk.store import repositories
from casedesk.store.alerts_repo import ActionRecord, AlertRecord
from casedesk.store.database import Database


@dataclass(frozen=True)
class Me:
    name: str
    worker_ids: frozenset[str] = frozenset()
    organisation_id: str | None = None


def who_am_i(db: Database, actor: str) -> Me:
    """The acting user's worker records (their name, at their organisation when the profile names it) and their
    organisation (the server's, once enrolled; else the profile's by name)."""
    with db.session() as session:
        orgs, people = repositories.organisations(session), repositories.workers(session)
    organisation = db.get(config.PROFILE).organisation.strip().casefold() if db.has(config.PROFILE) else ""
    org_id = db.get(config.ORGANISATION_ID) or next(
        (o.id for o in orgs.values() if organisation and o.name.casefold() == organisation), None
    )
    named = [w for w in people.values() if w.name.strip().casefold() == actor.strip().casefold()]
    at_org = [w for w in named if org_id and w.organisation_id == org_id]
    return Me(actor, frozenset(w.id for w in (at_org or named)), org_id)


@dataclass(frozen=True)
class AlertView:
    """An alert with what has been done about it, ready to list and explain."""

    alert: AlertRecord
    actions: tuple[ActionRecord, ...] = ()
    told_me: bool = False
    closed_by: ActionRecord | None = None

    @property
    def id(self) -> str:
        return self.alert.id

    @property
    def open(self) -> bool:
        return self.closed_by is None

    @property
    def state(self) -> str:
        if self.closed_by is not None:
            return self.closed_by.action
        return "acknowledged" if any(a.action == "acknowledged" for a in self.actions) else "open"

    @property
    def state_words(self) -> str:
        if self.closed_by is not None:
            if self.closed_by.action == WITHDRAWN:
                return f"Withdrawn by CaseDesk, {self.closed_by.done_at:%d %b %Y}: {self.closed_by.note}"
            done = "Acted on" if self.closed_by.action == "actioned" else "Dismissed"
            return f"{done} by {self.closed_by.author}, {self.closed_by.done_at:%d %b %Y}"
        seen = [a.author for a in self.actions if a.action == "acknowledged"]
        return f"Open · acknowledged by {', '.join(dict.fromkeys(seen))}" if seen else "Open"

    @property
    def told(self) -> str:
        return "; ".join(f"{t['name']} ({t['why']})" for t in self.alert.tell) or "everyone who holds this child"

    @property
    def first_tab(self) -> str:
        """The child-page tab that shows the evidence (the first record's)."""
        return str(self.alert.evidence[0]["tab"]) if self.alert.evidence else "overview"


def _views(records: list[AlertRecord], actions: dict[str, list[ActionRecord]], me: Me) -> list[AlertView]:
    out = []
    for record in records:
        done = tuple(actions.get(record.id, ()))
        closing = next((a for a in reversed(done) if a.action in CLOSING_ACTIONS), None)
        out.append(AlertView(record, done, is_told(record.tell, me.worker_ids, me.organisation_id), closing))
    urgency = {u: i for i, u in enumerate(URGENCIES)}
    out.sort(key=lambda v: (not v.open, urgency.get(v.alert.urgency, 9), -v.alert.met_on.toordinal(), v.id))
    return out


@dataclass
class AlertsService:
    db: Database
    actor: str
    _me: Me | None = field(default=None, repr=False)

    # -- rules and evaluation --------------------------------------------------------------------------------
    def import_rules(
        self, path: Path, *, this_device: bool = False
    ) -> tuple[tuple[rule_sets.RulesImport, Evaluation], Changes]:
        """Import a rule set and evaluate every child against the set now in effect."""
        report, changes = rule_sets.store_rules(self.db, path, self.actor, this_device=this_device)
        evaluation, raised = self.evaluate(full=True)
        return (report, evaluation), changes | raised

    def rules_in_effect(self) -> rule_sets.RulesInEffect:
        return rule_sets.in_effect(self.db)

    def evaluate(self, today: date | None = None, *, full: bool | None = None) -> tuple[Evaluation, Changes]:
        """After an import, an edit or a sync round: only the children whose records changed, or everyone on a
        new day or with new rules."""
        return evaluate(self.db, self.actor, today, full=full)

    def refresh(self, today: date | None = None) -> tuple[tuple[Evaluation, list[AlertView]], Changes]:
        """Evaluate (see `evaluate`) and return, with what it did, the urgent alerts it raised that tell this user
        (for the desktop notification)."""
        evaluation, changes = self.evaluate(today)
        urgent = [v for v in self.views(mine=True, open_only=True) if v.id in set(evaluation.urgent)]
        return (evaluation, urgent), changes

    def emails_on(self) -> bool:
        return self.db.get(config.ALERT_EMAILS)

    def set_emails(self, on: bool) -> Changes:
        """Opt this device in (or out) of asking the server's relay to email the people told of urgent alerts."""
        self.db.put(config.ALERT_EMAILS, bool(on))
        return Changes()

    # -- reading ---------------------------------------------------------------------------------------------
    def me(self) -> Me:
        self._me = who_am_i(self.db, self.actor)
        return self._me

    def views(self, *, mine: bool = False, open_only: bool = False, child_id: str | None = None) -> list[AlertView]:
        me = self.me()
        with self.db.session() as session:
            records = repo.alerts(session, child_id=child_id)
            actions = repo.actions(session, [r.id for r in records])
        views = _views(records, actions, me)
        return [v for v in views if (v.told_me or not mine) and (v.open or not open_only)]

    def get(self, alert_id: str) -> AlertView:
        me = self._me or self.me()
        with self.db.session() as session:
            records = repo.alerts(session, alert_ids=[alert_id])
            actions = repo.actions(session, [alert_id])
        if not records:
            raise NotFound("This alert is not held on this device.")
        return _views(records, actions, me)[0]

    # -- what people told do ---------------------------------------------------------------------------------
    def acknowledge(self, alert_id: str, note: str = "") -> tuple[AlertView, Changes]:
        return self._act(alert_id, "acknowledged", note)

    def act(self, alert_id: str, note: str) -> tuple[AlertView, Changes]:
        """Record what was done about it; the alert is then closed for everyone told."""
        if not note.strip():
            raise ValidationError("Say what was done about this alert.")
        return self._act(alert_id, "actioned", note)

    def dismiss(self, alert_id: str, reason: str) -> tuple[AlertView, Changes]:
        """Close it without action, with the reason (kept, synced and audited)."""
        if not reason.strip():
            raise ValidationError("Give the reason for dismissing this alert.")
        return self._act(alert_id, "dismissed", reason)

    def _act(self, alert_id: str, action: str, note: str) -> tuple[AlertView, Changes]:
        assert action in ACTIONS
        view = self.get(alert_id)
        if view.closed_by is not None:
            raise ValidationError(f"This alert is already closed: {view.state_words.lower()}.")
        if action == "acknowledged" and any(a.action == action and a.author == self.actor for a in view.actions):
            return view, Changes()
        values: dict[str, Any] = {
            "alert_id": alert_id,
            "child_id": view.alert.child_id,
            "action": action,
            "note": note.strip() or None,
            "author": self.actor,
            "done_at": datetime.now(UTC),
            "category": view.alert.category,
        }
        with self.db.unit_of_work(self.actor) as uow:
            uow.insert("alert_actions", values)
        return self.get(alert_id), uow.changes
