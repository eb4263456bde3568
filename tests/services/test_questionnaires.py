"""Importing questionnaires: validated first, stored encrypted, listed beside the bundled ones, never half-done."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from casedesk import config
from casedesk.cli.main import main
from casedesk.errors import Conflict, NotFound, ValidationError
from casedesk.paths import resource_path
from casedesk.services.triage.questionnaires import (
    get_questionnaire,
    import_questionnaire,
    list_questionnaires,
)
from casedesk.store import keyfile
from casedesk.store.audit import verify_chain
from casedesk.store.database import Database
from tests.factories import PASSPHRASE, file_digests

BUNDLED = resource_path("triage", "risk_of_exclusion.json")


def area_questionnaire(version: str = "2.0", title: str = "Our area's check") -> dict[str, Any]:
    document = json.loads(BUNDLED.read_text(encoding="utf-8"))
    document.update(id="our-area", version=version, title=title)
    return document


def write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def broken_document() -> dict[str, Any]:
    document = area_questionnaire()
    document["sections"][2]["questions"][0]["type"] = "dropdown"
    document["rules"][0]["domains"] = {"mood": 1}  # found once the shape is right
    return document


def test_the_bundled_questionnaire_is_listed(db: Database) -> None:
    entries = list_questionnaires(db)
    assert [(e.source, e.id, e.version) for e in entries] == [("bundled", "risk-of-exclusion", "1.0")]
    assert get_questionnaire(db, "risk-of-exclusion", "1.0").title.startswith("Presenting Needs Check")


def test_import_stores_the_document_encrypted_and_lists_it(db: Database, tmp_path: Path) -> None:
    document = area_questionnaire()
    questionnaire = import_questionnaire(db, write(tmp_path / "ours.json", document), "alice")
    assert questionnaire.key == "our-area:2.0"
    assert db.member(config.QUESTIONNAIRES, "our-area:2.0") == document
    assert db.get(config.QUESTIONNAIRE_INDEX) == ["triage.questionnaire:our-area:2.0"]
    assert [(e.source, e.id) for e in list_questionnaires(db)] == [
        ("bundled", "risk-of-exclusion"),
        ("imported", "our-area"),
    ]
    assert get_questionnaire(db, "our-area", "2.0").title == "Our area's check"
    with db.session() as session:
        assert verify_chain(session).ok
    assert b"Our area's check" not in db.path.read_bytes()


def test_a_second_version_sits_beside_the_first(db: Database, tmp_path: Path) -> None:
    import_questionnaire(db, write(tmp_path / "a.json", area_questionnaire("2.0")), "alice")
    import_questionnaire(db, write(tmp_path / "b.json", area_questionnaire("2.1", "Revised")), "alice")
    assert [(e.id, e.version) for e in list_questionnaires(db)][1:] == [("our-area", "2.0"), ("our-area", "2.1")]
    assert get_questionnaire(db, "our-area", "2.0").title == "Our area's check"


def test_reimporting_the_same_file_is_harmless(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "ours.json", area_questionnaire())
    import_questionnaire(db, path, "alice")
    import_questionnaire(db, path, "alice")
    assert len(list_questionnaires(db)) == 2


def test_a_version_cannot_change_under_its_results(db: Database, tmp_path: Path) -> None:
    import_questionnaire(db, write(tmp_path / "a.json", area_questionnaire()), "alice")
    with pytest.raises(Conflict, match="new version"):
        import_questionnaire(db, write(tmp_path / "b.json", area_questionnaire(title="Changed")), "alice")
    assert get_questionnaire(db, "our-area", "2.0").title == "Our area's check"


def test_a_bundled_id_and_version_cannot_be_shadowed(db: Database, tmp_path: Path) -> None:
    document = json.loads(BUNDLED.read_text(encoding="utf-8"))
    document["title"] = "Impostor"
    with pytest.raises(Conflict, match="bundled"):
        import_questionnaire(db, write(tmp_path / "x.json", document), "alice")
    assert db.get(config.QUESTIONNAIRE_INDEX) == []


def test_an_invalid_questionnaire_stores_nothing(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        import_questionnaire(db, write(tmp_path / "bad.json", broken_document()), "alice")
    assert "$.sections[2].questions[0].type" in [p for p, _ in caught.value.problems]
    assert db.member(config.QUESTIONNAIRES, "our-area:2.0") is None
    assert db.get(config.QUESTIONNAIRE_INDEX) == []
    with pytest.raises(NotFound):
        get_questionnaire(db, "our-area", "2.0")


# -- the command line -------------------------------------------------------------------------------------------
@pytest.fixture
def env_passphrase(monkeypatch: pytest.MonkeyPatch, fast_kdf: keyfile.KdfParams) -> None:
    monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)


def test_cli_imports_a_questionnaire(tmp_path: Path, env_passphrase: None, capsys: pytest.CaptureFixture[str]) -> None:
    db_file = tmp_path / "db" / "case.db"
    db_file.parent.mkdir()
    Database.create(db_file, PASSPHRASE).close()
    path = write(tmp_path / "ours.json", area_questionnaire())
    assert main(["import", "questionnaire", str(path), "--db", str(db_file)]) == 0
    assert "Imported questionnaire our-area version 2.0" in capsys.readouterr().out
    with Database.open(db_file, PASSPHRASE) as db:
        assert [e.id for e in list_questionnaires(db)] == ["risk-of-exclusion", "our-area"]


def test_cli_reports_every_problem_with_its_path_and_changes_nothing(
    tmp_path: Path, fast_kdf: keyfile.KdfParams, capsys: pytest.CaptureFixture[str]
) -> None:
    db_file = tmp_path / "db" / "case.db"
    db_file.parent.mkdir()
    Database.create(db_file, PASSPHRASE).close()
    before = file_digests(db_file.parent)
    document = area_questionnaire()
    document["rules"][0]["domains"] = {"mood": 1}
    document["stop_rules"][0]["when"] = {"question": "ghost", "equals": True}
    path = write(tmp_path / "bad.json", document)
    # No passphrase is set: an invalid file is refused before the database is even opened.
    assert main(["import", "questionnaire", str(path), "--db", str(db_file)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "casedesk: bad.json is not a valid questionnaire (2 problem(s))."
    assert err[1].startswith("  $.rules[0].domains.mood: unknown need domain 'mood'")
    assert err[2] == "  $.stop_rules[0].when.question: unknown question 'ghost'"
    assert file_digests(db_file.parent) == before


def test_cli_invalid_file_in_a_real_process(tmp_path: Path, cli_env: dict[str, str]) -> None:
    db_file = tmp_path / "db" / "case.db"
    cli_env["CASEDESK_PASSPHRASE"] = PASSPHRASE
    subprocess.run(
        [sys.executable, "-m", "casedesk", "init", "--db", str(db_file)], env=cli_env, check=True, capture_output=True
    )
    before = file_digests(db_file.parent)
    bad = write(tmp_path / "b.json", broken_document())
    result = subprocess.run(
        [sys.executable, "-m", "casedesk", "import", "questionnaire", str(bad), "--db", str(db_file)],
        env=cli_env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "  $.sections[2].questions[0].type: 'dropdown' is not one of" in result.stderr
    assert file_digests(db_file.parent) == before
    with Database.open(db_file, PASSPHRASE) as db:
        assert db.get(config.QUESTIONNAIRE_INDEX) == []
