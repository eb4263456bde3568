"""Reading a Get Information About Schools (GIAS) establishment extract: the schools register's source.

GIAS publishes one CSV row per establishment with many columns; CaseDesk reads seven of them (`COLUMNS`) and
ignores the rest. Extracts downloaded from GIAS are Windows-1252; a UTF-8 file (with or without a byte-order
mark) is read as such. Every problem is reported with its line and column, and a file with any problem is refused
whole, so a register is never half-updated.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

COLUMNS = {
    "URN": "urn",
    "EstablishmentName": "name",
    "LA (code)": "la_code",
    "TypeOfEstablishment (name)": "establishment_type",
    "PhaseOfEducation (name)": "phase",
    "Postcode": "postcode",
    "EstablishmentStatus (name)": "establishment_status",
}
REQUIRED = ("URN", "EstablishmentName", "LA (code)")
MAX_LENGTH = {"name": 200, "establishment_type": 100, "phase": 40, "postcode": 8, "establishment_status": 40}
_URN = re.compile(r"^\d{6}$")
_LA = re.compile(r"^\d{3}$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")
MAX_ROWS = 100_000  # all of England's establishments, open and closed, are about 50,000


@dataclass(frozen=True, slots=True)
class Problem:
    line: int  # 1 is the header
    column: str
    message: str

    def __str__(self) -> str:
        return (
            f"line {self.line}: {self.column}: {self.message}" if self.column else f"line {self.line}: {self.message}"
        )


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_gias(text: str) -> tuple[list[dict[str, str | None]], list[Problem]]:
    """The register rows (catalogue field names → values) and every problem found; rows are only usable when
    there are no problems."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        return [], [Problem(1, "", "The file is empty.")]
    except csv.Error as error:
        return [], [Problem(1, "", f"Not a CSV file: {error}.")]
    header = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [Problem(1, "", f"Missing GIAS column(s): {', '.join(missing)}.")]
    index = {c: header.index(c) for c in COLUMNS}
    rows: list[dict[str, str | None]] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    try:
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                problems.append(Problem(line, "", f"More than {MAX_ROWS:,} establishments: not a GIAS extract."))
                break
            if len(cells) < len(header):
                problems.append(Problem(line, "", f"{len(cells)} cells where the header has {len(header)}."))
                continue
            row, row_problems = _row(line, {c: cells[i].strip() for c, i in index.items()})
            problems.extend(row_problems)
            urn = row.get("urn")
            if urn and urn in seen:
                problems.append(Problem(line, "URN", f"URN {urn} already given on line {seen[urn]}."))
            elif urn:
                seen[urn] = line
            if not row_problems:
                rows.append(row)
    except csv.Error as error:
        problems.append(Problem(reader.line_num, "", f"Not a CSV file: {error}."))
    if not rows and not problems:
        problems.append(Problem(2, "", "No establishments in the file."))
    return rows, problems


def _row(line: int, cells: dict[str, str]) -> tuple[dict[str, str | None], list[Problem]]:
    problems = [Problem(line, c, "Required.") for c in REQUIRED if not cells[c]]
    row: dict[str, str | None] = {COLUMNS[c]: (v or None) for c, v in cells.items()}
    if row["urn"] and not _URN.match(row["urn"]):
        problems.append(Problem(line, "URN", f"{row['urn']!r} is not a 6-digit URN."))
    if row["la_code"] and not _LA.match(row["la_code"]):
        problems.append(Problem(line, "LA (code)", f"{row['la_code']!r} is not a 3-digit LA code."))
    postcode = row["postcode"]
    if postcode:
        postcode = " ".join(postcode.upper().split())
        row["postcode"] = postcode
        if not _POSTCODE.match(postcode):
            problems.append(Problem(line, "Postcode", f"{postcode!r} is not a UK postcode."))
    for field, limit in MAX_LENGTH.items():
        value = row.get(field)
        if value and len(value) > limit:
            column = next(c for c, f in COLUMNS.items() if f == field)
            problems.append(Problem(line, column, f"Longer than {limit} characters."))
    return row, problems
