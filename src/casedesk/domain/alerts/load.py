"""Reading a rules file: JSON Schema validation plus the checks a schema cannot make.

Every problem is named by the JSON path of the bad element (`$.rules[3].condition.weeks`), as questionnaires and
guidance are, and nothing is returned (so nothing is stored) while any problem remains: two rules with one id, an
attendance window that says neither how many sessions nor what rate, a PEP rule not limited to looked-after
children, the same recipient named twice. (A virtual-school recipient on a rule that also fires for children who
are not looked after is not a problem: for them it tells nobody.)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from casedesk.domain.alerts.model import RuleSet
from casedesk.domain.triage.load import json_path
from casedesk.errors import ValidationError
from casedesk.paths import resource_path

SCHEMA_FILE = "rules.schema.json"
SAMPLE_FILE = "sample_rules.json"


@cache
def rules_schema() -> dict[str, Any]:
    return json.loads(resource_path("alerts", SCHEMA_FILE).read_text(encoding="utf-8"))


def read_document(source: Path | Mapping[str, Any]) -> tuple[Any, str]:
    if isinstance(source, Mapping):
        return source, "rules"
    path = Path(source)
    try:
        return json.loads(path.read_text(encoding="utf-8-sig")), path.name
    except OSError as exc:
        raise ValidationError(f"Cannot read {path}: {exc.strerror}.") from exc
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"{path.name} is not valid JSON.", [("$", f"line {exc.lineno}, column {exc.colno}: {exc.msg}")]
        ) from exc
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{path.name} is not UTF-8 text.", [("$", str(exc))]) from exc


def semantic_problems(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, rule in enumerate(document["rules"]):
        if rule["id"] in seen:
            problems.append((f"$.rules[{i}].id", f"'{rule['id']}' is used by an earlier rule"))
        seen.add(rule["id"])
        condition = rule["condition"]
        if condition["kind"] == "pep_overdue" and "looked_after" not in rule.get("only_for", ["looked_after"]):
            problems.append((f"$.rules[{i}].only_for", "a PEP rule applies to looked-after children only"))
        tell = [json.dumps(r, sort_keys=True) for r in rule["tell"]]
        if len(set(tell)) != len(tell):
            problems.append((f"$.rules[{i}].tell", "names the same recipient twice"))
    return problems


def _schema_problems(document: Any) -> list[tuple[str, str]]:
    validator = Draft202012Validator(rules_schema())
    problems = []
    for error in sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path]):
        shown = best_match(error.context) if error.context else error
        message = shown.message
        if error.validator == "minProperties":
            message = "say how many sessions (absent_sessions_at_least) or what rate (attendance_below_percent)"
        problems.append((json_path(shown.absolute_path), message))
    return problems


def load_rules(source: Path | Mapping[str, Any]) -> RuleSet:
    """Read and validate a rules file; raise ValidationError listing every problem with its path."""
    document, name = read_document(source)
    problems = _schema_problems(document)
    if not problems:
        problems = semantic_problems(document)
    if problems:
        raise ValidationError(f"{name} is not a valid rule set ({len(problems)} problem(s)).", problems)
    return RuleSet.from_dict(json.loads(json.dumps(document)))


@cache
def sample_rules() -> RuleSet:
    """The bundled sample content, read once."""
    return load_rules(resource_path("alerts", SAMPLE_FILE))
