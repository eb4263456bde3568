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
    assert report.imported == 0 and report.already_held == ["row 2: Amara Osei"]


def _register(db: Database) -> dict[str, str]:
    with db.unit_of_work("tester") as uow:
        school = uow.insert("organisations", {"name": "Hillside Academy", "kind": "school", "urn": "100001"})
        council = uow.insert("organisations", {"name": "Northshire Council", "kind": "local_authority"})
        worker = uow.insert("workers", {"organisation_id": council, "name": "Priya Shah", "role": "Social worker"})
    return {"school": school, "council": council, "worker": worker}


def test_school_status_and_named_worker_columns_link_the_child(db: Database, tmp_path: Path) -> None:
    ids = _register(db)
    path = tmp_path / "children.csv"
    path.write_text(
        "given_name,family_name,date_of_birth,school,status,status_from,named_worker,named_worker_role\n"
        "Amara,Osei,2013-04-05,100001,Looked after;sen_support,2025-09-01,Priya Shah,Social worker\n"
        "Tom,Hale,2015-09-30,hillside academy,,,,\n",
        encoding="utf-8",
    )
    assert import_children(db, path, "tester", TODAY).imported == 2
    with db.session() as session:
        children = {c.given_name: c for c in repo.list_children(session)}
        statuses = repo.statuses_for_child(session, children["Amara"].id)
        (involvement,) = repo.involvements_for_child(session, children["Amara"].id)
        assert repo.involvements_for_child(session, children["Tom"].id) == []
    assert children["Amara"].current_school_id == children["Tom"].current_school_id == ids["school"]
    assert sorted((s.kind, s.start_date) for s in statuses) == [
        ("looked_after", date(2025, 9, 1)),
        ("sen_support", date(2025, 9, 1)),
    ]
    assert (involvement.worker_id, involvement.organisation_id, involvement.role, involvement.start_date) == (
        ids["worker"],
        ids["council"],
        "social_worker",
        TODAY,
    )


def test_unknown_school_status_or_worker_is_reported_and_nothing_written(db: Database, tmp_path: Path) -> None:
    _register(db)
    path = tmp_path / "children.csv"
    path.write_text(
        "given_name,family_name,date_of_birth,school,status,named_worker,named_worker_role\n"
        "Amara,Osei,2013-04-05,999999,,,\n"
        "Tom,Hale,2015-09-30,,on holiday,,\n"
        "Ida,Lee,2014-02-02,,,Nobody Known,social_worker\n"
        "Bo,Ray,2014-02-02,,,Priya Shah,\n"
        "Northshire Council,Ray,2014-02-02,Northshire Council,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as caught:
        import_children(db, path, "tester", TODAY)
    fields = [f for f, _ in caught.value.problems]
    assert fields == [
        "row 2 school",
        "row 3 status",
        "row 4 named_worker",
        "row 5 named_worker_role",
        "row 6 school",  # a council is not a school
    ]
    with db.session() as session:
        assert repo.list_children(session) == []
