"""Recording a multi-agency meeting: its header (shared, naming no child) and each child's part, every part
written with a chronology entry for that child only, in one unit of work, offline like any other write.

A panel discusses several children: one header, one part per child. A child can be added to a meeting already
recorded, and a part can be corrected later: the correction updates the part and adds an amendment to its
chronology entry (which keeps the original, like every chronology amendment).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from casedesk.domain.ids import new_id
from casedesk.domain.meetings import minutes
from casedesk.domain.meetings.records import Attendee, Meeting, MeetingItem
from casedesk.domain.meetings.rules import meeting_problems
from casedesk.domain.meetings.vocab import Decision
from casedesk.domain.records import Changes, Child, Organisation, Worker
from casedesk.domain.schema import CHRONOLOGY_CATEGORIES
from casedesk.domain.vocab import EventKind, Significance
from casedesk.errors import ValidationError
from casedesk.services.meetings.base import MeetingsBase, chronicle, clean, require
from casedesk.services.meetings.outcomes import MeetingOutcomes, meeting_outcomes
from casedesk.services.meetings.panel_pack import PanelPack, write_panel_pack
from casedesk.store import meetings_repo as mrepo
from casedesk.store import repositories as repo
from casedesk.store.uow import UnitOfWork

PART_FIELDS = (
    "question",
    "category",
    "referred_on",
    "family_attended",
    "family_views",
    "discussion",
    "decision",
    "decision_text",
    "reasons",
    "decided_on",
)
_CATEGORIES = {c.value for c in CHRONOLOGY_CATEGORIES}
_DECISIONS = {d.value for d in Decision}


@dataclass(frozen=True)
class ChildPart:
    """What the meeting said about one child, as the person taking minutes typed it."""

    child_id: str
    question: str
    discussion: str | None = None
    decision: str | None = None
    decision_text: str | None = None
    reasons: str | None = None
    category: str = "general"
    referred_on: date | None = None
    decided_on: date | None = None  # the meeting's date when a decision (not a deferral) is given
    family_attended: str | None = None
    family_views: str | None = None


@dataclass(frozen=True)
class MeetingView:
    """A meeting as this device holds it: the header and the parts of the children it may see."""

    meeting: Meeting
    items: list[MeetingItem]
    children: dict[str, Child]
    organisation_names: dict[str, str]


def _part_values(part: ChildPart, held_on: date, index: int) -> dict[str, Any]:
    """The part's stored values, or ValidationError naming the part (`children[i].field`)."""
    errors: list[tuple[str, str]] = []
    where = f"children[{index}]"
    if not part.question.strip():
        errors.append((f"{where}.question", "Say what question was brought."))
    if part.category not in _CATEGORIES:
        errors.append((f"{where}.category", "Choose a chronology category."))
    if part.decision is not None and part.decision not in _DECISIONS:
        errors.append((f"{where}.decision", "Choose a decision from the list."))
    if part.referred_on and part.referred_on > held_on:
        errors.append((f"{where}.referred_on", "The referral date is after the meeting."))
    decided = part.decided_on
    if decided is None and part.decision not in (None, Decision.DEFERRED):
        decided = held_on
    if part.decision in (None, Decision.DEFERRED):
        decided = None
    if decided is not None and decided < held_on:
        errors.append((f"{where}.decided_on", "The decision date is before the meeting."))
    require(errors)
    return {
        "child_id": part.child_id,
        "question": part.question.strip(),
        "category": part.category,
        "referred_on": part.referred_on,
        "family_attended": clean(part.family_attended),
        "family_views": clean(part.family_views),
        "discussion": clean(part.discussion),
        "decision": part.decision,
        "decision_text": clean(part.decision_text),
        "reasons": clean(part.reasons),
        "decided_on": decided,
    }


class MeetingService(MeetingsBase):
    # -- recording ---------------------------------------------------------------------------------------------
    def record(
        self,
        kind: str,
        held_on: date,
        chair: str,
        attendees: list[Attendee],
        parts: list[ChildPart],
        *,
        organisation_id: str | None = None,
        chair_worker_id: str | None = None,
    ) -> tuple[str, Changes]:
        """Record a meeting and each child's part; every part writes its child's chronology entry."""
        require(meeting_problems(kind, held_on, chair, attendees, len(parts)))
        if len({p.child_id for p in parts}) != len(parts):
            raise ValidationError("A child is listed twice.", [("children", "Each child once.")])
        values = [_part_values(p, held_on, i) for i, p in enumerate(parts)]
        with self.db.session() as session:
            for part in parts:
                repo.get_child(session, part.child_id)  # NotFound for a child this device does not hold
            names = {o.id: o.name for o in repo.organisations(session).values()}
        unknown = [a for a in attendees if a.organisation_id not in names]
        if unknown:
            raise ValidationError("An attendee's agency is not in the directory.", [("attendees", unknown[0].name)])
        meeting = Meeting(
            id=new_id(),
            kind=kind,
            held_on=held_on,
            chair=chair.strip(),
            organisation_id=organisation_id,
            chair_worker_id=chair_worker_id,
            attendees=[a.to_json() for a in attendees],
            recorded_by=self.actor,
        )
        with self.db.unit_of_work(self.actor) as uow:
            meeting_id = uow.insert("meetings", asdict(meeting))
            for value in values:
                self._write_part(uow, meeting, value, names)
        return meeting_id, uow.changes

    def add_child(self, meeting_id: str, part: ChildPart) -> tuple[str, Changes]:
        """Add one more child's part to a meeting already recorded (a panel's later case)."""
        with self.db.session() as session:
            meeting = mrepo.get(session, Meeting, meeting_id)
            repo.get_child(session, part.child_id)
            held = mrepo.rows(session, MeetingItem, meeting_id=meeting_id, child_id=part.child_id)
            names = {o.id: o.name for o in repo.organisations(session).values()}
        if held:
            raise ValidationError("This child is already part of the meeting.", [("child_id", "Already there.")])
        values = _part_values(part, meeting.held_on, 0)
        with self.db.unit_of_work(self.actor) as uow:
            item_id = self._write_part(uow, meeting, values, names)
        return item_id, uow.changes

    def correct_part(self, item_id: str, changes: dict[str, Any], reason: str) -> Changes:
        """Change a child's part; its chronology entry gets an amendment saying why (the original stays)."""
        if not reason.strip():
            raise ValidationError("Say why the minutes are corrected.", [("reason", "Required.")])
        unknown = set(changes) - set(PART_FIELDS)
        if unknown:
            raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
        with self.db.session() as session:
            item = mrepo.get(session, MeetingItem, item_id)
            meeting = mrepo.get(session, Meeting, item.meeting_id)
            names = {o.id: o.name for o in repo.organisations(session).values()}
            entries = [e for e in repo.events_for_child(session, item.child_id) if e.related_id == item_id]
        merged = replace(item, **changes)
        part = ChildPart(**{k: getattr(merged, k) for k in ("child_id", *PART_FIELDS)})
        values = _part_values(part, meeting.held_on, 0)
        updated = replace(item, **{k: v for k, v in values.items() if k != "child_id"})
        original = next((e for e in entries if e.amends_id is None), None)
        with self.db.unit_of_work(self.actor) as uow:
            uow.update("meeting_items", item_id, {k: v for k, v in values.items() if k != "child_id"})
            body = f"{minutes.entry_body(meeting, updated, names)}\n\nCorrection: {reason.strip()}"
            chronicle(
                uow,
                item.child_id,
                EventKind.MEETING_DECISION,
                meeting.held_on,
                minutes.summary_line(meeting, updated),
                related_id=item_id,
                body=body,
                category=updated.category,
                organisation_id=meeting.organisation_id,
                significance=_significance(updated),
                amends_id=original.id if original else None,
            )
        return uow.changes

    @staticmethod
    def _write_part(uow: UnitOfWork, meeting: Meeting, values: dict[str, Any], names: dict[str, str]) -> str:
        item_id = uow.insert("meeting_items", {"meeting_id": meeting.id, **values})
        item = MeetingItem(id=item_id, meeting_id=meeting.id, **values)
        chronicle(
            uow,
            item.child_id,
            EventKind.MEETING_DECISION,
            meeting.held_on,
            minutes.summary_line(meeting, item),
            related_id=item_id,
            body=minutes.entry_body(meeting, item, names),
            category=item.category,
            organisation_id=meeting.organisation_id,
            significance=_significance(item),
        )
        return item_id

    # -- reading -----------------------------------------------------------------------------------------------
    def directory(self) -> tuple[dict[str, Organisation], dict[str, Worker]]:
        """The agencies and people an attendee, chair, lead or owner is chosen from."""
        with self.db.session() as session:
            return repo.organisations(session), repo.workers(session)

    def find_children(self, text: str, limit: int = 50) -> list[Child]:
        """Children whose name, identifier or date of birth contains what was typed (3+ letters a word)."""
        with self.db.session() as session:
            ids = repo.search_child_ids(session, text, limit)
            return [repo.get_child(session, child_id) for child_id in ids or []]

    def children(self, ids: list[str]) -> list[Child]:
        """The children asked for that this device holds, in the order asked (a panel's chosen children)."""
        with self.db.session() as session:
            held = set(repo.child_ids(session))
            return [repo.get_child(session, child_id) for child_id in ids if child_id in held]

    def view(self, meeting_id: str) -> MeetingView:
        with self.db.session() as session:
            meeting = mrepo.get(session, Meeting, meeting_id)
            items = mrepo.rows(session, MeetingItem, meeting_id=meeting_id)
            children = {i.child_id: repo.get_child(session, i.child_id) for i in items}
            names = {o.id: o.name for o in repo.organisations(session).values()}
        return MeetingView(meeting, items, children, names)

    def for_child(self, child_id: str) -> list[tuple[Meeting, MeetingItem]]:
        """The child's parts of meetings, newest meeting first, each with its header."""
        with self.db.session() as session:
            items = mrepo.rows(session, MeetingItem, child_id=child_id)
            headers = mrepo.meetings(session, {i.meeting_id for i in items})
        pairs = [(headers[i.meeting_id], i) for i in items if i.meeting_id in headers]
        return sorted(pairs, key=lambda p: (p[0].held_on, p[0].id), reverse=True)

    def outcomes(self, today: date, since: date | None = None) -> MeetingOutcomes:
        """The local authority's counts (decisions, waits, actions on time), small numbers suppressed."""
        return meeting_outcomes(self.db, today, since)

    def write_panel_pack(
        self, child_ids: Sequence[str], attending: Sequence[str], title: str, held_on: date, out: Path
    ) -> PanelPack:
        """A page per child limited to what every attending organisation may see (the printing is audited)."""
        return write_panel_pack(self.db, child_ids, attending, title, held_on, out, self.actor)

    def recent(self, limit: int = 200) -> list[tuple[Meeting, int]]:
        """Meetings held on this device, newest first, with how many of their children it may see."""
        with self.db.session() as session:
            headers = mrepo.rows(session, Meeting)
            items = mrepo.rows(session, MeetingItem)
        counts: dict[str, int] = {}
        for item in items:
            counts[item.meeting_id] = counts.get(item.meeting_id, 0) + 1
        headers.sort(key=lambda m: (m.held_on, m.id), reverse=True)
        return [(m, counts.get(m.id, 0)) for m in headers[:limit]]


def _significance(item: MeetingItem) -> Significance:
    if item.decision in (Decision.STEP_UP, Decision.MANAGED_MOVE, Decision.ALTERNATIVE_PROVISION):
        return Significance.SIGNIFICANT
    return Significance.NOTABLE
