"""Children CSV: each bad cell is a problem named with its row and field, and nothing is imported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from casedesk.errors import ValidationError
from casedesk.services.import_children import import_children
from casedesk.store import repositories as repo
from casedesk.store.database import Database

HEADER = "given_name,family_name,date_of_birth,upn,nhs_number,address_line1\n"
TODAY = date(2026, 11, 22)


def _problems(db: Database, tmp_path: Path, body: str, header: str = HEADER) -> list[tuple[str, str]]:
    path = tmp_path / "children.csv"
    path.write_text(header + body, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        import_children(db, path, "tester", TODAY)
    with db.session() as session:
        assert repo.list_children(session) == []
    return caught.value.problems or [("", str(caught.value))]


def test_an_identifier_repeated_inside_the_file_names_both_rows(db: Database, tmp_path: Path) -> None:
    problems = _problems(
        db,
        tmp_path,
        "Amara,Osei,2013-04-05,B801200005001,,\nTom,Hale,2015-09-30,,9434765870,\n"
        "Amy,Osei,2013-04-05,B801200005001,,\nTim,Hale,2015-09-30,,9434765870,\n",
    )
    assert ("row 4 upn", "repeats row 2 (the same child twice?)") in problems
    assert ("row 5 nhs_number", "repeats row 3 (the same child twice?)") in problems


def test_cells_beyond_the_header_are_a_problem_not_dropped(db: Database, tmp_path: Path) -> None:
    problems = _problems(db, tmp_path, "Amara,Osei,2013-04-05,,,1 High St,extra,more\n")
    assert problems == [("row 2", "has 2 cell(s) more than the header names")]


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_spreadsheet_formulas_in_names_are_refused(db: Database, tmp_path: Path, start: str) -> None:
    problems = _problems(db, tmp_path, f'Amara,"{start}HYPERLINK(""http://x"")",2013-04-05,,,\n')
    assert problems[0][0] == "row 2 family_name" and "formula" in problems[0][1]


def test_a_nul_character_is_refused_with_its_field(db: Database, tmp_path: Path) -> None:
    problems = _problems(db, tmp_path, "Ama\x00ra,Osei,2013-04-05,,,\n")
    assert problems == [("row 2 given_name", "contains a control character (such as NUL)")]


def test_an_over_long_address_is_refused(db: Database, tmp_path: Path) -> None:
    problems = _problems(db, tmp_path, f"Amara,Osei,2013-04-05,,,{'x' * 201}\n")
    assert problems == [("row 2 address_line1", "is longer than 200 characters")]


def test_a_semicolon_separated_file_is_named_as_such(db: Database, tmp_path: Path) -> None:
    (message,) = _problems(db, tmp_path, "Amara;Osei;2013-04-05\n", header="given_name;family_name;date_of_birth\n")
    assert "looks semicolon-separated" in message[1]


def test_an_empty_file_is_named_as_such(db: Database, tmp_path: Path) -> None:
    (message,) = _problems(db, tmp_path, "", header="")
    assert "is empty" in message[1]
