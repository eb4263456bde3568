"""A real server on 127.0.0.1 checks every pushed value against the record catalogue: what a device could not
store is refused with a reason, what it stores in one spelling is stored in that spelling, ids are UUIDs."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from casedesk.domain.ids import new_id
from casedesk.store import referral_repo
from casedesk.store import repositories as repo
from casedesk.sync.wire import ChangeResult
from tests.sync.harness import Device, Server, UvicornProcess, make_device

pytestmark = pytest.mark.slow


@pytest.fixture
def live(server: Server) -> Iterator[tuple[Server, UvicornProcess]]:
    proc = UvicornProcess(server.url).start()
    yield server, proc
    proc.kill()


def _push(device: Device, entity: str, row_id: str, fields: dict[str, Any], **extra: Any) -> ChangeResult:
    """A change exactly as a careless (or hostile) client might send it, with this device's real token."""
    change = {
        "change_id": new_id(),
        "entity": entity,
        "row_id": row_id,
        "op": "insert",
        "fields": fields,
        "base_versions": {},
        "hlc": f"{int(time.time() * 1000):013d}-000000-{device.db.device_id}",
        "device_id": device.db.device_id,
        "author": device.username,
        **extra,
    }
    (result,) = device.transport.push([change]).results
    return result


def _referral(child_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "child_id": child_id,
        "service_name": "Family Support",
        "reason": "Mornings are hard at home.",
        "status_changed_at": "2026-11-20T09:00:00+00:00",
        "shared_sections": ["identity"],
        "sharing": {"consent": True},
        "referrer": {"name": "Ann"},
        **fields,
    }


def _devices(live: tuple[Server, UvicornProcess], tmp_path: Path) -> tuple[str, Device, Device]:
    server, proc = live
    org = server.org("Riverside Academy")
    for name in ("ann", "ben"):
        server.user(org, name)
    ann, ben = (make_device(tmp_path, n, server, n, base_url=proc.base_url) for n in ("ann", "ben"))
    return org, ann, ben


def test_an_integer_no_device_can_store_is_refused_and_every_device_keeps_syncing(live, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    org, ann, ben = _devices(live, tmp_path)
    child = ann.add_child("Ada", "Okafor", org)
    ann.sync()
    refused = _push(ann, "referrals", new_id(), _referral(child, ack_within_days=2**70))
    assert refused.status == "rejected" and "ack_within_days" in (refused.reason or "")
    for value, why in ((0, "outside 1–60"), ("5", "expected a whole number"), (True, "expected a whole number")):
        result = _push(ann, "referrals", new_id(), _referral(child, ack_within_days=value))
        assert result.status == "rejected" and why in (result.reason or "")
    good = new_id()
    assert _push(ann, "referrals", good, _referral(child, ack_within_days=10)).status == "applied"
    report = ben.sync()
    assert report.digest_ok and report.set_aside_pulled == 0
    with ben.db.session() as session:
        assert [r.ack_within_days for r in referral_repo.list_referrals(session, child)] == [10]
    ann.close()
    ben.close()


def test_values_are_stored_in_the_one_spelling_every_device_stores(live, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    org, ann, ben = _devices(live, tmp_path)
    child = new_id()
    basic = {"given_name": "Ada", "family_name": "Okafor", "date_of_birth": "20120101"}
    assert _push(ann, "children", child, basic).status == "applied"
    involvement = {"child_id": child, "organisation_id": org, "role": "senco", "start_date": "2024-09-01"}
    assert _push(ann, "involvements", new_id(), involvement).status == "applied"
    note = {
        "child_id": child,
        "kind": "note",
        "occurred_at": "2026-06-01T10:00:00+01:00",
        "recorded_at": "2026-06-01T10:05:00+01:00",
        "author": "ann",
        "summary": "Seen at the gate",
    }
    assert _push(ann, "events", new_id(), note, op="append").status == "applied"
    assert ann.sync().digest_ok
    report = ben.sync()
    assert report.digest_ok and not report.resynced
    with ben.db.session() as session:
        assert repo.get_child(session, child).date_of_birth == date(2012, 1, 1)
        (event,) = repo.events_for_child(session, child)
        assert event.occurred_at.isoformat() == "2026-06-01T09:00:00+00:00"
    for fields, why in (
        ({**basic, "given_name": 12345}, "given_name: expected text"),
        ({**basic, "sex": "X"}, "sex: 'X' is not one of F, M, U"),
        ({**basic, "upn": "B" * 14}, "upn: text longer than 13"),
        ({**basic, "date_of_birth": "2012-02-30"}, "is not a date"),
    ):
        result = _push(ann, "children", new_id(), fields)
        assert result.status == "rejected" and why in (result.reason or ""), result.reason
    ann.close()
    ben.close()


def test_ids_are_uuids_and_the_snapshot_names_a_known_record_type(live, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _org, ann, ben = _devices(live, tmp_path)
    basic = {"given_name": "Ada", "family_name": "Okafor", "date_of_birth": "2012-01-01"}
    for row_id in ("../../etc/passwd", "1' OR '1'='1", new_id().upper()):
        result = _push(ann, "children", row_id, basic)
        assert result.status == "rejected" and "row_id" in (result.reason or ""), result.reason
    result = _push(ann, "children", new_id(), {**basic, "current_school_id": "x'; DROP TABLE records; --"})
    assert (
        result.status == "rejected"
        and "current_school_id" in (result.reason or "")
        and "record id" in (result.reason or "")
    )
    _, proc = live
    headers = {"Authorization": f"Bearer {ann.transport.token}", "X-CaseDesk-Device": ann.db.device_id}
    answer = httpx.get(f"{proc.base_url}/v1/snapshot", params={"entity": "../records"}, headers=headers)
    assert answer.status_code == 422 and answer.json()["error"] == "invalid_request"
    assert httpx.get(f"{proc.base_url}/v1/snapshot", params={"entity": "children"}, headers=headers).status_code == 200
    spec = httpx.get(f"{proc.base_url}/openapi.json").json()
    (entity,) = [p for p in spec["paths"]["/v1/snapshot"]["get"]["parameters"] if p["name"] == "entity"]
    assert "children" in entity["schema"]["enum"]
    wrong_method = httpx.get(f"{proc.base_url}/v1/push", headers=headers)
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "POST"
    ann.close()
    ben.close()
