"""The schools register: organisations of kind "school" filled from a GIAS extract, and the picker's search.

Importing is all or nothing: the file is parsed and checked whole first (`casedesk.domain.education.gias`); any
problem refuses it with every problem listed and nothing written. A school already held with the same URN is
updated (name, LA, phase, type, postcode, status), a new URN is added, and schools not in the file are left as
they are (an extract may cover one local authority). The register is shared: every device receives it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casedesk.domain.education.gias import decode, parse_gias
from casedesk.domain.records import Changes
from casedesk.errors import ValidationError
from casedesk.paths import resource_path
from casedesk.store import education_repo
from casedesk.store.database import Database

REGISTER_FIELDS = ("name", "la_code", "phase", "establishment_type", "postcode", "establishment_status")
MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class SchoolsImport:
    added: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return f"{self.added} school(s) added, {self.updated} updated, {self.unchanged} unchanged"


def read_register(path: Path) -> list[dict[str, Any]]:
    """The register rows of a GIAS CSV file, or ValidationError listing every problem (line and column)."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError(f"No such file: {path}.")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValidationError(f"{path.name} is larger than {MAX_FILE_BYTES // 2**20} MiB: not a GIAS extract.")
    rows, problems = parse_gias(decode(path.read_bytes()))
    if problems:
        raise ValidationError(
            f"{path.name}: {len(problems)} problem(s); nothing was imported.",
            [(f"line {p.line}" + (f", {p.column}" if p.column else ""), p.message) for p in problems],
        )
    return rows


def import_register(db: Database, rows: list[dict[str, Any]], actor: str) -> tuple[SchoolsImport, Changes]:
    """Add or update the register's schools by URN, in one unit of work."""
    with db.session() as session:
        held = education_repo.schools_by_urn(session)
    added = updated = unchanged = 0
    with db.unit_of_work(actor) as uow:
        for row in rows:
            existing = held.get(row["urn"])
            values = {k: row.get(k) for k in REGISTER_FIELDS}
            if existing is None:
                uow.insert("organisations", {"kind": "school", "urn": row["urn"], **values})
                added += 1
            elif uow.update("organisations", existing["id"], values):
                updated += 1
            else:
                unchanged += 1
    return SchoolsImport(added, updated, unchanged), uow.changes


def import_schools_file(db: Database, path: Path, actor: str) -> tuple[SchoolsImport, Changes]:
    return import_register(db, read_register(path), actor)


def sample_register_path() -> Path:
    """The register of the demo area that ships with CaseDesk (a GIAS-format sample)."""
    return resource_path("schools", "gias_sample.csv")


def search_schools(db: Database, text: str, limit: int = 50, open_only: bool = True) -> list[dict[str, Any]]:
    with db.session() as session:
        return education_repo.search_schools(session, text, limit, open_only)
