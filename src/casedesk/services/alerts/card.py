"""The Overview's alerts card: the child's open alerts, most urgent first, each with when it was met and who was
told, so everyone who holds the child sees them (not only the people told, who also have them in "My work")."""

from __future__ import annotations

from casedesk.domain.alerts.model import URGENCY_LABELS
from casedesk.services.alerts.service import AlertsService
from casedesk.services.overview.registry import Card, OverviewSource, register

SHOWN = 4  # alerts listed on the card; the rest are counted


@register("alerts", 5)
def alerts_card(source: OverviewSource) -> Card | None:
    views = AlertsService(source.db, "").views(child_id=source.child_id, open_only=True)
    if not views:
        return None  # no open alert: no card
    lines = [
        f"{URGENCY_LABELS.get(v.alert.urgency, v.alert.urgency)}: {v.alert.rule_title} — "
        f"met {v.alert.met_on:%d %b %Y}; told {v.told}"
        for v in views[:SHOWN]
    ]
    if len(views) > SHOWN:
        lines.append(f"and {len(views) - SHOWN} more in My work")
    urgent = [v for v in views if v.alert.urgency == "urgent"]
    newest = max(views, key=lambda v: v.alert.raised_at)
    return Card(
        "alerts",
        f"Open alerts ({len(views)})",
        tuple(lines),
        views[0].first_tab,
        recorded_by="CaseDesk alert rules",
        recorded_at=newest.alert.raised_at,
        flags=(f"{len(urgent)} urgent",) if urgent else (),
    )
