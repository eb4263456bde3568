"""The bank holidays a server gives its devices: asked once a day after a round and kept, so the due dates a device
works out skip them as the server's reports do; a server from before the route, or one that cannot be reached for
it, leaves the device counting with what it had and the round unharmed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from casedesk.server.reports import holidays
from casedesk.store import calendar
from tests.sync.harness import Server, make_device

GOVUK = {"england-and-wales": {"division": "england-and-wales", "events": [
    {"title": "Christmas Day", "date": "2026-12-25"},
    {"title": "Boxing Day", "date": "2026-12-28", "notes": "Substitute day"},
]}}  # fmt: skip


def test_a_round_brings_the_servers_bank_holidays_once_a_day(server: Server, tmp_path: Path) -> None:
    listed = tmp_path / "bank-holidays.json"
    listed.write_text(json.dumps(GOVUK), encoding="utf-8")
    holidays.keep(server.store, listed)
    org = server.org("Riverside Academy")
    server.user(org, "ann")
    device = make_device(tmp_path, "ann", server, "ann")  # enrols and syncs once
    kept = calendar.working_days(device.db)
    assert {date(2026, 12, 25), date(2026, 12, 28)} <= kept.holidays
    assert kept.after(date(2026, 12, 22), 5) == date(2026, 12, 31)
    assert calendar.asked_on(device.db) == date.today()

    asked = []
    ask = device.transport.bank_holidays
    device.transport.bank_holidays = lambda: asked.append(1) or ask()  # type: ignore[method-assign]
    device.sync()
    assert asked == []  # asked today already


def test_a_server_without_the_route_or_out_of_reach_leaves_the_list_kept(server: Server, tmp_path: Path) -> None:
    org = server.org("Riverside Academy")
    server.user(org, "ann")
    device = make_device(tmp_path, "ann", server, "ann")
    calendar.keep(device.db, [date(2026, 12, 25)], "kept before", date(2026, 1, 1))
    server.app.router.routes[:] = [r for r in server.app.router.routes if getattr(r, "path", "") != "/v1/bank-holidays"]
    report = device.sync()  # a server from before: 404, and the round goes on
    assert report.digest_ok
    assert calendar.working_days(device.db).holidays == {date(2026, 12, 25)}
    assert calendar.asked_on(device.db) == date.today()  # not asked again at every round today
