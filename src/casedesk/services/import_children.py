"""`casedesk import children FILE.csv`: bring a list of children in from another system.

All or nothing: every row is normalised and validated first, each problem is reported with its row number
and field, and only a file without errors is written — in one unit of work, so a failure half-way leaves the
database exactly as it was. Rows whose UPN or NHS number is already held are reported with their row, not
duplicated; an identifier repeated inside the file, cells beyond the header, control characters, text that a
spreadsheet would run as a formula, and over-long address fields are problems named with their row and field.
A semicolon-separated or empty file is named as such rather than as "missing columns". The app can stop an import
between two rows (`stop`): that is safe at any point, since nothing is kept unless the whole file is written.

Besides the child's own fields a row may name, by what another system's export holds rather than by ids:
`school` (a school's URN or exact name in the register: the current school), `status` (current statuses, codes or
words, separated by ";", from `status_from` or the import day) and `named_worker` with `named_worker_role` (a
worker in the register, by exact name, named as involved for their organisation from the import day).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from casedesk.domain import schema
from casedesk.domain.records import Changes, Organisation, Worker
from casedesk.domain.validation import normalise_child, validate_child
from casedesk.domain.vocab import InvolvementRole, Labelled, StatusKind
from casedesk.errors import Cancelled, ValidationError
from casedesk.store import repositories as repo
from casedesk.store.database import Database

_CHILD = schema.record("children")
# Every field of a child except references to other records (a CSV cannot name them): one catalogue line adds one.
COLUMNS = tuple(f.name for f in _CHILD.fields if f.type is not schema.FieldType.UUID)
REQUIRED = tuple(f.name for f in _CHILD.fields if f.required)
LINK_COLUMNS = ("school", "status", "status_from", "named_worker", "named_worker_role")
MAX_ROWS = 100_000
TEXT_LIMITS = {f.name: f.max_length for f in _CHILD.fields if f.max_length is not None and f.name in COLUMNS}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet runs as a formula when the cell opens
_FREE_TEXT = ("given_name", "family_name", "preferred_name", "address_line1", "address_line2", "town")


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


def _header_problem(path: Path, fieldnames: Sequence[str] | None) -> str | None:
    if not fieldnames:
        return f"{path.name} is empty: the first line must name the columns ({', '.join(REQUIRED)}, …)."
    if len(fieldnames) == 1 and ";" in fieldnames[0]:
        return f"{path.name} looks semicolon-separated; save it comma-separated (CSV UTF-8) and import it again."
    missing = [c for c in REQUIRED if c not in fieldnames]
    if missing:
        return f"{path.name}: missing column(s) {', '.join(missing)}."
    unknown = [c for c in fieldnames if c not in COLUMNS + LINK_COLUMNS]
    if unknown:
        return f"{path.name}: unknown column(s) {', '.join(unknown)}; expected {', '.join(COLUMNS + LINK_COLUMNS)}."
    return None


def read_rows(path: Path) -> list[dict[str, Any]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            problem = _header_problem(path, reader.fieldnames)
            if problem:
                raise ValidationError(problem)
            rows: list[dict[str, Any]] = []
            for row in reader:
                if len(rows) >= MAX_ROWS:
                    raise ValidationError(f"{path.name}: more than {MAX_ROWS:,} rows; split the file.")
                rows.append(row)
            if not rows:
                raise ValidationError(f"{path.name} has a header but no children.")
            return rows
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{path.name} is not UTF-8 text (save it as CSV UTF-8).") from exc
    except csv.Error as exc:
        raise ValidationError(f"{path.name} is not a readable CSV file: {exc}.") from exc


def cell_problems(number: int, raw: dict[Any, Any]) -> list[tuple[str, str]]:
    """What is wrong with a row's cells before any rule about children applies."""
    problems = []
    extra = raw.get(None)
    if extra:
        problems.append((f"row {number}", f"has {len(extra)} cell(s) more than the header names"))
    for name, value in raw.items():
        if name is None or not isinstance(value, str):
            continue
        if any(ord(ch) < 32 and ch not in "\t" for ch in value) or "\x7f" in value:
            problems.append((f"row {number} {name}", "contains a control character (such as NUL)"))
        elif name in _FREE_TEXT and value.strip().startswith(FORMULA_STARTS):
            problems.append(
                (f"row {number} {name}", f"starts with {value.strip()[0]!r}, which a spreadsheet runs as a formula")
            )
        if name in TEXT_LIMITS and len(value) > TEXT_LIMITS[name]:
            problems.append((f"row {number} {name}", f"is longer than {TEXT_LIMITS[name]} characters"))
    return problems


IMPORTED = Changes(frozenset({"children", "status_periods", "involvements"}))
STOPPED = "Import stopped; nothing was imported."


def import_children(
    db: Database, path: Path, author: str, today: date | None = None, stop: Callable[[], bool] | None = None
) -> ImportReport:
    """Check every row, then write them all in one unit of work; `stop()` ends it (nothing kept) between rows."""
    today = today or date.today()

    def check_stop() -> None:
        if stop is not None and stop():
            raise Cancelled(STOPPED)

    rows = read_rows(path)
    problems: list[tuple[str, str]] = []
    report = ImportReport()
    prepared: list[tuple[int, dict[str, Any], _Links]] = []
    first_seen: dict[tuple[str, str], int] = {}
    with db.session() as session:
        register = _Register(repo.organisations(session), repo.workers(session))
    for number, raw in enumerate(rows, start=2):  # row 1 is the header
        check_stop()
        cells = cell_problems(number, raw)
        if cells:
            problems.extend(cells)
            continue
        links = register.links(raw, today, number, problems)
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
        if links.school_id:
            values["current_school_id"] = links.school_id
        for identifier in ("upn", "nhs_number"):
            value = values.get(identifier)
            if value:
                earlier = first_seen.setdefault((identifier, value), number)
                if earlier != number:
                    problems.append((f"row {number} {identifier}", f"repeats row {earlier} (the same child twice?)"))
        prepared.append((number, values, links))
    if problems:
        raise ValidationError(f"{path.name}: {len(problems)} problem(s); nothing was imported", problems)
    with db.unit_of_work(author) as uow:
        for number, values, links in prepared:
            check_stop()  # raised inside the unit of work: it rolls back, and nothing of the file is kept
            held = repo.find_children_by_identifier(uow.session, values.get("upn"), values.get("nhs_number"))
            if held:
                report.already_held.append(f"row {number}: {values['given_name']} {values['family_name']}")
                continue
            child_id = uow.insert("children", {k: v for k, v in values.items() if v is not None or k in REQUIRED})
            for kind in links.statuses:
                uow.insert("status_periods", {"child_id": child_id, "kind": kind, "start_date": links.status_from})
            if links.worker is not None:
                uow.insert(
                    "involvements",
                    {
                        "child_id": child_id,
                        "organisation_id": links.worker.organisation_id,
                        "worker_id": links.worker.id,
                        "role": links.role,
                        "start_date": today,
                    },
                )
            uow.flush()
            report.imported += 1
    return report


def import_children_op(
    db: Database, path: Path, author: str, stop: Callable[[], bool] | None = None
) -> tuple[ImportReport, Changes]:
    """`import_children` as the app runs it: the report, and what the views must refresh."""
    report = import_children(db, path, author, stop=stop)
    return report, IMPORTED if report.imported else Changes()


@dataclass
class _Links:
    """What a row says about the child beyond their own fields, resolved against the register."""

    school_id: str | None = None
    statuses: list[str] = field(default_factory=list)
    status_from: date | None = None
    worker: Worker | None = None
    role: str | None = None


def _code(vocabulary: Iterable[Labelled], text: str) -> str | None:
    """A vocabulary code from its code or its words ("looked_after" or "Looked after"), else None."""
    wanted = text.strip().casefold()
    for member in vocabulary:
        if wanted in (str(member), member.label.casefold()):  # a vocabulary member is its code (a StrEnum)
            return str(member)
    return None


class _Register:
    """Schools by URN and name, workers by name: how a CSV row refers to them."""

    def __init__(self, organisations: dict[str, Organisation], workers: dict[str, Worker]) -> None:
        schools = [o for o in organisations.values() if o.kind == "school"]
        self.schools = {o.urn: o.id for o in schools if o.urn} | {o.name.casefold(): o.id for o in schools}
        self.workers: dict[str, list[Worker]] = {}
        for worker in workers.values():
            self.workers.setdefault(worker.name.casefold(), []).append(worker)

    def links(self, raw: dict[str, Any], today: date, number: int, problems: list[tuple[str, str]]) -> _Links:
        links = _Links(status_from=today)
        school = (raw.get("school") or "").strip()
        if school:
            links.school_id = self.schools.get(school) or self.schools.get(school.casefold())
            if links.school_id is None:
                problems.append((f"row {number} school", f"no school with URN or name {school!r} in the register"))
        for part in (raw.get("status") or "").split(";"):
            if part.strip():
                code = _code(StatusKind, part)
                if code is None:
                    problems.append((f"row {number} status", f"{part.strip()!r} is not a status"))
                else:
                    links.statuses.append(code)
        started = _parse_date(raw.get("status_from"))
        if started == "invalid":
            problems.append((f"row {number} status_from", "is not a date (use YYYY-MM-DD)"))
        elif isinstance(started, date):
            links.status_from = started
        name, role = (raw.get("named_worker") or "").strip(), (raw.get("named_worker_role") or "").strip()
        if name:
            found = self.workers.get(name.casefold(), [])
            if len(found) != 1:
                reason = "no worker" if not found else f"{len(found)} workers"
                problems.append((f"row {number} named_worker", f"{reason} named {name!r} in the register"))
            else:
                links.worker = found[0]
            links.role = _code(InvolvementRole, role) if role else None
            if links.role is None:
                problems.append((f"row {number} named_worker_role", f"{role!r} is not a role" if role else "required"))
        return links
