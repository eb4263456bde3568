"""Restore this device from one of its backups, from the app: what would be replaced, then the swap.

The person chooses a backup and is shown what it is (when it was made) and what it replaces (the database's
path, size and, when it can still be read, how many changes have not reached the server yet, which a restore
loses). The swap itself (`store.replace`) proves the backup before touching anything, so a wrong passphrase or a
damaged backup leaves the current data exactly as it was. The restored database is marked so that its next sync
reconciles with the server (`sync.reconcile`): the server sends back everything recorded since the backup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from casedesk.config import PROFILE, Profile
from casedesk.services.collection import Collection
from casedesk.store import keyfile
from casedesk.store.database import Database
from casedesk.store.replace import BackupManifest, read_manifest, replace_from_backup
from casedesk.sync import reconcile

__all__ = ["BackupManifest", "Current", "describe_backup", "describe_current", "restore_and_open"]


@dataclass(frozen=True, slots=True)
class Current:
    """The database a restore would replace, as far as it can be seen."""

    path: Path
    exists: bool
    size: int
    modified: datetime | None
    unsent: int | None  # changes not yet on the server (lost by a restore); None when it cannot be read


def describe_backup(path: Path) -> BackupManifest:
    """When a backup was made and how big it is, without its passphrase; not a backup is one clear error."""
    return read_manifest(path)


def describe_current(db_path: Path, unsent: int | None = None) -> Current:
    """What a restore would replace; `unsent`: the open database's changes not yet on the server, if it is open
    (`col.backups.unsent()`)."""
    db_path = Path(db_path)
    if not db_path.exists():
        key = keyfile.key_file_path(db_path)
        return Current(db_path, key.exists(), 0, None, None)
    info = db_path.stat()
    return Current(db_path, True, info.st_size, datetime.fromtimestamp(info.st_mtime, UTC), unsent)


def restore_and_open(
    backup_file: Path, db_path: Path, passphrase: str, close_current: Callable[[], None] | None = None
) -> tuple[Collection, Profile]:
    """Replace the database with the backup (closing the current one once the backup has proved good), mark it
    to reconcile at its next sync, and open it as unlocking would."""
    replace_from_backup(backup_file, db_path, passphrase, close_current)
    db = Database.open(db_path, passphrase)
    try:
        reconcile.mark_device_restored(db)
        profile = db.get(PROFILE)
    except BaseException:
        db.close()
        raise
    return Collection(db, profile.name), profile
