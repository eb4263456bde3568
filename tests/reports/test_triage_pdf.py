"""The Presenting Needs Check PDF says the level, the next step (a stop rule's instruction first), the domains,
the reasons and the answers; `casedesk export triage` prints a stored result from the command line."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest

from casedesk.cli.main import main
from casedesk.domain.records import Child
from casedesk.domain.triage.engine import evaluate
from casedesk.domain.triage.result import recorded_outcome
from casedesk.reports.base import MARKING
from casedesk.reports.triage import render_triage_pdf
from casedesk.services.triage.questionnaires import bundled_questionnaires
from casedesk.services.triage.service import TriageService
from casedesk.store.database import Database
from tests.factories import LEVEL3, PASSPHRASE

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
NOW = datetime(2025, 6, 1, 10, 30)
CHILD = Child(id="c1", given_name="Zoë", family_name="Ó'Brien", date_of_birth=date(2012, 9, 14), upn="A123456789012")


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


def _render(path: Path, answers: dict, recorded: bool = True) -> dict:
    q = bundled_questionnaires()[0]
    stored = recorded_outcome(q, evaluate(q, answers))
    render_triage_pdf(
        path,
        CHILD,
        stored,
        questionnaire_title=q.title,
        questionnaire_version=q.version,
        answers=stored["answer_texts"],
        generated_by="Test User",
        now=NOW,
        recorded_at=NOW if recorded else None,
        recorded_by="Sam Tester" if recorded else None,
    )
    return stored


def test_level_domains_reasons_and_answers_are_printed(tmp_path: Path) -> None:
    pdf = tmp_path / "check.pdf"
    stored = _render(pdf, LEVEL3)
    text = _text(pdf)
    assert MARKING in text and "Page 1 of" in text
    assert "Presenting Needs Check: Zoë Ó'Brien" in text
    assert f"Level 3: {stored['level_name']}" in text
    assert "Next step:" in text and "STOP" not in text
    for domain in stored["domains"]:
        assert domain["name"] in text
    assert stored["reasons"][0]["text"][:40] in text
    assert "What is the child's attendance this academic year?" in text
    assert "Recorded 01 Jun 2025 10:30 by Sam Tester" in text


def test_stop_rule_instruction_comes_first(tmp_path: Path) -> None:
    pdf = tmp_path / "stop.pdf"
    stored = _render(pdf, {**LEVEL3, "sg_immediate_harm": True}, recorded=False)
    text = _text(pdf)
    assert "DRAFT — not recorded" in text
    stop_at = text.index("STOP — immediate risk of significant harm")
    assert stop_at < text.index("Level 4:") < text.index("Need domains")
    assert stored["stop"]["instruction"][:60] in text
    assert "Next step:" not in text  # the directory is not the next step


def test_cli_exports_a_stored_result(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with db.unit_of_work("tester") as uow:
        child_id = uow.insert(
            "children", {"given_name": "Ava", "family_name": "Test", "date_of_birth": date(2012, 1, 5)}
        )
    draft, _ = TriageService(db, "Sam Tester").start_draft(child_id, "risk-of-exclusion", "1.0", LEVEL3)
    TriageService(db, "Sam Tester").complete(draft.id)
    db.close()
    monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "result.pdf"
    assert main(["export", "triage", "--db", str(db.path), "--result", draft.id, "--out", str(out)]) == 0
    text = _text(out)
    assert "Presenting Needs Check: Ava Test" in text and "Level 3:" in text
    assert main(["export", "triage", "--db", str(db.path), "--out", str(out)]) == 1  # no --result
    assert main(["export", "triage", "--db", str(db.path), "--result", "nope", "--out", str(out)]) == 1
