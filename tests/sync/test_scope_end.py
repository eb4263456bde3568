"""An ended involvement takes the child out of that organisation's view (after the policy's grace period), and
its devices purge the child once what they recorded has been pushed. Devices sync with the real app served on
127.0.0.1."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from casedesk.server import policy
from casedesk.server.db import expiry
from tests.sync.harness import Device, Server, make_device

TODAY = datetime.now(UTC).date()


@pytest.fixture
def shared_child(any_server: Server, tmp_path: Path):
    """A school records a child and involves social care; both organisations' devices hold it."""
    school, social_care = any_server.org("Riverside Academy"), any_server.org("Children's Services")
    any_server.user(school, "ann"), any_server.user(social_care, "sam")
    url = any_server.serve()
    a = make_device(tmp_path, "ann", None, "ann", base_url=url, org_server=any_server)
    s = make_device(tmp_path, "sam", None, "sam", base_url=url, org_server=any_server)
    child = a.add_child("Ada", "Okafor", school)
    with a.db.unit_of_work("ann") as uow:
        involvement = uow.insert(
            "involvements",
            {"child_id": child, "organisation_id": social_care, "role": "social_worker", "start_date": TODAY},
        )
    a.sync(), s.sync()
    assert [c["child"]["id"] for c in s.export()["children"]] == [child]
    yield any_server, a, s, child, involvement
    a.close(), s.close()


def _events(device: Device) -> set[str]:
    return {e["summary"] for c in device.export()["children"] for e in c["events"]}


def test_ending_an_involvement_ends_the_view_after_pushing_what_was_recorded(shared_child) -> None:
    _server, a, s, child, involvement = shared_child
    s.edit("involvements", involvement, end_date=TODAY - timedelta(days=1))
    last_note = s.note(child, "Closing summary")  # written after the ending, in the same offline spell
    report = s.sync()
    assert report.purged == [child] and s.export()["children"] == []
    a.sync()
    assert "Closing summary" in _events(a) and last_note  # pushed before the purge, not lost
    a.note(child, "Later concern, not for social care")
    a.sync(), s.sync()
    assert s.export()["children"] == []


def test_a_grace_period_keeps_the_child_in_view(shared_child, monkeypatch: pytest.MonkeyPatch) -> None:
    _server, a, s, child, involvement = shared_child
    monkeypatch.setenv(policy.GRACE_ENV, "30")
    s.edit("involvements", involvement, end_date=TODAY - timedelta(days=1))
    s.sync()
    a.note(child, "Within the grace period")
    a.sync(), s.sync()
    assert "Within the grace period" in _events(s)


def test_an_end_date_that_passes_later_ends_the_view_that_day(shared_child) -> None:
    server, a, s, child, involvement = shared_child
    s.edit("involvements", involvement, end_date=TODAY)  # the last day of the involvement: still in view
    s.sync(), a.sync()
    assert [c["child"]["id"] for c in s.export()["children"]] == [child]
    assert expiry.sweep(server.store, on=TODAY + timedelta(days=1)) == [child]  # the next day's sweep
    assert expiry.sweep(server.store, on=TODAY + timedelta(days=1)) == []  # once a day
    report = s.sync()
    assert report.purged == [child] and s.export()["children"] == []
    a.note(child, "After the end")
    a.sync(), s.sync()
    assert s.export()["children"] == []
