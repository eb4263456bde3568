"""Importing alert rules: a bad file is refused with every problem and its path, and changes nothing; the command
line imports the area's set or this device's own and says which is in effect; the triggers that mark children for
evaluation cover exactly the tables the rules read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from casedesk.cli.main import main
from casedesk.domain.alerts.load import load_rules, sample_rules
from casedesk.errors import ValidationError
from casedesk.services.alerts.rules import AREA, SAMPLE, in_effect, store_rules
from casedesk.store import alerts_repo, keyfile
from casedesk.store.database import Database
from tests.factories import PASSPHRASE, file_digests, new_database


def _sample() -> dict[str, Any]:
    return json.loads(json.dumps(sample_rules().document))


def test_every_problem_is_named_by_its_path() -> None:
    document = _sample()
    document["rules"][0]["condition"] = {"kind": "attendance_window", "weeks": 2}
    document["rules"][1]["urgency"] = "whenever"
    document["rules"][2]["id"] = document["rules"][0]["id"]
    document["rules"][3]["tell"] = [{"role": "social_worker"}, {"role": "social_worker"}]
    with pytest.raises(ValidationError) as schema_error:
        load_rules(document)
    assert [p for p, _ in schema_error.value.problems] == ["$.rules[0].condition", "$.rules[1].urgency"]
    document["rules"][0]["condition"]["attendance_below_percent"] = 85
    document["rules"][1]["urgency"] = "soon"
    with pytest.raises(ValidationError) as semantic:
        load_rules(document)
    assert semantic.value.problems == [
        ("$.rules[2].id", "'lac-missed-sessions' is used by an earlier rule"),
        ("$.rules[3].tell", "names the same recipient twice"),
    ]


def test_a_refused_file_changes_nothing(db: Database, tmp_path: Path) -> None:
    bad = tmp_path / "rules.json"
    bad.write_text('{"format": "casedesk-alert-rules-1", "rules": [', encoding="utf-8")
    before = file_digests(db.path.parent)
    with pytest.raises(ValidationError, match="not valid JSON"):
        store_rules(db, bad, "admin")
    assert in_effect(db).origin == SAMPLE and file_digests(db.path.parent) == before


def test_the_triggers_watch_exactly_the_tables_the_rules_read(db: Database) -> None:
    with db.session() as session:
        names = {r[0] for r in session.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
    watched = {n.removesuffix("_alert_dirty_insert") for n in names if n.endswith("_alert_dirty_insert")}
    assert watched == set(alerts_repo.WATCHED)
    assert {n.removesuffix("_alert_dirty_update") for n in names if n.endswith("_alert_dirty_update")} == watched


def test_import_rules_on_the_command_line(
    tmp_path: Path, fast_kdf: keyfile.KdfParams, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)
    path = tmp_path / "case.db"
    new_database(path).close()
    own = dict(_sample(), id="trial", title="Trial rules", version="t1", sample=False)
    area = dict(_sample(), id="area", title="Area rules", version="2026.3", sample=False)
    (tmp_path / "own.json").write_text(json.dumps(own), encoding="utf-8")
    (tmp_path / "area.json").write_text(json.dumps(area), encoding="utf-8")
    assert main(["import", "rules", str(tmp_path / "own.json"), "--this-device", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "imported for this device only" in out and "In effect: Trial rules, version t1" in out
    assert main(["import", "rules", str(tmp_path / "area.json"), "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "as the area's rule set" in out and "In effect: Area rules, version 2026.3" in out
    assert "0 alert(s) raised (0 urgent) after evaluating every child." in out
    assert main(["import", "rules", str(tmp_path / "own.json"), "--this-device", "--db", str(path)]) == 0
    assert "The area's rule set from the server is in effect and wins" in capsys.readouterr().out
    db = Database.open(path, PASSPHRASE)
    try:
        assert in_effect(db).origin == AREA and in_effect(db).rules.title == "Area rules"
    finally:
        db.close()
