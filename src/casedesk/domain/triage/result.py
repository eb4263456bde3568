"""A stored Presenting Needs Check: the record the store returns and the words its answers are shown in.

A completed result carries its outcome exactly as computed, together with every answer already turned into the
words of its question (`answer_texts`), so it can be shown, printed or exported years later even when the
questionnaire version it was made under is no longer installed. Nothing here re-scores anything. Pure Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from casedesk.domain.triage.model import Question, Questionnaire, TriageOutcome

DRAFT = "draft"
COMPLETE = "complete"

# Which chronology data category a result's top need domain files under (sharing rules work per category).
DOMAIN_CATEGORIES: dict[str, str] = {
    "attendance": "attendance",
    "behaviour": "behaviour",
    "learning_send": "send",
    "semh": "health",
    "health": "health",
    "family": "family",
    "housing_money": "family",
    "safeguarding": "safeguarding",
    "youth_justice": "youth_justice",
}


@dataclass(frozen=True, slots=True)
class TriageResult:
    """One check of one child: a draft while being answered, then complete and frozen."""

    id: str
    child_id: str
    questionnaire_id: str
    questionnaire_version: str
    state: str
    answers: Mapping[str, Any]
    author: str
    started_at: datetime
    updated_at: datetime
    outcome: Mapping[str, Any] | None = None
    level: int | None = None
    completed_at: datetime | None = None

    @property
    def is_complete(self) -> bool:
        return self.state == COMPLETE

    @property
    def questionnaire_key(self) -> str:
        return f"{self.questionnaire_id}:{self.questionnaire_version}"

    def stored_outcome(self) -> TriageOutcome | None:
        """The outcome as recorded (never recomputed), or None for a draft."""
        return None if self.outcome is None else TriageOutcome.from_dict(self.outcome)

    def answer_texts(self) -> list[dict[str, str]]:
        """The recorded answers in words (section, question, answer), as stored with the outcome."""
        return list((self.outcome or {}).get("answer_texts", []))


def answer_text(question: Question, value: Any) -> str:
    """An answer in the words a reader of a report or a screen expects."""
    if question.type == "yes_no":
        return "Yes" if value else "No"
    if question.type == "single_choice":
        return question.option_label(value)
    if question.type == "multi_choice":
        return "; ".join(question.option_label(v) for v in value) or "None of these"
    if question.type == "scale":
        ends = f" ({question.min_label} to {question.max_label})" if question.min_label and question.max_label else ""
        return f"{value} on a scale of {question.min} to {question.max}{ends}"
    return str(value)


def describe_answers(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[dict[str, str]]:
    """Every given answer in questionnaire order, with its section and question text, for storing with a result."""
    out: list[dict[str, str]] = []
    for section, question in questionnaire.questions():
        if question.id in answers and answers[question.id] not in (None, ""):
            out.append(
                {
                    "section": section.title,
                    "question_id": question.id,
                    "question": question.text,
                    "answer": answer_text(question, answers[question.id]),
                }
            )
    return out


def recorded_outcome(questionnaire: Questionnaire, outcome: TriageOutcome) -> dict[str, Any]:
    """The outcome dict to store: `to_dict()` plus the counted answers in words (ignored by `from_dict`)."""
    return {**outcome.to_dict(), "answer_texts": describe_answers(questionnaire, outcome.answers)}


def chronology_category(outcome: TriageOutcome) -> str:
    """The data category of the check's chronology entry: its top need domain's, else general."""
    if not outcome.domains:
        return "general"
    return DOMAIN_CATEGORIES.get(outcome.domains[0].id, "general")


def chronology_significance(outcome: TriageOutcome) -> str:
    if outcome.stop is not None:
        return "critical"
    return "significant" if outcome.level >= 3 else "notable" if outcome.level == 2 else "routine"


def chronology_summary(outcome: TriageOutcome) -> str:
    return f"Presenting Needs Check: level {outcome.level} ({outcome.level_name})"


def chronology_body(outcome: TriageOutcome) -> str:
    """The entry's text: the stop instruction first if any, then the domains with scores, then the reasons."""
    lines: list[str] = []
    if outcome.stop is not None:
        lines += [f"STOP RULE: {outcome.stop.reason}", outcome.stop.instruction, ""]
    else:
        lines += [f"Next step: {outcome.next_step}", ""]
    if outcome.domains:
        lines.append("Need domains: " + "; ".join(f"{d.name} ({d.score})" for d in outcome.domains) + ".")
    else:
        lines.append("Need domains: none scored.")
    reasons = [r for r in outcome.reasons if r.kind == "rule"]
    if reasons:
        lines.append("Reasons: " + " ".join(r.text if r.text.endswith(".") else f"{r.text}." for r in reasons))
    lines.append(f"Questionnaire: {outcome.questionnaire_title} (version {outcome.questionnaire_version}).")
    return "\n".join(lines)
