"""SEND: SEN provision codes and the EHC plan's statutory clock (SEND Code of Practice, DOMAIN.md).

The clock: decide whether to assess within 6 weeks of the request, issue the final plan within 20 weeks, review
at least every 12 months (every 6 months for a child under 5). The numbers are module constants, so a council that
works to other figures changes them in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from casedesk.domain.records import age_on
from casedesk.domain.vocab import SEN_PRIMARY_NEEDS, StatusKind

DECIDE_WITHIN = timedelta(weeks=6)
ISSUE_WITHIN = timedelta(weeks=20)
REVIEW_MONTHS = 12
REVIEW_MONTHS_UNDER_FIVE = 6

# The school census SEN provision codes, and the status period that records each over time.
SEN_PROVISION = {"N": "No special educational need", "K": "SEN support", "E": "EHC plan"}
PROVISION_STATUS = {"K": StatusKind.SEN_SUPPORT.value, "E": StatusKind.EHC_PLAN.value}
NEEDS = SEN_PRIMARY_NEEDS  # primary and secondary need share one code list


class Decision(StrEnum):
    AGREED = "agreed"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return "Agreed to assess" if self is Decision.AGREED else "Refused to assess"


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def need_label(code: str | None) -> str:
    return f"{code} ({NEEDS[code]})" if code in NEEDS else (code or "")


@dataclass(frozen=True)
class EhcStep:
    """One step of the clock: when it was due, when it happened (None: not yet) and whether it is late."""

    name: str
    due: date | None
    done: date | None
    late: bool


def ehc_steps(
    requested_on: date,
    decided_on: date | None,
    decision: str | None,
    issued_on: date | None,
    last_review_on: date | None,
    ceased_on: date | None,
    born: date,
    today: date,
) -> list[EhcStep]:
    """The clock of one EHC request/plan: a step is late when done after its due date, or still not done after it."""

    def step(name: str, due: date | None, done: date | None) -> EhcStep:
        late = due is not None and (done > due if done else (today > due and ceased_on is None))
        return EhcStep(name, due, done, late)

    steps = [step("Decision to assess", requested_on + DECIDE_WITHIN, decided_on)]
    if decision == Decision.REFUSED:
        return steps
    steps.append(step("Plan issued (20 weeks)", requested_on + ISSUE_WITHIN, issued_on))
    if issued_on is not None:
        steps.append(step("Annual review", review_due(issued_on, last_review_on, born), None))
    return steps


def review_due(issued_on: date, last_review_on: date | None, born: date) -> date:
    """When the next review of an issued plan is due (sooner for a child under 5 at the last review or issue)."""
    since = max(issued_on, last_review_on or issued_on)
    months = REVIEW_MONTHS_UNDER_FIVE if age_on(born, since) < 5 else REVIEW_MONTHS
    return add_months(since, months)
