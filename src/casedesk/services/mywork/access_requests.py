"""My work's section for a safeguarding lead: break-glass requests about the organisation's records — waiting for
a decision, or granted at once in an emergency and in force (the lead is told, and may end them).

The requests live on the server; the device keeps the lead's queue as the server last gave it
(`config.OVERRIDES_WAITING`, written by `OverrideService.listing`, which the status bar's Access requests button
calls after every sync round), so My work shows them offline as well. Each item opens the child's Audit tab,
which lists the overrides on the child; the decision itself is made under Access requests.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from casedesk import config
from casedesk.domain.overrides import Reason
from casedesk.errors import NotFound
from casedesk.services.mywork.registry import WorkContext, WorkItem, register
from casedesk.store import repositories as repo

TITLE = "Access requests about your organisation's records"


def _day(raw: str | None) -> date | None:
    try:
        return datetime.fromisoformat(raw).date() if raw else None
    except ValueError:
        return None


def _reason(value: str) -> str:
    try:
        return Reason(value).label
    except ValueError:
        return value


def item(info: dict[str, Any], held: bool) -> WorkItem:
    """One request as My work shows it: to decide (urgent), or granted at once and in force (to review)."""
    pending = info.get("state") == "pending"
    what = ", ".join(str(c).replace("_", "-") for c in info.get("categories") or [])
    who = f"{info.get('username', '?')} ({info.get('organisation', '?')})"
    title = f"Decide: {who} asks for {what}" if pending else f"Granted at once to {who}: {what}"
    asked = _day(info.get("requested_at"))
    when = f"asked {asked:%d %b %Y}" if asked else ""
    until = _day(info.get("expires_at"))
    parts = [_reason(str(info.get("reason") or "")), str(info.get("detail") or ""), when]
    if not pending and until:
        parts.append(f"until {until:%d %b %Y}")
    parts.append("decide under Access requests…" if pending else "review or end it under Access requests…")
    return WorkItem(
        "access_requests",
        str(info.get("child_id")) if held else None,
        str(info.get("child") or "A child your organisation records"),
        title,
        " · ".join(p for p in parts if p),
        asked,
        tab="audit",
        ref_id=str(info.get("id") or ""),
        urgent=pending,
    )


@register("access_requests", TITLE, 75, "No access request about your organisation's records waits for you.")
def access_requests(ctx: WorkContext) -> list[WorkItem]:
    waiting = ctx.db.get(config.OVERRIDES_WAITING)
    if not waiting:
        return []
    held: set[str] = set()
    with ctx.db.session() as session:
        for child_id in {str(w.get("child_id")) for w in waiting}:
            try:
                repo.get_child(session, child_id)
            except NotFound:  # a child of the organisation's records this device does not hold
                continue
            held.add(child_id)
    return [item(w, str(w.get("child_id")) in held) for w in waiting]
