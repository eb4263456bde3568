"""The built-in work sources of "My work": open alerts, referrals awaiting acknowledgement, PEPs, EHC annual
reviews and home-education visits due, needs-check drafts, sync conflicts waiting."""

from __future__ import annotations

from datetime import timedelta

from casedesk.services.alerts.service import AlertsService
from casedesk.services.mywork.registry import WorkContext, WorkItem, register
from casedesk.store import mywork_repo as repo
from casedesk.store.journal.conflicts import list_conflicts

DUE_AHEAD = timedelta(days=28)  # PEPs, reviews and visits show this long before they are due
EHE_VISIT_EVERY_DAYS = 365  # an open home-education case is visited at least yearly (the area may visit sooner)


@register("alerts", "My open alerts", 10, "No open alerts for you.")
def open_alerts(ctx: WorkContext) -> list[WorkItem]:
    # A user named on no child sees every open alert held, as every other section shows every child's work.
    views = AlertsService(ctx.db, ctx.me.name).views(mine=ctx.children is not None, open_only=True)
    return [
        WorkItem(
            "alerts",
            v.alert.child_id,
            v.alert.child_name,
            v.alert.rule_title,
            f"{v.alert.summary} · {v.state_words}",
            v.alert.met_on,
            tab=v.first_tab,
            ref_id=v.id,
            urgent=v.alert.urgency == "urgent",
        )
        for v in views
    ]


@register("referrals", "Referrals awaiting acknowledgement", 20, "No referral is waiting for an acknowledgement.")
def referrals_awaiting(ctx: WorkContext) -> list[WorkItem]:
    with ctx.db.session() as session:
        rows = repo.referrals_awaiting(session, _set(ctx), ctx.me.name)
    items = []
    for row in rows:
        service, sent = row.what.split("|", 1)
        late = ctx.today > row.on
        when = f"overdue since {row.on:%d %b %Y}" if late else f"due by {row.on:%d %b %Y}"
        detail = f"sent {sent}; acknowledgement {when}"
        items.append(
            WorkItem("referrals", row.child_id, row.child_name, service, detail, row.on, "referrals", row.row_id, late)
        )
    return items


@register("peps", "PEPs due", 30, "No PEP due in the next four weeks.")
def peps_due(ctx: WorkContext) -> list[WorkItem]:
    with ctx.db.session() as session:
        rows = repo.peps_due(session, _set(ctx), ctx.today, ctx.today + DUE_AHEAD)
    return [_dated("peps", row, "PEP", ctx, "care") for row in rows]


@register("ehc_reviews", "EHC annual reviews due", 40, "No EHC annual review due in the next four weeks.")
def ehc_reviews_due(ctx: WorkContext) -> list[WorkItem]:
    with ctx.db.session() as session:
        rows = repo.ehc_reviews_due(session, _set(ctx), ctx.today + DUE_AHEAD)
    return [_dated("ehc_reviews", row, "EHC plan", ctx, "send") for row in rows]


@register(
    "ehe_visits", "Home-education visits due", 50, "No home-education contact or visit due in the next four weeks."
)
def ehe_visits_due(ctx: WorkContext) -> list[WorkItem]:
    with ctx.db.session() as session:
        rows = repo.ehe_visits_due(session, _set(ctx), ctx.today + DUE_AHEAD, EHE_VISIT_EVERY_DAYS)
    return [_dated("ehe_visits", row, "Home education", ctx, "home_education") for row in rows]


@register("drafts", "Needs checks in draft", 60, "No needs check in draft.")
def needs_check_drafts(ctx: WorkContext) -> list[WorkItem]:
    with ctx.db.session() as session:
        rows = repo.drafts(session, _set(ctx), ctx.me.name)
    return [
        WorkItem(
            "drafts",
            r.child_id,
            r.child_name,
            "Needs check in draft",
            f"{r.what}, {r.on:%d %b %Y}",
            r.on,
            "needs_checks",
            r.row_id,
        )
        for r in rows
    ]


@register("conflicts", "Sync conflicts waiting", 70, "No sync conflict waiting.")
def sync_conflicts(ctx: WorkContext) -> list[WorkItem]:
    """Every open conflict on this device (they block nobody, but each needs a person): opens the Sync page when
    it is not about a child."""
    conflicts = list_conflicts(ctx.db)
    with ctx.db.session() as session:
        names = repo.child_names(session, [c.child_id for c in conflicts if c.child_id])
    return [
        WorkItem(
            "conflicts",
            c.child_id,
            names.get(c.child_id or "", "Not about a child"),
            f"Two values for {c.entity.replace('_', ' ')} · {c.field.replace('_', ' ')}",
            f"{len(c.candidates)} values; kept for now: {c.kept!s}"[:200],
            None,
            "sync",
            c.conflict_id,
            urgent=c.critical,
        )
        for c in conflicts
    ]


def _set(ctx: WorkContext) -> set[str] | None:
    return None if ctx.children is None else set(ctx.children)


def _dated(source: str, row: repo.Due, what: str, ctx: WorkContext, tab: str) -> WorkItem:
    late = row.on < ctx.today
    when = f"overdue since {row.on:%d %b %Y}" if late else f"due {row.on:%d %b %Y}"
    return WorkItem(source, row.child_id, row.child_name, f"{what}: {row.what}", when, row.on, tab, row.row_id, late)
