"""Printing a child's chronology from the record: the service reads the record and writes a marked PDF."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from casedesk.services.export import write_chronology_pdf
from casedesk.store import repositories as repo
from casedesk.store.database import Database


def test_print_chronology_writes_the_pdf_and_audits_it(db: Database, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    with db.unit_of_work("tester") as uow:
        school = uow.insert("organisations", {"name": "Oakwood Primary School", "kind": "school"})
        worker = uow.insert("workers", {"organisation_id": school, "name": "Sam Patel"})
        child = uow.insert(
            "children", {"given_name": "Ada", "family_name": "Okafor", "date_of_birth": date(2014, 3, 2)}
        )
        uow.insert(
            "involvements",
            {
                "child_id": child,
                "organisation_id": school,
                "worker_id": worker,
                "role": "designated_safeguarding_lead",
                "start_date": date(2024, 9, 1),
            },
        )
        uow.insert(
            "events",
            {
                "child_id": child,
                "kind": "note",
                "occurred_at": now,
                "recorded_at": now,
                "author": "Sam Patel",
                "organisation_id": school,
                "summary": "Met with Ada",
            },
        )
    out = tmp_path / "chronology.pdf"
    write_chronology_pdf(db, child, "Sam Patel", out, now)
    assert out.read_bytes().startswith(b"%PDF")
    with db.session() as session:
        assert any(e.action == "print" for e in repo.audit_entries_for(session, [child]))
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Ada" in text and "Met with Ada" in text and "Oakwood Primary School" in text and "Sam Patel" in text
