"""The Presenting Needs Check engine: from answers to a level of need, need domains and the reasons.

Teachers need to see *why* a level was reached, so every domain point and the level carry the rules and answers
behind them. A stop rule (immediate risk of significant harm) ends the check at level 4 whatever else is answered.
Answers to questions hidden by branching are ignored, so changing an earlier answer cannot leave stale answers
scoring. An outcome keeps the questionnaire id and version and is read back exactly as stored: a result made under
an older version is never re-scored silently. Pure Python: no database, no Qt.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from casedesk.domain.triage.load import load_questionnaire
from casedesk.domain.triage.model import (
    NEED_DOMAINS,
    Condition,
    DomainResult,
    Evidence,
    Question,
    Questionnaire,
    Reason,
    Section,
    StopResult,
    TriageOutcome,
)
from casedesk.errors import ValidationError

__all__ = [
    "NEED_DOMAINS",
    "DomainResult",
    "Evidence",
    "Question",
    "Questionnaire",
    "Reason",
    "Section",
    "StopResult",
    "TriageOutcome",
    "check_answers",
    "evaluate",
    "load_questionnaire",
    "visible_questions",
    "visible_sections",
]
Answers = Mapping[str, Any]


# -- answers ---------------------------------------------------------------------------------------------------
def _is_answered(value: Any) -> bool:
    return value is not None and value != ""


def check_answers(q: Questionnaire, answers: Answers) -> dict[str, Any]:
    """Answers of the right type for their question; unanswered (None, "") dropped. Raises ValidationError."""
    known = {question.id: question for _, question in q.questions()}
    problems: list[tuple[str, str]] = []
    out: dict[str, Any] = {}
    for qid, value in answers.items():
        question = known.get(qid)
        if question is None:
            problems.append((f"answers.{qid}", f"not a question of {q.key}"))
        elif _is_answered(value):
            problem = _answer_problem(question, value)
            if problem:
                problems.append((f"answers.{qid}", problem))
            else:
                out[qid] = list(value) if question.type == "multi_choice" else value
    if problems:
        raise ValidationError("Some answers do not fit their questions.", problems)
    return out


def _answer_problem(question: Question, value: Any) -> str | None:
    options = [o.value for o in question.options]
    if question.type == "yes_no":
        return None if isinstance(value, bool) else "expected true or false"
    if question.type == "single_choice":
        return None if value in options else f"expected one of {', '.join(options)}"
    if question.type == "multi_choice":
        if not isinstance(value, list | tuple) or any(v not in options for v in value) or len(set(value)) != len(value):
            return f"expected a list of distinct values from {', '.join(options)}"
        return None
    if question.type == "scale":
        assert question.min is not None and question.max is not None
        ok = isinstance(value, int) and not isinstance(value, bool) and question.min <= value <= question.max
        return None if ok else f"expected a whole number from {question.min} to {question.max}"
    if not isinstance(value, str):
        return "expected text"
    if question.max_length is not None and len(value) > question.max_length:
        return f"longer than {question.max_length} characters"
    return None


def _effective(q: Questionnaire, answers: Answers) -> tuple[list[tuple[Section, list[Question]]], dict[str, Any]]:
    """Walk in order: what is visible, and the answers that count (a hidden answer counts for nothing later)."""
    counted: dict[str, Any] = {}
    visible: list[tuple[Section, list[Question]]] = []
    for section in q.sections:
        if section.show_if is not None and not _holds(section.show_if, counted, q)[0]:
            continue
        shown = []
        for question in section.questions:
            if question.show_if is None or _holds(question.show_if, counted, q)[0]:
                shown.append(question)
                if question.id in answers:
                    counted[question.id] = answers[question.id]
        if shown:
            visible.append((section, shown))
    return visible, counted


def visible_sections(q: Questionnaire, answers: Answers) -> list[tuple[Section, list[Question]]]:
    """The sections (one wizard page each) and their questions shown for these answers."""
    return _effective(q, check_answers(q, answers))[0]


def visible_questions(q: Questionnaire, answers: Answers) -> list[Question]:
    """The questions shown for these answers, in order."""
    return [question for _, questions in visible_sections(q, answers) for question in questions]


# -- conditions ------------------------------------------------------------------------------------------------
def _holds(cond: Condition, answers: Answers, q: Questionnaire) -> tuple[bool, list[str]]:
    """Whether a condition holds, and the question ids whose answers made it so."""
    if "all" in cond:
        results = [_holds(c, answers, q) for c in cond["all"]]
        return all(ok for ok, _ in results), [qid for _, ev in results for qid in ev]
    if "any" in cond:
        results = [_holds(c, answers, q) for c in cond["any"]]
        return any(ok for ok, _ in results), [qid for ok, ev in results if ok for qid in ev]
    if "not" in cond:
        ok, _ = _holds(cond["not"], answers, q)
        return not ok, _mentioned(cond["not"], answers)
    qid = cond["question"]
    value: Any = answers.get(qid)  # an answer of the question's own type once `_is_answered` holds
    if "answered" in cond:
        ok = _is_answered(value) is cond["answered"]
    elif not _is_answered(value):
        ok = False
    elif "equals" in cond:
        ok = value == cond["equals"] and type(value) is type(cond["equals"])
    elif "in" in cond:
        ok = value in cond["in"]
    elif "includes" in cond:
        ok = cond["includes"] in value
    elif "includes_any" in cond:
        ok = any(v in value for v in cond["includes_any"])
    elif "at_least" in cond:
        ok = value >= cond["at_least"]
    else:
        ok = value <= cond["at_most"]
    return ok, [qid] if ok and qid in answers else []


def _mentioned(cond: Condition, answers: Answers) -> list[str]:
    if "question" in cond:
        return [cond["question"]] if cond["question"] in answers else []
    subs = cond.get("all") or cond.get("any") or [cond["not"]]
    return [qid for sub in subs for qid in _mentioned(sub, answers)]


def _evidence(q: Questionnaire, answers: Answers, qids: list[str]) -> tuple[Evidence, ...]:
    out: list[Evidence] = []
    for qid in dict.fromkeys(qids):
        question = q.question(qid)
        value = answers[qid]
        if question.type == "yes_no":
            text = "Yes" if value else "No"
        elif question.type == "single_choice":
            text = question.option_label(value)
        elif question.type == "multi_choice":
            text = "; ".join(question.option_label(v) for v in value) or "None of these"
        elif question.type == "scale":
            text = f"{value} (on a scale of {question.min} to {question.max})"
        else:
            text = str(value)
        out.append(Evidence(qid, question.text, text))
    return tuple(out)


# -- evaluation ------------------------------------------------------------------------------------------------
def evaluate(q: Questionnaire, answers: Answers) -> TriageOutcome:
    """Score the answers: stop rules first, then scoring rules, then level rules on the domain scores."""
    given = check_answers(q, answers)
    visible, counted = _effective(q, given)
    stop: StopResult | None = None
    for rule in q.stop_rules:
        ok, qids = _holds(rule["when"], counted, q)
        if ok:
            stop = StopResult(rule["id"], rule["reason"], rule["instruction"], _evidence(q, counted, qids))
            break
    reasons: list[Reason] = []
    scores: dict[str, int] = {}
    drivers: dict[str, list[str]] = {}
    for rule in q.rules:
        ok, qids = _holds(rule["when"], counted, q)
        if not ok:
            continue
        points = dict(rule.get("domains", {}))
        reasons.append(
            Reason(rule["id"], "rule", rule["reason"], _evidence(q, counted, qids), points, rule.get("level"))
        )
        for domain, value in points.items():
            scores[domain] = scores.get(domain, 0) + value
            drivers.setdefault(domain, []).append(rule["id"])
    for rule in q.level_rules:
        seen = _level_rule_domains(rule, scores)
        if seen is not None:
            reasons.append(Reason(rule["id"], "level_rule", rule["reason"], domains=seen, level=rule["level"]))
    levelled = [r for r in reasons if r.level is not None]
    level = 4 if stop else max((r.level for r in levelled if r.level is not None), default=1)
    level_reasons = [r for r in levelled if r.level == level]
    if stop:
        level_reasons.insert(0, Reason(stop.rule_id, "stop", stop.reason, stop.evidence, level=4))
    order = list(NEED_DOMAINS)
    domains = tuple(
        DomainResult(d, NEED_DOMAINS[d], scores[d], tuple(drivers[d]))
        for d in sorted(scores, key=lambda d: (-scores[d], order.index(d)))
    )
    shown = [question for _, questions in visible for question in questions]
    return TriageOutcome(
        questionnaire_id=q.id,
        questionnaire_version=q.version,
        questionnaire_title=q.title,
        answers=counted,
        level=level,
        level_name=q.level(level).name,
        next_step=stop.instruction if stop else q.level(level).next_step,
        domains=domains,
        reasons=tuple(reasons),
        level_reasons=tuple(level_reasons),
        stop=stop,
        ignored=tuple(qid for qid in given if qid not in counted),
        unanswered=tuple(x.id for x in shown if x.required and x.id not in counted),
    )


def _level_rule_domains(rule: Mapping[str, Any], scores: Mapping[str, int]) -> dict[str, int] | None:
    """The domain scores that make a level rule hold, or None when it does not."""
    if "min_total" in rule:
        return dict(scores) if sum(scores.values()) >= rule["min_total"] else None
    if "domain" in rule:
        score = scores.get(rule["domain"], 0)
        return {rule["domain"]: score} if score >= rule["min_score"] else None
    met = {d: s for d, s in scores.items() if s >= rule["min_score"]}
    return met if len(met) >= rule["min_domains"] else None
