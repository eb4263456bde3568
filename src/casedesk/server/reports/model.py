"""What a dashboard is made of, and the rules every one follows before anything leaves the server.

A dashboard is sections; a section is one chart's table of counts, protected by `casedesk.domain.disclosure`
(small counts withheld, more withheld so none can be worked out from the totals), with text columns beside it
(rates, national figures) worked out only from cells that are shown. What leaves the server is the shown text and
the shown counts (a withheld cell is None): never a record, never a withheld count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from casedesk.domain import disclosure
from casedesk.domain.disclosure import Cell, ProtectedTable
from casedesk.domain.disclosure_joint import Part, protect_linked

MAX_DAYS = 5 * 366
AREA, SCHOOL, OWN = "area", "school", "own"


class ReportError(ValueError):
    """A report asked for wrongly (unknown name, bad dates, no right to see it): the message says what to do."""


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included."""

    start: date
    end: date

    @staticmethod
    def parse(start: str | None, end: str | None, today: date) -> Period:
        """`--from`/`--to` as typed (YYYY-MM-DD); by default the twelve months to today."""
        last = _date("to", end) if end else today
        first = _date("from", start) if start else date(last.year - 1, last.month, 1)
        if first > last:
            raise ReportError(f"The period starts ({first}) after it ends ({last}); give --from before --to.")
        if (last - first).days > MAX_DAYS:
            raise ReportError("A report covers at most five years; give a shorter period.")
        return Period(first, last)

    @property
    def months(self) -> list[str]:
        """Every month the period touches, "YYYY-MM", oldest first."""
        out, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    @property
    def bounds(self) -> tuple[str, str]:
        return self.start.isoformat(), self.end.isoformat()

    def __str__(self) -> str:
        return f"{self.start:%d %b %Y} to {self.end:%d %b %Y}"


def _date(name: str, text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ReportError(f"--{name} must be a date written YYYY-MM-DD, not {text!r}.") from None


def month_label(month: str) -> str:
    return date.fromisoformat(month + "-01").strftime("%b %Y")


@dataclass(frozen=True)
class Audience:
    """Whose figures: the whole area (`AREA`), one school's (`SCHOOL`, `org_id` is the school) or what one other
    organisation recorded (`OWN`)."""

    scope: str
    org_id: str | None = None
    name: str = "the whole area"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    chart: str  # "line" (a trend) or "bar" (a comparison)
    table: ProtectedTable
    total_row: bool
    total_column: bool
    extra_columns: tuple[str, ...] = ()
    extra: tuple[tuple[str, ...], ...] = ()  # text beside each row of the table (rates, national figures)
    note: str = ""
    people: bool = True  # counts of children, referrals or searches (protected); False: of services (public)

    def header(self) -> list[str]:
        return ["", *self.table.column_labels, *self.extra_columns]

    def rows(self) -> list[list[str]]:
        """The table as printed: shown counts, withheld ones as the mark, then the text columns."""
        extra = self.extra or tuple(() for _ in self.table.row_labels)
        return [[*row, *more] for row, more in zip(self.table.display(), extra, strict=True)]

    def cell(self, row: int, column: int) -> int | None:
        """A shown count, or None when withheld."""
        return None if (row, column) in self.table.suppressed else self.table.values[row][column]

    def to_json(self) -> dict[str, Any]:
        t = self.table
        return {
            "key": self.key,
            "title": self.title,
            "chart": self.chart,
            "columns": list(t.column_labels),
            "extra_columns": list(self.extra_columns),
            "total_row": self.total_row,
            "total_column": self.total_column,
            "rows": [
                {
                    "label": label,
                    "cells": [self.cell(r, c) for c in range(len(t.column_labels))],
                    "extra": list(self.extra[r]) if self.extra else [],
                }
                for r, label in enumerate(t.row_labels)
            ],
            "note": self.note,
        }


@dataclass(frozen=True)
class Dashboard:
    name: str
    title: str
    period: Period
    audience: Audience
    sections: tuple[Section, ...]
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "audience": self.audience.name,
            "sections": [s.to_json() for s in self.sections],
            "notes": list(self.notes),
            "legend": disclosure.LEGEND,
        }


def section(
    key: str,
    title: str,
    chart: str,
    counts: Sequence[Sequence[int]],
    rows: Sequence[str],
    columns: Sequence[str],
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    note: str = "",
) -> Section:
    """A section whose table is protected on its own (it shares no total with another shown table)."""
    table = disclosure.protect(counts, rows, columns, row_totals=row_totals, column_totals=column_totals)
    return Section(key, title, chart, table, column_totals, row_totals, note=note)


@dataclass(frozen=True)
class Spec:
    """A section before protection: its table as `Part`, for `linked`."""

    key: str
    title: str
    chart: str
    part: Part
    note: str = ""


def linked(specs: Sequence[Spec], links: Sequence[Sequence[tuple[str, Cell]]]) -> list[Section]:
    """Sections whose tables print the same counts in several places, protected as one release
    (`disclosure_joint`): each link names, by section key and cell, the places one count is printed."""
    index = {spec.key: i for i, spec in enumerate(specs)}
    tables = protect_linked([s.part for s in specs], [[(index[key], cell) for key, cell in link] for link in links])
    return [
        Section(s.key, s.title, s.chart, t, s.part.column_totals, s.part.row_totals, note=s.note)
        for s, t in zip(specs, tables, strict=True)
    ]


def with_rate(
    base: Section, numerator: int, denominator: int, heading: str, *, min_denominator: int = disclosure.MIN_DENOMINATOR
) -> Section:
    """`base` with a rate column: numerator column over denominator column of each row, shown only where both
    counts are shown and `disclosure.rate` allows it."""
    extra = []
    for r in range(len(base.table.row_labels)):
        top, bottom = base.cell(r, numerator), base.cell(r, denominator)
        share = None if top is None or bottom is None else disclosure.rate(top, bottom, min_denominator=min_denominator)
        extra.append((disclosure.MARK if share is None else f"{share:.1f}%",))
    return Section(
        base.key,
        base.title,
        base.chart,
        base.table,
        base.total_row,
        base.total_column,
        (*base.extra_columns, heading),
        tuple((*(base.extra[i] if base.extra else ()), e[0]) for i, e in enumerate(extra)),
        base.note,
    )
