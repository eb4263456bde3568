"""Device backups on a schedule, and a restore that then reconciles with the server.

An administrator chooses a folder (a network share, an encrypted USB disk), how many days of backups to keep,
and turns daily backups on. The app checks while it is unlocked and writes one backup a day through
`store.maintenance.backup` — an encrypted copy and the wrapped key, never the content in clear — then deletes
this device's own backups older than the kept days (never the newest, never another file). The schedule and the
last backup's date live in the device's settings, inside the encrypted database.

A restored backup is marked so that its next sync reconciles (`casedesk.sync.reconcile`): it takes from the
server everything it lacks, including its own changes made after the backup.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from casedesk import config
from casedesk.domain.records import Changes
from casedesk.errors import ValidationError
from casedesk.store import maintenance
from casedesk.store.database import Database
from casedesk.store.journal import outbox
from casedesk.sync import reconcile

EVERY = timedelta(days=1)
NAME = re.compile(r"^casedesk-(?P<device>[0-9a-f]{8})-(?P<stamp>\d{8}T\d{6}Z)\.cdbackup$")


@dataclass(frozen=True, slots=True)
class Schedule:
    folder: str = ""
    keep_days: int = 14
    enabled: bool = False


@dataclass(frozen=True, slots=True)
class LastBackup:
    at: datetime
    file: str


def schedule(db: Database) -> Schedule:
    held = db.get(config.BACKUP_SCHEDULE)
    return Schedule(str(held.get("folder", "")), int(held.get("keep_days", 14)), bool(held.get("enabled", False)))


def set_schedule(db: Database, wanted: Schedule) -> Schedule:
    """Check and store a schedule; a bad folder or number of days is a clear error and changes nothing."""
    if not 1 <= wanted.keep_days <= 3650:
        raise ValidationError("Keep backups for between 1 and 3650 days.")
    if wanted.enabled or wanted.folder:
        folder = Path(wanted.folder)
        if not wanted.folder or not folder.is_dir():
            raise ValidationError(f"The backup folder {wanted.folder or '(none)'} does not exist.")
        if not os.access(folder, os.W_OK):
            raise ValidationError(f"CaseDesk cannot write to the backup folder {folder}.")
    db.put(config.BACKUP_SCHEDULE, {"folder": wanted.folder, "keep_days": wanted.keep_days, "enabled": wanted.enabled})
    return wanted


def last_backup(db: Database) -> LastBackup | None:
    held = db.get(config.LAST_BACKUP)
    return LastBackup(datetime.fromisoformat(held["at"]), held["file"]) if held else None


def due(db: Database, now: datetime) -> bool:
    plan = schedule(db)
    last = last_backup(db)
    return plan.enabled and bool(plan.folder) and (last is None or now - last.at >= EVERY)


def back_up_now(db: Database, folder: Path, now: datetime, actor: str, keep_days: int | None = None) -> Path:
    """Write one backup into `folder`, note it (last backup, audit), and prune this device's old ones."""
    name = f"casedesk-{db.device_id.replace('-', '')[-8:]}-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.cdbackup"
    out = maintenance.backup(db, Path(folder) / name)
    with db.unit_of_work(actor, journal=False) as uow:
        uow.note("backup", "database", db.database_id, reason=f"backup written to {out.name}")
    db.put(config.LAST_BACKUP, {"at": now.astimezone(UTC).isoformat(timespec="seconds"), "file": str(out)})
    if keep_days is not None:
        prune(db, Path(folder), keep_days, now)
    return out


def run_if_due(db: Database, now: datetime, actor: str) -> Path | None:
    """The scheduled backup, if one is due (the app calls this every few minutes while unlocked)."""
    if not due(db, now):
        return None
    plan = schedule(db)
    return back_up_now(db, Path(plan.folder), now, actor, plan.keep_days)


def prune(db: Database, folder: Path, keep_days: int, now: datetime) -> list[Path]:
    """Delete this device's backups older than `keep_days`, always keeping the newest one."""
    mine = db.device_id.replace("-", "")[-8:]
    found = []
    for path in folder.iterdir():
        match = NAME.match(path.name)
        if match and match["device"] == mine:
            found.append((datetime.strptime(match["stamp"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC), path))
    found.sort()
    cutoff = now - timedelta(days=keep_days)
    doomed = [path for at, path in found[:-1] if at < cutoff]
    for path in doomed:
        path.unlink()
    return doomed


def restore_device(source: Path, db_path: Path, passphrase: str) -> None:
    """Restore a device backup to `db_path` and mark it to reconcile with the server at its next sync."""
    maintenance.restore(source, db_path, passphrase)
    with Database.open(db_path, passphrase) as db:
        reconcile.mark_device_restored(db)


class DeviceBackups:
    """Scheduled device backups for one open database and the acting user (`Collection.backups`). A backup writes
    no record, so the calls that write (the schedule, a backup) return empty `Changes`."""

    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor

    def schedule(self) -> Schedule:
        return schedule(self.db)

    def last(self) -> LastBackup | None:
        return last_backup(self.db)

    def set_schedule(self, wanted: Schedule) -> tuple[Schedule, Changes]:
        return set_schedule(self.db, wanted), Changes()

    def back_up_now(self, folder: Path, keep_days: int | None = None) -> tuple[Path, Changes]:
        return back_up_now(self.db, folder, datetime.now(UTC), self.actor, keep_days), Changes()

    def unsent(self) -> int:
        """Changes made here that have not reached the server (waiting, or set aside): what a restore would lose."""
        counts = outbox.count_by_state(self.db)
        return counts.get("pending", 0) + counts.get("rejected", 0)

    def run_if_due(self) -> tuple[Path | None, Changes]:
        return run_if_due(self.db, datetime.now(UTC), self.actor), Changes()
