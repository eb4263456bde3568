"""The risk-of-exclusion indicators as data: `resources/risk/indicators.json`, checked against its JSON Schema.

An indicator is a *kind* of record CaseDesk knows how to look for (absence, exclusions, status periods, SEN need,
school moves, provision, youth justice, needs checks) with the thresholds an area sets: which statuses, how far
back, how many records, which needs-check level and domains. Areas edit the file (or ship their own); a broken
one is refused with every problem named by its JSON path, as questionnaires are. The cliff-edge rule (how many
indicators, which statutory support) is part of the same file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from casedesk.domain.triage.load import json_path
from casedesk.errors import ValidationError
from casedesk.paths import resource_path

FOLDER = "risk"
CONFIG_FILE = "indicators.json"
SCHEMA_FILE = "indicators.schema.json"


@dataclass(frozen=True)
class NationalRef:
    characteristic: str  # the DfE file's characteristic_1, e.g. "FSM_eligible_in_last_6_years"
    group: str  # words for it: "pupils eligible for free school meals in the last six years"


@dataclass(frozen=True)
class Indicator:
    """One indicator: `kind` names the records looked for, `params` the area's thresholds for them."""

    id: str
    label: str
    kind: str
    short: str = ""  # for table headings; the label when not given
    min_count: int = 1
    within_days: int | None = None
    current_only: bool = False
    national: NationalRef | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    def codes(self, name: str) -> tuple[str, ...]:
        return tuple(self.params.get(name, ()))


@dataclass(frozen=True)
class CliffEdge:
    min_indicators: int
    statutory_support: tuple[str, ...]  # StatusKind values: any current one is statutory support


@dataclass(frozen=True)
class NationalSource:
    file: str
    measure: str  # the DfE column compared: one_plus_fixed_rate, fixed_excl_rate or perm_excl_rate
    describes: str  # "had one or more suspensions"
    source: str


@dataclass(frozen=True)
class RiskConfig:
    version: str
    notice: str
    national: NationalSource
    cliff_edge: CliffEdge
    indicators: tuple[Indicator, ...]

    def indicator(self, indicator_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == indicator_id)


_COMMON = {"id", "label", "short", "kind", "min_count", "within_days", "current_only", "national"}


@cache
def _schema() -> dict[str, Any]:
    return json.loads(resource_path(FOLDER, SCHEMA_FILE).read_text(encoding="utf-8"))


def load_config(source: Path | str | Mapping[str, Any] | None = None) -> RiskConfig:
    """Read and check an indicators file (the bundled sample when none is given); ValidationError lists every
    problem with its JSON path."""
    if source is None:
        return bundled_config()
    if isinstance(source, Mapping):
        document: Any = source
    else:
        path = Path(source)
        try:
            document = json.loads(path.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise ValidationError(f"Cannot read {path}: {exc.strerror}.") from exc
        except json.JSONDecodeError as exc:
            raise ValidationError(
                f"{path.name} is not valid JSON.", [("$", f"line {exc.lineno}, column {exc.colno}: {exc.msg}")]
            ) from exc
    errors = sorted(Draft202012Validator(_schema()).iter_errors(document), key=lambda e: list(map(str, e.path)))
    problems = [(json_path(e.absolute_path), (best_match(e.context) if e.context else e).message) for e in errors]
    if not problems:
        problems = _semantic_problems(document)
    if problems:
        raise ValidationError("The risk indicators file has problems.", problems)
    return _build(document)


@cache
def bundled_config() -> RiskConfig:
    return load_config(resource_path(FOLDER, CONFIG_FILE))


def _semantic_problems(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    from casedesk.domain.risk.national import NationalFigures

    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    try:
        figures = NationalFigures.load(document["national"]["file"], document["national"]["measure"])
    except ValidationError as exc:
        return [("$.national.file", str(exc))]
    for index, item in enumerate(document["indicators"]):
        if item["id"] in seen:
            problems.append((f"$.indicators[{index}].id", f"{item['id']} is used twice"))
        seen.add(item["id"])
        national = item.get("national")
        if national and figures.rate(national["characteristic"]) is None:
            problems.append(
                (
                    f"$.indicators[{index}].national.characteristic",
                    f"no national figure for {national['characteristic']}",
                )
            )
    return problems


def _build(document: Mapping[str, Any]) -> RiskConfig:
    indicators = []
    for item in document["indicators"]:
        national = item.get("national")
        indicators.append(
            Indicator(
                id=item["id"],
                label=item["label"],
                kind=item["kind"],
                short=item.get("short", item["label"]),
                min_count=item.get("min_count", 1),
                within_days=item.get("within_days"),
                current_only=item.get("current_only", False),
                national=NationalRef(national["characteristic"], national["group"]) if national else None,
                params={k: v for k, v in item.items() if k not in _COMMON},
            )
        )
    cliff = document["cliff_edge"]
    n = document["national"]
    return RiskConfig(
        version=document["version"],
        notice=document.get("notice", ""),
        national=NationalSource(n["file"], n["measure"], n["describes"], n["source"]),
        cliff_edge=CliffEdge(cliff["min_indicators"], tuple(cliff["statutory_support"])),
        indicators=tuple(indicators),
    )
