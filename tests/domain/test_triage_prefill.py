"""A needs check takes what the record already holds from the child's current statuses, and says where from."""

from __future__ import annotations

from datetime import date

from casedesk.domain.records import StatusPeriod
from casedesk.domain.triage.load import load_questionnaire
from casedesk.domain.triage.prefill import known_answers
from casedesk.paths import resource_path

TODAY = date(2026, 11, 30)
CHECK = load_questionnaire(resource_path("triage", "risk_of_exclusion.json"))


def _status(kind: str, start: date, end: date | None = None, detail: str | None = None) -> StatusPeriod:
    return StatusPeriod(id=kind, child_id="c", kind=kind, start_date=start, end_date=end, detail=detail)


def test_current_statuses_answer_their_questions_most_serious_first() -> None:
    statuses = [
        _status("sen_support", date(2023, 9, 1), date(2024, 1, 2)),  # ended: not used
        _status("ehc_plan", date(2024, 1, 3), detail="ASD"),
        _status("child_in_need", date(2025, 2, 1)),
        _status("looked_after", date(2026, 6, 1)),
        _status("youth_justice", date(2026, 1, 1)),
    ]
    found = {k.question_id: (k.value, k.source) for k in known_answers(CHECK, statuses, TODAY)}
    assert found["send_provision"] == ("ehc_plan", "EHC plan on record since 03 Jan 2024")
    assert found["sg_social_care"][0] == "looked_after"  # looked after outranks child in need
    assert found["yj_involvement"][0] == "yjs"
    assert found["send_primary"][0] == "asd"  # the SEN2 code recorded with the plan
    unknown = [_status("sen_support", date(2024, 1, 3), detail="XYZ")]
    assert [k.question_id for k in known_answers(CHECK, unknown, TODAY)] == ["send_provision"]  # nothing guessed


def test_nothing_on_record_answers_nothing() -> None:
    assert known_answers(CHECK, [], TODAY) == []
    assert known_answers(CHECK, [_status("free_school_meals", date(2020, 1, 1))], TODAY) == []
