"""Solving for withheld cells the way a reader of a published table could (shared by the disclosure tests): the
equations every row and column with a shown total gives, their rank over the withheld cells, and on small tables
every whole-number completion that agrees with what is shown."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from fractions import Fraction

Cell = tuple[int, int]


def equations(n_rows: int, n_cols: int, row_totals: bool, column_totals: bool) -> list[dict[Cell, int]]:
    """The last column holds row totals (when `row_totals`), the last row column totals (when `column_totals`)."""
    inner_r, inner_c = n_rows - column_totals, n_cols - row_totals
    out = []
    if row_totals:
        for r in range(n_rows):
            out.append({**{(r, c): 1 for c in range(inner_c)}, (r, inner_c): -1})
    if column_totals:
        for c in range(n_cols):
            out.append({**{(r, c): 1 for r in range(inner_r)}, (inner_r, c): -1})
    return out


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [r[:] for r in rows]
    rank = 0
    for col in range(len(rows[0]) if rows else 0):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][col] != 0:
                f = rows[i][col] / rows[rank][col]
                rows[i] = [a - f * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


def solvable(
    shape: tuple[int, int], hidden: set[Cell], row_totals: bool = True, column_totals: bool = True
) -> set[Cell]:
    """The hidden cells a reader can solve for exactly: adding "this cell = ?" does not raise the system's rank."""
    order = sorted(hidden)
    system = [[Fraction(eq.get(cell, 0)) for cell in order] for eq in equations(*shape, row_totals, column_totals)]
    system = [row for row in system if any(row)]
    base = _rank(system) if system else 0
    fixed = set()
    for i, cell in enumerate(order):
        probe = [Fraction(int(j == i)) for j in range(len(order))]
        if _rank([*system, probe]) == base:
            fixed.add(cell)
    return fixed


def completions(
    values: Sequence[Sequence[int]], hidden: set[Cell], limit: int, row_totals: bool = True, column_totals: bool = True
) -> dict[Cell, set[int]]:
    """Every value each hidden cell takes in some completion (0..limit) that keeps every shown sum true."""
    order = sorted(hidden)
    grid = [list(row) for row in values]
    eqs = equations(len(grid), len(grid[0]), row_totals, column_totals)
    seen: dict[Cell, set[int]] = {cell: set() for cell in order}
    for guess in itertools.product(range(limit + 1), repeat=len(order)):
        for cell, v in zip(order, guess, strict=True):
            grid[cell[0]][cell[1]] = v
        if all(sum(grid[r][c] * k for (r, c), k in eq.items()) == 0 for eq in eqs):
            for cell, v in zip(order, guess, strict=True):
                seen[cell].add(v)
    return seen


def solvable_together(tables: Sequence[tuple[tuple[int, int], set[Cell]]], row_totals: bool = True) -> set[tuple]:
    """Tables split the same things by different rows and print the same total row (their last): a reader writes
    every table's equations at once, the shared total row being one set of unknowns. Returns the hidden cells
    (table index, row, column), or ("total", column), that these equations fix exactly."""

    def key(index: int, shape: tuple[int, int], cell: Cell) -> tuple:
        return ("total", cell[1]) if cell[0] == shape[0] - 1 else (index, *cell)

    # a total is known when any table shows it
    shared = set.intersection(*({c for r, c in hidden if r == shape[0] - 1} for shape, hidden in tables))

    def unknown(index: int, shape: tuple[int, int], cell: Cell) -> bool:
        hidden = tables[index][1]
        return cell in hidden and (cell[0] != shape[0] - 1 or cell[1] in shared)

    unknowns = sorted(
        {key(i, shape, cell) for i, (shape, hidden) in enumerate(tables) for cell in hidden if unknown(i, shape, cell)},
        key=str,
    )
    position = {u: j for j, u in enumerate(unknowns)}
    system = []
    for i, (shape, _hidden) in enumerate(tables):
        for eq in equations(*shape, row_totals, True):
            row = [Fraction(0)] * len(unknowns)
            for cell, k in eq.items():
                if unknown(i, shape, cell):
                    row[position[key(i, shape, cell)]] += k
            if any(row):
                system.append(row)
    base = _rank(system) if system else 0
    fixed = set()
    for j, u in enumerate(unknowns):
        probe = [Fraction(int(x == j)) for x in range(len(unknowns))]
        if _rank([*system, probe]) == base:
            fixed.add(u)
    return fixed


def solvable_linked(
    tables: Sequence[tuple[tuple[int, int], set[Cell], bool, bool]], links: Sequence[Sequence[tuple[int, Cell]]]
) -> set[tuple[int, Cell]]:
    """Tables released together, `links` naming cells (table index, cell) that print the same count: a reader
    writes every table's equations at once, a linked count being one unknown, known when any table shows it.
    `tables` are (shape, hidden cells, row totals, column totals). Returns the hidden (table, cell)s these
    equations fix exactly."""
    name: dict[tuple[int, Cell], tuple[int, Cell]] = {}
    for link in links:
        for place in link:
            name[place] = link[0]
    shown_anywhere = {
        name[(i, cell)]
        for i, (_, hidden, _, _) in enumerate(tables)
        for cell in _all(tables[i][0])
        if (i, cell) in name and cell not in hidden
    }

    def unknown(i: int, cell: Cell) -> tuple[int, Cell] | None:
        if cell not in tables[i][1]:
            return None
        key = name.get((i, cell), (i, cell))
        return None if key in shown_anywhere else key

    unknowns = sorted({u for i, t in enumerate(tables) for cell in t[1] if (u := unknown(i, cell)) is not None})
    position = {u: j for j, u in enumerate(unknowns)}
    system = []
    for i, (shape, _hidden, row_totals, column_totals) in enumerate(tables):
        for eq in equations(*shape, row_totals, column_totals):
            row = [Fraction(0)] * len(unknowns)
            for cell, k in eq.items():
                u = unknown(i, cell)
                if u is not None:
                    row[position[u]] += k
            if any(row):
                system.append(row)
    base = _rank(system) if system else 0
    fixed = set()
    for j, u in enumerate(unknowns):
        probe = [Fraction(int(x == j)) for x in range(len(unknowns))]
        if _rank([*system, probe]) == base:
            fixed.add(u)
    return {(i, cell) for i, t in enumerate(tables) for cell in t[1] if unknown(i, cell) in fixed}


def _all(shape: tuple[int, int]) -> list[Cell]:
    return [(r, c) for r in range(shape[0]) for c in range(shape[1])]
