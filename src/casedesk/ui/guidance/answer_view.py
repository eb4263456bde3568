"""One guidance answer as the reader sees it: the act-now banner when it applies, the answer, why it matched and
when it was last reviewed (with a warning when overdue)."""

from __future__ import annotations

from datetime import date
from html import escape

from casedesk.domain.guidance.search import Answer
from casedesk.ui.palette import AMBER, AMBER_BACKGROUND, MUTED, RED, RED_BACKGROUND


def answer_html(answer: Answer, today: date, notice: str = "") -> str:
    entry = answer.entry
    parts: list[str] = []
    if answer.risk_first:
        parts.append(
            f"<p style='background:{RED_BACKGROUND}; color:{RED}; font-weight:600; padding:6px'>"
            "Your question suggests a child may be at immediate risk. This comes first.</p>"
        )
    parts.append(f"<h3>{escape(entry.question)}</h3>")
    parts += [f"<p>{escape(paragraph)}</p>" for paragraph in entry.answer.split("\n\n")]
    why = "; ".join(answer.reasons)
    parts.append(f"<p style='color:{MUTED}'><b>Why this answer:</b> {escape(why)}</p>")
    colour = AMBER if entry.review_due(today) else MUTED
    parts.append(f"<p style='color:{colour}'>{escape(entry.reviewed_text(today))}</p>")
    if entry.sample:
        parts.append(
            f"<p style='background:{AMBER_BACKGROUND}; color:{AMBER}; padding:4px'>"
            f"{escape(notice or 'Sample content: your area replaces it with its own.')}</p>"
        )
    return "".join(parts)
