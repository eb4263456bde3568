"""Guidance content imported by an administrator, answered offline, and questions kept only once scrubbed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from casedesk.cli.main import main
from casedesk.errors import ValidationError
from casedesk.paths import resource_path
from casedesk.services.guidance.service import GuidanceService, load_sample_guidance, stored_entries
from casedesk.store import guidance_repo, keyfile
from casedesk.store.database import Database
from casedesk.store.journal import outbox
from tests.factories import PASSPHRASE, add_child, file_digests, new_database


def area_guidance() -> dict[str, Any]:
    document = json.loads(resource_path("guidance", "sample_guidance.json").read_text(encoding="utf-8"))
    document.update(title="Our area's guidance", sample=False)
    document["entries"] = document["entries"][:3]
    for entry in document["entries"]:
        entry["sample"] = False
        entry["links"] = [link for link in entry.get("links", []) if link["target"] != "guidance"]
    return document


@pytest.fixture
def env_passphrase(monkeypatch: pytest.MonkeyPatch, fast_kdf: keyfile.KdfParams) -> None:
    monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)


def test_cli_imports_guidance_and_a_second_import_updates_by_id(
    tmp_path: Path, env_passphrase: None, capsys: pytest.CaptureFixture[str]
) -> None:
    db_file = tmp_path / "case.db"
    Database.create(db_file, PASSPHRASE).close()
    document = area_guidance()
    path = tmp_path / "ours.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert main(["import", "guidance", str(path), "--db", str(db_file)]) == 0
    assert "3 entr(ies) added, 0 updated, 0 unchanged" in capsys.readouterr().out

    document["entries"][1]["answer"] = "A better answer."
    path.write_text(json.dumps(document), encoding="utf-8")
    assert main(["import", "guidance", str(path), "--db", str(db_file)]) == 0
    assert "0 entr(ies) added, 1 updated, 2 unchanged" in capsys.readouterr().out
    db = Database.open(db_file, PASSPHRASE)
    try:
        entries = {e.id: e for e in stored_entries(db)}
        assert entries[document["entries"][1]["id"]].answer == "A better answer."
        changes = [c for c in outbox.pending_batch(db, 500) if c["entity"] == "guidance_entries"]
        assert len(changes) == 4  # three inserts and one update travel to the server
    finally:
        db.close()


def test_an_invalid_file_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_file = tmp_path / "db" / "case.db"
    db_file.parent.mkdir()
    Database.create(db_file, PASSPHRASE).close()
    before = file_digests(db_file.parent)
    document = area_guidance()
    document["entries"][0]["links"] = [{"label": "x", "target": "teleport"}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    # No passphrase is set: the file is refused before the database is opened.
    assert main(["import", "guidance", str(path), "--db", str(db_file)]) == 1
    err = capsys.readouterr().err
    assert "bad.json is not valid guidance" in err and "$.entries[0].links[0].target" in err
    assert file_digests(db_file.parent) == before


def test_a_database_without_guidance_answers_from_the_sample_until_content_arrives(tmp_path: Path) -> None:
    db = new_database(tmp_path / "case.db")
    service = GuidanceService(db, "tester")
    _, answers = service.ask("how many days can a pupil be suspended")
    assert answers[0].entry.id == "suspension-limits" and answers[0].entry.sample
    assert load_sample_guidance(db, "tester") >= 40
    assert load_sample_guidance(db, "tester") == 0  # never twice
    area = area_guidance()
    area["entries"][0]["answer"] = "Our own words about immediate danger."
    from casedesk.domain.guidance.load import load_guidance
    from casedesk.services.guidance.service import store_guidance

    store_guidance(db, load_guidance(area), "tester", "ours.json")
    _, answers = service.ask("a child is in danger")
    assert answers[0].entry.answer == "Our own words about immediate danger."  # the index followed the change


def test_kept_questions_carry_no_caseload_name_or_identifier(tmp_path: Path) -> None:
    db = new_database(tmp_path / "case.db")
    add_child(db, "Zainab", "Okonkwo-Reid", date(2015, 3, 12), preferred_name="Zee")
    service = GuidanceService(db, "tester")
    kept, changes = service.keep_question(
        "Zee okonkwo-reid (UPN B801200005001, born 12/03/2015, LS6 3AB) won't come to school",
        "no_result",
        today=date(2026, 11, 30),
    )
    assert kept == "[name] [name]-[name] (UPN [UPN], born [date], [postcode]) won't come to school"
    assert changes.entities == {"guidance_questions"}
    with db.session() as session:
        stored = guidance_repo.list_questions(session)
    assert [(q.question, q.outcome, q.asked_on) for q in stored] == [(kept, "no_result", date(2026, 11, 30))]
    raw = db.path.read_bytes()
    assert b"Zainab" not in raw  # the file is encrypted anyway; the point is what the record holds


def test_a_rating_names_its_answer_and_a_bad_outcome_is_refused(tmp_path: Path) -> None:
    db = new_database(tmp_path / "case.db")
    service = GuidanceService(db, "tester")
    service.keep_question("how do I chase a referral", "unhelpful", "chase-referral")
    with pytest.raises(ValidationError):
        service.keep_question("how do I chase a referral", "meh")
    with pytest.raises(ValidationError):
        service.keep_question("   ", "no_result")
    with db.session() as session:
        assert [(q.outcome, q.entry_id) for q in guidance_repo.list_questions(session)] == [
            ("unhelpful", "chase-referral")
        ]
