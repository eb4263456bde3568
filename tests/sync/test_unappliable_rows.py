"""A pulled row a device cannot store is set aside with its reason; the rest of the page applies, later rounds
move on, and the row is tried again when newer data for it arrives or the app is upgraded."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from casedesk import config
from casedesk.domain.ids import new_id
from casedesk.server.db import push
from casedesk.store import referral_repo
from casedesk.store import repositories as repo
from casedesk.store.journal import apply as sync_apply
from casedesk.store.journal import unapplied
from tests.sync.harness import Device, Server, make_device


def _push(device: Device, entity: str, row_id: str, fields: dict[str, Any], op: str = "insert", **base: int) -> Any:
    change = {
        "change_id": new_id(),
        "entity": entity,
        "row_id": row_id,
        "op": op,
        "fields": fields,
        "base_versions": base,
        "hlc": f"{int(time.time() * 1000):013d}-000000-{device.db.device_id}",
        "device_id": device.db.device_id,
        "author": device.username,
    }
    (result,) = device.transport.push([change]).results
    return result


def _referral(child_id: str, ack: int) -> dict[str, Any]:
    return {
        "child_id": child_id,
        "service_name": "Family Support",
        "reason": "Mornings are hard at home.",
        "status_changed_at": "2026-11-20T09:00:00+00:00",
        "shared_sections": ["identity"],
        "sharing": {"consent": True},
        "referrer": {"name": "Ann"},
        "ack_within_days": ack,
    }


def test_a_row_the_device_cannot_store_is_set_aside_and_the_rest_of_the_page_applies(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    org = server.org("Riverside Academy")
    for name in ("ann", "ben"):
        server.user(org, name)
    ann, ben = make_device(tmp_path, "ann", server, "ann"), make_device(tmp_path, "ben", server, "ben")
    child = ann.add_child("Ada", "Okafor", org)
    ann.sync()
    with monkeypatch.context() as old_server:  # a server from before value checks let any JSON integer through
        old_server.setattr(push, "check_values", lambda spec, entity, fields: dict(fields))
        referral = new_id()
        assert _push(ann, "referrals", referral, _referral(child, 2**70)).status == "applied"
        note = {
            "child_id": child,
            "kind": "note",
            "occurred_at": "2026-06-01T10:00:00+00:00",
            "recorded_at": "2026-06-01T10:00:00+00:00",
            "author": "ann",
            "summary": "About the referral",
            "related_id": referral,
        }
        assert (
            _push(
                ann,
                "mail_requests",
                new_id(),
                {
                    "child_id": child,
                    "referral_id": referral,
                    "recipient": "x@y.example",
                    "subject": "s",
                    "message": {},
                    "requested_by": "ann",
                    "requested_at": "2026-06-01T10:00:00+00:00",
                },
                op="append",
            ).status
            == "applied"
        )
        assert _push(ann, "events", new_id(), note, op="append").status == "applied"
    other = ann.add_child("Ben", "Other", org)
    ann.sync()

    caplog.clear()
    report = ben.sync()  # before: OverflowError on every round, and nothing after the referral ever arrived
    assert report.set_aside_pulled == 2 and report.digest_ok
    told = [r.getMessage() for r in caplog.records if r.name == "casedesk.server.app"]
    assert any(f"reports unapplied in referrals: {referral} (fields ack_within_days)" in m for m in told), told
    assert not any(str(2**70) in m for m in told)  # ids and field names only, never values
    with ben.db.session() as session:
        assert repo.get_child(session, other).given_name == "Ben"
        assert [e.summary for e in repo.events_for_child(session, child)] == ["About the referral"]
        assert referral_repo.list_referrals(session, child) == []
    held = {row.entity: row for row in ben.service.unapplied()}
    assert "ack_within_days" in held["referrals"].reason and "22-digit number" in held["referrals"].reason
    assert "waits for referrals" in held["mail_requests"].reason
    assert ben.service.status().unapplied == 2
    again = ben.sync()
    assert again.set_aside_pulled == 0 and again.digest_ok  # held, not set aside again or resynced every round

    monkeypatch.setattr(unapplied, "__version__", "999.0")  # an upgrade tries it again; still not storable
    assert sync_apply.retry_unapplied(ben.db).rows == 0
    assert {row.app_version for row in ben.service.unapplied()} == {"999.0"}

    # the value is corrected on the server: the edit merges into the held row, which now applies, with its email
    seen = ann.db.get(config.CURSOR)  # a base version the server issued
    assert (
        _push(ann, "referrals", referral, {"ack_within_days": 5}, op="update", ack_within_days=seen).status == "applied"
    )
    assert ben.sync().digest_ok
    with ben.db.session() as session:
        assert [r.ack_within_days for r in referral_repo.list_referrals(session, child)] == [5]
        assert len(referral_repo.mail_requests_for_child(session, child)) == 1
    assert ben.service.unapplied() == [] and ben.service.status().unapplied == 0
    ann.close()
    ben.close()


def test_any_failure_of_a_round_is_recorded_for_the_app(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = server.org("Riverside Academy")
    server.user(org, "ann")
    ann = make_device(tmp_path, "ann", server, "ann")

    def broken(*_args: Any) -> Any:
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(sync_apply, "apply_page", broken)
    with pytest.raises(OverflowError):
        ann.sync()
    shown = ann.service.status().last_error or ""
    assert "sync failed: unexpected error in sync: OverflowError at " in shown and "logged in" in shown
    assert "too large" not in shown  # the message (which can carry a record's values) is never shown or logged
    ann.close()


def test_a_mismatch_a_resync_cannot_clear_is_reported_once_with_its_rows(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    org = server.org("Riverside Academy")
    for name in ("ann", "ben"):
        server.user(org, name)
    ann, ben = make_device(tmp_path, "ann", server, "ann"), make_device(tmp_path, "ben", server, "ben")
    child = new_id()
    with monkeypatch.context() as old_server:  # stored as sent, in a spelling no device stores
        old_server.setattr(push, "check_values", lambda spec, entity, fields: dict(fields))
        fields = {"given_name": "Ada", "family_name": "Okafor", "date_of_birth": "20120101"}
        assert _push(ann, "children", child, fields).status == "applied"
    first = ben.sync()
    assert first.resynced == ["children"] and not first.digest_ok
    assert first.mismatched_rows == {"children": [child]}
    assert child in (ben.service.status().last_error or "")
    told = [r.getMessage() for r in caplog.records if r.name == "casedesk.server.app"]
    assert sum(f"reports digest mismatch in children: {child}" in m for m in told) == 1
    caplog.clear()
    second = ben.sync()  # before: resynced and logged again, every round
    assert second.resynced == [] and second.digest_ok and second.mismatched_rows == {"children": [child]}
    assert "still differs" not in caplog.text and "reports digest mismatch" not in caplog.text
    assert child in (ben.service.status().last_error or "")
    ann.close()
    ben.close()
