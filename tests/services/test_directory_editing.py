"""Editing the directory: a draft that is not complete is refused with every problem by field; publishing is
all or nothing; the provider template is read with help text and refused field by field when wrong."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from casedesk.cli.main import main
from casedesk.errors import NotFound, ValidationError
from casedesk.services.directory.service import DirectoryService
from casedesk.store import keyfile
from casedesk.store.database import Database
from casedesk.store.journal import outbox
from tests.factories import PASSPHRASE, file_digests


@pytest.fixture
def directory(db: Database) -> DirectoryService:
    DirectoryService(db, "tester").load_sample()
    return DirectoryService(db, "tester")


def test_an_incomplete_service_is_refused_with_each_problem(directory: DirectoryService) -> None:
    team = next(s for s in directory.services() if s.name == "Attendance Support Team")
    broken = replace(
        team,
        name=" ",
        minimum_age=12,
        maximum_age=5,
        levels=(5,),
        needs=("gardening",),
        email="not-an-email",
        referral_route=None,
    )
    with pytest.raises(ValidationError) as refused:
        directory.editor.save_draft(broken, team.id)
    assert {field for field, _ in refused.value.problems} == {
        "name",
        "maximum_age",
        "levels",
        "needs",
        "email",
        "referral_route",
    }
    assert directory.editor.drafts() == {}


def test_publishing_is_all_or_nothing(db: Database, directory: DirectoryService) -> None:
    services = {s.name: s for s in directory.services()}
    directory.editor.save_draft(
        replace(services["Reading Buddies"], typical_wait="a week"), services["Reading Buddies"].id
    )
    directory.editor.save_draft(replace(services["Virtual School"], typical_wait="none"), "not-a-service-id")
    before = len(outbox.pending_batch(db, 10_000))
    with pytest.raises(NotFound):
        directory.editor.publish()
    assert len(outbox.pending_batch(db, 10_000)) == before
    assert {s.name: s.typical_wait for s in directory.services()}["Reading Buddies"] == services[
        "Reading Buddies"
    ].typical_wait
    directory.editor.discard("not-a-service-id")
    assert directory.editor.publish()[0] == ["Reading Buddies"]
    assert {s.name: s.typical_wait for s in directory.services()}["Reading Buddies"] == "a week"


@pytest.fixture
def env_passphrase(monkeypatch: pytest.MonkeyPatch, fast_kdf: keyfile.KdfParams) -> None:
    monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)


def test_the_provider_template_round_trip_on_the_command_line(
    tmp_path: Path, env_passphrase: None, capsys: pytest.CaptureFixture[str]
) -> None:
    blank = tmp_path / "template.json"
    assert main(["export", "provider-template", "--out", str(blank)]) == 0
    template = json.loads(blank.read_text(encoding="utf-8"))
    assert set(template["help"]) - {"about"} == set(template["service"])  # every field has its help line
    db_file = tmp_path / "db" / "case.db"
    db_file.parent.mkdir()
    Database.create(db_file, PASSPHRASE).close()

    template["service"].update(name="Sunflower Sibling Group", description="A weekly group.", levels="two")
    template["service"]["how_to_refer"] = {"method": "carrier pigeon", "address": ""}
    blank.write_text(json.dumps(template), encoding="utf-8")
    before = file_digests(db_file.parent)
    assert main(["import", "provider", str(blank), "--db", str(db_file)]) == 1
    err = capsys.readouterr().err
    assert "service.levels" in err and "service.how_to_refer.method" in err
    assert file_digests(db_file.parent) == before

    template["service"].update(levels=[1, 2], how_to_refer={"method": "email", "address": "refer@sunflower.example"})
    blank.write_text(json.dumps(template), encoding="utf-8")
    assert main(["import", "provider", str(blank), "--db", str(db_file)]) == 0
    assert "1 service(s) added" in capsys.readouterr().out
    assert main(["import", "provider", str(blank), "--db", str(db_file)]) == 0  # the same provider again: no twin
    assert "0 service(s) added, 0 updated, 1 unchanged" in capsys.readouterr().out
