"""The directory team edits a service and adds one from a provider's template; after publishing, both reach another
device through the server, and the directory still exports as valid ORUK 3.0 with the edits in it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

from casedesk.domain.directory.model import CostOption, ExpectationCard, Location, Schedule
from casedesk.domain.directory.oruk_schema import oruk3_validator
from casedesk.paths import resource_path
from casedesk.services.directory.provider import import_provider_template
from casedesk.services.directory.service import DirectoryService
from tests.sync.harness import Server, make_device


def test_an_edit_and_a_provider_template_reach_every_device_and_export_as_oruk(server: Server, tmp_path: Path) -> None:
    la = server.org("Leeds City Council")
    school = server.org("Oakwood Primary School")
    server.user(la, "dirteam")
    server.user(school, "sam")
    server.directory_manager("dirteam")
    editor_device, school_device = (
        make_device(tmp_path, "la", server, "dirteam"),
        make_device(tmp_path, "s", server, "sam"),
    )
    DirectoryService(editor_device.db, "dirteam").load_sample()
    assert editor_device.sync().digest_ok and school_device.sync().digest_ok

    directory = DirectoryService(editor_device.db, "dirteam")
    team = next(s for s in directory.services() if s.name == "Attendance Support Team")
    edited = replace(
        team,
        description="Casework with families where attendance is below 90%.",
        levels=(2, 3),
        needs=("persistent_absence", "anxiety_low_mood"),
        eligibility="Pupils at Leeds schools whose attendance is below 90% this year.",
        review_owner="Attendance lead, Leeds City Council",
        last_reviewed=date(2026, 11, 30),
        expectation_card=replace(team.expectation_card, does_not=("Fixed penalty notices",)),
        locations=(
            team.locations[0],
            Location(
                "0192a8b4-4d8e-7c4e-9a31-5b0f6d2e7a20", "Chapeltown drop-in", "", "Reginald Terrace", "Leeds", "LS7 3EX"
            ),
        ),
        schedules=(
            *team.schedules,
            Schedule("0192a8b4-4d8e-7c4e-9a31-5b0f6d2e7a21", "", "WEEKLY", "SA", "10:00:00", "12:00:00", "In person"),
        ),
        cost_options=(CostOption("0192a8b4-4d8e-7c4e-9a31-5b0f6d2e7a22", "Family workshop", 2.5, "per session"),),
        fees="Free; workshops £2.50",
        languages=("English", "Polish"),
    )
    directory.editor.save_draft(edited, team.id)
    assert school_device.sync().digest_ok
    assert (
        next(s for s in DirectoryService(school_device.db, "tester").services() if s.id == team.id).eligibility == ""
    )  # a draft

    template = json.loads(resource_path("directory", "provider_template.json").read_text(encoding="utf-8"))
    template["service"].update(
        name="Sunflower Sibling Group",
        organisation="Sunflower Trust",
        description="A weekly group for the brothers and sisters of disabled children.",
        levels=[1, 2],
        need_domains=["family"],
        needs=["young_carer"],
        areas="LS1-LS4",
        email="hello@sunflower.example",
        how_to_refer={"method": "email", "address": "refer@sunflower.example"},
        does=["Weekly group after school"],
        review_owner="Sunflower Trust manager",
    )
    filled = tmp_path / "sunflower.json"
    filled.write_text(json.dumps(template), encoding="utf-8")
    report, _ = import_provider_template(editor_device.db, filled, "dirteam", today=date(2026, 11, 30))
    assert report.added == ("Sunflower Sibling Group",)

    published, changes = directory.editor.publish(today=date(2026, 11, 30))
    assert published == ["Attendance Support Team"] and "services" in changes.entities
    assert directory.editor.drafts() == {}
    assert editor_device.sync().digest_ok and school_device.sync().digest_ok

    there = {s.name: s for s in DirectoryService(school_device.db, "tester").services()}
    got = there["Attendance Support Team"]
    assert got.eligibility == edited.eligibility and got.review_owner == edited.review_owner
    assert got.needs == ("persistent_absence", "anxiety_low_mood") and got.levels == (2, 3)
    assert [(loc.name, loc.address_1, loc.postal_code) for loc in got.locations] == [
        (loc.name, loc.address_1, loc.postal_code) for loc in edited.locations
    ]
    assert got.schedules == edited.schedules and got.cost_options == edited.cost_options
    assert got.fees == edited.fees and got.languages == edited.languages
    assert got.expectation_card == ExpectationCard(
        team.expectation_card.does,
        ("Fixed penalty notices",),
        team.expectation_card.referrer_must_first,
        team.expectation_card.referral_must_include,
    )
    assert there["Sunflower Sibling Group"].needs == ("young_carer",)
    assert there["Sunflower Sibling Group"].review_owner == "Sunflower Trust manager"

    page = DirectoryService(school_device.db, "tester").export()  # refuses output that would not validate
    validator = oruk3_validator("service")
    assert all(validator.is_valid(obj) for obj in page["contents"])
    exported = {obj["name"]: obj for obj in page["contents"]}
    assert exported["Attendance Support Team"]["id"] == team.id  # the directory's own id, not a new one
    assert exported["Attendance Support Team"]["x_casedesk"]["eligibility"] == edited.eligibility
    attendance = exported["Attendance Support Team"]
    assert [sal["location"]["addresses"][0]["postal_code"] for sal in attendance["service_at_locations"]] == [
        "LS2 4AA",
        "LS7 3EX",
    ]
    assert attendance["schedules"][1]["byday"] == "SA" and attendance["cost_options"][0]["amount"] == 2.5
    assert [lang["name"] for lang in attendance["languages"]] == ["English", "Polish"]
    assert exported["Sunflower Sibling Group"]["x_casedesk"]["needs"] == ["young_carer"]
