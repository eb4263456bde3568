"""Passphrase change, encrypted backup and restore, and crypto-erase.

None of these ever writes the database's content in clear: a backup is an encrypted copy plus the wrapped key,
restored under the same passphrase; a wipe destroys the key, after which the file is noise.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from casedesk import __version__
from casedesk.errors import Conflict, KeyFileError, NotADatabase
from casedesk.store import keyfile
from casedesk.store.database import Database, sidecar_files

BACKUP_FORMAT = "casedesk-backup"
_DB_MEMBER = "casedesk.db"
_KEY_MEMBER = "casedesk.db.key"
_MANIFEST_MEMBER = "manifest.json"


def change_passphrase(db_path: Path, old: str, new: str, kdf: keyfile.KdfParams | None = None) -> None:
    """Rewrap the database key under `new`: instant, and the database file is not touched."""
    key_path = keyfile.key_file_path(Path(db_path))
    content = keyfile.read_key_file(key_path)
    key = keyfile.unwrap_key(content, old)
    keyfile.check_new_passphrase(new)
    params = kdf or keyfile.KdfParams(
        time_cost=int(content["kdf"]["time_cost"]),
        memory_cost_kib=int(content["kdf"]["memory_cost_kib"]),
        parallelism=int(content["kdf"]["parallelism"]),
    )
    keyfile.write_key_file(key_path, keyfile.wrap_key(key, new, content["database_id"], params))


def backup(db: Database, out: Path) -> Path:
    """Write `out`: a zip of the encrypted database copy, its key file and a manifest."""
    out = Path(out)
    if out.exists():
        raise Conflict(f"{out} already exists; choose another name for the backup.")
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".casedesk-backup-") as tmp:
        copy = Path(tmp) / _DB_MEMBER
        db.export_encrypted_copy(copy)
        manifest = {
            "format": BACKUP_FORMAT,
            "version": 1,
            "created_at": datetime.now(UTC).isoformat(),
            "app_version": __version__,
            "database_id": db.get_setting("database_id"),
        }
        partial = Path(tmp) / "backup.zip"
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr(_MANIFEST_MEMBER, json.dumps(manifest, indent=2))
            archive.write(db.key_path, _KEY_MEMBER)
            archive.write(copy, _DB_MEMBER)
        shutil.move(partial, out)
    return out


def restore(backup_file: Path, db_path: Path, passphrase: str) -> None:
    """Restore a backup to `db_path` after proving the passphrase opens it; never overwrites a database."""
    backup_file, db_path = Path(backup_file), Path(db_path)
    if db_path.exists() or keyfile.key_file_path(db_path).exists():
        raise Conflict(f"{db_path} already exists; restore to a new path, or wipe it first.")
    try:
        archive = zipfile.ZipFile(backup_file)
    except (OSError, zipfile.BadZipFile) as exc:
        raise NotADatabase(f"{backup_file} is not a CaseDesk backup.") from exc
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with archive, tempfile.TemporaryDirectory(dir=db_path.parent, prefix=".casedesk-restore-") as tmp:
        names = set(archive.namelist())
        if not {_DB_MEMBER, _KEY_MEMBER, _MANIFEST_MEMBER} <= names:
            raise NotADatabase(f"{backup_file} is not a CaseDesk backup (parts are missing).")
        try:
            manifest = json.loads(archive.read(_MANIFEST_MEMBER))
        except ValueError as exc:
            raise NotADatabase(f"{backup_file} is not a CaseDesk backup (unreadable manifest).") from exc
        if manifest.get("format") != BACKUP_FORMAT:
            raise NotADatabase(f"{backup_file} is not a CaseDesk backup.")
        staged = Path(tmp) / _DB_MEMBER
        archive.extract(_DB_MEMBER, tmp)
        archive.extract(_KEY_MEMBER, tmp)
        # Prove the passphrase and the copy before anything appears at the destination.
        with Database.open(staged, passphrase) as check:
            if check.integrity_check() != "ok":
                raise NotADatabase(f"{backup_file} is damaged: the database inside fails its integrity check.")
        for leftover in sidecar_files(staged)[1:]:
            leftover.unlink(missing_ok=True)
        shutil.move(keyfile.key_file_path(staged), keyfile.key_file_path(db_path))
        shutil.move(staged, db_path)


def wipe(db_path: Path) -> list[Path]:
    """Crypto-erase: destroy the key file first (the data is unreadable from then on), then remove the files."""
    db_path = Path(db_path)
    key_path = keyfile.key_file_path(db_path)
    if not key_path.exists() and not db_path.exists():
        raise KeyFileError(f"Nothing to wipe at {db_path}.")
    removed = []
    if key_path.exists():
        keyfile.destroy_key_file(key_path)
        removed.append(key_path)
    for file in sidecar_files(db_path):
        if file.exists():
            file.unlink()
            removed.append(file)
    return removed
