"""The risk-of-exclusion cohort as a PDF: the suppressed counts by school and, when asked, the children listed with
the indicators each has. Records in (already suppressed by the service), PDF out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from casedesk.reports.base import build_pdf, content_width, esc, make_styles, table_style

TITLE = "Risk of exclusion: the cohort"


def render_cohort_pdf(
    path: Path,
    subtitle: str,
    notes: Sequence[str],
    tables: Sequence[tuple[str, Sequence[Sequence[str]]]],
    children: Sequence[Sequence[str]],
    generated_by: str,
    now: datetime,
) -> None:
    """`tables` are (title, [header, *rows]) of text, suppression already applied; `children` is [header, *rows]
    or empty when the children are not to be listed."""
    styles = make_styles()
    width = content_width()
    story: list[Flowable] = [Paragraph(TITLE, styles["title"]), Paragraph(esc(subtitle), styles["muted"])]
    story += [Paragraph(esc(note), styles["small"]) for note in notes]
    for title, rows in tables:
        story += [Spacer(1, 3 * mm), Paragraph(esc(title), styles["h2"])]
        first = 46 * mm
        rest = (width - first) / max(1, len(rows[0]) - 1)
        data = [[Paragraph(esc(cell), styles["head"]) for cell in rows[0]]]
        data += [[Paragraph(esc(cell), styles["cell"]) for cell in row] for row in rows[1:]]
        table = Table(data, colWidths=[first] + [rest] * (len(rows[0]) - 1), repeatRows=1)
        table.setStyle(TableStyle(table_style()))
        story.append(table)
    if children:
        story += [Spacer(1, 3 * mm), Paragraph("The children", styles["h2"])]
        widths = [40 * mm, 38 * mm, 18 * mm, 12 * mm, width - 134 * mm, 26 * mm]
        data = [[Paragraph(esc(cell), styles["head"]) for cell in children[0]]]
        data += [[Paragraph(esc(cell), styles["cell"]) for cell in row] for row in children[1:]]
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle(table_style()))
        story.append(table)
    build_pdf(path, TITLE, story, generated_by, now)
