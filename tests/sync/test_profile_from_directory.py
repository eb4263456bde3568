"""Once enrolled, the profile is the server's: the account's organisation, and the name, role and contact of the
organisation's worker whose email is the account's username; the device cannot edit those away."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from casedesk.config import PROFILE, Profile
from casedesk.services.collection import Collection
from tests.sync.harness import Server, make_device


def test_the_profile_follows_the_servers_directory(server: Server, tmp_path: Path) -> None:
    org = server.org("Oakwood Primary School")
    server.user(org, "ann@oakwood.example")
    server.user(org, "ben@oakwood.example")
    ann = make_device(tmp_path, "ann", server, "ann@oakwood.example")
    with ann.db.unit_of_work("ann") as uow:
        uow.insert(
            "workers",
            {
                "organisation_id": org,
                "name": "Ben Hughes",
                "role": "Designated safeguarding lead",
                "email": "ben@oakwood.example",
                "phone": "0113 496 0000",
            },
        )
    assert ann.sync().digest_ok

    # Ann's device: the organisation comes from the server, her name stays hers (no directory entry for her).
    ann.db.put(PROFILE, Profile(name="Ann Lee", role="Teacher", organisation="Oakwod"))
    col = Collection(ann.db, "Ann Lee")
    profile, changes = col.refresh_profile()
    assert profile is not None and not changes.entities  # a setting, no records
    assert (profile.name, profile.organisation, profile.organisation_kind) == (
        "Ann Lee",
        "Oakwood Primary School",
        "school",
    )
    assert col.profile.from_directory()[1] == {"organisation", "organisation_kind"}

    # Ben's new device, made by the demo as "CaseDesk user": the directory entry names him.
    ben = make_device(tmp_path, "ben", server, "ben@oakwood.example")
    col = Collection(ben.db, "CaseDesk user")
    profile, _ = col.refresh_profile()
    assert profile is not None
    assert (profile.name, profile.role, profile.email, profile.phone, profile.organisation) == (
        "Ben Hughes",
        "Designated safeguarding lead",
        "ben@oakwood.example",
        "0113 496 0000",
        "Oakwood Primary School",
    )
    assert col.actor == "Ben Hughes" and col.children.author == "Ben Hughes"
    assert col.refresh_profile()[0] is None  # unchanged
    saved, _ = col.save_profile(replace(profile, organisation="Somewhere Else", name="B. Hughes", idle_minutes=5))
    assert (saved.organisation, saved.name, saved.idle_minutes) == ("Oakwood Primary School", "Ben Hughes", 5)


def test_before_enrolment_the_profile_is_the_users_own(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db.put(PROFILE, Profile(name="Sam", role="DSL", organisation="Hillside"))
    col = Collection(db, "Sam")
    assert col.refresh_profile()[0] is None
    assert col.profile.from_directory()[1] == frozenset()
