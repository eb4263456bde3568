"""The Overview's own cards: SEND, care, youth justice, open referrals, the latest needs check, the last contact by
each agency and the named workers. Each says who recorded what it shows, and when (its newest chronology entry)."""

from __future__ import annotations

from casedesk.domain.casework import send as send_rules
from casedesk.domain.casework.care import abuse_categories
from casedesk.domain.casework.youth_justice import ORDERS, OutcomeKind, PoliceContact
from casedesk.domain.records import ChronologyEvent
from casedesk.domain.referrals.workflow import ReferralStatus
from casedesk.domain.schema import Category
from casedesk.domain.vocab import InvolvementRole, StatusKind, label_of
from casedesk.services.casework.care import pep_state
from casedesk.services.overview.registry import Card, OverviewSource, register
from casedesk.store import referral_repo, triage_repo

_POLICE = frozenset(k.value for k in PoliceContact)
_OUTCOMES = frozenset(k.value for k in OutcomeKind)
_OPEN_REFERRALS = {ReferralStatus.DRAFT, ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED, ReferralStatus.ACCEPTED}
_CARE = (StatusKind.CHILD_PROTECTION_PLAN, StatusKind.LOOKED_AFTER, StatusKind.CHILD_IN_NEED)


def _card(
    source: OverviewSource,
    key: str,
    title: str,
    lines: list[str],
    tab: str,
    categories: tuple[str, ...],
    flags: list[str] | None = None,
    none_now: str = "Nothing recorded.",
) -> Card:
    """A card whose provenance is the newest chronology entry of its categories; `none_now` when it has no lines
    (for a record with history but nothing in force today)."""
    latest = source.latest_of(categories)
    empty = not lines
    return Card(
        key,
        title,
        tuple(lines or [none_now if latest else "Nothing recorded."]),
        tab,
        recorded_by=latest.author if latest else None,
        recorded_at=latest.recorded_at if latest else None,
        flags=tuple(flags or ()),
        empty=empty and latest is None,
    )


@register("send", 20)
def send_card(source: OverviewSource) -> Card:
    today, lines, flags = source.today, [], []
    current = [
        p for p in source.view.statuses if p.kind in send_rules.PROVISION_STATUS.values() and p.is_current(today)
    ]
    for p in current:
        need = f"primary need {send_rules.need_label(p.detail)}" if p.detail else "need not recorded"
        need += f", secondary {p.secondary_detail}" if p.secondary_detail else ""
        lines.append(f"{label_of(StatusKind, p.kind)} since {p.start_date:%d %b %Y} — {need}")
    plan = source.view.ehc_plans[-1] if source.view.ehc_plans else None
    if plan is not None and plan.ceased_on is None:
        steps = send_rules.ehc_steps(
            plan.requested_on,
            plan.assessment_decided_on,
            plan.assessment_decision,
            plan.issued_on,
            plan.last_review_on,
            plan.ceased_on,
            source.view.child.date_of_birth,
            today,
        )
        pending = next((s for s in steps if s.done is None), None)
        if plan.issued_on and pending:
            lines.append(f"EHC plan issued {plan.issued_on:%d %b %Y}; annual review due {pending.due:%d %b %Y}")
        elif pending:
            lines.append(f"EHC request {plan.requested_on:%d %b %Y}: {pending.name.lower()} due {pending.due:%d %b %Y}")
        flags += [f"{s.name}: late" for s in steps if s.late and s.done is None]  # overdue now
    return _card(source, "send", "SEND", lines, "send", (Category.SEND,), flags, "No SEN provision now.")


@register("care", 30)
def care_card(source: OverviewSource) -> Card:
    today, lines, flags = source.today, [], []
    for p in sorted(
        (p for p in source.view.statuses if p.kind in _CARE and p.is_current(today)),
        key=lambda p: _CARE.index(StatusKind(p.kind)),
    ):
        words = f"{label_of(StatusKind, p.kind)} since {p.start_date:%d %b %Y}"
        if p.kind == StatusKind.CHILD_PROTECTION_PLAN and p.detail:
            words += f" ({abuse_categories().get(p.detail, p.detail).lower()})"
        worker = source.worker(p.worker_id)
        lines.append(words + (f" — social worker {worker}" if worker else " — no social worker allocated"))
        if worker is None:
            flags.append(f"{label_of(StatusKind, p.kind)}: no allocated social worker")
    state = pep_state(source.view.statuses, source.view.peps, today, source.view.calendar)
    if state.looked_after_since is not None:
        held = f"last PEP {state.latest.held_on:%d %b %Y}" if state.latest else "no PEP yet"
        lines.append(f"PEP: {held}; next due {state.due:%d %b %Y}")
        if state.overdue:
            flags.append("PEP overdue")
    return _card(
        source,
        "care",
        "Care and the virtual school",
        lines,
        "care",
        (Category.SOCIAL_CARE, Category.SAFEGUARDING),
        flags,
        "Not in need, on a plan or looked after now.",
    )


@register("youth_justice", 40)
def youth_justice_card(source: OverviewSource) -> Card | None:
    today, lines = source.today, []
    outcomes = source.view.youth_justice
    for o in outcomes:
        kind = OutcomeKind(o.kind) if o.kind in _OUTCOMES else None
        if kind in ORDERS and o.is_current(today):
            manager = source.worker(o.case_manager_id)
            until = f" until {o.end_date:%d %b %Y}" if o.end_date else ""
            lines.append(f"{kind.label} from {o.outcome_on:%d %b %Y}{until}" + (f" — {manager}" if manager else ""))
    if outcomes and not lines:
        last = outcomes[-1]
        lines.append(f"Last outcome: {label_of(OutcomeKind, last.kind)}, {last.outcome_on:%d %b %Y}")
    police = [e for e in source.view.events if e.kind in _POLICE]
    if police:
        last_contact = max(police, key=lambda e: e.occurred_at)
        lines.append(f"{last_contact.summary} ({last_contact.occurred_at:%d %b %Y})")
    known = any(p.kind == StatusKind.YOUTH_JUSTICE for p in source.view.statuses)
    if not lines and not known:
        return None  # never known to youth justice: no card
    return _card(source, "youth_justice", "Youth justice", lines, "youth_justice", (Category.YOUTH_JUSTICE,))


@register("referrals", 60)
def referrals_card(source: OverviewSource) -> Card:
    with source.db.session() as session:
        referrals = referral_repo.list_referrals(session, source.child_id)
    open_ones = [r for r in referrals if r.status in _OPEN_REFERRALS]
    lines = [f"{r.service_name} — {label_of(ReferralStatus, r.status).lower()} {r.dated:%d %b %Y}" for r in open_ones]
    flags = [f"{r.service_name}: no answer in time" for r in open_ones if r.overdue(source.today, source.view.calendar)]
    latest = max(referrals, key=lambda r: r.status_changed_at) if referrals else None
    return Card(
        "referrals",
        "Open referrals",
        tuple(lines or ["No open referrals."]),
        "referrals",
        recorded_by=(latest.referrer.get("name") if latest else None),
        recorded_at=latest.status_changed_at if latest else None,
        flags=tuple(flags),
        empty=not referrals,
    )


@register("needs_check", 70)
def needs_check_card(source: OverviewSource) -> Card:
    with source.db.session() as session:
        results = [r for r in triage_repo.results_for_child(session, source.child_id) if r.is_complete]
    if not results:
        return Card("needs_check", "Latest needs check", ("No needs check completed.",), "needs_checks", empty=True)
    latest = max(results, key=lambda r: r.completed_at or r.started_at)
    outcome = latest.stored_outcome()
    words = f"Level {latest.level}" + (f": {outcome.level_name}" if outcome else "")
    lines = [words]
    if outcome and outcome.domains:
        lines.append("Needs: " + ", ".join(d.name for d in outcome.domains[:4]))
    return Card(
        "needs_check",
        "Latest needs check",
        tuple(lines),
        "needs_checks",
        recorded_by=latest.author,
        recorded_at=latest.completed_at,
        flags=("Immediate risk recorded",) if outcome and outcome.stop else (),
    )


@register("last_contact", 80)
def last_contact_card(source: OverviewSource) -> Card:
    latest: dict[str, ChronologyEvent] = {}
    for event in source.view.events:
        org = event.organisation_id
        if org and org in source.view.organisations:
            held = latest.get(org)
            if held is None or event.occurred_at > held.occurred_at:
                latest[org] = event
    rows = sorted(latest.values(), key=lambda e: e.occurred_at, reverse=True)[:6]
    lines = [f"{source.organisation(e.organisation_id)}: {e.occurred_at:%d %b %Y} — {e.summary}" for e in rows]
    newest = rows[0] if rows else None
    return Card(
        "last_contact",
        "Last contact by each agency",
        tuple(lines or ["No contact recorded."]),
        "chronology",
        recorded_by=newest.author if newest else None,
        recorded_at=newest.recorded_at if newest else None,
        empty=not lines,
    )


@register("named_workers", 90)
def named_workers_card(source: OverviewSource) -> Card:
    lines = [
        f"{source.worker(i.worker_id) or 'No named worker'} — {label_of(InvolvementRole, i.role)}, "
        f"{source.organisation(i.organisation_id) or 'unknown organisation'}"
        for i in source.view.involvements
        if i.is_current(source.today)
    ]
    latest = max((e for e in source.view.events if e.kind == "involvement"), key=lambda e: e.recorded_at, default=None)
    return Card(
        "named_workers",
        "Named workers",
        tuple(lines or ["Nobody named."]),
        "involvements",
        recorded_by=latest.author if latest else None,
        recorded_at=latest.recorded_at if latest else None,
        empty=not lines,
    )
