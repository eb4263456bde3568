"""Presenting Needs Check results: draft, save, record (with its chronology entry), frozen, read back as stored."""

from __future__ import annotations

from datetime import date

import pytest

from casedesk.domain.triage.engine import evaluate
from casedesk.domain.triage.result import DOMAIN_CATEGORIES, recorded_outcome
from casedesk.errors import NotFound, ValidationError
from casedesk.services.triage import service as triage
from casedesk.services.triage.questionnaires import get_questionnaire
from casedesk.services.triage.service import TriageService
from casedesk.store import repositories as repo
from casedesk.store import triage_repo
from casedesk.store.database import Database
from tests.factories import LEVEL3, Q_ID, Q_VERSION

ACTOR = "Sam Tester"


@pytest.fixture
def child_id(db: Database) -> str:
    with db.unit_of_work("tester") as uow:
        return uow.insert("children", {"given_name": "Ava", "family_name": "Test", "date_of_birth": date(2012, 1, 5)})


def test_draft_save_complete_appends_linked_chronology_event(db: Database, child_id: str) -> None:
    draft, changes = TriageService(db, ACTOR).start_draft(child_id, Q_ID, Q_VERSION)
    assert draft.state == "draft" and draft.answers == {} and "triage_results" in changes.entities
    assert TriageService(db, "tester").open_draft(child_id) == draft

    first = dict(list(LEVEL3.items())[:5])
    saved, _ = TriageService(db, ACTOR).save_answers(draft.id, first)
    assert saved.answers == first and saved.state == "draft"
    with pytest.raises(ValidationError, match="Answer every question"):
        TriageService(db, ACTOR).complete(draft.id)

    TriageService(db, ACTOR).save_answers(draft.id, LEVEL3)
    done, changes = TriageService(db, ACTOR).complete(draft.id)
    assert {"triage_results", "events"} <= changes.entities
    assert done.state == "complete" and done.level == 3 and done.completed_at is not None
    assert TriageService(db, "tester").open_draft(child_id) is None
    outcome = done.stored_outcome()
    assert outcome is not None and outcome.level == 3 and outcome.stop is None
    assert any(a["question_id"] == "att_rate" for a in done.answer_texts())

    with db.session() as session:
        events = repo.events_for_child(session, child_id)
        linked = triage_repo.event_ids_for_result(session, done.id)
    assert [e.id for e in events] == linked
    event = events[0]
    assert event.kind == "assessment"
    assert event.summary == f"Presenting Needs Check: level 3 ({outcome.level_name})"
    assert event.significance == "significant"
    assert event.category == DOMAIN_CATEGORIES[outcome.domains[0].id]
    assert event.body and outcome.domains[0].name in event.body and "Reasons:" in event.body
    assert [r.id for r in TriageService(db, "tester").results_for_child(child_id)] == [done.id]


def test_stop_rule_records_a_critical_event(db: Database, child_id: str) -> None:
    draft, _ = TriageService(db, ACTOR).start_draft(child_id, Q_ID, Q_VERSION, {"sg_immediate_harm": True})
    done, _ = TriageService(db, ACTOR).complete(draft.id)  # a stop rule ends the check whatever is unanswered
    assert done.level == 4
    with db.session() as session:
        (event,) = repo.events_for_child(session, child_id)
    assert event.significance == "critical"
    assert event.body and event.body.startswith("STOP RULE:") and "999" in event.body


def test_completed_result_is_frozen_by_service_and_trigger(db: Database, child_id: str) -> None:
    draft, _ = TriageService(db, ACTOR).start_draft(child_id, Q_ID, Q_VERSION, LEVEL3)
    TriageService(db, ACTOR).complete(draft.id)
    with pytest.raises(triage.ResultFrozen, match="cannot be changed"):
        TriageService(db, ACTOR).save_answers(draft.id, {"att_rate": "at_least_95"})
    with pytest.raises(triage.ResultFrozen):
        TriageService(db, ACTOR).complete(draft.id)
    with pytest.raises(triage.ResultFrozen):
        TriageService(db, ACTOR).discard_draft(draft.id)
    # Going around the service, the database refuses too.
    with pytest.raises(Exception, match="a completed triage result cannot be changed"), db.unit_of_work(ACTOR) as uow:
        uow.update("triage_results", draft.id, {"level": 1})
    assert TriageService(db, "tester").get_result(draft.id).level == 3


def test_wrong_answers_and_unknown_questionnaires_are_refused(db: Database, child_id: str) -> None:
    with pytest.raises(NotFound):
        TriageService(db, ACTOR).start_draft(child_id, Q_ID, "0.1")
    draft, _ = TriageService(db, ACTOR).start_draft(child_id, Q_ID, Q_VERSION)
    with pytest.raises(ValidationError, match="do not fit"):
        TriageService(db, ACTOR).save_answers(draft.id, {"att_rate": "sometimes"})
    TriageService(db, ACTOR).discard_draft(draft.id)
    assert (
        TriageService(db, "tester").open_draft(child_id) is None
        and TriageService(db, "tester").results_for_child(child_id) == []
    )


def test_result_from_an_older_version_reads_back_as_stored(db: Database, child_id: str) -> None:
    """A result made under version 0.9 (not installed) shows its stored outcome, never a re-score."""
    q = get_questionnaire(db, Q_ID, Q_VERSION)
    stored = recorded_outcome(q, evaluate(q, LEVEL3))
    stored["questionnaire"]["version"] = "0.9"
    stored["level"], stored["level_name"], stored["next_step"] = 2, "Old level two", "What version 0.9 said to do."
    with db.unit_of_work(ACTOR) as uow:
        result_id = uow.insert(
            "triage_results",
            {
                "child_id": child_id,
                "questionnaire_id": Q_ID,
                "questionnaire_version": "0.9",
                "state": "complete",
                "answers": LEVEL3,
                "outcome": stored,
                "level": 2,
                "author": "Former Teacher",
                "started_at": uow.now,
                "completed_at": uow.now,
            },
        )
    result = TriageService(db, "tester").get_result(result_id)
    outcome = TriageService(db, "tester").outcome_of(result)
    assert (outcome.level, outcome.level_name, outcome.next_step) == (
        2,
        "Old level two",
        "What version 0.9 said to do.",
    )
    assert outcome.questionnaire_version == "0.9"
    assert TriageService(db, "tester").answer_texts(result) == stored["answer_texts"]
    with pytest.raises(NotFound):
        TriageService(db, "tester").questionnaire_for(result)  # 0.9 is not installed, and nothing needed it
