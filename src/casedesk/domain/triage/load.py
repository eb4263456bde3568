"""Loading questionnaires: JSON Schema validation plus the checks a schema cannot make.

Questionnaires are data that each area configures, so a broken file must be refused with every problem named by
the JSON path of the bad element (`$.sections[2].questions[0].type`). The schema catches shapes; the checks here
catch duplicate ids, branching on unknown or later questions, unknown options and unknown need domains.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError
from jsonschema.exceptions import best_match

from casedesk.domain.triage.model import (
    COMBINATORS,
    NEED_DOMAINS,
    TESTS,
    Level,
    Option,
    Question,
    Questionnaire,
    Section,
)
from casedesk.errors import ValidationError
from casedesk.paths import resource_path

SCHEMA_FILE = "questionnaire.schema.json"


@cache
def questionnaire_schema() -> dict[str, Any]:
    """The bundled JSON Schema, read once."""
    return json.loads(resource_path("triage", SCHEMA_FILE).read_text(encoding="utf-8"))


def json_path(parts: Any) -> str:
    """`["sections", 2, "type"]` -> `$.sections[2].type`."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _schema_problem(error: SchemaError) -> tuple[str, str]:
    if error.context:  # anyOf / oneOf: name the branch that came closest
        error = best_match(error.context)
    message = error.message
    if error.validator == "not" and error.validator_value == {}:  # $defs/not_for_this_type
        message = f"{error.path[-1] if error.path else 'this field'} is not allowed for this question type"
    return json_path(error.absolute_path), message


def load_questionnaire(source: Path | str | Mapping[str, Any]) -> Questionnaire:
    """Read, validate and build a questionnaire; raise ValidationError listing every problem with its path."""
    if isinstance(source, Mapping):
        document: Any = source
        name = str(source.get("id", "questionnaire"))
    else:
        path = Path(source)
        name = path.name
        try:
            document = json.loads(path.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise ValidationError(f"Cannot read {path}: {exc.strerror}.") from exc
        except json.JSONDecodeError as exc:
            raise ValidationError(
                f"{name} is not valid JSON.", [("$", f"line {exc.lineno}, column {exc.colno}: {exc.msg}")]
            ) from exc
    validator = Draft202012Validator(questionnaire_schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    problems = [_schema_problem(error) for error in errors]
    if not problems:
        problems = semantic_problems(document)
    if problems:
        raise ValidationError(f"{name} is not a valid questionnaire ({len(problems)} problem(s)).", problems)
    return _build(document)


def _build(doc: Mapping[str, Any]) -> Questionnaire:
    sections = tuple(
        Section(
            id=s["id"],
            title=s["title"],
            description=s.get("description", ""),
            show_if=s.get("show_if"),
            questions=tuple(
                Question(
                    id=q["id"],
                    type=q["type"],
                    text=q["text"],
                    help=q.get("help", ""),
                    required=q.get("required", q["type"] != "free_text"),
                    show_if=q.get("show_if"),
                    options=tuple(Option(o["value"], o["label"], o.get("help", "")) for o in q.get("options", ())),
                    min=q.get("min"),
                    max=q.get("max"),
                    min_label=q.get("min_label", ""),
                    max_label=q.get("max_label", ""),
                    max_length=q.get("max_length"),
                )
                for q in s["questions"]
            ),
        )
        for s in doc["sections"]
    )
    return Questionnaire(
        id=doc["id"],
        version=doc["version"],
        title=doc["title"],
        notice=doc["notice"],
        description=doc.get("description", ""),
        levels=tuple(sorted((Level(x["level"], x["name"], x["next_step"]) for x in doc["levels"]), key=_lv)),
        sections=sections,
        rules=tuple(doc["rules"]),
        level_rules=tuple(doc.get("level_rules", ())),
        stop_rules=tuple(doc["stop_rules"]),
        document=doc,
    )


def _lv(level: Level) -> int:
    return level.level


# -- semantic checks -------------------------------------------------------------------------------------------
def semantic_problems(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What the schema cannot say: unique ids, known references, sensible ranges. Assumes a schema-valid doc."""
    problems: list[tuple[str, str]] = []
    levels = sorted(x["level"] for x in doc["levels"])
    if levels != [1, 2, 3, 4]:
        problems.append(("$.levels", f"must define levels 1, 2, 3 and 4 once each, not {levels}"))
    seen_sections: set[str] = set()
    questions: dict[str, Mapping[str, Any]] = {}
    for si, section in enumerate(doc["sections"]):
        spath = f"$.sections[{si}]"
        if section["id"] in seen_sections:
            problems.append((f"{spath}.id", f"duplicate section id {section['id']!r}"))
        seen_sections.add(section["id"])
        if "show_if" in section:
            problems += _condition_problems(section["show_if"], f"{spath}.show_if", questions)
        for qi, question in enumerate(section["questions"]):
            qpath = f"{spath}.questions[{qi}]"
            if "show_if" in question:  # only earlier questions: branching cannot loop
                problems += _condition_problems(question["show_if"], f"{qpath}.show_if", questions)
            if question["id"] in questions:
                problems.append((f"{qpath}.id", f"duplicate question id {question['id']!r}"))
            else:
                questions[question["id"]] = question
            problems += _question_problems(question, qpath)
    rule_ids: set[str] = set()
    for kind in ("rules", "level_rules", "stop_rules"):
        for ri, rule in enumerate(doc.get(kind, ())):
            rpath = f"$.{kind}[{ri}]"
            if rule["id"] in rule_ids:
                problems.append((f"{rpath}.id", f"duplicate rule id {rule['id']!r}"))
            rule_ids.add(rule["id"])
            if "when" in rule:
                problems += _condition_problems(rule["when"], f"{rpath}.when", questions, later_ok=True)
            for domain in rule.get("domains", {}):
                if domain not in NEED_DOMAINS:
                    problems.append((f"{rpath}.domains.{domain}", _unknown_domain(domain)))
            if kind == "level_rules":
                problems += _level_rule_problems(rule, rpath)
    return problems


def _unknown_domain(domain: str) -> str:
    return f"unknown need domain {domain!r}; expected one of {', '.join(NEED_DOMAINS)}"


def _question_problems(question: Mapping[str, Any], qpath: str) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    values = [o["value"] for o in question.get("options", ())]
    for oi, value in enumerate(values):
        if value in values[:oi]:
            problems.append((f"{qpath}.options[{oi}].value", f"duplicate option value {value!r}"))
    if question["type"] == "scale" and question["min"] >= question["max"]:
        problems.append((f"{qpath}.max", f"must be greater than min ({question['min']})"))
    return problems


def _level_rule_problems(rule: Mapping[str, Any], rpath: str) -> list[tuple[str, str]]:
    keys = {k for k in ("domain", "min_score", "min_domains", "min_total") if k in rule}
    if keys not in ({"domain", "min_score"}, {"min_domains", "min_score"}, {"min_total"}):
        return [(rpath, "needs exactly one of: domain + min_score, min_domains + min_score, or min_total")]
    if "domain" in rule and rule["domain"] not in NEED_DOMAINS:
        return [(f"{rpath}.domain", _unknown_domain(rule["domain"]))]
    return []


def _condition_problems(
    cond: Mapping[str, Any], path: str, questions: Mapping[str, Mapping[str, Any]], *, later_ok: bool = False
) -> list[tuple[str, str]]:
    """Check one condition against the questions known so far (all of them for rules)."""
    combos = [k for k in COMBINATORS if k in cond]
    tests = [k for k in TESTS if k in cond]
    if combos:
        if len(combos) > 1 or tests or "question" in cond:
            return [(path, "a combination needs exactly one of all, any, not and nothing else")]
        key = combos[0]
        if key == "not":
            return _condition_problems(cond["not"], f"{path}.not", questions, later_ok=later_ok)
        problems: list[tuple[str, str]] = []
        for i, sub in enumerate(cond[key]):
            problems += _condition_problems(sub, f"{path}.{key}[{i}]", questions, later_ok=later_ok)
        return problems
    if "question" not in cond or len(tests) != 1:
        return [(path, f"a test needs question and exactly one of {', '.join(TESTS)}")]
    qid, test = cond["question"], tests[0]
    question = questions.get(qid)
    if question is None:
        where = "unknown question" if later_ok else "unknown or later question (show_if may only use earlier ones)"
        return [(f"{path}.question", f"{where} {qid!r}")]
    return _test_problems(question, test, cond[test], f"{path}.{test}")


def _test_problems(question: Mapping[str, Any], test: str, value: Any, path: str) -> list[tuple[str, str]]:
    qtype = question["type"]
    allowed = {
        "yes_no": {"equals", "answered"},
        "single_choice": {"equals", "in", "answered"},
        "multi_choice": {"includes", "includes_any", "answered"},
        "scale": {"equals", "in", "at_least", "at_most", "answered"},
        "free_text": {"answered"},
    }[qtype]
    if test not in allowed:
        return [(path, f"{test!r} cannot test a {qtype} question; use {', '.join(sorted(allowed))}")]
    values = value if isinstance(value, list) else [value]
    if test == "answered":
        return []
    if qtype == "yes_no":
        return [] if isinstance(value, bool) else [(path, "a yes_no answer is true or false")]
    if qtype == "scale":
        lo, hi = question["min"], question["max"]
        bad = [v for v in values if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi]
        return [(path, f"{bad[0]!r} is outside the scale {lo}-{hi}")] if bad else []
    options = [o["value"] for o in question["options"]]
    unknown = [v for v in values if v not in options]
    if unknown:
        return [(path, f"{unknown[0]!r} is not an option of {question['id']!r} ({', '.join(options)})")]
    return []
