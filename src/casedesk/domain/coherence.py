"""Rules a child's record should keep: what the demo generator must never produce and what the app warns about.

A record can still be saved against these rules (the facts may be new, or the record behind): they are warnings,
held in one place so the demo-data test and the app's status form say the same thing.

- A child is never on an EHC plan and SEN support at once (an EHC plan replaces SEN support).
- A child in elective home education has no current school.
- A personal education plan (PEP) is for a looked-after child: one is held only while the child is looked after.

A child's school history keeps its own rules (`education_warnings`, from `casedesk.domain.education.coherence`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from casedesk.domain.education.coherence import education_warnings
from casedesk.domain.vocab import StatusKind

__all__ = ["Period", "education_warnings", "looked_after_on", "pep_warnings", "status_warnings"]


class Period(NamedTuple):
    kind: str
    start_date: date
    end_date: date | None


def _overlap(a: Period, b: Period) -> bool:
    far = date.max
    return a.start_date <= (b.end_date or far) and b.start_date <= (a.end_date or far)


def status_warnings(periods: Iterable[Period], current_school_id: str | None, today: date) -> list[str]:
    """Why these status periods, with this current school, do not hang together (empty when they do)."""
    periods = list(periods)
    warnings: list[str] = []
    ehc = [p for p in periods if p.kind == StatusKind.EHC_PLAN]
    sen = [p for p in periods if p.kind == StatusKind.SEN_SUPPORT]
    if any(_overlap(a, b) for a in ehc for b in sen):
        warnings.append(
            "An EHC plan and SEN support overlap: an EHC plan replaces SEN support, so end one where the other starts."
        )
    home_educated = any(
        p.kind == StatusKind.ELECTIVE_HOME_EDUCATION
        and p.start_date <= today
        and (p.end_date is None or p.end_date >= today)
        for p in periods
    )
    if home_educated and current_school_id:
        warnings.append("The child is in elective home education but still has a current school: remove the school.")
    return warnings


def looked_after_on(periods: Iterable[Period], day: date) -> bool:
    return any(
        p.kind == StatusKind.LOOKED_AFTER and p.start_date <= day and (p.end_date is None or p.end_date >= day)
        for p in periods
    )


def pep_warnings(periods: Iterable[Period], held_on: Iterable[date]) -> list[str]:
    """Why PEPs held on these days do not fit the child's care periods (a PEP is for a looked-after child)."""
    periods = list(periods)
    outside = sorted(day for day in held_on if not looked_after_on(periods, day))
    if not outside:
        return []
    days = ", ".join(f"{d:%d %b %Y}" for d in outside)
    return [f"A PEP is for a looked-after child, but the child was not looked after on {days}: record the care period."]
