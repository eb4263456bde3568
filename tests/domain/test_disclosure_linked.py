"""Tables that share their total row (the same checks by month and by school, as a dashboard prints them):
protected together, the shared totals are withheld alike and no withheld count can be solved for from all the
tables at once."""

from __future__ import annotations

import random

import pytest

from casedesk.domain.disclosure import determined_in_table, protect_together
from tests.disclosure_check import solvable, solvable_together


def _random_tables(seed: int) -> tuple[list[list[list[int]]], int]:
    rng = random.Random(seed)
    columns = rng.randint(2, 4)
    things = [rng.randrange(columns) for _ in range(rng.randint(8, 60))]  # each counted thing's column
    tables = []
    for _ in range(rng.randint(2, 3)):
        rows = rng.randint(2, 5)
        grid = [[0] * columns for _ in range(rows)]
        for column in things:
            grid[rng.randrange(rows)][column] += 1
        tables.append(grid)
    return tables, columns


@pytest.mark.parametrize("seed", range(60))
def test_tables_protected_together_keep_every_withheld_count_hidden(seed: int) -> None:
    grids, columns = _random_tables(seed)
    labels = [f"c{i}" for i in range(columns)]
    parts = [(g, [f"r{i}" for i in range(len(g))]) for g in grids]
    tables = protect_together(parts, labels)
    shapes = [((len(t.row_labels), len(t.column_labels)), set(t.suppressed)) for t in tables]
    assert solvable_together(shapes) == set()
    last = {c for t in tables for r, c in t.suppressed if r == len(t.row_labels) - 1}
    for t in tables:  # the shared total row is withheld alike in every table
        assert {c for r, c in t.suppressed if r == len(t.row_labels) - 1} == last


def test_tables_that_count_different_things_cannot_be_protected_together() -> None:
    with pytest.raises(ValueError, match="totals differ"):
        protect_together([([[5, 6]], ["a"]), ([[5, 7]], ["b"])], ["x", "y"])


@pytest.mark.parametrize("seed", range(300))
def test_the_graph_finds_exactly_the_cells_elimination_solves_for(seed: int) -> None:
    rng = random.Random(seed)
    rows, columns = rng.randint(1, 6), rng.randint(1, 6)
    row_totals, column_totals = rng.random() < 0.7, rng.random() < 0.7
    shape = (rows + column_totals, columns + row_totals)
    cells = [(r, c) for r in range(shape[0]) for c in range(shape[1])]
    hidden = set(rng.sample(cells, rng.randint(0, len(cells))))
    expected = solvable(shape, hidden, row_totals, column_totals)
    assert determined_in_table(*shape, row_totals, column_totals, hidden) == expected
