"""The administrators' audit across children as a PDF, for a subject access request or an information-governance
review: every entry chosen (the server's access log and this computer's audit chain), the selection that chose
them stated at the top, and the break-glass overrides in the period."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from casedesk.domain.audit_search import ACTIONS, AuditRow
from casedesk.reports import base
from casedesk.reports.base import esc, make_styles, table_style

COLUMNS = (("When (UTC)", 28), ("Source", 20), ("Child", 46), ("Organisation", 38), ("User", 28), ("Action", 28))


def render_audit_search_pdf(
    path: Path, rows: Sequence[AuditRow], overrides: Sequence[Any], selection: str, generated_by: str, now: datetime
) -> None:
    """`rows` newest first; `overrides` as the server describes them (`OverrideInfo`)."""
    styles = make_styles()
    story: list[Flowable] = [
        Paragraph("Audit across children", styles["title"]),
        Paragraph(esc(f"{len(rows):,} entries · {selection}"), styles["muted"]),
        Paragraph(
            "Who opened, printed, exported, shared, changed or received each child's records: the server's access log "
            "(which device received which child's records, when, on what basis) and this computer's own audit.",
            styles["small"],
        ),
        Spacer(1, 3 * mm),
    ]
    head = [Paragraph(esc(n), styles["head"]) for n, _ in COLUMNS] + [Paragraph("Detail", styles["head"])]
    data: list[list[Any]] = [head]
    for r in rows:
        cells = (
            f"{r.at:%d %b %Y %H:%M}",
            r.source,
            f"{r.child}\n{r.child_id}" if r.child else r.child_id,
            r.organisation,
            r.user,
            ACTIONS.get(r.action, r.action),
            r.detail + (f" ({r.device})" if r.device else ""),
        )
        data.append([Paragraph(esc(c), styles["cell"]) for c in cells])
    width = landscape(base.PAGE_SIZE)[0] - 2 * base.MARGIN
    fixed = sum(w for _, w in COLUMNS) * mm
    table = Table(data, colWidths=[w * mm for _, w in COLUMNS] + [width - fixed], repeatRows=1)
    table.setStyle(TableStyle(table_style()))
    story.append(table)
    if not rows:
        story.append(Paragraph("No entries match this selection.", styles["body"]))
    if overrides:
        story += [Spacer(1, 5 * mm), Paragraph("Break-glass overrides in the selection", styles["h2"])]
        for o in overrides:
            asked = o.requested_at[:16].replace("T", " ")
            line = (
                f"{asked} · {o.username} ({o.organisation}) for {o.child or o.child_id}: "
                f"{o.owner}'s {', '.join(o.categories)} · {o.reason.replace('_', ' ')}: {o.detail} · {o.state}"
                + (f" by {o.decided_by}" if o.decided_by else "")
            )
            story.append(Paragraph(esc(line), styles["small"]))
    base.build_pdf(path, "Audit across children", story, generated_by, now, pagesize=landscape(base.PAGE_SIZE))
