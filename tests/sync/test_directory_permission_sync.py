"""Who may change the area's directory and guidance: the server refuses a practitioner's change (it never reaches
another device, and the practitioner's device goes back to the server's version), accepts a directory manager's
or an administrator's, and each device learns at enrolment and every round whether its account may, so the app
offers the editor only to those."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from casedesk import config
from casedesk.errors import ValidationError
from casedesk.server import administration
from casedesk.server.db import user_roles
from casedesk.services.directory.service import DirectoryService
from casedesk.services.guidance.service import import_guidance
from casedesk.store.journal import outbox
from tests.sync.harness import Server, make_device


def _names(device_db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {s.id: s.description for s in DirectoryService(device_db, "tester").services()}


def test_only_directory_managers_and_administrators_change_the_directory(server: Server, tmp_path: Path) -> None:
    la, school = server.org("Leeds City Council"), server.org("Oakwood Primary School")
    server.user(la, "dirteam")
    server.user(school, "sam")
    server.user(la, "ada")
    administration.set_directory_manager(server.store, "dirteam", True)
    user_roles.set_role(server.store, "ada", "administrator")
    dirteam = make_device(tmp_path, "dirteam", server, "dirteam")
    sam = make_device(tmp_path, "sam", server, "sam")
    ada = make_device(tmp_path, "ada", server, "ada")
    assert dirteam.db.get(config.MANAGES_DIRECTORY) and ada.db.get(config.MANAGES_DIRECTORY)
    assert not sam.db.get(config.MANAGES_DIRECTORY)
    directory = DirectoryService(dirteam.db, "dirteam")
    directory.load_sample()
    assert dirteam.sync().digest_ok and sam.sync().digest_ok
    team = next(s for s in directory.services() if s.name == "Attendance Support Team")

    # the practitioner's app refuses up front; a change that reaches the server anyway is refused there
    practitioner = DirectoryService(sam.db, "sam")
    assert not practitioner.editor.allowed()
    with pytest.raises(ValidationError, match="may not change the directory"):
        practitioner.editor.save_draft(replace(team, description="Changed by a practitioner."), team.id)
    with pytest.raises(ValidationError, match="may not change the directory"):
        practitioner.taxonomy.rename_tag("casework", "case work")
    guidance = tmp_path / "guidance.json"
    guidance.write_text("{}", encoding="utf-8")
    with pytest.raises(ValidationError, match="may not change the directory"):
        import_guidance(sam.db, guidance, "sam")
    stored = next(s for s in practitioner.services() if s.id == team.id)
    with sam.db.unit_of_work("sam") as uow:  # as an older app, which did not check, would have written it
        uow.update("services", team.id, {"document": {**stored_document(sam, team.id), "description": "Rogue."}})
    report = sam.sync()
    assert report.set_aside == 1 and report.digest_ok
    refused = outbox.set_aside(sam.db)
    assert "only the area's directory managers" in refused[0].reason
    assert dirteam.sync().digest_ok
    assert _names(dirteam.db)[team.id] == stored.description  # it reached no other device

    # a directory manager's edit, and an administrator's, reach everyone
    directory.editor.save_draft(replace(team, description="Casework for attendance below 90%."), team.id)
    directory.editor.publish()
    assert dirteam.sync().digest_ok and sam.sync().digest_ok
    assert _names(sam.db)[team.id] == "Casework for attendance below 90%."
    assert ada.sync().digest_ok
    admin = DirectoryService(ada.db, "ada")
    buddies = next(s for s in admin.services() if s.name == "Reading Buddies")
    admin.editor.save_draft(replace(buddies, typical_wait="about a week"), buddies.id)
    admin.editor.publish()
    assert ada.sync().digest_ok and sam.sync().digest_ok
    assert {s.name: s.typical_wait for s in practitioner.services()}["Reading Buddies"] == "about a week"

    # taking the permission away reaches the device at its next round
    administration.set_directory_manager(server.store, "dirteam", False)
    dirteam.sync()
    assert not directory.editor.allowed()
    for device in (dirteam, sam, ada):
        device.close()


def stored_document(device, row_id: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    from casedesk.store import directory_repo

    with device.db.session() as session:
        return dict(directory_repo.get_service(session, row_id).document)
