"""A one-page PDF that proves the report machinery works on this machine (fonts found, embedded, non-ASCII OK)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reportlab.platypus import Paragraph, Spacer

from casedesk.reports.base import build_pdf, esc, make_styles

SAMPLE = "Zoë Ó'Brien — £12.50 · Łódź · naïve café"


def render_selftest_pdf(path: Path) -> None:
    """Write the self-test page to `path`; its text must survive extraction, which shows the font is embedded."""
    styles = make_styles()
    story = [
        Paragraph("CaseDesk self-test", styles["title"]),
        Spacer(1, 6),
        Paragraph(esc("If you can read the line below exactly, reports will print names correctly."), styles["body"]),
        Spacer(1, 4),
        Paragraph(esc(SAMPLE), styles["body"]),
        Paragraph(esc("Escaping check: <b>not bold</b> & 5 < 6"), styles["small"]),
    ]
    build_pdf(path, "CaseDesk self-test", story, generated_by="CaseDesk", generated_at=datetime.now())
