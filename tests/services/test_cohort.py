"""The cohort: children ranked by indicators, the cliff-edge filter, filters by school, year group and indicator,
exports with small counts suppressed (secondary suppression checked by solving for the withheld cells), formula
injection neutralised in the CSV, and every look and export in the audit trail."""

from __future__ import annotations

import csv
import subprocess
from datetime import date
from pathlib import Path

import pytest

from casedesk.domain.disclosure import MARK
from casedesk.services.cohort.model import CohortFilter
from casedesk.services.cohort.service import CohortService
from casedesk.services.collection import Collection
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from tests.cohort_pupils import Pupils, school
from tests.disclosure_check import completions, solvable
from tests.factories import add_child

TODAY = date(2026, 3, 20)


@pytest.fixture
def col(db: Database) -> Collection:
    return Collection(db, "Sam Patel")


def test_the_cliff_edge_is_several_indicators_and_no_statutory_support(col: Collection, db: Database) -> None:
    oak, elm = school(db, "Oak Academy"), school(db, "Elm High")
    pupils = Pupils(col, db)
    three = ("free_school_meals", "young_carer", "part_time")
    alone = pupils.add(oak, "Alfie", date(2012, 2, 1), three)
    in_need = pupils.add(oak, "Bea", date(2012, 3, 1), three, support="child_in_need")
    planned = pupils.add(elm, "Cal", date(2013, 4, 1), three, support="ehc_plan")
    ended = pupils.add(elm, "Dee", date(2013, 5, 1), three, support="ended_ehc_plan")
    two = pupils.add(elm, "Eve", date(2012, 6, 1), ("free_school_meals", "suspensions"))
    nothing = add_child(db, "Fin", "Test", date(2012, 7, 1))
    cohort = CohortService(db, "Sam Patel").load(TODAY)
    rows = {r.child_id: r for r in cohort.rows}
    assert nothing not in rows and cohort.children == 6
    assert {c for c, r in rows.items() if r.cliff_edge} == {alone, ended}
    assert rows[in_need].support == ("child_in_need",) and rows[in_need].count == 4  # CIN is social-care contact too
    assert rows[planned].support == ("ehc_plan",) and not rows[planned].cliff_edge
    assert cohort.rows[0].child_id == in_need  # ranked by indicators present
    assert rows[two].indicators == ("suspensions", "free_school_meals")
    cliff = cohort.filtered(CohortFilter(cliff_edge_only=True))
    assert {r.child_id for r in cliff} == {alone, ended}
    assert {r.child_id for r in cohort.filtered(CohortFilter(school_id=elm))} == {planned, ended, two}
    assert {r.child_id for r in cohort.filtered(CohortFilter(year=rows[planned].year))} == {planned, ended}
    assert {r.child_id for r in cohort.filtered(CohortFilter(indicator="suspensions"))} == {two}
    assert {r.child_id for r in cohort.filtered(CohortFilter(school_id=oak, cliff_edge_only=True))} == {alone}


def _sections(path: Path) -> dict[str, list[list[str]]]:
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    out: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for row in rows:
        if not row:
            current = None
        elif current is None and len(row) == 1:
            current = out.setdefault(row[0], [])
        elif current is not None:
            current.append(row)
    return out


def test_the_export_suppresses_small_counts_so_no_withheld_one_can_be_solved_for(
    col: Collection, db: Database, tmp_path: Path
) -> None:
    oak, elm = school(db, "Oak Academy"), school(db, "Elm High")
    pupils = Pupils(col, db)
    for n in range(6):
        pupils.add(oak, f"Oak{n}", date(2012, 1, 1 + n), ("free_school_meals",))
        pupils.add(elm, f"Elm{n}", date(2012, 2, 1 + n), ("free_school_meals",))
    three = ("free_school_meals", "young_carer", "part_time")
    cliff = pupils.add(oak, '=HYPERLINK("http://x.example","a")', date(2012, 3, 1), three)
    service = CohortService(db, "Sam Patel")
    cohort = service.load(TODAY)
    out = tmp_path / "cohort.csv"
    service.export(cohort, CohortFilter(), out)
    sections = _sections(out)
    standing = sections["Children by standing, by school"]
    header, body = standing[0], standing[1:]
    assert header == [
        "School",
        "On the cliff edge",
        "Several indicators, with statutory support",
        "Fewer indicators",
        "All with an indicator",
    ]
    cells = [row[1:] for row in body]
    assert body[0][0] == "Elm High" and cells[0] == ["0", "0", "6", "6"]
    hidden = {(r, c) for r, row in enumerate(cells) for c, v in enumerate(row) if v == MARK}
    assert (1, 0) in hidden  # Oak's one child on the cliff edge
    assert not any(v in {"1", "2", "3", "4"} for row in cells for v in row)
    # withholding Oak's 1 alone leaves it solvable from Oak's total; the export withholds enough that it is not
    assert solvable((3, 4), {(1, 0)}) == {(1, 0)}
    assert solvable((3, 4), hidden) == set()
    shown = [[0 if v == MARK else int(v) for v in row] for row in cells]
    values = completions(shown, hidden, limit=14)
    assert all(len(v) > 1 for v in values.values())
    by_indicator = sections["Children with each indicator, by school"]
    assert by_indicator[-1][0] == "Total" and by_indicator[0][1:4] == ["Absence", "Suspensions", "Social care"]
    assert "The children" not in sections  # not listed unless asked
    service.export(cohort, CohortFilter(), out, list_children=True)
    listed = _sections(out)["The children"]
    names = [row[0] for row in listed[1:]]
    assert "'" + '=HYPERLINK("http://x.example","a")' + " Test" in names  # written as text, never run
    assert not any(str(cell).startswith(("=", "+", "-", "@")) for row in listed for cell in row)
    with db.session() as session:
        audit = repo.audit_entries_for(session, ["risk-of-exclusion"])
    actions = [(e.action, e.after.get("file") if e.after else None) for e in audit]
    assert actions == [("view", None), ("export", "cohort.csv"), ("export", "cohort.csv")]
    assert audit[-1].after["children_listed"] and cliff in audit[-1].after["children_listed"]
    assert audit[1].after["children_listed"] == []


def test_the_pdf_export_holds_the_suppressed_tables(col: Collection, db: Database, tmp_path: Path) -> None:
    oak = school(db, "Oak Academy")
    pupils = Pupils(col, db)
    for n in range(3):
        pupils.add(oak, f"Oak{n}", date(2012, 1, 1 + n), ("free_school_meals", "young_carer", "part_time"))
    service = CohortService(db, "Sam Patel")
    cohort = service.load(TODAY)
    out = tmp_path / "cohort.pdf"
    service.export(cohort, CohortFilter(cliff_edge_only=True), out)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Risk of exclusion: the cohort" in text and "cliff edge only" in text
    assert "Oak Academy" in text and "Oak0" not in text  # the three are counted (withheld), never named
    assert " 3 " not in text.split("Children by standing")[1]
