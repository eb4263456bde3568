"""Devices with their own encrypted databases syncing through the real server app (in process)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from casedesk import config
from casedesk.services.sync import DeviceWiped
from casedesk.store.journal import outbox as sync_outbox
from casedesk.sync.transport import Offline
from tests.sync.harness import Device, Server, make_device


@pytest.fixture
def trio(server: Server, tmp_path: Path) -> tuple[str, list[Device]]:
    org = server.org("Riverside Academy")
    for name in ("ann", "ben", "cat"):
        server.user(org, name)
    devices = [make_device(tmp_path, name, server, name) for name in ("ann", "ben", "cat")]
    yield org, devices
    for d in devices:
        d.close()


def test_a_child_made_offline_reaches_every_device(trio: tuple[str, list[Device]]) -> None:
    org, (a, b, c) = trio
    child = a.add_child("Ada", "Okafor", org)
    a.note(child, "Met at school")
    report = a.sync()
    assert report.pushed == 3 and report.digest_ok
    b.sync()
    c.sync()
    assert a.export() == b.export() == c.export()
    assert sync_outbox.count_by_state(a.db) == {"applied": 3}


def test_different_fields_merge_and_same_field_conflicts_show_everywhere(trio: tuple[str, list[Device]]) -> None:
    org, (a, b, c) = trio
    child = a.add_child("Ada", "Okafor", org)
    a.sync(), b.sync(), c.sync()
    a.edit("children", child, preferred_name="Addie")
    b.edit("children", child, gender="female")
    b.edit("children", child, upn_unknown_reason="UN1")
    c.edit("children", child, upn_unknown_reason="UN2")
    for device in (c, b, a, c, b):
        device.sync()
    exports = [d.export() for d in (a, b, c)]
    assert exports[0] == exports[1] == exports[2]
    kept = exports[0]["children"][0]["child"]
    assert kept["preferred_name"] == "Addie" and kept["gender"] == "female"
    assert kept["upn_unknown_reason"] == "UN2"  # c's edit has the later clock; b's value is kept in the conflict
    for device in (a, b, c):
        (conflict,) = device.service.conflicts()
        assert conflict.field == "upn_unknown_reason" and not conflict.critical
        assert sorted(x["value"] for x in conflict.candidates) == ["UN1", "UN2"]
    # a person decides; the decision travels like any change and closes the conflict everywhere
    a.service.resolve(conflict.conflict_id, "UN1", "ann")
    for device in (a, b, c, a):
        device.sync()
    assert all(d.service.conflicts() == [] for d in (a, b, c))
    assert {d.export()["children"][0]["child"]["upn_unknown_reason"] for d in (a, b, c)} == {"UN1"}


def test_critical_field_is_never_decided_by_the_clock(trio: tuple[str, list[Device]]) -> None:
    org, (a, b, _c) = trio
    child = a.add_child("Ada", "Okafor", org, postcode="AB1 2CD")
    a.sync(), b.sync()
    a.edit("children", child, postcode="ZZ9 9ZZ")
    b.edit("children", child, postcode="EF3 4GH")  # later clock, but the field is critical
    a.sync(), b.sync(), a.sync()
    assert {d.export()["children"][0]["child"]["postcode"] for d in (a, b)} == {"ZZ9 9ZZ"}
    (conflict,) = b.service.conflicts()
    assert conflict.critical and conflict.kept == "ZZ9 9ZZ"
    assert {x["value"] for x in conflict.candidates} == {"ZZ9 9ZZ", "EF3 4GH"}


def test_a_lost_push_answer_applies_nothing_twice(trio: tuple[str, list[Device]], server: Server) -> None:
    org, (a, b, _c) = trio
    for i in range(3):
        a.add_child(f"Child{i}", "Lost", org)
    a.faults.push_lost_after = 0
    with pytest.raises(Offline):
        a.sync()
    assert sync_outbox.count_by_state(a.db) == {"pending": 6}
    a.sync()
    b.sync()
    assert a.export() == b.export()
    with server.store.read() as conn:
        assert conn.execute(text("select count(*) from feed where entity='children'")).scalar() == 3


def test_a_cut_pull_resumes_from_the_stored_cursor(trio: tuple[str, list[Device]]) -> None:
    org, (a, b, _c) = trio
    for i in range(12):
        a.add_child(f"Child{i}", "Paged", org)
    a.sync()
    b.faults.pull_cut_after_pages = 2
    service = b.service
    from casedesk.sync.engine import SyncEngine

    engine = SyncEngine(b.db, service.transport, page=5)
    with pytest.raises(Offline):
        engine.run()
    cursor = b.db.get(config.CURSOR)
    assert cursor > 0  # two pages kept, with their cursor
    calls_before = len(b.faults.calls)
    SyncEngine(b.db, service.transport, page=5).run()
    assert b.faults.calls[calls_before:].count("pull") < 6  # resumed, not started over
    assert a.export() == b.export()


def test_a_malformed_change_is_set_aside_while_the_rest_sync(trio: tuple[str, list[Device]]) -> None:
    org, (a, b, _c) = trio
    good = a.add_child("Ada", "Okafor", org)
    with a.db.engine.begin() as conn:  # a change damaged on disk: a date that is not a date
        conn.execute(
            text(
                "update outbox set fields = json_set(fields, '$.date_of_birth', 'soon') "
                "where row_id = :id and op = 'insert'"
            ),
            {"id": good},
        )
    after = a.add_child("Bea", "Mensah", org)
    report = a.sync()
    assert report.set_aside >= 1 and report.digest_ok
    (aside,) = [s for s in a.service.set_aside() if s.entity == "children"]
    assert aside.row_id == good and "date_of_birth" in aside.reason
    b.sync()
    names = {c["child"]["given_name"] for c in b.export()["children"]}
    assert names == {"Bea"} and after


def test_children_enter_and_leave_another_organisations_view(server: Server, tmp_path: Path) -> None:
    school, social_care = server.org("Riverside Academy"), server.org("Children's Services")
    server.user(school, "ann"), server.user(social_care, "sam")
    a, s = make_device(tmp_path, "ann", server, "ann"), make_device(tmp_path, "sam", server, "sam")
    child = a.add_child("Ada", "Okafor", school)
    a.note(child, "Concern raised")
    a.add_child("Private", "Pupil", school)
    a.sync(), s.sync()
    assert s.export()["children"] == []  # not involved: sees nothing
    with a.db.unit_of_work("ann") as uow:
        from datetime import date

        involvement = uow.insert(
            "involvements",
            {
                "child_id": child,
                "organisation_id": social_care,
                "role": "social_worker",
                "start_date": date(2025, 1, 6),
            },
        )
    a.sync(), s.sync()
    (arrived,) = s.export()["children"]
    assert arrived["child"]["given_name"] == "Ada" and arrived["events"][0]["summary"] == "Concern raised"
    with a.db.unit_of_work("ann") as uow:
        uow.delete("involvements", involvement, reason="case closed")
    a.sync()
    report = s.sync()
    assert report.purged == [child] and s.export()["children"] == []
    a.close(), s.close()


def test_a_digest_mismatch_repairs_itself(trio: tuple[str, list[Device]]) -> None:
    org, (a, _b, _c) = trio
    child = a.add_child("Ada", "Okafor", org)
    a.sync()
    with a.db.engine.begin() as conn:  # something went wrong on the device, outside the journal
        conn.execute(text("update children set family_name = 'Damaged' where id = :id"), {"id": child})
    assert a.service.run_once().digest_rows == 0  # a quiet round reads no rows: the damage waits for the daily check
    a.db.put(config.LAST_FULL_DIGEST, "2020-01-01T00:00:00+00:00")
    report = a.sync()
    assert report.resynced == ["children"] and report.digest_ok and report.digest_rows is None
    assert a.export()["children"][0]["child"]["family_name"] == "Okafor"


def test_a_row_missing_on_the_device_is_noticed_by_the_next_round(trio: tuple[str, list[Device]]) -> None:
    org, (a, _b, _c) = trio
    child = a.add_child("Ada", "Okafor", org)
    a.note(child, "Seen")
    a.sync()
    with a.db.engine.begin() as conn:
        conn.execute(text("delete from events"))
    report = a.sync()
    assert report.resynced == ["events"] and report.digest_ok
    assert [e["summary"] for e in a.export()["children"][0]["events"]] == ["Seen"]


def test_a_revoked_device_erases_itself(trio: tuple[str, list[Device]], server: Server) -> None:
    from casedesk.server.db import accounts

    org, (a, _b, _c) = trio
    a.add_child("Ada", "Okafor", org)
    accounts.revoke_device(server.store, a.db.device_id)
    path = a.db.path
    with pytest.raises(DeviceWiped, match="erased"):
        a.sync()
    assert not path.exists() and not path.with_name(path.name + ".key").exists()


def test_an_edit_refused_because_the_child_left_view_stays_visible(server: Server, tmp_path: Path) -> None:
    from datetime import date

    school, social_care = server.org("Riverside Academy"), server.org("Children's Services")
    server.user(school, "ann"), server.user(social_care, "sam")
    a, s = make_device(tmp_path, "ann", server, "ann"), make_device(tmp_path, "sam", server, "sam")
    child = a.add_child("Ada", "Okafor", school)
    with a.db.unit_of_work("ann") as uow:
        involvement = uow.insert(
            "involvements",
            {
                "child_id": child,
                "organisation_id": social_care,
                "role": "social_worker",
                "start_date": date(2025, 1, 6),
            },
        )
    a.sync(), s.sync()
    s.edit("children", child, preferred_name="Addie")  # offline, while the school closes the involvement
    with a.db.unit_of_work("ann") as uow:
        uow.delete("involvements", involvement)
    a.sync()
    report = s.sync()
    assert report.purged == [child] and s.export()["children"] == []
    (refused,) = s.service.set_aside()
    assert refused.fields == {"preferred_name": "Addie"} and "not shared" in refused.reason
    a.close(), s.close()
