"""The family's version of a plan, in plain language: what everyone is working towards, who is doing what and
by when, when everyone meets again, and who to talk to. No case words ("outcome", "action", "lead professional"
are said in everyday terms), short sentences, large type, one table a reader can follow with a finger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from casedesk.reports.base import build_pdf, content_width, esc, make_styles, table_style

_STYLES = make_styles()
_BIG = ParagraphStyle("family", parent=_STYLES["body"], fontSize=11.5, leading=15, spaceAfter=4)
_CELL = ParagraphStyle("family_cell", parent=_STYLES["body"], fontSize=10.5, leading=13.5)
_HEAD = ParagraphStyle("family_head", parent=_CELL, textColor=_STYLES["head"].textColor, fontName="DejaVuSans-Bold")
_H2 = ParagraphStyle("family_h2", parent=_STYLES["h2"], fontSize=14, leading=18, spaceBefore=10)


@dataclass(frozen=True)
class FamilyStep:
    """One thing someone will do, in the family's words."""

    what: str
    who: str  # "Ms Shah (Oak Academy)" or "You"
    by: date
    where_it_stands: str  # "Done", "Started", "Not started yet", "Late — we will talk about it"


@dataclass(frozen=True)
class FamilyPlan:
    child_name: str  # the name the child is known by
    plan_name: str  # "early help plan"
    lead: str
    lead_agency: str | None
    lead_phone: str | None
    lead_email: str | None
    started_on: date
    next_review_on: date | None
    summary: str | None  # what everyone is working towards, as the family put it
    goals: list[tuple[str, str]]  # (what we want to see, how it is going)
    steps: list[FamilyStep]


def _p(text: str, style: ParagraphStyle = _BIG) -> Paragraph:
    return Paragraph(text, style)


def render_family_plan(path: Path, plan: FamilyPlan, generated_by: str, now: datetime) -> None:
    name = esc(plan.child_name)
    story: list[Flowable] = [
        Paragraph(f"{name}’s plan", _STYLES["title"]),
        Spacer(1, 3 * mm),
        _p(
            f"This is the {esc(plan.plan_name)} we agreed together on {plan.started_on:%d %B %Y}. It says what we "
            f"all want for {name}, who is doing what, and when we will meet again. Keep it somewhere safe."
        ),
        _p("What we are working towards", _H2),
    ]
    if plan.summary:
        story.append(_p(esc(plan.summary)))
    for goal, going in plan.goals:
        story.append(_p(f"• {esc(goal)} — <i>{esc(going)}</i>"))
    if not plan.summary and not plan.goals:
        story.append(_p("We will write this down together at the next meeting."))
    story.append(_p("Who is doing what", _H2))
    if plan.steps:
        rows = [[_p(h, _HEAD) for h in ("What", "Who", "By when", "How it is going")]]
        rows += [
            [_p(esc(s.what), _CELL), _p(esc(s.who), _CELL), _p(f"{s.by:%d %B %Y}", _CELL), _p(s.where_it_stands, _CELL)]
            for s in plan.steps
        ]
        width = content_width()
        table = Table(rows, colWidths=[width * 0.42, width * 0.24, width * 0.16, width * 0.18], repeatRows=1)
        table.setStyle(table_style())
        story.append(table)
    else:
        story.append(_p("Nothing yet: we will agree the first steps together."))
    story.append(_p("When we meet again", _H2))
    story.append(
        _p(
            f"We will meet again on or before <b>{plan.next_review_on:%A %d %B %Y}</b> to see how things are going."
            if plan.next_review_on
            else "We will agree a date to meet again and let you know."
        )
    )
    story.append(_p("Who to talk to", _H2))
    who = esc(plan.lead) + (f" at {esc(plan.lead_agency)}" if plan.lead_agency else "")
    story.append(_p(f"{who} makes sure everyone does what they said. Talk to them first about anything in this plan."))
    reach = [
        f"Phone: {esc(plan.lead_phone)}" if plan.lead_phone else "",
        f"Email: {esc(plan.lead_email)}" if plan.lead_email else "",
    ]
    if any(reach):
        story.append(_p(" · ".join(r for r in reach if r)))
    story.append(
        _p(
            "If you are worried that someone is in danger, call 999. This plan is private: please do not share it "
            "with people who are not part of it.",
            _STYLES["note"],
        )
    )
    build_pdf(path, f"{plan.child_name}’s plan", story, generated_by, now)
