"""Referral analytics as a PDF for the local authority: the same tables as the app, small counts suppressed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from casedesk.domain.disclosure import LEGEND
from casedesk.reports.base import build_pdf, content_width, esc, make_styles, table_style


def render_analytics_pdf(
    path: Path,
    total: int,
    tables: Sequence[tuple[str, Sequence[tuple[str, str]]]],
    inappropriate_rate: str,
    generated_by: str,
    now: datetime,
    period: str = "all referrals recorded",
) -> None:
    """`tables` are (title, [(label, shown count)]) with suppression already applied by the service."""
    styles = make_styles()
    width = content_width()
    story: list[Flowable] = [
        Paragraph("Referral analytics", styles["title"]),
        Paragraph(esc(f"{total:,} referrals · {period}"), styles["muted"]),
        Spacer(1, 3 * mm),
        Paragraph(f"<b>Inappropriate referrals:</b> {esc(inappropriate_rate)}", styles["body"]),
        Paragraph(
            "Declined as not meeting the service's threshold, area or age range, out of referrals accepted or "
            "declined. " + esc(LEGEND),
            styles["small"],
        ),
    ]
    for title, rows in tables:
        story.append(Paragraph(esc(title), styles["h2"]))
        data = [[Paragraph("", styles["head"]), Paragraph("Referrals", styles["head"])]]
        data += [
            [Paragraph(esc(label), styles["cell"]), Paragraph(esc(count), styles["cell"])] for label, count in rows
        ]
        table = Table(data, colWidths=[width - 30 * mm, 30 * mm], repeatRows=1)
        table.setStyle(TableStyle(table_style()))
        story.append(table)
    build_pdf(path, "Referral analytics", story, generated_by, now)
