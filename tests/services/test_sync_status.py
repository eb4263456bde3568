"""The status bar's words for each sync state."""

from __future__ import annotations

from datetime import UTC, datetime

from casedesk.services.sync import SyncStatus, describe_status

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def _status(**changes: object) -> SyncStatus:
    values: dict[str, object] = dict(
        enrolled=True,
        server_url="http://127.0.0.1:8000",
        online=True,
        pending=0,
        set_aside=0,
        open_conflicts=0,
        last_success="2026-11-23T14:02:00+00:00",
        last_error=None,
    )
    values.update(changes)
    return SyncStatus(**values)  # type: ignore[arg-type]


def test_not_enrolled_says_records_stay_here() -> None:
    assert "Not enrolled" in describe_status(_status(enrolled=False), NOW)[0]


def test_online_offline_counts_and_last_sync() -> None:
    assert describe_status(_status(), NOW)[0].startswith("Online · 0 changes waiting · last sync ")
    text, tip = describe_status(
        _status(online=False, pending=1, set_aside=2, open_conflicts=1, last_error="14:05 server unreachable"), NOW
    )
    assert text.startswith("Offline · 1 change waiting · 2 set aside · 1 conflict to resolve")
    assert "server unreachable" in tip and "127.0.0.1" in tip
    assert "never synced" in describe_status(_status(last_success=None), NOW)[0]
    assert "22 Nov" in describe_status(_status(last_success="2026-11-22T09:00:00+00:00"), NOW)[0]


def test_a_recorded_problem_stays_on_the_line_until_a_round_succeeds() -> None:
    """The round's failure message is replaced by the stored status a moment later; that must still say so."""
    text, tip = describe_status(_status(last_error="2026-11-23T14:05:00+00:00 the server refused the batch"), NOW)
    assert text.endswith("problem: the server refused the batch")
    assert "2026-11-23T14:05:00+00:00 the server refused the batch" in tip
    long = describe_status(_status(last_error="2026-11-23T14:05:00+00:00 " + "x" * 300), NOW)[0]
    assert long.endswith("…") and len(long.split("problem: ")[1]) == 80
    assert "problem" not in describe_status(_status(), NOW)[0]
