"""What a device pulls of a child passes `domain.sharing`: a grant withheld there never reaches another device."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from casedesk.domain import sharing
from casedesk.domain.schema import Category
from casedesk.store import repositories as repo
from tests.sync.harness import Server, make_device


def test_pulled_rows_are_redacted_for_the_receiving_organisation(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    school, care = server.org("Riverside Academy"), server.org("Children's Social Care")
    server.user(school, "ann")
    server.user(care, "cat")
    ann, cat = make_device(tmp_path, "ann", server, "ann"), make_device(tmp_path, "cat", server, "cat")
    child = ann.add_child("Ada", "Okafor", school, postcode="LS6 3AB", address_line1="12 Elm Road")
    ann.edit("children", child, town="Leeds")  # an edit travels as its own feed item
    with ann.db.unit_of_work("ann") as uow:
        uow.insert(
            "involvements",
            {"child_id": child, "organisation_id": care, "role": "social_worker", "start_date": date(2025, 1, 6)},
        )
    asked: list[tuple[str, str | None]] = []

    def no_contact_for_care(receiver_org: str, child_id: str | None) -> sharing.Allowed:
        asked.append((receiver_org, child_id))
        return sharing.Allowed.of(set(Category) - {Category.CONTACT}) if receiver_org == care else sharing.EVERYTHING

    monkeypatch.setattr(sharing, "allowed_for", no_contact_for_care)
    ann.sync()
    cat.sync()
    with cat.db.session() as session:
        seen = repo.get_child(session, child)
    assert seen.given_name == "Ada" and seen.postcode is None and seen.address_line1 is None and seen.town is None
    assert (care, child) in asked
    with ann.db.session() as session:
        assert repo.get_child(session, child).postcode == "LS6 3AB"
    ann.close()
    cat.close()
