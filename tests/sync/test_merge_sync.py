"""A merge of two records of one child through a real server: one merge record travels, every device and the
server re-point the rows the same way, a device that wrote to the merged record offline loses nothing, and an
organisation that knew only the merged record receives the kept one whole."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from casedesk.services.duplicates.service import DuplicatesService
from casedesk.store import repositories as repo
from tests.sync.harness import Device, Server, make_device


def _summaries(device: Device, child_id: str) -> set[str]:
    with device.db.session() as session:
        return {e.summary for e in repo.events_for_child(session, child_id)}


def _children(device: Device) -> set[str]:
    with device.db.session() as session:
        return {c.id for c in repo.list_children(session)}


def test_a_merge_syncs_and_keeps_what_was_written_offline(any_server: Server, tmp_path: Path) -> None:
    server = any_server
    school, other = server.org("Oakwood Primary School"), server.org("Leeds Early Help")
    for name, where in (("ann", school), ("ben", school), ("eve", other)):
        server.user(where, name)
    ann, ben, eve = (make_device(tmp_path, n, server, n) for n in ("ann", "ben", "eve"))
    kept = ann.add_child("Jessica", "Okafor", school, postcode="LS6 2AB")
    merged = ann.add_child("Jesica", "Okafor", school, postcode="LS6 2AB", upn="B801200005001")
    with ann.db.unit_of_work("ann") as uow:  # early help works with the second record only
        uow.insert(
            "involvements",
            {"child_id": merged, "organisation_id": other, "role": "lead_professional", "start_date": date(2025, 1, 6)},
        )
    ann.note(kept, "Home visit")
    ann.note(merged, "School concern")
    assert ann.sync().digest_ok and ben.sync().digest_ok and eve.sync().digest_ok
    assert _children(eve) == {merged}

    ben_offline = ben.note(merged, "Written offline to the second record")
    merge_id, _ = DuplicatesService(ann.db, "ann").merge(kept, merged, "The same girl: a typo at registration")
    assert ann.sync().digest_ok

    assert ben.sync().digest_ok  # pushes its note under the old id, pulls the merge
    everything = {"Home visit", "School concern", "Written offline to the second record"}
    assert everything <= _summaries(ben, kept)
    assert _children(ben) == {kept} and _summaries(ben, merged) == set()
    with ben.db.session() as session:
        assert repo.get_child(session, kept).upn == "B801200005001"
        assert repo.get_event(session, ben_offline).child_id == kept

    assert ann.sync().digest_ok
    assert everything <= _summaries(ann, kept) and _children(ann) == {kept}
    assert any(s.startswith("Records merged") for s in _summaries(ann, kept))

    # Early help knew only the merged record: it now holds the kept one, with everything early help may see.
    assert eve.sync().digest_ok
    assert kept in _children(eve) and merged not in _children(eve)
    with eve.db.session() as session:
        assert {i.organisation_id for i in repo.involvements_for_child(session, kept)} >= {other}

    # A new device's first sync receives the merged state directly; syncing again changes nothing anywhere.
    server.user(school, "cat")
    cat = make_device(tmp_path, "cat", server, "cat")
    assert cat.sync().digest_ok
    assert _children(cat) == {kept} and everything <= _summaries(cat, kept)
    for device in (ann, ben, eve, cat):
        assert device.sync().digest_ok
    with cat.db.session() as session:
        assert repo.row_counts(session)["child_merges"] == 1
    assert merge_id


def test_a_device_cannot_merge_a_child_it_does_not_see(server: Server, tmp_path: Path) -> None:
    school, other = server.org("Oakwood Primary School"), server.org("Elsewhere Academy")
    server.user(school, "ann")
    server.user(other, "eve")
    ann, eve = make_device(tmp_path, "ann", server, "ann"), make_device(tmp_path, "eve", server, "eve")
    hidden = ann.add_child("Jessica", "Okafor", school)
    assert ann.sync().digest_ok
    mine = eve.add_child("Jesica", "Okafor", other)
    with eve.db.unit_of_work("eve") as uow:  # forged: the device never held `hidden`
        uow.insert(
            "child_merges",
            {
                "kept_id": mine,
                "merged_id": hidden,
                "merged_by": "eve",
                "merged_at": datetime(2026, 11, 30, 10, tzinfo=UTC),
            },
        )
    report = eve.sync()
    assert report.set_aside >= 1
    assert ann.sync().digest_ok
    assert _children(ann) == {hidden} and "Jessica" in {c.given_name for c in _list(ann)}


def _list(device: Device) -> list:  # type: ignore[type-arg]
    with device.db.session() as session:
        return repo.list_children(session)
