"""Tables released together that print the same count: a withheld count in one is withheld in every one, so no
withheld cell can be solved for from the tables together (checked by solving for it)."""

from __future__ import annotations

import pytest

from casedesk.domain.disclosure_joint import Part, protect_linked
from tests.disclosure_check import solvable_linked

# The cliff edge at a month's end: 20 children on it and 2 as many indicators with support (a row with its
# total); the 20 by school (3, 8, 9) with their total. The month's 20 is the schools' total.
MONTH = Part([[20, 2]], ["Feb 2026"], ["On the edge", "Supported"], column_totals=False)
SCHOOLS = Part([[3], [8], [9]], ["Ash", "Beech", "Cedar"], ["Children"], row_totals=False)
LINK = [[(0, (0, 0)), (1, (-1, 0))]]


def _release(tables: list) -> list:
    parts = (MONTH, SCHOOLS)
    return [
        ((len(t.row_labels), len(t.column_labels)), set(t.suppressed), p.row_totals, p.column_totals)
        for t, p in zip(tables, parts, strict=True)
    ]


def test_each_table_safe_alone_leaks_together() -> None:
    alone = [MONTH.protect(), SCHOOLS.protect()]
    assert (0, 0) in alone[0].suppressed and (3, 0) not in alone[1].suppressed  # 20 withheld, then printed
    assert (0, (0, 1)) in solvable_linked(_release(alone), [[(0, (0, 0)), (1, (3, 0))]])  # 22 − 20 gives the 2


def test_protected_together_nothing_can_be_solved() -> None:
    together = protect_linked([MONTH, SCHOOLS], LINK)
    assert (3, 0) in together[1].suppressed  # the schools' total withheld as the month's cell is
    assert solvable_linked(_release(together), [[(0, (0, 0)), (1, (3, 0))]]) == set()
    assert together[1].values[-1] == (20,)  # the counts themselves untouched


def test_linked_cells_must_hold_the_same_count() -> None:
    with pytest.raises(ValueError, match="same count"):
        protect_linked([MONTH, SCHOOLS], [[(0, (0, 1)), (1, (-1, 0))]])
    with pytest.raises(ValueError, match="outside"):
        protect_linked([MONTH, SCHOOLS], [[(0, (5, 0)), (1, (-1, 0))]])
