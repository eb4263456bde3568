"""Scheduled device backups: a checked schedule, one backup a day, old ones pruned, restore marks a catch-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from casedesk import config
from casedesk.errors import ValidationError
from casedesk.services import device_backup
from casedesk.services.device_backup import Schedule
from casedesk.store.database import Database
from tests.factories import PASSPHRASE

NOON = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("wanted", "message"),
    [
        (Schedule("", 14, True), "does not exist"),
        (Schedule("/no/such/folder", 14, True), "does not exist"),
        (Schedule("{folder}", 0, True), "between 1 and 3650"),
    ],
)
def test_a_bad_schedule_is_refused_and_changes_nothing(
    db: Database, tmp_path: Path, wanted: Schedule, message: str
) -> None:
    good = device_backup.set_schedule(db, Schedule(str(tmp_path), 7, True))
    bad = Schedule(wanted.folder.replace("{folder}", str(tmp_path)), wanted.keep_days, wanted.enabled)
    with pytest.raises(ValidationError, match=message):
        device_backup.set_schedule(db, bad)
    assert device_backup.schedule(db) == good


def test_one_backup_a_day_and_old_ones_pruned(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("not ours")
    other = folder / "casedesk-deadbeef-20200101T000000Z.cdbackup"  # another device's: never touched
    other.write_bytes(b"x")
    assert device_backup.run_if_due(db, NOON, "sam") is None  # no schedule yet
    device_backup.set_schedule(db, Schedule(str(folder), 3, True))
    written = []
    for day in range(6):
        now = NOON + timedelta(days=day)
        first = device_backup.run_if_due(db, now, "sam")
        assert first is not None and device_backup.run_if_due(db, now + timedelta(hours=5), "sam") is None
        written.append(first)
    last = device_backup.last_backup(db)
    assert last is not None and last.at == NOON + timedelta(days=5) and last.file == str(written[-1])
    left = sorted(p.name for p in folder.iterdir())
    assert left == sorted([p.name for p in written[2:]] + ["notes.txt", other.name])


def test_the_newest_backup_is_kept_however_old(db: Database, tmp_path: Path) -> None:
    device_backup.set_schedule(db, Schedule(str(tmp_path), 1, True))
    only = device_backup.run_if_due(db, NOON, "sam")
    assert device_backup.prune(db, tmp_path, 1, NOON + timedelta(days=30)) == []
    assert only is not None and only.exists()


def test_a_restored_backup_opens_under_the_same_passphrase_and_will_catch_up(db: Database, tmp_path: Path) -> None:
    with db.unit_of_work("sam") as uow:
        uow.insert("organisations", {"name": "Riverside Academy", "kind": "school"})
    out = device_backup.back_up_now(db, tmp_path, NOON, "sam")
    target = tmp_path / "restored" / "casedesk.db"
    device_backup.restore_device(out, target, PASSPHRASE)
    with Database.open(target, PASSPHRASE) as restored:
        assert restored.get(config.RECOVERY)["kind"] == "device"
        assert restored.device_id == db.device_id
