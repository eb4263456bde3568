"""Tables released together that print the same count in more than one place, protected as one release.

`casedesk.domain.disclosure` makes each table safe on its own. Two tables that share a count are not safe just
because each is: the referrals sent in a period are the grand total of the flows, of where referrals stand and of
the acknowledgement times; the children on the cliff edge at the period's end are a cell of the month-by-month
table and the total of the tables by school and by year. Where one table withholds that count (to protect a small
one beside it) and another prints it, a reader takes it from the second and solves the first. So a count
withheld in any table is withheld in every table that prints it, each table is protected again around it, and so
on until nothing changes (it only ever withholds more, so it ends).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from casedesk.domain.disclosure import Cell, ProtectedTable, protect


@dataclass(frozen=True)
class Part:
    """One table of counts as `disclosure.protect` takes it."""

    counts: Sequence[Sequence[int]]
    row_labels: Sequence[str]
    column_labels: Sequence[str]
    row_totals: bool = True
    column_totals: bool = True

    def protect(self, also: frozenset[Cell] = frozenset()) -> ProtectedTable:
        return protect(
            self.counts,
            self.row_labels,
            self.column_labels,
            row_totals=self.row_totals,
            column_totals=self.column_totals,
            also=also,
        )


# The places one count is printed: (table index, (row, column)) in the tables with their totals; a negative row or
# column counts from the end (-1: the total row or column).
Link = Sequence[tuple[int, Cell]]


def _place(table: ProtectedTable, cell: Cell) -> Cell:
    rows, columns = len(table.row_labels), len(table.column_labels)
    r, c = cell
    r, c = r + rows if r < 0 else r, c + columns if c < 0 else c
    if not (0 <= r < rows and 0 <= c < columns):
        raise ValueError(f"cell {cell} is outside a table of {rows} rows and {columns} columns")
    return (r, c)


def protect_linked(parts: Sequence[Part], links: Sequence[Link]) -> list[ProtectedTable]:
    """Each part protected, with every linked count withheld everywhere once it is withheld anywhere.
    ValueError when linked cells do not hold the same count (they would not be the same thing)."""
    tables = [part.protect() for part in parts]
    groups = [[(i, _place(tables[i], cell)) for i, cell in link] for link in links]
    for group in groups:
        if len({tables[i].values[r][c] for i, (r, c) in group}) > 1:
            raise ValueError("linked cells must hold the same count: " + ", ".join(f"{i}:{cell}" for i, cell in group))
    changed = True
    while changed:
        changed = False
        for group in groups:
            if not any(cell in tables[i].suppressed for i, cell in group):
                continue
            for i, cell in group:
                if cell not in tables[i].suppressed:
                    tables[i] = parts[i].protect(tables[i].suppressed | {cell})
                    changed = True
    return tables
