"""Editing the directory: a draft that is not complete is refused with every problem by field; publishing is
all or nothing; the provider template is read with help text and refused field by field when wrong."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from casedesk.cli.main import main
from casedesk.domain.directory.model import CostOption, Location, Schedule
from casedesk.domain.directory.oruk_export import export_issues
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


def test_locations_opening_times_costs_and_languages_are_checked(directory: DirectoryService) -> None:
    team = next(s for s in directory.services() if s.name == "Attendance Support Team")
    broken = replace(
        team,
        locations=(
            Location("7f1a8a43-5cf9-4c53-9d53-0f1e1e8c6a01", name="Hub", address_1="1 High Street"),
            Location("7f1a8a43-5cf9-4c53-9d53-0f1e1e8c6a02", postal_code="LS99"),
        ),
        schedules=(
            Schedule("7f1a8a43-5cf9-4c53-9d53-0f1e1e8c6a03", byday="Funday", opens_at="17:00:00", closes_at="09:00:00"),
        ),
        cost_options=(CostOption("7f1a8a43-5cf9-4c53-9d53-0f1e1e8c6a04", "Session", -2.0),),
        languages=(" ",),
    )
    with pytest.raises(ValidationError) as refused:
        directory.editor.save_draft(broken, team.id)
    messages = [m for _, m in refused.value.problems]
    assert "Location 1 (Hub): an address needs its postcode." in messages
    assert "Location 2: 'LS99' is not a postcode (like LS2 1AA)." in messages
    assert any(m.startswith("Opening times 1: 'Funday' are not days") for m in messages)
    assert "Opening times 1: It closes (9am) before it opens (5pm)." in messages
    assert "Cost 1: an amount is zero or more." in messages
    assert {field for field, _ in refused.value.problems} == {"locations", "schedules", "cost_options", "languages"}
    assert directory.editor.drafts() == {}


def test_places_times_costs_and_languages_publish_and_export_as_valid_oruk(directory: DirectoryService) -> None:
    team = next(s for s in directory.services() if s.name == "Attendance Support Team")
    where = replace(team.locations[0], name="Civic Hall", address_1="Calverley Street", postal_code="LS1 1UR")
    extra = Location(
        "0192a8b4-4d8e-7c4e-9a31-5b0f6d2e7a10", "Chapeltown drop-in", "", "Reginald Terrace", "Leeds", "LS7 3EX"
    )
    edited = replace(
        team,
        locations=(where, extra),
        schedules=(
            Schedule(
                "0192a8b4-4d8e-7c4e-9a31-5b0f6d2e7a11",
                freq="WEEKLY",
                byday="MO,WE",
                opens_at="09:30:00",
                closes_at="16:00:00",
                attending_type="In person",
            ),
        ),
        cost_options=(CostOption("0192a8b4-4d8e-7c4e-9a31-5b0f6d2e7a12", "Family workshop", 2.5, "per session"),),
        fees="Free; workshops £2.50",
        languages=("English", "Polish", "Urdu"),
    )
    directory.editor.save_draft(edited, team.id)
    directory.editor.publish()
    stored = next(s for s in directory.services() if s.id == team.id)
    assert stored.locations[0] == where and stored.locations[0].state_province == "West Yorkshire"
    assert replace(stored.locations[1], service_at_location_id=None, address_id=None) == extra  # ids derived once
    assert stored.schedules == edited.schedules and stored.cost_options == edited.cost_options
    assert stored.fees == edited.fees and stored.languages == ("English", "Polish", "Urdu")
    page = directory.export()  # refuses to produce anything the ORUK 3.0 profile rejects
    assert export_issues(page["contents"]) == []
    exported = next(obj for obj in page["contents"] if obj["id"] == team.id)
    addresses = [sal["location"]["addresses"][0] for sal in exported["service_at_locations"]]
    assert [a["postal_code"] for a in addresses] == ["LS1 1UR", "LS7 3EX"]
    assert addresses[0]["state_province"] == "West Yorkshire"  # kept from the import, not blanked by the edit
    assert exported["schedules"][0]["byday"] == "MO,WE" and exported["cost_options"][0]["amount"] == 2.5
    assert [lang["name"] for lang in exported["languages"]] == ["English", "Polish", "Urdu"]
