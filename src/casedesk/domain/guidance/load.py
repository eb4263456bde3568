"""Reading a guidance file: JSON Schema validation plus the checks a schema cannot make.

Every problem is named by the JSON path of the bad element (`$.entries[3].links[0].target`), as questionnaires
are, and nothing is returned (so nothing is stored) while any problem remains: duplicate ids, a link to an entry
the file does not hold, more than one immediate-risk answer, a review date in the future.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from casedesk.domain.guidance.model import GuidanceEntry
from casedesk.domain.triage.load import json_path
from casedesk.errors import ValidationError
from casedesk.paths import resource_path

SCHEMA_FILE = "guidance.schema.json"
SAMPLE_FILE = "sample_guidance.json"


@dataclass(frozen=True)
class GuidanceFile:
    title: str
    entries: tuple[GuidanceEntry, ...]
    notice: str = ""
    sample: bool = False


@cache
def guidance_schema() -> dict[str, Any]:
    return json.loads(resource_path("guidance", SCHEMA_FILE).read_text(encoding="utf-8"))


def _read(source: Path | Mapping[str, Any]) -> tuple[Any, str]:
    if isinstance(source, Mapping):
        return source, "guidance"
    path = Path(source)
    try:
        return json.loads(path.read_text(encoding="utf-8-sig")), path.name
    except OSError as exc:
        raise ValidationError(f"Cannot read {path}: {exc.strerror}.") from exc
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"{path.name} is not valid JSON.", [("$", f"line {exc.lineno}, column {exc.colno}: {exc.msg}")]
        ) from exc


def semantic_problems(document: Mapping[str, Any], today: date | None = None) -> list[tuple[str, str]]:
    today = today or date.today()
    problems: list[tuple[str, str]] = []
    entries = document["entries"]
    ids = [entry["id"] for entry in entries]
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        if entry["id"] in seen:
            problems.append((f"$.entries[{i}].id", f"'{entry['id']}' is used by an earlier entry"))
        seen.add(entry["id"])
        try:
            reviewed = date.fromisoformat(entry["last_reviewed"])
        except ValueError:
            problems.append((f"$.entries[{i}].last_reviewed", f"'{entry['last_reviewed']}' is not a date"))
        else:
            if reviewed > today:
                problems.append((f"$.entries[{i}].last_reviewed", "is in the future"))
        for j, link in enumerate(entry.get("links", ())):
            if link["target"] == "guidance" and link["entry"] not in ids:
                problems.append((f"$.entries[{i}].links[{j}].entry", f"no entry '{link['entry']}' in this file"))
    risk = [i for i, entry in enumerate(entries) if entry.get("immediate_risk")]
    for i in risk[1:]:
        problems.append((f"$.entries[{i}].immediate_risk", "only one entry may be the immediate-risk answer"))
    return problems


def load_guidance(source: Path | Mapping[str, Any], today: date | None = None) -> GuidanceFile:
    """Read and validate a guidance file; raise ValidationError listing every problem with its path."""
    document, name = _read(source)
    validator = Draft202012Validator(guidance_schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    problems = [(json_path(error.absolute_path), error.message) for error in errors]
    if not problems:
        problems = semantic_problems(document, today)
    if problems:
        raise ValidationError(f"{name} is not valid guidance ({len(problems)} problem(s)).", problems)
    return GuidanceFile(
        title=document["title"],
        entries=tuple(GuidanceEntry.from_dict(entry) for entry in document["entries"]),
        notice=document.get("notice", ""),
        sample=bool(document.get("sample", False)),
    )


@cache
def sample_guidance() -> GuidanceFile:
    """The bundled sample content (fictional area), read once."""
    return load_guidance(resource_path("guidance", SAMPLE_FILE))
