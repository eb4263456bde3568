"""Answers a needs check can take from what the child's record already holds, for the user to confirm.

A child with an EHC plan on record was asked what SEN provision they have, as if nobody knew. The record's
current statuses answer some questions outright; those answers are filled in and marked with where they came
from ("EHC plan on record since 3 Jan 2024"), and the user confirms or changes them as they go through the check.

The questions are found by id and the answer by option value, so a questionnaire without such a question (or
option) is simply not prefilled: nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from casedesk.domain.records import StatusPeriod
from casedesk.domain.triage.model import Questionnaire
from casedesk.domain.vocab import StatusKind

# question id → (status kind → option value), most serious status first where several could answer it.
_FROM_STATUSES: dict[str, tuple[tuple[StatusKind, str], ...]] = {
    "send_provision": ((StatusKind.EHC_PLAN, "ehc_plan"), (StatusKind.SEN_SUPPORT, "sen_support")),
    "sg_social_care": (
        (StatusKind.LOOKED_AFTER, "looked_after"),
        (StatusKind.CHILD_PROTECTION_PLAN, "child_protection"),
        (StatusKind.CHILD_IN_NEED, "child_in_need"),
    ),
    "yj_involvement": ((StatusKind.YOUTH_JUSTICE, "yjs"),),
}
_PRIMARY_NEED = "send_primary"  # answered from the SEN status's recorded primary need (SEN2 code)


@dataclass(frozen=True, slots=True)
class KnownAnswer:
    question_id: str
    value: Any
    source: str  # where it came from, in words: "EHC plan on record since 03 Jan 2024"


def _since(period: StatusPeriod) -> str:
    return f"{StatusKind(period.kind).label} on record since {period.start_date:%d %b %Y}"


def known_answers(questionnaire: Questionnaire, statuses: Iterable[StatusPeriod], today: date) -> list[KnownAnswer]:
    """What the record answers for this questionnaire, from the child's statuses current on `today`."""
    current: dict[str, StatusPeriod] = {}
    for period in statuses:
        if period.is_current(today) and period.kind not in current:
            current[period.kind] = period
    options = {q.id: {o.value for o in q.options} for _, q in questionnaire.questions()}
    found: list[KnownAnswer] = []
    for question_id, choices in _FROM_STATUSES.items():
        for kind, value in choices:
            held = current.get(kind.value)
            if held is not None and value in options.get(question_id, ()):
                found.append(KnownAnswer(question_id, value, _since(held)))
                break
    sen = current.get(StatusKind.EHC_PLAN.value) or current.get(StatusKind.SEN_SUPPORT.value)
    need = (sen.detail or "").lower() if sen else ""
    if sen is not None and need in options.get(_PRIMARY_NEED, ()):
        found.append(KnownAnswer(_PRIMARY_NEED, need, f"Primary need recorded with the {_since(sen)}"))
    return found
