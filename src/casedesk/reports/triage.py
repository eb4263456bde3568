"""A Presenting Needs Check as a PDF: the level of need, the next step, the domains and the answers behind them.

The printout goes into a pupil file or to a meeting, often read by someone who did not do the check, so it says
why: every domain and the level come with the reasons and answers that drove them. When a stop rule fired, the
instruction to contact children's social care or the police now sits in a red box above everything else, so
nobody reads on to the directory first. Drawn only from the stored outcome: nothing is re-scored here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, LongTable, Paragraph, Spacer, Table, TableStyle

from casedesk.domain.records import Child
from casedesk.domain.triage.model import NEED_DOMAINS, Reason, TriageOutcome
from casedesk.reports.base import FONT_BOLD, build_pdf, content_width, esc, make_styles, table_style

STOP_RED = colors.HexColor("#B00020")
STOP_FILL = colors.HexColor("#FDE2E2")
LEVEL_COLOURS = {
    1: colors.HexColor("#2E7D32"),
    2: colors.HexColor("#9A6700"),
    3: colors.HexColor("#C25100"),
    4: STOP_RED,
}


Styles = dict[str, ParagraphStyle]


def _styles() -> Styles:
    styles = make_styles()
    body = styles["body"]
    styles["level"] = ParagraphStyle("level", parent=body, fontName=FONT_BOLD, fontSize=14, leading=18)
    styles["stop_head"] = ParagraphStyle(
        "stop_head", parent=body, fontName=FONT_BOLD, fontSize=13, leading=16, textColor=STOP_RED
    )
    styles["stop"] = ParagraphStyle("stop", parent=body, fontName=FONT_BOLD, fontSize=10.5, leading=14)
    return styles


def _facts(rows: Sequence[tuple[str, str, str, str]], styles: Styles) -> Table:
    data = [
        [Paragraph(esc(a), styles["head"]), Paragraph(esc(b), styles["cell"]),
         Paragraph(esc(c), styles["head"]), Paragraph(esc(d), styles["cell"])]
        for a, b, c, d in rows
    ]  # fmt: skip
    w = content_width()
    table = Table(data, colWidths=[0.16 * w, 0.34 * w, 0.16 * w, 0.34 * w])
    table.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#9AA5B1")),
        ("LINEBELOW", (0, 0), (-1, -2), 0.25, colors.HexColor("#C9D1DA")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#E4E9F0")),
        ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#E4E9F0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))  # fmt: skip
    return table


def _boxed(content: list[Flowable], border: Any, fill: Any, width: float = 1.2) -> Table:
    """Flowables in a single-cell table with a coloured border and tint: a box a reader cannot miss."""
    table = Table([[content]], colWidths=[content_width()])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), width, border),
                ("BACKGROUND", (0, 0), (-1, -1), fill),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def _evidence_text(reason: Reason) -> str:
    return "\n".join(f"{e.question} — {e.answer}" for e in reason.evidence)


def _stop_box(outcome: TriageOutcome, styles: Styles) -> Flowable:
    assert outcome.stop is not None
    content: list[Flowable] = [
        Paragraph("STOP — immediate risk of significant harm", styles["stop_head"]),
        Spacer(1, 2 * mm),
        Paragraph(esc(outcome.stop.instruction), styles["stop"]),
        Spacer(1, 2 * mm),
        Paragraph(f"<b>Why:</b> {esc(outcome.stop.reason)}", styles["body"]),
    ]
    for e in outcome.stop.evidence:
        content.append(Paragraph(f"<b>Answer:</b> {esc(e.question)} — {esc(e.answer)}", styles["body"]))
    return _boxed(content, STOP_RED, STOP_FILL, width=2.5)


def _level_box(outcome: TriageOutcome, styles: Styles) -> Flowable:
    colour = LEVEL_COLOURS.get(outcome.level, colors.black)
    head = ParagraphStyle("level_c", parent=styles["level"], textColor=colour)
    content: list[Flowable] = [Paragraph(esc(f"Level {outcome.level}: {outcome.level_name}"), head)]
    if outcome.stop is None:
        content += [Spacer(1, 2 * mm), Paragraph(f"<b>Next step:</b> {esc(outcome.next_step)}", styles["body"])]
    why = outcome.why_this_level()
    if why:
        content.append(Spacer(1, 2 * mm))
        content.append(Paragraph("<b>Why this level:</b> " + esc(why), styles["body"]))
    return _boxed(content, colour, colors.white)


def _table(head: Sequence[str], rows: list[list[Any]], widths: Sequence[float], styles: Styles) -> Flowable:
    data: list[list[Any]] = [[Paragraph(esc(h), styles["head"]) for h in head]]
    for row in rows:
        data.append([c if isinstance(c, Flowable) else Paragraph(esc(c), styles["cell"]) for c in row])
    table = LongTable(data, colWidths=[f * content_width() for f in widths], repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle(table_style()))
    return table


def _domains(outcome: TriageOutcome, styles: Styles) -> Flowable:
    if not outcome.domains:
        return Paragraph("No need domain scored.", styles["muted"])
    rows = [[d.name, str(d.score), "\n".join(outcome.reasons_for(d))] for d in outcome.domains]
    return _table(["Need domain", "Score", "Because"], rows, [0.38, 0.07, 0.55], styles)


def _reasons(outcome: TriageOutcome, styles: Styles) -> Flowable:
    fired = [r for r in outcome.reasons if r.kind == "rule"]
    if not fired:
        return Paragraph("No scoring rule fired.", styles["muted"])
    rows = []
    for r in fired:
        gives = [f"+{v} {NEED_DOMAINS.get(k, k)}" for k, v in r.domains.items()]
        if r.level is not None:
            gives.append(f"at least level {r.level}")
        points = "\n".join(gives)
        rows.append([r.text, _evidence_text(r), points])
    return _table(["Reason", "Answers behind it", "Gives"], rows, [0.3, 0.42, 0.28], styles)


def _answers(answers: Sequence[Mapping[str, str]], styles: Styles) -> Flowable:
    if not answers:
        return Paragraph("No answers recorded.", styles["muted"])
    rows = [[a.get("section", ""), a.get("question", a.get("question_id", "")), a.get("answer", "")] for a in answers]
    return _table(["Section", "Question", "Answer"], rows, [0.18, 0.5, 0.32], styles)


def render_triage_pdf(
    path: Path,
    child: Child,
    outcome: Mapping[str, Any],
    *,
    questionnaire_title: str,
    questionnaire_version: str,
    answers: Sequence[Mapping[str, str]],
    generated_by: str,
    now: datetime,
    recorded_at: datetime | None = None,
    recorded_by: str | None = None,
) -> None:
    """Write one check to `path` from its stored outcome dict; a check not yet recorded is marked DRAFT."""
    styles = _styles()
    result = TriageOutcome.from_dict(outcome)
    title = f"Presenting Needs Check: {child.full_name}"
    if recorded_at is not None:
        status = f"Recorded {recorded_at:%d %b %Y %H:%M}" + (f" by {recorded_by}" if recorded_by else "")
    else:
        status = "DRAFT — not recorded; the outcome may change as answers change"
    facts = _facts(
        [
            ("Child", child.display_name, "Date of birth", f"{child.date_of_birth:%d %b %Y}"),
            ("UPN", child.upn or "Not recorded", "Age", str(child.age_on(now.date()))),
            ("Check", f"{questionnaire_title} (version {questionnaire_version})", "Status", status),
        ],
        styles,
    )
    story: list[Flowable] = [Paragraph(esc(title), styles["title"]), Spacer(1, 4 * mm), facts, Spacer(1, 5 * mm)]
    if result.stop is not None:
        story += [_stop_box(result, styles), Spacer(1, 4 * mm)]
    story += [
        _level_box(result, styles),
        Paragraph("Need domains", styles["h2"]),
        _domains(result, styles),
        Paragraph("Reasons", styles["h2"]),
        _reasons(result, styles),
        Paragraph("Answers", styles["h2"]),
        _answers(answers, styles),
        Spacer(1, 4 * mm),
        KeepTogether(
            Paragraph(
                "The Presenting Needs Check supports, and never replaces, professional judgement and your "
                "safeguarding policy. If you are worried a child is at risk of harm, talk to your designated "
                "safeguarding lead today.",
                styles["note"],
            )
        ),
    ]
    build_pdf(path, title, story, generated_by=generated_by, generated_at=now)
