"""Disclosure control: small counts withheld, and no withheld count recoverable from the cells and totals shown.

The checks solve for each withheld cell the way a reader of the published table could: independently of the
module's own elimination, by the rank of the equations a reader can write, and on small tables by trying every
completion of the withheld cells that agrees with what is shown.
"""

from __future__ import annotations

import random

import pytest

from casedesk.domain.disclosure import MARK, ProtectedTable, protect, protect_list, rate, shown
from tests.disclosure_check import completions, solvable


def _solvable(table: ProtectedTable, hidden: set[tuple[int, int]], row_totals: bool, column_totals: bool) -> set:
    return solvable((len(table.row_labels), len(table.column_labels)), hidden, row_totals, column_totals)


def _completions(
    table: ProtectedTable, hidden: set[tuple[int, int]], limit: int, row_totals: bool = True
) -> dict[tuple[int, int], set[int]]:
    return completions(table.values, hidden, limit, row_totals)


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
