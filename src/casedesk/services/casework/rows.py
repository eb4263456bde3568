"""A child's EHC plans, PEPs and youth justice orders as rows of words (what, dates, detail) for printed reports."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from casedesk.domain.casework import send
from casedesk.domain.casework.records import EhcPlan, Pep, YouthJusticeOutcome
from casedesk.domain.casework.youth_justice import OutcomeKind
from casedesk.domain.records import Worker
from casedesk.domain.vocab import label_of


def _day(value: date | None) -> str:
    return f"{value:%d %b %Y}" if value else ""


def casework_rows(
    plans: Iterable[EhcPlan],
    peps: Iterable[Pep],
    outcomes: Iterable[YouthJusticeOutcome],
    workers: dict[str, Worker],
    born: date,
    today: date,
) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    for plan in plans:
        steps = send.ehc_steps(
            plan.requested_on,
            plan.assessment_decided_on,
            plan.assessment_decision,
            plan.issued_on,
            plan.last_review_on,
            plan.ceased_on,
            born,
            today,
        )
        dates = [f"requested {_day(plan.requested_on)}"]
        dates += [f"{s.name.lower()} {_day(s.done)}" for s in steps if s.done]
        dates += [f"{s.name.lower()} due {_day(s.due)}" for s in steps if not s.done and plan.ceased_on is None]
        dates += [f"ceased {_day(plan.ceased_on)}"] if plan.ceased_on else []
        late = [s.name for s in steps if s.late]
        detail = "; ".join(
            part
            for part in (
                f"Primary need {send.need_label(plan.primary_need)}" if plan.primary_need else "",
                f"late: {', '.join(late)}" if late else "",
            )
            if part
        )
        rows.append(("EHC plan" if plan.issued_on else "EHC needs assessment", "; ".join(dates), detail))
    for pep in peps:
        officer = workers[pep.officer_id].name if pep.officer_id in workers else ""
        who = "; ".join(x for x in (pep.designated_teacher and f"DT {pep.designated_teacher}", officer) if x)
        rows.append(("PEP", f"held {_day(pep.held_on)}; next due {_day(pep.next_due_on)}", who))
    for o in outcomes:
        manager = workers[o.case_manager_id].name if o.case_manager_id in workers else ""
        until = f" until {_day(o.end_date)}" if o.end_date else ""
        rows.append(
            (
                label_of(OutcomeKind, o.kind),
                f"{_day(o.outcome_on)}{until}",
                f"Case manager {manager}" if manager else "",
            )
        )
    return rows
