"""A panel pack: a cover page, then one page per child, every page marked OFFICIAL-SENSITIVE (by `base`).

Each child's page holds only what the service put in it — what every attending organisation may see — with short
sections so it stays on one page: key facts and statuses, agencies, the latest needs check, recent chronology,
open referrals and attendance. A child not shown gets a page that says why, without the child's name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table

from casedesk.reports.base import build_pdf, content_width, esc, make_styles, table_style

_STYLES = make_styles()
SUMMARY_CHARS = 160


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(text, _STYLES[style])


def _rows(headings: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> Table:
    data = [[_p(esc(h), "head") for h in headings]] + [[_p(esc(c), "cell") for c in row] for row in rows]
    table = Table(data, colWidths=[content_width() * w for w in widths], repeatRows=1)
    table.setStyle(table_style())
    return table


def _clip(text: str) -> str:
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def _child_page(page: Any, number: int, total: int) -> list[Flowable]:
    story: list[Flowable] = [_p(f"Child {number} of {total}", "small")]
    if not page.shown:
        return [
            *story,
            _p("Not shown in this pack", "title"),
            Spacer(1, 3 * mm),
            _p(
                "At least one of the attending organisations may not see this child's record under the sharing "
                "rules, so nothing about the child is printed here. The organisations that work with the child "
                "can share what each attendee may see at the panel."
            ),
        ]
    story += [_p(esc(page.name), "title"), Spacer(1, 2 * mm)]
    if page.facts:
        story.append(_rows(("", ""), page.facts, (0.2, 0.8)))
    sections: list[tuple[str, list[Flowable]]] = [
        ("Current statuses", [_p(esc(" · ".join(page.statuses)))] if page.statuses else []),
        ("Agencies involved", [_p(esc(line)) for line in page.agencies]),
        ("Latest needs check", [_p(esc(line)) for line in page.needs_check]),
        (
            "Recent chronology (last six months)",
            [_rows(("Date", "What", "Summary"), [(d, k, _clip(s)) for d, k, s in page.chronology], (0.14, 0.2, 0.66))]
            if page.chronology
            else [],
        ),
        (
            "Open referrals",
            [_rows(("Service", "Status", "Made"), page.referrals, (0.55, 0.25, 0.2))] if page.referrals else [],
        ),
        ("Attendance", [_p(esc(page.attendance))] if page.attendance else []),
    ]
    for heading, body in sections:
        story.append(_p(heading, "h2"))
        story += body or [_p("None recorded, or not shared with every attending organisation.", "muted")]
    return story


def render_panel_pack(path: Path, pack: Any, generated_by: str, now: datetime) -> None:
    total = len(pack.pages)
    shown = sum(1 for page in pack.pages if page.shown)
    story: list[Flowable] = [
        _p(esc(pack.title), "title"),
        Spacer(1, 2 * mm),
        _p(f"Panel on {pack.held_on:%A %d %B %Y}. {total} children; {shown} shown in this pack."),
        _p("Attending organisations", "h2"),
        *(_p(esc(name)) for name in pack.attending),
        _p("What this pack shows", "h2"),
        _p(
            "Each child's page holds only what every attending organisation may see under the sharing rules. "
            "Keep the pack secure, do not copy it, and destroy it after the panel."
        ),
    ]
    for number, page in enumerate(pack.pages, 1):
        story.append(PageBreak())
        story += _child_page(page, number, total)
    build_pdf(path, f"Panel pack — {pack.title}", story, generated_by, now)
