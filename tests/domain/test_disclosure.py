"""Disclosure control: small counts withheld, and no withheld count recoverable from the cells and totals shown.

The checks solve for each withheld cell the way a reader of the published table could: independently of the
module's own elimination, by the rank of the equations a reader can write, and on small tables by trying every
completion of the withheld cells that agrees with what is shown.
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest

from casedesk.domain.disclosure import MARK, ProtectedTable, protect, protect_list, rate, shown


def _equations(table: ProtectedTable, row_totals: bool, column_totals: bool) -> list[dict[tuple[int, int], int]]:
    """What a reader knows: each row of cells sums to its total, each column likewise."""
    n_rows, n_cols = len(table.row_labels), len(table.column_labels)
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


def _solvable(table: ProtectedTable, hidden: set[tuple[int, int]], row_totals: bool, column_totals: bool) -> set:
    """The hidden cells a reader can solve for: a cell is fixed when adding "this cell = ?" as an equation does not
    raise the rank of the system over the hidden cells."""
    order = sorted(hidden)
    system = [[Fraction(eq.get(cell, 0)) for cell in order] for eq in _equations(table, row_totals, column_totals)]
    system = [row for row in system if any(row)]
    base = _rank(system) if system else 0
    fixed = set()
    for i, cell in enumerate(order):
        probe = [Fraction(int(j == i)) for j in range(len(order))]
        if _rank([*system, probe]) == base:
            fixed.add(cell)
    return fixed


def _completions(
    table: ProtectedTable, hidden: set[tuple[int, int]], limit: int, row_totals: bool = True
) -> dict[tuple[int, int], set[int]]:
    """Every value each hidden cell can take in some whole-number completion that agrees with the table."""
    order = sorted(hidden)
    equations = _equations(table, row_totals, True)
    values = [list(row) for row in table.values]
    seen: dict[tuple[int, int], set[int]] = {cell: set() for cell in order}
    for guess in itertools.product(range(limit + 1), repeat=len(order)):
        for cell, v in zip(order, guess, strict=True):
            values[cell[0]][cell[1]] = v
        if all(sum(values[r][c] * k for (r, c), k in eq.items()) == 0 for eq in equations):
            for cell, v in zip(order, guess, strict=True):
                seen[cell].add(v)
    return seen


def test_small_counts_are_withheld_and_zero_is_shown() -> None:
    assert [shown(n) for n in (0, 1, 4, 5, 1234)] == ["0", MARK, MARK, "5", "1,234"]


def test_one_small_cell_beside_totals_is_solvable_until_a_second_is_withheld() -> None:
    counts = [[3, 6], [7, 8]]
    table = protect(counts, ["School A", "School B"], ["Boys", "Girls"])
    naive = {(0, 0)}  # primary suppression alone
    assert _solvable(table, naive, True, True) == {(0, 0)}  # the reader gets 3 back from the row total
    assert (0, 0) in table.suppressed and len(table.suppressed) == 4  # the smallest rectangle around it
    assert _solvable(table, set(table.suppressed), True, True) == set()
    seen = _completions(table, set(table.suppressed), limit=15)
    assert all(len(values) > 1 for values in seen.values()), seen
    assert 3 in seen[(0, 0)]


def test_a_list_with_its_total_withholds_enough_that_small_ones_stay_hidden() -> None:
    # Two referrals of one each beside a total of 12: withholding only them would show they hold 2 together.
    table = protect_list([("Accepted", 5), ("Declined", 5), ("Sent", 1), ("Closed", 1)], "Referrals")
    rows = dict((label, count) for label, count in table.display())
    assert rows == {"Accepted": MARK, "Declined": "5", "Sent": MARK, "Closed": MARK, "Total": "12"}
    seen = _completions(table, set(table.suppressed), limit=12, row_totals=False)
    assert all(len(values) > 1 for values in seen.values())


def test_a_list_that_is_not_additive_has_no_total_and_only_small_counts_withheld() -> None:
    table = protect_list([("Attendance", 7), ("Family", 2)], "Referrals", additive=False)
    assert table.display() == [["Attendance", "7"], ["Family", MARK]]


@pytest.mark.parametrize("seed", range(40))
def test_no_withheld_cell_can_be_solved_for_in_random_tables(seed: int) -> None:
    rng = random.Random(seed)
    n_rows, n_cols = rng.randint(1, 6), rng.randint(1, 5)
    counts = [[rng.choice((0, 1, 2, 3, 4, 5, 6, 9, 14, 30)) for _ in range(n_cols)] for _ in range(n_rows)]
    table = protect(counts, [f"r{i}" for i in range(n_rows)], [f"c{j}" for j in range(n_cols)])
    assert table.primary <= table.suppressed
    for r, row in enumerate(table.values):
        for c, value in enumerate(row):
            if 0 < value < 5:
                assert table.shown(r, c) == MARK
    assert _solvable(table, set(table.suppressed), True, True) == set(), (counts, sorted(table.suppressed))


def test_rates_are_withheld_over_tiny_denominators_and_small_numerators() -> None:
    assert rate(5, 11) == pytest.approx(45.45, abs=0.01)
    assert rate(5, 9) is None  # fewer than ten behind it
    assert rate(3, 40) is None and rate(38, 40) is None  # 3 is small; so is the 2 it leaves
    assert rate(0, 40) == 0.0


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        protect([[1, -2]], ["a"], ["x", "y"])
    with pytest.raises(ValueError, match="one row per row label"):
        protect([[1, 2]], ["a", "b"], ["x", "y"])
