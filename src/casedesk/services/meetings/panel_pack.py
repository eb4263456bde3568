"""Panel packs: for each child chosen for a panel, one page limited to what every attending organisation may
see — the child's key facts and current statuses, the agencies involved, the latest needs check, recent
chronology, open referrals and attendance — every record passed through `domain.sharing.redact` with the
allowance common to the attendees (`domain.meetings.audience`) and, row by row, the agreements between its owner
and each attendee (`services.onward`). A child some attendee may not see at all gets a
page saying so and nothing else, not even the name. Printing the pack is audited for each child shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from casedesk.domain import sharing
from casedesk.domain.attendance.summary import summaries
from casedesk.domain.attendance.week import week_marks
from casedesk.domain.meetings.audience import for_attendees
from casedesk.domain.referrals.workflow import ReferralStatus
from casedesk.domain.sharing_onward import Onward
from casedesk.domain.vocab import EventKind, InvolvementRole, StatusKind, label_of
from casedesk.errors import ValidationError
from casedesk.services import onward, policy
from casedesk.store import attendance_repo, referral_repo, triage_repo
from casedesk.store import repositories as repo
from casedesk.store.database import Database

RECENT_DAYS = 183  # the chronology of the last six months
RECENT_ENTRIES = 8  # at most, newest first: the page is one page
CLOSED = {ReferralStatus.CLOSED, ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN}


@dataclass(frozen=True)
class PanelPage:
    """One child's page; `shown` False when some attending organisation may not see the child at all."""

    shown: bool
    name: str = ""
    facts: list[tuple[str, str]] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    needs_check: list[str] = field(default_factory=list)
    chronology: list[tuple[str, str, str]] = field(default_factory=list)  # (date, kind, summary)
    referrals: list[tuple[str, str, str]] = field(default_factory=list)  # (service, status, made)
    attendance: str | None = None


@dataclass(frozen=True)
class PanelPack:
    title: str
    held_on: date
    attending: list[str]  # the organisations' names
    pages: list[PanelPage]


def _page(db: Database, session: Any, child_id: str, attending: list[str], today: date) -> PanelPage:
    involvements = repo.involvements_for_child(session, child_id)
    allowed = for_attendees(attending, child_id, involvements, today)
    rules = onward.onward_for(db, session, attending, child_id, allowed)  # each row under its owner's agreements
    child = rules.redact(repo.get_child(session, child_id))
    if child is None:
        return PanelPage(False)
    orgs, people = repo.organisations(session), repo.workers(session)
    facts = [("Born", f"{child.date_of_birth:%d %b %Y} (age {child.age_on(today)})")] if child.date_of_birth else []
    if child.upn:
        facts.append(("UPN", child.upn))
    school = orgs.get(child.current_school_id or "")
    if school:
        facts.append(("School", school.name))
    statuses = [
        label_of(StatusKind, s.kind) + (f" ({s.detail})" if s.detail else "") + f" since {s.start_date:%b %Y}"
        for s in rules.redact_all(repo.statuses_for_child(session, child_id))
        if s.is_current(today)
    ]
    agencies = []
    for i in rules.redact_all(involvements):
        if i.is_current(today) and i.organisation_id in orgs:
            worker = people.get(i.worker_id or "")
            agencies.append(
                f"{orgs[i.organisation_id].name}: {label_of(InvolvementRole, i.role)}"
                + (f", {worker.name}" if worker else "")
            )
    checks = [r for r in rules.redact_all(triage_repo.results_for_child(session, child_id)) if r.is_complete]
    needs: list[str] = []
    if checks:
        latest = max(checks, key=lambda r: r.completed_at or r.started_at)
        outcome = latest.stored_outcome()
        when = f"{(latest.completed_at or latest.started_at):%d %b %Y}"
        needs.append(f"Level {latest.level}" + (f": {outcome.level_name}" if outcome else "") + f" ({when})")
        if outcome and outcome.domains:
            needs.append("Needs: " + ", ".join(d.name for d in outcome.domains[:4]))
    since = datetime.combine(today - timedelta(days=RECENT_DAYS), datetime.min.time(), UTC)
    events = [e for e in rules.redact_all(repo.events_for_child(session, child_id)) if e.occurred_at >= since]
    events.sort(key=lambda e: e.occurred_at, reverse=True)
    chronology = [
        (f"{e.occurred_at:%d %b %Y}", label_of(EventKind, e.kind), e.summary) for e in events[:RECENT_ENTRIES]
    ]
    referrals = [
        (r.service_name, label_of(ReferralStatus, r.status), f"{r.created_at:%d %b %Y}")
        for r in rules.redact_all(referral_repo.list_referrals(session, child_id))
        if r.status not in CLOSED
    ]
    return PanelPage(
        True,
        child.display_name,
        facts,
        statuses,
        agencies,
        needs,
        chronology,
        referrals,
        _attendance(session, child_id, rules, today),
    )


def _attendance(session: Any, child_id: str, rules: Onward, today: date) -> str | None:
    weeks = attendance_repo.weeks_of(session, [child_id]).get(child_id, {})
    shown = [
        (monday, redacted.values)
        for monday, row in sorted(weeks.items())
        if (redacted := rules.redact(sharing.Shared("attendance_weeks", row))) is not None
    ]
    marks = [mark for monday, values in shown for mark in week_marks(monday, dict(values))]
    if not marks:
        return None
    year = summaries(marks, today=today).year
    if year.attendance_rate is None:
        return None
    flag = " — severe absence" if year.severe else (" — persistent absence" if year.persistent else "")
    return f"{year.label}: {year.attendance_rate:.1f}% attendance over {year.possible} sessions{flag}"


def panel_pack(
    db: Database, child_ids: Sequence[str], attending: Sequence[str], title: str, held_on: date
) -> PanelPack:
    """The pack's pages, in the order the children were chosen (each child once)."""
    if not child_ids:
        raise ValidationError("Choose the children for the panel.", [("children", "None chosen.")])
    if not attending:
        raise ValidationError("Choose the organisations attending.", [("attending", "None chosen.")])
    today = held_on
    with db.session() as session:
        orgs = repo.organisations(session, attending)
        missing = [org for org in attending if org not in orgs]
        if missing:
            raise ValidationError("An attending organisation is not in the directory.", [("attending", missing[0])])
        pages = [_page(db, session, child_id, list(attending), today) for child_id in dict.fromkeys(child_ids)]
    names = sorted((orgs[o].name for o in attending), key=str.casefold)
    return PanelPack(title.strip() or "Panel", held_on, names, pages)


def write_panel_pack(
    db: Database, child_ids: Sequence[str], attending: Sequence[str], title: str, held_on: date, out: Path, actor: str
) -> PanelPack:
    """Print the pack to `out` and audit, for each child shown, that it went to these organisations."""
    from casedesk.reports.panel_pack import render_panel_pack

    policy.require_printing(db)
    pack = panel_pack(db, child_ids, attending, title, held_on)
    render_panel_pack(out, pack, actor, datetime.now(UTC))
    shown = [cid for cid, page in zip(dict.fromkeys(child_ids), pack.pages, strict=True) if page.shown]
    with db.unit_of_work(actor, journal=False) as uow:
        for child_id in shown:
            uow.note("export", "children", child_id, reason=f"panel pack: {pack.title}", attending=list(attending))
    return pack
