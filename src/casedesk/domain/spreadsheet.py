"""The CSV every export writes: safe to open in a spreadsheet.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and some treat a leading tab or
carriage return the same way), so a child's name or a note typed as `=HYPERLINK(...)` would run on the reader's
machine (CSV or formula injection). Such a text cell is written with a leading apostrophe, which spreadsheets show
as text and do not evaluate; numbers stay numbers. The file is UTF-8 with a byte-order mark (so Excel reads the
accents right) and quoted where needed by Python's csv module.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

# The characters that start a formula, including their full-width forms, which some spreadsheets fold to them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

Value = str | int | float | date | datetime | None


def safe_cell(value: Value) -> str | int | float:
    """One cell as it is written: text that would start a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Value]]) -> str:
    """The whole file as text (without the byte-order mark)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Value]]) -> None:
    """Write the file in one go (a failed write leaves no half file behind under the final name)."""
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(csv_text(header, rows), encoding="utf-8-sig", newline="")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
