"""Use cases for the Presenting Needs Check: start a draft, save answers, record the result, print it.

A draft is saved as it is answered, so a teacher interrupted by the bell can close the wizard and resume later,
offline. Recording evaluates the answers once, stores the outcome with the words of every answer, freezes the
result (the service refuses, and a database trigger refuses too) and appends the chronology entry in the same
unit of work, so a recorded check can never exist without its entry or the other way round. A completed result
is always shown from its stored outcome: a newer questionnaire version never re-scores it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from casedesk.domain.identifiers import postcode_district
from casedesk.domain.records import Changes, Child
from casedesk.domain.triage.engine import check_answers, evaluate
from casedesk.domain.triage.model import Questionnaire, TriageOutcome
from casedesk.domain.triage.result import (
    COMPLETE,
    DRAFT,
    TriageResult,
    chronology_body,
    chronology_category,
    chronology_significance,
    chronology_summary,
    describe_answers,
    recorded_outcome,
)
from casedesk.errors import Conflict, ValidationError
from casedesk.services import policy
from casedesk.services.directory.taxonomy import load_taxonomy
from casedesk.services.triage.questionnaires import QuestionnaireEntry, get_questionnaire, list_questionnaires
from casedesk.store import repositories as repo
from casedesk.store import triage_repo
from casedesk.store.database import Database

EVENT_KIND = "assessment"


class ResultFrozen(Conflict):
    """A recorded check is evidence of what was known then: it is never edited; a new check is a new result."""

    def __init__(self, result: TriageResult) -> None:
        when = f" on {result.completed_at:%d %b %Y}" if result.completed_at else ""
        super().__init__(
            f"This Presenting Needs Check was recorded{when} and cannot be changed. Start a new check instead."
        )
        self.result = result


def completion_values(
    questionnaire: Questionnaire, outcome: TriageOutcome, child_id: str, result_id: str, at: datetime, actor: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields that record a result and its chronology entry (shared with the demo, so both say the same)."""
    result_fields = {
        "state": COMPLETE,
        "outcome": recorded_outcome(questionnaire, outcome),
        "level": outcome.level,
        "completed_at": at,
    }
    event = {
        "child_id": child_id,
        "kind": EVENT_KIND,
        "occurred_at": at,
        "recorded_at": at,
        "author": actor,
        "category": chronology_category(outcome),
        "significance": chronology_significance(outcome),
        "summary": chronology_summary(outcome),
        "body": chronology_body(outcome),
        "related_id": result_id,
    }
    return result_fields, event


class TriageService:
    """The Presenting Needs Check use cases bound to one open database and the acting user (`Collection.triage`).
    Every call that writes returns what it made with the `Changes` it made."""

    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor

    # -- reading -------------------------------------------------------------------------------------------------
    def questionnaires(self) -> list[QuestionnaireEntry]:
        return list_questionnaires(self.db)

    def questionnaire_titles(self) -> dict[str, str]:
        """Titles by questionnaire id:version, for drafts (a recorded result carries its own title)."""
        return {entry.questionnaire.key: entry.title for entry in list_questionnaires(self.db)}

    def get_result(self, result_id: str) -> TriageResult:
        with self.db.session() as session:
            return triage_repo.get_result(session, result_id)

    def results_for_child(self, child_id: str) -> list[TriageResult]:
        """The child's checks, newest first."""
        with self.db.session() as session:
            return triage_repo.results_for_child(session, child_id)

    def open_draft(self, child_id: str) -> TriageResult | None:
        with self.db.session() as session:
            return triage_repo.open_draft(session, child_id)

    def questionnaire_for(self, result: TriageResult) -> Questionnaire:
        """The questionnaire a result was made under (needed to continue a draft; never to re-score a result)."""
        return get_questionnaire(self.db, result.questionnaire_id, result.questionnaire_version)

    def outcome_of(self, result: TriageResult) -> TriageOutcome:
        """A completed result's outcome exactly as stored; a draft's is computed live for the summary page."""
        stored = result.stored_outcome()
        if result.is_complete and stored is not None:
            return stored
        return evaluate(self.questionnaire_for(result), result.answers)

    def answer_texts(self, result: TriageResult) -> list[dict[str, str]]:
        """A result's answers in words: as stored for a recorded check, from its questionnaire for a draft."""
        if result.is_complete:
            return result.answer_texts()
        return describe_answers(self.questionnaire_for(result), result.answers)

    def match_request(self, result_id: str, today: date | None = None) -> dict[str, Any]:
        """What the directory needs to rank services for a recorded check: level, domain scores, age, district."""
        result = self.get_result(result_id)
        with self.db.session() as session:
            child = repo.get_child(session, result.child_id)
        outcome = self.outcome_of(result)
        taxonomy = load_taxonomy(self.db)
        return {
            "outcome_level": outcome.level,
            "outcome_domains": {d.id: d.score for d in outcome.domains},
            "child_needs": taxonomy.in_answers(result.answers),
            "need_labels": taxonomy.labels(),
            "child_age": child.age_on(today or date.today()),
            "postcode_district": postcode_district(child.postcode),
            "child_name": child.display_name,
        }

    # -- writing -------------------------------------------------------------------------------------------------
    def start_draft(
        self, child_id: str, questionnaire_id: str, version: str, answers: Mapping[str, Any] | None = None
    ) -> tuple[TriageResult, Changes]:
        """A new draft check for a child under one questionnaire version."""
        questionnaire = get_questionnaire(self.db, questionnaire_id, version)
        given = check_answers(questionnaire, dict(answers or {}))
        with self.db.session() as session:
            repo.get_child(session, child_id)
        with self.db.unit_of_work(self.actor) as uow:
            result_id = uow.insert(
                "triage_results",
                {
                    "child_id": child_id,
                    "questionnaire_id": questionnaire.id,
                    "questionnaire_version": questionnaire.version,
                    "state": DRAFT,
                    "answers": given,
                    "author": self.actor,
                    "started_at": uow.now,
                },
            )
        return self.get_result(result_id), uow.changes

    def _draft(self, result_id: str) -> TriageResult:
        result = self.get_result(result_id)
        if result.is_complete:
            raise ResultFrozen(result)
        return result

    def save_answers(self, result_id: str, answers: Mapping[str, Any]) -> tuple[TriageResult, Changes]:
        """Replace a draft's answers (every answer so far, hidden ones kept so changing a branch back loses
        nothing)."""
        result = self._draft(result_id)
        given = check_answers(self.questionnaire_for(result), dict(answers))
        with self.db.unit_of_work(self.actor) as uow:
            uow.update("triage_results", result_id, {"answers": given})
        return self.get_result(result_id), uow.changes

    def discard_draft(self, result_id: str) -> Changes:
        """Throw a draft away (a tombstone, so the discard syncs and is audited); a recorded check cannot be."""
        self._draft(result_id)
        with self.db.unit_of_work(self.actor) as uow:
            uow.delete("triage_results", result_id, reason="draft discarded")
        return uow.changes

    def complete(self, result_id: str) -> tuple[TriageResult, Changes]:
        """Evaluate once, store and freeze the outcome, and append the chronology entry in the same transaction."""
        result = self._draft(result_id)
        questionnaire = self.questionnaire_for(result)
        outcome = evaluate(questionnaire, result.answers)
        if not outcome.complete:
            missing = [(qid, f"Not answered: {questionnaire.question(qid).text}") for qid in outcome.unanswered]
            raise ValidationError("Answer every question before recording the result.", missing)
        with self.db.unit_of_work(self.actor) as uow:
            result_fields, event = completion_values(
                questionnaire, outcome, result.child_id, result_id, uow.now, self.actor
            )
            uow.update("triage_results", result_id, result_fields)
            uow.insert("events", event)
        return self.get_result(result_id), uow.changes

    # -- printing ------------------------------------------------------------------------------------------------
    def write_pdf(self, result_id: str, out: Path, now: datetime | None = None) -> Child:
        """The check as a PDF from its stored outcome; printing is a disclosure, so it is audited."""
        from casedesk.reports.triage import render_triage_pdf

        policy.require_printing(self.db)
        result = self.get_result(result_id)
        with self.db.session() as session:
            child = repo.get_child(session, result.child_id)
        outcome = self.outcome_of(result)
        render_triage_pdf(
            out,
            child,
            outcome.to_dict(),
            questionnaire_title=outcome.questionnaire_title,
            questionnaire_version=outcome.questionnaire_version,
            answers=self.answer_texts(result),
            generated_by=self.actor,
            now=now or datetime.now(UTC),
            recorded_at=result.completed_at,
            recorded_by=result.author if result.is_complete else None,
        )
        with self.db.unit_of_work(self.actor, journal=False) as uow:
            uow.note("print", "triage_results", result_id, reason="Presenting Needs Check PDF")
        return child
