"""Care and the virtual school: child protection categories and when a looked-after child's PEP is due.

A child protection plan names the category of abuse from the children in need census code list (shipped as
resources/reference/cin_census_2024_codes.json). A looked-after child's personal education plan (PEP) starts within
10 working days of entering care and is reviewed every term (DOMAIN.md); the term ends are constants here.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import cache

from casedesk.domain.vocab import StatusKind
from casedesk.domain.working_days import WorkingDays
from casedesk.paths import resource_path

FIRST_PEP_WORKING_DAYS = 10
# (month, day) each term ends on: autumn (September–December), spring (January–March), summer (April–August).
TERM_ENDS = ((12, 31), (3, 31), (8, 31))
CARE_STATUSES = (StatusKind.CHILD_IN_NEED, StatusKind.CHILD_PROTECTION_PLAN, StatusKind.LOOKED_AFTER)


@cache
def abuse_categories() -> dict[str, str]:
    """The CIN census category-of-abuse codes (NEG, PHY, SAB, EMO, MUL) and their descriptions."""
    codes = json.loads(resource_path("reference", "cin_census_2024_codes.json").read_text(encoding="utf-8"))
    return {e["code"]: e["description"] for e in codes["simpleTypes"]["categoryofabuse"]["enumeration"]}


def term_end(day: date) -> date:
    """The last day of the school term `day` falls in."""
    if day.month >= 9:
        return date(day.year, 12, 31)
    if day.month <= 3:
        return date(day.year, 3, 31)
    return date(day.year, 8, 31)


def next_pep_due(held_on: date) -> date:
    """A PEP is reviewed every term: the next one is due by the end of the term after the one it was held in."""
    return term_end(term_end(held_on) + timedelta(days=1))


def first_pep_due(entered_care: date, calendar: WorkingDays) -> date:
    return calendar.after(entered_care, FIRST_PEP_WORKING_DAYS)


def pep_due(entered_care: date, latest_held: date | None, latest_next_due: date | None, calendar: WorkingDays) -> date:
    """When this looked-after child's next PEP is due: the latest PEP's own next date, or the first PEP's."""
    if latest_held is None or latest_held < entered_care:
        return first_pep_due(entered_care, calendar)
    return latest_next_due or next_pep_due(latest_held)
