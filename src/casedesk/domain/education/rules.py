"""Rules about a child's education: the national curriculum year, school terms, suspension counts, checks on
what is recorded, and what is flagged (a part-time timetable past its end date, an EHE first contact overdue).

Terms follow the usual English pattern (autumn from 1 September, spring from 1 January, summer from 1 April to
31 August); a local authority's exact term dates move these by days, which the counts tolerate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from casedesk.domain.education.records import EheCase, Exclusion, Provision
from casedesk.domain.education.vocab import (
    EXCLUSION_REASONS,
    EheStatus,
    ExclusionKind,
    GovernorsDecision,
    IndependentReviewOutcome,
    ProvisionKind,
)
from casedesk.domain.records import age_on

FIRST_CONTACT_WORKING_DAYS = 10  # local practice: the EHE officer makes first contact within ten working days


def academic_year_start(day: date) -> date:
    """1 September of the academic year `day` falls in."""
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def term_start(day: date) -> date:
    if day.month >= 9:
        return date(day.year, 9, 1)
    if day.month >= 4:
        return date(day.year, 4, 1)
    return date(day.year, 1, 1)


def national_curriculum_year(born: date, on: date) -> int:
    """The DfE national curriculum year: 0 is Reception, 1–13 Years 1–13, negative the nursery years.

    A child is in Reception in the academic year that starts after they turn four (age on 31 August)."""
    return age_on(born, date(academic_year_start(on).year, 8, 31)) - 4


def year_label(year: int) -> str:
    if year < 0:
        return "Nursery"
    if year == 0:
        return "Reception"
    if year > 13:
        return "Beyond Year 13"
    return f"Year {year}"


@dataclass(frozen=True, slots=True)
class SuspensionCounts:
    """Suspensions (fixed-period and lunchtime) this term, this academic year and ever; permanent exclusions ever."""

    term: int = 0
    year: int = 0
    ever: int = 0
    permanent: int = 0


def suspension_counts(exclusions: Iterable[Exclusion], today: date) -> SuspensionCounts:
    term, year = term_start(today), academic_year_start(today)
    t = y = e = p = 0
    for x in exclusions:
        if x.kind == ExclusionKind.PERMANENT:
            p += 1
            continue
        e += 1
        y += x.first_day >= year and x.first_day <= today
        t += x.first_day >= term and x.first_day <= today
    return SuspensionCounts(t, y, e, p)


def exclusion_problems(values: dict[str, object]) -> list[tuple[str, str]]:
    """What is wrong with a suspension or exclusion as entered (field, message); empty when it can be saved."""
    problems: list[tuple[str, str]] = []
    kind = values.get("kind")
    if kind not in {k.value for k in ExclusionKind}:
        problems.append(("kind", "Choose suspension, lunchtime suspension or permanent exclusion."))
    reasons = [values.get(f"reason_{n}") for n in (1, 2, 3)]
    if not reasons[0]:
        problems.append(("reason_1", "At least one reason is required."))
    given = [r for r in reasons if r]
    for n, reason in enumerate(reasons, start=1):
        if reason and reason not in EXCLUSION_REASONS:
            problems.append((f"reason_{n}", f"Not a DfE reason code: {reason}."))
    if len(set(given)) != len(given):
        problems.append(("reason_2", "The same reason is given twice."))
    if reasons[1] is None and reasons[2]:
        problems.append(("reason_2", "Give the second reason before the third."))
    sessions = values.get("sessions")
    if kind == ExclusionKind.PERMANENT and sessions is not None:
        problems.append(("sessions", "A permanent exclusion has no number of sessions."))
    if kind in (ExclusionKind.SUSPENSION, ExclusionKind.LUNCHTIME):
        if not isinstance(sessions, int) or isinstance(sessions, bool) or not 1 <= sessions <= 90:
            problems.append(("sessions", "A suspension lasts 1–90 sessions (at most 45 school days in a year)."))
        if values.get("independent_review") or values.get("independent_review_outcome"):
            problems.append(("independent_review", "Only a permanent exclusion goes to an independent review."))
    first = values.get("first_day")
    for name in ("reintegration_meeting", "governors_review", "independent_review"):
        when = values.get(name)
        if isinstance(when, date) and isinstance(first, date) and when < first:
            problems.append((name, "Before the first day of the exclusion."))
    decision = values.get("governors_decision")
    if decision is not None and decision not in {d.value for d in GovernorsDecision}:
        problems.append(("governors_decision", "Unknown decision."))
    if decision and not values.get("governors_review"):
        problems.append(("governors_review", "Give the date of the governors' review."))
    outcome = values.get("independent_review_outcome")
    if outcome is not None and outcome not in {o.value for o in IndependentReviewOutcome}:
        problems.append(("independent_review_outcome", "Unknown outcome."))
    if outcome and not values.get("independent_review"):
        problems.append(("independent_review", "Give the date of the independent review."))
    return problems


def provision_flags(provision: Provision, today: date) -> list[str]:
    """Why a provision needs attention now (empty when it does not)."""
    if provision.end_date is not None and provision.end_date < today:
        return []
    flags = []
    planned = provision.planned_end_date
    if provision.kind == ProvisionKind.PART_TIME_TIMETABLE and planned is not None and planned < today:
        flags.append(f"Part-time timetable past its planned end ({planned:%d %b %Y})")
    if provision.kind == ProvisionKind.PART_TIME_TIMETABLE and planned is None:
        flags.append("Part-time timetable with no planned end date")
    if provision.review_date is not None and provision.review_date < today:
        flags.append(f"Review overdue since {provision.review_date:%d %b %Y}")
    return flags


def ehe_flags(case: EheCase, today: date) -> list[str]:
    if case.status != EheStatus.OPEN:
        return []
    if case.first_contact_on is None and case.first_contact_due < today:
        return [f"First contact overdue since {case.first_contact_due:%d %b %Y}"]
    return []
