"""Rules a child's school history should keep: what the demo generator never produces and what the app warns a
user about before recording something that breaks them (warnings, not refusals: the facts may be new).

- A child electively home educated now is on no school's roll.
- A permanently excluded child is off that school's roll from the day the exclusion takes effect.
- A child is on one school's roll at a time (dual registration with alternative provision is recorded as
  provision, not as a second enrolment), and that school is the child's current school.
- A suspension or exclusion comes from a school the child was on the roll of that day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from casedesk.domain.education.records import Enrolment, Exclusion
from casedesk.domain.education.vocab import ExclusionKind


def education_warnings(
    enrolments: Iterable[Enrolment],
    exclusions: Iterable[Exclusion],
    home_educated: bool,
    current_school_id: str | None,
    today: date,
) -> list[str]:
    """Why this school history does not hang together (empty when it does)."""
    enrolments = list(enrolments)
    warnings: list[str] = []
    current = [e for e in enrolments if e.is_current(today)]
    if home_educated and current:
        warnings.append("The child is electively home educated but still on a school's roll: end the enrolment.")
    if len({e.school_id for e in current}) > 1:
        warnings.append("The child is on two schools' rolls at once: end the earlier enrolment.")
    if enrolments and current_school_id and not any(e.school_id == current_school_id for e in current):
        warnings.append("The current school has no enrolment covering today: record when the child joined it.")
    if current and current_school_id is None:
        warnings.append("The child is on a school's roll but has no current school.")
    for exclusion in exclusions:
        on_roll = [e for e in enrolments if e.school_id == exclusion.school_id and e.is_current(exclusion.first_day)]
        if enrolments and not on_roll:
            warnings.append(
                f"A {'permanent exclusion' if exclusion.kind == ExclusionKind.PERMANENT else 'suspension'} on "
                f"{exclusion.first_day:%d %b %Y} comes from a school the child was not on the roll of that day."
            )
        if exclusion.kind == ExclusionKind.PERMANENT and any(
            e.end_date is None or e.end_date > exclusion.first_day for e in on_roll
        ):
            warnings.append(
                f"The child was permanently excluded on {exclusion.first_day:%d %b %Y} but is still on that "
                "school's roll: end the enrolment with that reason."
            )
    return warnings
