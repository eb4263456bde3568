"""Disclosure control for every count that leaves a device (exports, PDFs, dashboards): one module for all of them.

Three rules, as in published children's statistics:

- **Primary suppression**: a count from 1 to 4 is withheld, because in a small area one or two children can be
  recognised. Zero is shown (it identifies nobody).
- **Secondary suppression**: where a table shows totals, a withheld count must not be recoverable by subtracting
  the other cells from a total. Every withheld cell is shown with the same mark (`MARK`), so a reader cannot tell a
  small count from one withheld to protect it; more cells are withheld until (a) no withheld cell is determined by
  the table's sums and (b) in every row or column with a withheld cell, the withheld cells together hold at least
  `SUPPRESS_BELOW`, so no line shows a small count hiding among withheld zeros. Cells are chosen smallest first,
  interior cells before totals. Which withheld cells the sums fix exactly is found as the bridges of a graph of
  rows and columns (`determined_in_table`): the answer elimination of the equations gives (the tests check it
  against exact elimination), in time linear in the table, so tables of many schools stay fast.
- **Rates** are withheld over a denominator under `MIN_DENOMINATOR`, or when the numerator or its complement is a
  small count (a rate of 1 in 12 is the count 1).

The server's dashboards (issue 21) and the device's exports share it; callers pass plain counts and print
`ProtectedTable.display()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SUPPRESS_BELOW = 5
MIN_DENOMINATOR = 10
MARK = "c"
LEGEND = (
    "c: withheld — a count from 1 to 4, or a count withheld so that a small one cannot be worked out from the "
    "totals. Rates are withheld where fewer than 10 children or a small count lie behind them."
)

Cell = tuple[int, int]


def is_small(count: int) -> bool:
    """A count of 1 to 4 (primary suppression)."""
    return 0 < count < SUPPRESS_BELOW


def shown(count: int) -> str:
    """One count on its own (no totals beside it): the count, or `MARK` when small."""
    return MARK if is_small(count) else f"{count:,}"


def rate(numerator: int, denominator: int, *, min_denominator: int = MIN_DENOMINATOR) -> float | None:
    """numerator / denominator as a percentage, or None when it would disclose a small count."""
    if denominator < min_denominator or is_small(numerator) or is_small(denominator - numerator):
        return None
    return 100.0 * numerator / denominator


@dataclass(frozen=True)
class ProtectedTable:
    """A table of counts with totals and the cells withheld. `values` holds every count including the totals (the
    last row and/or column when present); `suppressed` the (row, column) of each withheld one."""

    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    values: tuple[tuple[int, ...], ...]
    suppressed: frozenset[Cell]
    primary: frozenset[Cell]

    def shown(self, row: int, column: int) -> str:
        return MARK if (row, column) in self.suppressed else f"{self.values[row][column]:,}"

    def display(self) -> list[list[str]]:
        """Rows of text, each starting with its label: what a CSV, a PDF or a screen prints."""
        return [
            [label, *(self.shown(r, c) for c in range(len(self.column_labels)))]
            for r, label in enumerate(self.row_labels)
        ]


def protect(
    counts: Sequence[Sequence[int]],
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    total_label: str = "Total",
    also: frozenset[Cell] = frozenset(),
) -> ProtectedTable:
    """Add totals to `counts` (rows × columns) and withhold what must be withheld.

    `row_totals` adds a total column (each row's sum); `column_totals` a total row. Leave one out for a table whose
    rows or columns are not additive (a child counted under several needs): then no sum exists to subtract from.
    `also` names cells (of the table with its totals) to withhold whatever their size: the totals another table
    withholds (`protect_together`)."""
    if any(len(row) != len(column_labels) for row in counts) or len(counts) != len(row_labels):
        raise ValueError("counts must have one row per row label and one value per column label")
    if any(v < 0 for row in counts for v in row):
        raise ValueError("counts cannot be negative")
    grid = [list(row) for row in counts]
    columns = list(column_labels)
    rows = list(row_labels)
    if row_totals:
        for row in grid:
            row.append(sum(row))
        columns.append(total_label)
    if column_totals:
        grid.append([sum(row[c] for row in grid) for c in range(len(columns))])
        rows.append(total_label)
    lines = _lines(len(grid), len(columns), row_totals, column_totals)
    primary = {(r, c) for r, row in enumerate(grid) for c, v in enumerate(row) if is_small(v)}
    start = primary | set(also)
    suppressed = _secondary(grid, lines, start, len(rows) - column_totals, len(columns) - row_totals)
    return ProtectedTable(
        tuple(rows),
        tuple(columns),
        tuple(tuple(row) for row in grid),
        frozenset(suppressed),
        frozenset(primary),
    )


def protect_list(counts: Sequence[tuple[str, int]], heading: str, *, additive: bool = True) -> ProtectedTable:
    """A one-column table (label, count) with its total when `additive` (each thing counted once)."""
    labels = [label for label, _ in counts]
    return protect([[n] for _, n in counts], labels, [heading], row_totals=False, column_totals=additive)


def protect_together(
    parts: Sequence[tuple[Sequence[Sequence[int]], Sequence[str]]],
    column_labels: Sequence[str],
    *,
    row_totals: bool = True,
    total_label: str = "Total",
) -> list[ProtectedTable]:
    """Tables that split the same things by different rows (by month, by school, by area) and so print the same
    total row: a total withheld in one is withheld in every one, and each is protected again, until none changes.
    (A total shown in one table would otherwise give back what another withholds.) `parts` are (counts, row labels).
    """
    tables = [protect(c, r, column_labels, row_totals=row_totals, total_label=total_label) for c, r in parts]
    if len({t.values[-1] for t in tables}) > 1:
        raise ValueError("tables protected together must count the same things: their totals differ")
    while True:
        shared = {c for t in tables for r, c in t.suppressed if r == len(t.row_labels) - 1}
        changed = False
        for i, (table, (counts, labels)) in enumerate(zip(tables, parts, strict=True)):
            last = len(table.row_labels) - 1
            wanted = frozenset((last, c) for c in shared) | table.suppressed
            if wanted != table.suppressed:
                tables[i] = protect(
                    counts, labels, column_labels, row_totals=row_totals, total_label=total_label, also=wanted
                )
                changed = True
        if not changed:
            return tables


# -- the equations a reader can write, and which withheld cells they pin down ---------------------------------------
Line = tuple[tuple[Cell, int], ...]  # (cell, coefficient): the cells of one row or column, its total negated


def _lines(n_rows: int, n_cols: int, row_totals: bool, column_totals: bool) -> list[Line]:
    """Each row sums to its total (when totals are shown), each column likewise."""
    out: list[Line] = []
    inner_rows = n_rows - 1 if column_totals else n_rows
    inner_cols = n_cols - 1 if row_totals else n_cols
    if row_totals:
        for r in range(n_rows):
            out.append((*(((r, c), 1) for c in range(inner_cols)), ((r, inner_cols), -1)))
    if column_totals:
        for c in range(n_cols):
            out.append((*(((r, c), 1) for r in range(inner_rows)), ((inner_rows, c), -1)))
    return out


def determined_in_table(
    n_rows: int, n_cols: int, row_totals: bool, column_totals: bool, unknown: set[Cell]
) -> set[Cell]:
    """The withheld cells a table's own sums fix exactly, found as a graph: rows and columns are nodes
    (every row is one node with an equation when rows have totals; else they are one free node, "ground", as are
    the columns without totals), each withheld cell an edge between its row and its column. The equations'
    solutions are the cycles of this graph (a path between two free ends is a cycle through ground), so a
    withheld cell is fixed exactly when its edge lies on no cycle: a bridge. Linear in the table's size, where the
    elimination is cubic; `_secondary` asks it once per candidate cell."""
    ground = 0

    def row_node(r: int) -> int:
        return 1 + r if row_totals else ground

    def column_node(c: int) -> int:
        return 1 + n_rows + c if column_totals else ground

    edges = sorted(unknown)
    adjacent: dict[int, list[tuple[int, int]]] = {}
    for index, (r, c) in enumerate(edges):
        a, b = row_node(r), column_node(c)
        adjacent.setdefault(a, []).append((b, index))
        adjacent.setdefault(b, []).append((a, index))
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    bridges: set[Cell] = set()
    for root in adjacent:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack = [(root, -1, iter(adjacent[root]))]
        while stack:
            node, via, neighbours = stack[-1]
            step = next(neighbours, None)
            if step is None:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        bridges.add(edges[via])
                continue
            other, index = step
            if index == via:
                continue  # the edge we came in by (a parallel edge has its own index, and counts)
            if other in order:
                low[node] = min(low[node], order[other])
            else:
                order[other] = low[other] = len(order)
                stack.append((other, index, iter(adjacent[other])))
    return bridges


def _secondary(grid: list[list[int]], lines: list[Line], suppressed: set[Cell], rows: int, cols: int) -> set[Cell]:
    """Withhold more cells until nothing withheld can be worked out (see the module's rules (a) and (b))."""
    width = len(grid[0]) if grid else 0
    row_totals, column_totals = cols < width, rows < len(grid)

    def fixed(unknown: set[Cell]) -> set[Cell]:
        return determined_in_table(len(grid), width, row_totals, column_totals, unknown)

    def preference(cell: Cell) -> tuple[int, int, int, Cell]:
        value = grid[cell[0]][cell[1]]
        is_total = cell[0] >= rows or cell[1] >= cols
        return (is_total, value == 0, value, cell)

    while True:
        thin = next((line for line in lines if _thin(grid, line, suppressed)), None)
        if thin is not None:
            candidates = [cell for cell, _ in thin if cell not in suppressed]
            if not candidates:
                return suppressed  # the whole line is withheld already
            suppressed.add(min(candidates, key=preference))
            continue
        exposed = fixed(suppressed)
        if not exposed:
            return suppressed
        beside = {c for line in lines if any(c2 in exposed for c2, _ in line) for c, _ in line if c not in suppressed}
        if not beside:  # cannot happen with totals on both sides; withhold everything rather than publish it
            suppressed.update((r, c) for r in range(len(grid)) for c in range(len(grid[0])))
            return suppressed
        # the cell that leaves the fewest withheld cells exposed, smallest first among equals
        suppressed.add(min(beside, key=lambda c: (len(fixed(suppressed | {c})), preference(c))))


def _thin(grid: list[list[int]], line: Line, suppressed: set[Cell]) -> bool:
    """A shown total minus the shown cells tells a reader what the line's withheld cells hold together: under
    `SUPPRESS_BELOW`, that sum would say they are all small (a line whose total is withheld gives no such sum)."""
    (total, _), cells = line[-1], line[:-1]
    held = [grid[r][c] for (r, c), _ in cells if (r, c) in suppressed]
    return bool(held) and total not in suppressed and sum(held) < SUPPRESS_BELOW
