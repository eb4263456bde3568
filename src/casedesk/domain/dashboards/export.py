"""A dashboard (the server's JSON: shown counts, withheld ones as None) as printed text: the rows of each section's
table, and all sections as one spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from casedesk.domain.disclosure import MARK
from casedesk.domain.spreadsheet import safe_cell

Json = Mapping[str, Any]


def shown(value: int | None) -> str:
    return MARK if value is None else f"{value:,}"


def header(section: Json) -> list[str]:
    return ["", *section["columns"], *section.get("extra_columns", ())]


def rows(section: Json) -> list[list[str]]:
    """Each row as printed: label, shown counts (the mark where withheld), then the text columns."""
    return [[row["label"], *(shown(v) for v in row["cells"]), *row.get("extra", ())] for row in section["rows"]]


def series(section: Json) -> tuple[list[str], list[str], list[list[float | None]]]:
    """What a chart draws: (row labels, series names, values[series][row]) without the totals; a withheld count is
    None (a gap, never a zero). A "rate_line" draws its last text column as a percentage."""
    body = [row for row in section["rows"] if not (section.get("total_row") and row is section["rows"][-1])]
    labels = [row["label"] for row in body]
    if section["chart"] == "rate_line":
        name = section["extra_columns"][-1]
        return labels, [name], [[_percent(row["extra"][-1]) for row in body]]
    columns = list(section["columns"])
    if section.get("total_column"):
        columns = columns[:-1]
    values = [[row["cells"][c] for row in body] for c in range(len(columns))]
    return labels, columns, [[None if v is None else float(v) for v in column] for column in values]


def _percent(text: str) -> float | None:
    try:
        return float(text.rstrip("%"))
    except ValueError:
        return None


def csv_text(dashboards: Iterable[Json]) -> str:
    """Every section of every dashboard, one after another: a title line, the period and audience, the table and
    its note. Text that would start a formula is written as text (`casedesk.domain.spreadsheet`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def line(values: Sequence[Any]) -> None:
        writer.writerow([safe_cell(v) for v in values])

    for dashboard in dashboards:
        line([dashboard["title"]])
        line([f"{dashboard['from']} to {dashboard['to']}", f"Figures for {dashboard['audience']}"])
        for section in dashboard["sections"]:
            line([])
            line([section["title"]])
            line(header(section))
            for row in rows(section):
                line(row)
            if section.get("note"):
                line([section["note"]])
        for note in dashboard.get("notes", ()):
            line([note])
        line([dashboard["legend"]])
        line([])
    return out.getvalue()
