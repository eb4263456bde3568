"""Replace the database in place with one of its backups: what the app's restore does, never losing both.

`maintenance.restore` restores to a new path; the app restores over the database it uses, usually because that
one is damaged. The backup is first restored in full into the staging folder, which proves the passphrase and
checks the copy while the current files are untouched: a wrong passphrase or a corrupt backup changes nothing.
Only then is the current database closed and its files (database, write-ahead log, anchor, key) moved into
`NAME.replaced/` beside it; the backup's key file is written and its database renamed into place (the key
first, as `Database.create` does, so a kill never leaves a database without its key). Once it opens, the old
files are deleted. Any failure while swapping moves the old files back; a kill mid-swap leaves them in
`NAME.replaced/`, which the next replace puts back before it starts and `wipe` removes.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from casedesk.errors import NotADatabase
from casedesk.store import keyfile, maintenance, staging
from casedesk.store.database import Database, sidecar_files


@dataclass(frozen=True, slots=True)
class BackupManifest:
    """What a backup says about itself, readable without its passphrase."""

    created_at: datetime | None
    database_id: str | None
    app_version: str | None
    size: int


def replaced_folder(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".replaced")


def read_manifest(backup_file: Path) -> BackupManifest:
    """The manifest of `backup_file`; a file that is not a readable CaseDesk backup is one clear error."""
    backup_file = Path(backup_file)
    try:
        with zipfile.ZipFile(backup_file) as archive:
            names = set(archive.namelist())
            if not {maintenance.DB_MEMBER, maintenance.KEY_MEMBER, maintenance.MANIFEST_MEMBER} <= names:
                raise NotADatabase(f"{backup_file.name} is not a CaseDesk backup (parts are missing).")
            manifest = json.loads(archive.read(maintenance.MANIFEST_MEMBER))
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise NotADatabase(f"{backup_file.name} is not a CaseDesk backup, or it is damaged.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != maintenance.BACKUP_FORMAT:
        raise NotADatabase(f"{backup_file.name} is not a CaseDesk backup.")
    try:
        created = datetime.fromisoformat(str(manifest.get("created_at")))
    except ValueError:
        created = None
    return BackupManifest(created, manifest.get("database_id"), manifest.get("app_version"), backup_file.stat().st_size)


def _current_files(db_path: Path) -> list[Path]:
    return [f for f in [*sidecar_files(db_path), keyfile.key_file_path(db_path)] if f.exists()]


def _put_back(db_path: Path) -> None:
    """Return the files a replace moved aside (after a failure, or a kill mid-swap) to their places."""
    aside = replaced_folder(db_path)
    if not aside.is_dir():
        return
    for file in aside.iterdir():
        target = db_path.with_name(file.name)
        if target.exists():
            target.unlink()
        file.rename(target)
    aside.rmdir()
    keyfile.fsync_dir(db_path.parent)


def replace_from_backup(
    backup_file: Path, db_path: Path, passphrase: str, close_current: Callable[[], None] | None = None
) -> None:
    """Put `backup_file` in place of the database at `db_path`, which need not exist or open (it may be damaged).

    `close_current` is called once the backup has proved good and before any current file moves (the app
    closes its open database there)."""
    backup_file, db_path = Path(backup_file), Path(db_path)
    _put_back(db_path)  # a replace killed mid-swap: its old files first return to their places
    with staging.staging_area(db_path) as area:
        staged = area.path / "restored" / db_path.name
        maintenance.restore(backup_file, staged, passphrase)  # proves the passphrase and checks the copy
        staged_key = keyfile.key_file_path(staged)
        if close_current is not None:
            close_current()
        aside = replaced_folder(db_path)
        aside.mkdir(mode=0o700)
        try:
            for file in _current_files(db_path):
                file.rename(aside / file.name)
            keyfile.fsync_dir(db_path.parent)
            keyfile.write_key_file(keyfile.key_file_path(db_path), keyfile.read_key_file(staged_key))
            staged.rename(db_path)
            keyfile.fsync_dir(db_path.parent)
            Database.open(db_path, passphrase).close()  # it opens where it now is
        except BaseException:
            for file in _current_files(db_path):
                file.unlink()
            _put_back(db_path)
            raise
    shutil.rmtree(replaced_folder(db_path))
