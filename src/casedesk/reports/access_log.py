"""The access log as a PDF, for a subject access request or an information-governance review: who received which
child's records, when and on what basis, with the selection that produced it stated at the top."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from casedesk.reports import base
from casedesk.reports.base import esc, make_styles, table_style

COLUMNS = (("When (UTC)", 30), ("Child", 52), ("Organisation", 40), ("User", 26), ("Device", 32), ("Items", 12))


def render_access_log_pdf(
    path: Path,
    entries: Sequence[Mapping[str, Any]],
    selection: str,
    generated_by: str,
    now: datetime,
) -> None:
    """`entries` as `casedesk.server.db.access.search` returns them; `selection` says which filters chose them."""
    styles = make_styles()
    story: list[Flowable] = [
        Paragraph("Access log", styles["title"]),
        Paragraph(esc(f"{len(entries):,} entries · {selection}"), styles["muted"]),
        Paragraph(
            "Each line is one device receiving one child's records in one sync round: how many items it received "
            "and on what basis (the organisation's involvement with the child, a sharing agreement, or a "
            "break-glass override).",
            styles["small"],
        ),
        Spacer(1, 3 * mm),
    ]
    head = [Paragraph(esc(name), styles["head"]) for name, _ in COLUMNS] + [Paragraph("Basis", styles["head"])]
    data: list[list[Any]] = [head]
    for e in entries:
        child = f"{e['child']}\n{e['child_id']}" if e.get("child") else e["child_id"]
        cells = (
            f"{e['at']:%d %b %Y %H:%M}",
            child,
            e["organisation"],
            e["username"],
            e["device_name"],
            str(e["items"]),
            f"{e['basis']} ({e['kind']})",
        )
        data.append([Paragraph(esc(c), styles["cell"]) for c in cells])
    fixed = sum(w for _, w in COLUMNS) * mm
    width = landscape(base.PAGE_SIZE)[0] - 2 * base.MARGIN
    table = Table(data, colWidths=[w * mm for _, w in COLUMNS] + [width - fixed], repeatRows=1)
    table.setStyle(TableStyle(table_style()))
    story.append(table)
    if not entries:
        story.append(Paragraph("No entries match this selection.", styles["body"]))
    base.build_pdf(path, "Access log", story, generated_by, now, pagesize=landscape(base.PAGE_SIZE))


OVERRIDE_COLUMNS = (("Asked (UTC)", 26), ("Child", 40), ("Asked by", 46), ("What", 40), ("Decision", 46))


def render_overrides_pdf(
    path: Path,
    entries: Sequence[Mapping[str, Any]],
    selection: str,
    generated_by: str,
    now: datetime,
) -> None:
    """Every break-glass override chosen, with the points the HL7 EHR-S break-the-glass audit asks for: who asked
    (user, organisation, device), for which child, what (whose records, which kinds), when (asked, decided,
    until, ended), why (reason and words) and who decided."""
    styles = make_styles()
    story: list[Flowable] = [
        Paragraph("Break-glass overrides", styles["title"]),
        Paragraph(esc(f"{len(entries):,} overrides · {selection}"), styles["muted"]),
        Spacer(1, 3 * mm),
    ]
    head = [Paragraph(esc(n), styles["head"]) for n, _ in OVERRIDE_COLUMNS] + [Paragraph("Why", styles["head"])]
    data: list[list[Any]] = [head]
    for e in entries:
        ended = e["ended_at"] or (e["expires_at"] if e["state"] == "granted" else None)
        decision = e["state"] + (f" by {e['decided_by']}" if e["decided_by"] else "")
        if e["decided_at"]:
            decision += f" at {e['decided_at']:%d %b %Y %H:%M}"
        if ended:
            decision += f"; {'ends' if e['state'] == 'granted' else 'ended'} {ended:%d %b %Y %H:%M}"
        if e.get("decision_note"):
            decision += f"; note: {e['decision_note']}"
        cells = (
            f"{e['requested_at']:%d %b %Y %H:%M}",
            f"{e['child']}\n{e['child_id']}" if e.get("child") else e["child_id"],
            f"{e['username']}, {e['organisation']}\ndevice {e['device_name']}",
            f"{e['owner']}'s records: {', '.join(c.replace('_', ' ') for c in e['categories'])}",
            decision,
            f"{e['reason'].replace('_', ' ')}: {e['detail']}",
        )
        data.append([Paragraph(esc(c), styles["cell"]) for c in cells])
    fixed = sum(w for _, w in OVERRIDE_COLUMNS) * mm
    width = landscape(base.PAGE_SIZE)[0] - 2 * base.MARGIN
    table = Table(data, colWidths=[w * mm for _, w in OVERRIDE_COLUMNS] + [width - fixed], repeatRows=1)
    table.setStyle(TableStyle(table_style()))
    story.append(table)
    if not entries:
        story.append(Paragraph("No overrides match this selection.", styles["body"]))
    title = "Break-glass overrides"
    base.build_pdf(path, title, story, generated_by, now, pagesize=landscape(base.PAGE_SIZE))
