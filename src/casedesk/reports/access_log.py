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
