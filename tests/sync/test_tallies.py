"""The kept digest (issue 14): both sides move it with every write, so it always equals a recount from the rows,
and a round comparing it still finds a change that never arrived."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from casedesk import config
from casedesk.server.db import feed
from casedesk.server.db import tallies as server_tallies
from casedesk.store.journal import tallies as device_tallies
from tests.sync.harness import Device, Server, make_device


def assert_kept_equals_recount(server: Server, orgs: list[str], devices: list[Device]) -> None:
    for device in devices:
        with device.db.engine.connect() as conn:
            assert device_tallies.kept(conn) == device_tallies.recount_all(conn), device.name
    with server.store.read(streaming=True) as conn:  # a recount streams the records
        for org in orgs:
            assert server_tallies.org_digest(conn, org) == server_tallies.recount_org(conn, org), org


def test_kept_sums_follow_edits_deletes_conflicts_and_children_entering_and_leaving(
    server: Server, tmp_path: Path
) -> None:
    school, social_care = server.org("Riverside Academy"), server.org("Children's Services")
    server.user(school, "ann"), server.user(school, "ben"), server.user(social_care, "sam")
    a, b, s = (make_device(tmp_path, n, server, n) for n in ("ann", "ben", "sam"))
    devices, orgs = [a, b, s], [school, social_care]
    child = a.add_child("Ada", "Okafor", school)
    a.note(child, "Concern raised")
    other = a.add_child("Private", "Pupil", school)
    with a.db.unit_of_work("ann") as uow:
        period = uow.insert(
            "status_periods", {"child_id": other, "kind": "child_in_need", "start_date": date(2024, 1, 8)}
        )
    for d in devices:
        assert d.sync().digest_ok
    assert_kept_equals_recount(server, orgs, devices)

    a.edit("children", child, preferred_name="Addie")
    b.edit("children", child, preferred_name="Ade")  # the same field from the same base: a conflict
    with b.db.unit_of_work("ben") as uow:
        uow.delete("status_periods", period, reason="entered in error")
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
    for d in (a, b, s, a, b):
        assert d.sync().digest_ok
    assert_kept_equals_recount(server, orgs, devices)
    assert [c["child"]["given_name"] for c in s.export()["children"]] == ["Ada"]

    with a.db.unit_of_work("ann") as uow:
        uow.delete("involvements", involvement, reason="case closed")
    a.sync()
    report = s.sync()
    assert report.purged == [child] and report.digest_ok
    assert_kept_equals_recount(server, orgs, devices)
    with server.store.write(ordered=True) as conn:  # the repair recount gives what the pushes kept
        kept = {org: server_tallies.org_digest(conn, org) for org in orgs}
        server_tallies.rebuild(conn)
        assert kept == {org: server_tallies.org_digest(conn, org) for org in orgs}
    for d in devices:
        d.close()


def test_a_change_that_never_arrived_is_found_by_the_next_round(server: Server, tmp_path: Path) -> None:
    org = server.org("Riverside Academy")
    server.user(org, "ann"), server.user(org, "ben")
    a, b = make_device(tmp_path, "ann", server, "ann"), make_device(tmp_path, "ben", server, "ben")
    child = a.add_child("Ada", "Okafor", org)
    a.sync(), b.sync()
    a.edit("children", child, preferred_name="Addie")
    a.sync()
    with server.store.read() as conn:  # b's cursor jumps past the edit: the page is never pulled
        end = conn.execute(select(func.max(feed.c.seq))).scalar_one()
    b.db.put(config.CURSOR, int(end))
    report = b.sync()
    assert report.pulled_rows == 0 and report.resynced == ["children"] and report.digest_ok
    assert b.export()["children"][0]["child"]["preferred_name"] == "Addie"
    a.close(), b.close()


def test_databases_from_before_the_kept_digest_count_it_once(server: Server, tmp_path: Path) -> None:
    from sqlalchemy import delete

    from casedesk import config
    from casedesk.server.db import meta, org_tallies, scope_tallies
    from casedesk.store.models import SettingRow

    org = server.org("Riverside Academy")
    server.user(org, "ann")
    a = make_device(tmp_path, "ann", server, "ann")
    a.note(a.add_child("Ada", "Okafor", org), "Seen")
    a.sync()
    with server.store.write(ordered=True) as conn:  # as a server upgraded from schema v2 holds them: not at all
        conn.execute(delete(scope_tallies)), conn.execute(delete(org_tallies))
        conn.execute(delete(meta).where(meta.c.key == server_tallies.BUILT_KEY))
    with a.db.engine.begin() as conn:
        conn.execute(delete(SettingRow.__table__).where(SettingRow.__table__.c.key == config.SYNC_TALLIES.key))
    a.edit("children", a.export()["children"][0]["child"]["id"], preferred_name="Addie")  # before any count
    with server.store.write(ordered=True) as conn:  # the server counts them at its next start (create_app)
        server_tallies.ensure_built(conn)
    report = a.sync()  # the device counts them at its next round
    assert report.digest_ok and not report.resynced
    assert_kept_equals_recount(server, [org], [a])
    a.close()


def test_kept_sums_that_drifted_on_the_device_are_recounted_not_resynced(server: Server, tmp_path: Path) -> None:
    org = server.org("Riverside Academy")
    server.user(org, "ann")
    a = make_device(tmp_path, "ann", server, "ann")
    a.note(a.add_child("Ada", "Okafor", org), "Seen")
    assert a.sync().digest_ok
    with a.db.engine.begin() as conn:  # the kept sum of events no longer says what the rows say
        held = device_tallies.kept(conn)
        assert held is not None
        held["events"].add(12345, 0)
        device_tallies.store(conn, held)
    report = a.sync()
    assert report.digest_ok and report.resynced == [] and report.digest_rows is None  # repaired by a recount
    assert_kept_equals_recount(server, [org], [a])
    a.close()


def test_kept_sums_that_drifted_on_the_server_are_rebuilt(server: Server, tmp_path: Path) -> None:
    from sqlalchemy import update

    from casedesk.server.db import org_tallies

    org = server.org("Riverside Academy")
    server.user(org, "ann")
    a = make_device(tmp_path, "ann", server, "ann")
    a.add_child("Ada", "Okafor", org)
    assert a.sync().digest_ok
    with server.store.write(ordered=True) as conn:
        conn.execute(update(org_tallies).where(org_tallies.c.entity == "children").values(count=7))
    report = a.sync()
    assert report.digest_ok and report.resynced == []
    assert_kept_equals_recount(server, [org], [a])
    a.close()


def test_a_row_changed_outside_the_journal_waits_for_the_daily_recount(server: Server, tmp_path: Path) -> None:
    from sqlalchemy import text

    org = server.org("Riverside Academy")
    server.user(org, "ann")
    a = make_device(tmp_path, "ann", server, "ann")
    child = a.add_child("Ada", "Okafor", org)
    a.sync()
    with a.db.engine.begin() as conn:
        conn.execute(text("update children set family_name = 'Damaged' where id = :id"), {"id": child})
    assert a.service.run_once().digest_rows == 0  # the kept sums do not see it: a quiet round reads no rows
    a.db.put(config.LAST_FULL_DIGEST, "2020-01-01T00:00:00+00:00")
    report = a.sync()
    assert report.resynced == ["children"] and report.digest_ok and report.digest_rows is None
    assert a.export()["children"][0]["child"]["family_name"] == "Okafor"
    a.close()
