"""`casedesk import children FILE.csv`: bring a list of children in from another system.

All or nothing: every row is normalised and validated first, each problem is reported with its row number
and field, and only a file without errors is written — in one unit of work, so a failure half-way leaves the
database exactly as it was. Rows whose UPN or NHS number is already held are reported, not duplicated.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from casedesk.domain import schema
from casedesk.domain.validation import normalise_child, validate_child
from casedesk.errors import ValidationError
from casedesk.store import repositories as repo
from casedesk.store.database import Database

_CHILD = schema.record("children")
# Every field of a child except references to other records (a CSV cannot name them): one catalogue line adds one.
COLUMNS = tuple(f.name for f in _CHILD.fields if f.type is not schema.FieldType.UUID)
REQUIRED = tuple(f.name for f in _CHILD.fields if f.required)
MAX_ROWS = 100_000


@dataclass
class ImportReport:
    imported: int = 0
    already_held: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _parse_date(text: str | None) -> date | str | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return "invalid"


def read_rows(path: Path) -> list[dict[str, Any]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise ValidationError(f"{path.name}: missing column(s) {', '.join(missing)}.")
            unknown = [c for c in reader.fieldnames or [] if c not in COLUMNS]
            if unknown:
                raise ValidationError(
                    f"{path.name}: unknown column(s) {', '.join(unknown)}; expected {', '.join(COLUMNS)}."
                )
            rows = []
            for row in reader:
                if len(rows) >= MAX_ROWS:
                    raise ValidationError(f"{path.name}: more than {MAX_ROWS:,} rows; split the file.")
                rows.append(row)
            return rows
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{path.name} is not UTF-8 text (save it as CSV UTF-8).") from exc
    except csv.Error as exc:
        raise ValidationError(f"{path.name} is not a readable CSV file: {exc}.") from exc


def import_children(db: Database, path: Path, author: str, today: date | None = None) -> ImportReport:
    today = today or date.today()
    rows = read_rows(path)
    problems: list[tuple[str, str]] = []
    report = ImportReport()
    prepared: list[dict[str, Any]] = []
    for number, raw in enumerate(rows, start=2):  # row 1 is the header
        values: dict[str, Any] = {k: (v if v is not None else "") for k, v in raw.items() if k in COLUMNS}
        dob = _parse_date(values.get("date_of_birth"))
        if dob == "invalid":
            problems.append((f"row {number} date_of_birth", "is not a date (use YYYY-MM-DD)"))
            continue
        values["date_of_birth"] = dob
        values = normalise_child(values)
        result = validate_child(values, today)
        problems.extend((f"row {number} {f}", m) for f, m in result.errors)
        report.warnings.extend(f"row {number} {f}: {m}" for f, m in result.warnings)
        prepared.append(values)
    if problems:
        raise ValidationError(f"{path.name}: {len(problems)} problem(s); nothing was imported", problems)
    with db.unit_of_work(author) as uow:
        for values in prepared:
            held = repo.find_children_by_identifier(uow.session, values.get("upn"), values.get("nhs_number"))
            if held:
                report.already_held.append(f"{values['given_name']} {values['family_name']}")
                continue
            uow.insert("children", {k: v for k, v in values.items() if v is not None or k in REQUIRED})
            uow.flush()
            report.imported += 1
    return report
