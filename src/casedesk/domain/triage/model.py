"""The Presenting Needs Check's data: need domains, questionnaires and the outcomes a check produces.

Plain frozen dataclasses so the engine, the services and the UI share one vocabulary. An outcome is
self-contained (it carries the questionnaire id and version, the answers and the words of every reason) so a
stored result reads back exactly as made, whichever questionnaire versions are installed later.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from casedesk.errors import ValidationError

# The need domains every questionnaire scores into (and the directory matches services on), grouped by the sides
# of the Assessment Framework triangle. Stable codes: they are stored in results and synced.
NEED_DOMAINS: dict[str, str] = {
    "attendance": "Attendance and engagement in education",
    "behaviour": "Behaviour and risk of exclusion",
    "learning_send": "Learning and special educational needs",
    "semh": "Social, emotional and mental health",
    "health": "Physical health and development",
    "family": "Family circumstances and parenting capacity",
    "housing_money": "Housing, income and environment",
    "safeguarding": "Safeguarding and exploitation",
    "youth_justice": "Offending and youth justice",
}
DOMAIN_GROUPS: dict[str, str] = {
    "attendance": "child_developmental_needs",
    "behaviour": "child_developmental_needs",
    "learning_send": "child_developmental_needs",
    "semh": "child_developmental_needs",
    "health": "child_developmental_needs",
    "youth_justice": "child_developmental_needs",
    "family": "parenting_capacity",
    "safeguarding": "parenting_capacity",
    "housing_money": "family_and_environmental_factors",
}
QUESTION_TYPES = ("yes_no", "single_choice", "multi_choice", "scale", "free_text")
TESTS = ("equals", "in", "includes", "includes_any", "at_least", "at_most", "answered")
COMBINATORS = ("all", "any", "not")
OUTCOME_FORMAT = 1

Condition = Mapping[str, Any]


def as_sentences(texts: Iterable[str]) -> str:
    """Short texts run together as sentences: each starts with a capital and ends with exactly one stop."""
    out = []
    for text in texts:
        text = text.strip().rstrip(";,")
        if not text:
            continue
        text = text[0].upper() + text[1:]
        out.append(text if text.endswith((".", "!", "?", "…")) else text + ".")
    return " ".join(out)


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    help: str = ""


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: str
    help: str = ""
    required: bool = True
    show_if: Condition | None = None
    options: tuple[Option, ...] = ()
    min: int | None = None
    max: int | None = None
    min_label: str = ""
    max_label: str = ""
    max_length: int | None = None

    def option_label(self, value: str) -> str:
        return next((o.label for o in self.options if o.value == value), value)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    questions: tuple[Question, ...]
    description: str = ""
    show_if: Condition | None = None


@dataclass(frozen=True)
class Level:
    level: int
    name: str
    next_step: str


@dataclass(frozen=True)
class Questionnaire:
    """A validated questionnaire. `document` is the JSON it came from, kept to store it unchanged."""

    id: str
    version: str
    title: str
    notice: str
    description: str
    levels: tuple[Level, ...]
    sections: tuple[Section, ...]
    rules: tuple[Mapping[str, Any], ...]
    level_rules: tuple[Mapping[str, Any], ...]
    stop_rules: tuple[Mapping[str, Any], ...]
    document: Mapping[str, Any]

    @property
    def key(self) -> str:
        return f"{self.id}:{self.version}"

    def questions(self) -> Iterator[tuple[Section, Question]]:
        for section in self.sections:
            for question in section.questions:
                yield section, question

    def question(self, question_id: str) -> Question:
        for _, question in self.questions():
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def level(self, number: int) -> Level:
        return next(level for level in self.levels if level.level == number)


@dataclass(frozen=True)
class Evidence:
    """One answer that made a rule hold, in words a person reads."""

    question_id: str
    question: str
    answer: str


@dataclass(frozen=True)
class Reason:
    """A rule that fired: its words, the answers behind it, the points it gave and the level it set."""

    rule_id: str
    kind: str  # "rule", "level_rule" or "stop"
    text: str
    evidence: tuple[Evidence, ...] = ()
    domains: Mapping[str, int] = field(default_factory=dict)  # points given; for a level rule, the scores it saw
    level: int | None = None


@dataclass(frozen=True)
class DomainResult:
    id: str
    name: str
    score: int
    reasons: tuple[str, ...]  # rule ids


@dataclass(frozen=True)
class StopResult:
    rule_id: str
    reason: str
    instruction: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class TriageOutcome:
    """What a check concluded, self-contained so it can be shown and stored without its questionnaire."""

    questionnaire_id: str
    questionnaire_version: str
    questionnaire_title: str
    answers: Mapping[str, Any]
    level: int
    level_name: str
    next_step: str
    domains: tuple[DomainResult, ...]
    reasons: tuple[Reason, ...]
    level_reasons: tuple[Reason, ...]
    stop: StopResult | None = None
    ignored: tuple[str, ...] = ()  # answered but hidden by branching
    unanswered: tuple[str, ...] = ()  # visible required questions with no answer

    @property
    def complete(self) -> bool:
        return self.stop is not None or not self.unanswered

    def why_this_level(self) -> str:
        """The reasons for the level as sentences, each ending once: rule texts carry their own full stop, so
        joining them with "; " printed "A suspension this year.; Past self-harm …"."""
        return as_sentences(r.text for r in self.level_reasons if r.kind != "stop")

    def reasons_for(self, domain: DomainResult) -> list[str]:
        """The words of the rules that scored this domain (a domain keeps only their ids)."""
        texts = {r.rule_id: r.text for r in self.reasons}
        return [texts.get(rule_id, rule_id) for rule_id in domain.reasons]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": OUTCOME_FORMAT,
            "questionnaire": {
                "id": self.questionnaire_id,
                "version": self.questionnaire_version,
                "title": self.questionnaire_title,
            },
            "answers": dict(self.answers),
            "level": self.level,
            "level_name": self.level_name,
            "next_step": self.next_step,
            "domains": [
                {"id": d.id, "name": d.name, "score": d.score, "reasons": list(d.reasons)} for d in self.domains
            ],
            "reasons": [_reason_dict(r) for r in self.reasons],
            "level_reasons": [_reason_dict(r) for r in self.level_reasons],
            "stop": None
            if self.stop is None
            else {
                "rule_id": self.stop.rule_id,
                "reason": self.stop.reason,
                "instruction": self.stop.instruction,
                "evidence": [_evidence_dict(e) for e in self.stop.evidence],
            },
            "ignored": list(self.ignored),
            "unanswered": list(self.unanswered),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TriageOutcome:
        """Read a stored outcome as it was stored: no questionnaire is consulted, nothing is re-scored."""
        if not isinstance(data, Mapping) or data.get("format") != OUTCOME_FORMAT:
            raise ValidationError("Not a triage outcome this version of CaseDesk can read.")
        try:
            stop = data["stop"]
            return cls(
                questionnaire_id=data["questionnaire"]["id"],
                questionnaire_version=data["questionnaire"]["version"],
                questionnaire_title=data["questionnaire"].get("title", ""),
                answers=dict(data["answers"]),
                level=int(data["level"]),
                level_name=data["level_name"],
                next_step=data["next_step"],
                domains=tuple(
                    DomainResult(d["id"], d["name"], int(d["score"]), tuple(d["reasons"])) for d in data["domains"]
                ),
                reasons=tuple(_reason_from(r) for r in data["reasons"]),
                level_reasons=tuple(_reason_from(r) for r in data["level_reasons"]),
                stop=None
                if stop is None
                else StopResult(
                    stop["rule_id"],
                    stop["reason"],
                    stop["instruction"],
                    tuple(_evidence_from(e) for e in stop["evidence"]),
                ),
                ignored=tuple(data.get("ignored", ())),
                unanswered=tuple(data.get("unanswered", ())),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError(f"A stored triage outcome is damaged ({type(exc).__name__}: {exc}).") from exc


def _evidence_dict(e: Evidence) -> dict[str, str]:
    return {"question_id": e.question_id, "question": e.question, "answer": e.answer}


def _evidence_from(d: Mapping[str, Any]) -> Evidence:
    return Evidence(d["question_id"], d["question"], d["answer"])


def _reason_dict(r: Reason) -> dict[str, Any]:
    return {
        "rule_id": r.rule_id,
        "kind": r.kind,
        "text": r.text,
        "evidence": [_evidence_dict(e) for e in r.evidence],
        "domains": dict(r.domains),
        "level": r.level,
    }


def _reason_from(d: Mapping[str, Any]) -> Reason:
    return Reason(
        d["rule_id"],
        d["kind"],
        d["text"],
        tuple(_evidence_from(e) for e in d["evidence"]),
        dict(d["domains"]),
        d["level"],
    )
