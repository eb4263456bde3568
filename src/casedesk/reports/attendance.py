"""The printable attendance summary (part of the chronology PDF): the DfE figures for the year, each term and the
last four weeks, the persistent or severe absence flag in words, and the national figures with their year."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from casedesk.domain.attendance.national import SOURCE, NationalFigure
from casedesk.domain.attendance.summary import ChildSummaries, Summary
from casedesk.reports.base import esc

Styles = dict[str, ParagraphStyle]


@dataclass(frozen=True)
class AttendancePrint:
    """What the printed summary shows, worked out by the attendance service."""

    summaries: ChildSummaries
    national: list[NationalFigure]
    withdrawn: dict[str, int]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def flag(summary: Summary) -> str:
    if summary.severe:
        return f"Severe absence: {_pct(summary.absence_rate)} of possible sessions missed (50% or more)."
    if summary.persistent:
        return f"Persistent absence: {_pct(summary.absence_rate)} of possible sessions missed (10% or more)."
    return ""


def summary_rows(result: ChildSummaries) -> list[list[str]]:
    periods = [result.year, *result.terms]
    if result.last_four_weeks is not None:
        periods.append(result.last_four_weeks)
    return [
        [
            s.label,
            str(s.possible),
            str(s.attended),
            str(s.authorised),
            str(s.unauthorised),
            _pct(s.attendance_rate),
            _pct(s.absence_rate),
        ]
        for s in periods
    ]


HEAD = [
    "Period",
    "Possible sessions",
    "Attended",
    "Authorised absence",
    "Unauthorised absence",
    "Attendance",
    "Absence",
]
WIDTHS = [0.2, 0.14, 0.12, 0.15, 0.15, 0.12, 0.12]


def notes(printed: AttendancePrint, styles: Styles) -> list[Flowable]:
    """The flag, the national comparison and withdrawn codes, as paragraphs under the table."""
    result, national, withdrawn = printed.summaries, printed.national, printed.withdrawn
    out: list[Flowable] = []
    words = flag(result.year)
    if words:
        out.append(Paragraph(esc(words), styles["cell_bold"]))
    if national:
        figures = "; ".join(
            f"{f.label} {f.absence_rate:.1f}% absence, {f.persistent_rate:.1f}% persistently absent" for f in national
        )
        out.append(Paragraph(esc(f"National figures ({SOURCE}, {national[0].year}): {figures}."), styles["muted"]))
    if withdrawn:
        codes = ", ".join(f"{code} ×{n}" for code, n in withdrawn.items())
        out.append(Paragraph(esc(f"Withdrawn codes from older registers: {codes}."), styles["muted"]))
    out.append(
        Paragraph(
            esc(
                "Possible sessions exclude the codes not counted (D, X, Q, Y1–Y7, Z, #). Persistent absence: 10% or "
                "more of possible sessions missed; severe: 50% or more."
            ),
            styles["muted"],
        )
    )
    return out
