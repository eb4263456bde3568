"""Importing children from CSV: all or nothing, every problem reported with its row and field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from casedesk.errors import ValidationError
from casedesk.services.import_children import import_children
from casedesk.store import repositories as repo
from casedesk.store.database import Database

HEADER = "given_name,family_name,date_of_birth,upn,nhs_number,postcode\n"
TODAY = date(2026, 11, 22)


def _csv(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "children.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_valid_file_imports_every_child(db: Database, tmp_path: Path) -> None:
    path = _csv(tmp_path, "Amara,Osei,2013-04-05,B801200005001,9434765870,SW1A 1AA\nTom,Hale,2015-09-30,,,\n")
    report = import_children(db, path, "tester", TODAY)
    assert report.imported == 2
    with db.session() as session:
        names = sorted(c.given_name for c in repo.list_children(session))
    assert names == ["Amara", "Tom"]


def test_invalid_rows_are_all_reported_and_nothing_is_written(db: Database, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "Amara,Osei,2013-04-05,A801200005001,,\n"  # wrong UPN check letter
        "Tom,Hale,2035-01-01,,,\n"  # born in the future
        "Ida,Lee,2014-02-02,,1234567890,\n"  # invalid NHS number
        "Bo,Ray,not-a-date,,,\n"
        "Cy,Fox,2012-03-03,,,NOT A POSTCODE\n",
    )
    with pytest.raises(ValidationError) as caught:
        import_children(db, path, "tester", TODAY)
    with db.session() as session:
        assert repo.list_children(session) == []
        assert repo.pending_change_count(session) == 0
    fields = [where for where, _ in caught.value.problems]
    assert "row 2 upn" in fields and "row 3 date_of_birth" in fields and "row 4 nhs_number" in fields
    assert "row 5 date_of_birth" in fields and "row 6 postcode" in fields


def test_malformed_files_are_clear_errors(db: Database, tmp_path: Path) -> None:
    wrong_columns = tmp_path / "a.csv"
    wrong_columns.write_text("name,dob\nA,2012-01-01\n")
    with pytest.raises(ValidationError, match="missing column"):
        import_children(db, wrong_columns, "tester", TODAY)
    not_text = tmp_path / "b.csv"
    not_text.write_bytes(b"\xff\xfe\x00\x01binary")
    with pytest.raises(ValidationError):
        import_children(db, not_text, "tester", TODAY)


def test_children_already_held_are_not_duplicated(db: Database, tmp_path: Path) -> None:
    path = _csv(tmp_path, "Amara,Osei,2013-04-05,B801200005001,,\n")
    import_children(db, path, "tester", TODAY)
    report = import_children(db, path, "tester", TODAY)
    assert report.imported == 0 and report.already_held == ["Amara Osei"]
