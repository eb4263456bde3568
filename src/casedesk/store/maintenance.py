"""Passphrase change, encrypted backup and restore, and crypto-erase.

None of these ever writes the database's content in clear: a backup is an encrypted copy plus the wrapped key,
restored under the same passphrase; a wipe destroys the key, after which the file is noise. Every temporary copy
lives in the database's staging folder (see `staging`), so a kill leaves nothing that the next run or a wipe does
not remove, and every file holding the wrapped key (key file, backup archive) is readable by its owner only.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from casedesk import __version__, config
from casedesk.errors import Conflict, KeyFileError, NotADatabase
from casedesk.store import anchor, keyfile, staging
from casedesk.store.database import Database, sidecar_files

BACKUP_FORMAT = "casedesk-backup"
DB_MEMBER = "casedesk.db"
KEY_MEMBER = "casedesk.db.key"
MANIFEST_MEMBER = "manifest.json"


def change_passphrase(
    db_path: Path, old: str, new: str, kdf: keyfile.KdfParams | None = None, *, min_strength: int = 0
) -> None:
    """Rewrap the database key under `new`: instant, and the database file is not touched. The database is
    opened and checked first, so a missing, foreign or damaged database is reported instead of a success."""
    db_path = Path(db_path)
    key_path = keyfile.key_file_path(db_path)
    if not db_path.exists():
        raise NotADatabase(f"No database at {db_path}: there is nothing to change the passphrase of.")
    content = keyfile.read_key_file(key_path)
    key = keyfile.unwrap_key(content, old)
    keyfile.check_new_passphrase(new, min_strength)
    with Database.open_with_key(db_path, key) as db:
        db.refuse_if_damaged()
        if db.get(config.DATABASE_ID) != content.get("database_id"):
            raise KeyFileError(f"The key file {key_path} belongs to another database.")
    params = kdf or keyfile.kdf_params(content)
    keyfile.write_key_file(key_path, keyfile.wrap_key(key, new, content["database_id"], params))


def _private_file(path: Path) -> int:
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)


def backup(db: Database, out: Path) -> Path:
    """Write `out` (mode 0600): a zip of the encrypted database copy, its key file and a manifest. The archive
    appears under its name only when complete; a damaged database is not backed up over a good backup."""
    out = Path(out)
    if out.exists():
        raise Conflict(f"{out} already exists; choose another name for the backup.")
    db.refuse_if_damaged()
    with staging.staging_area(db.path) as area:
        copy = area.path / DB_MEMBER
        db.export_encrypted_copy(copy)
        manifest = {
            "format": BACKUP_FORMAT,
            "version": 1,
            "created_at": datetime.now(UTC).isoformat(),
            "app_version": __version__,
            "database_id": db.get(config.DATABASE_ID),
        }
        partial = area.path / "backup.zip"
        with os.fdopen(_private_file(partial), "wb") as handle:
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as archive:
                archive.writestr(MANIFEST_MEMBER, json.dumps(manifest, indent=2))
                archive.write(db.key_path, KEY_MEMBER)
                archive.write(copy, DB_MEMBER)
            handle.flush()
            os.fsync(handle.fileno())
        out.parent.mkdir(parents=True, exist_ok=True)
        if partial.stat().st_dev != out.parent.stat().st_dev:
            # Another disk: copy beside `out` under a hidden name (recorded, so a kill leaves nothing), then rename.
            hidden = out.with_name(f".{out.name}.partial-{os.getpid()}")
            area.record_outside(hidden)
            with open(partial, "rb") as source, os.fdopen(_private_file(hidden), "wb") as target:
                shutil.copyfileobj(source, target, 1024 * 1024)
                target.flush()
                os.fsync(target.fileno())
            partial = hidden
        if out.exists():
            raise Conflict(f"{out} already exists; choose another name for the backup.")
        os.replace(partial, out)
        keyfile.fsync_dir(out.parent)
    return out


def note_backup(db: Database, out: Path, actor: str) -> str | None:
    """Record a written backup in the audit. The backup is good whatever happens here, so a busy database or a
    full disk is returned as a warning for the user, never raised as if the backup had failed."""
    from casedesk.store.failures import explain

    try:
        with db.unit_of_work(actor, journal=False) as uow:
            uow.note("backup", "database", db.get(config.DATABASE_ID) or "", reason=f"backup written to {out.name}")
    except Exception as exc:
        explained = explain(exc, db.path)
        if explained is None:
            raise
        return f"the backup is complete and valid, but it could not be noted in the audit log: {explained}"
    return None


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
    with archive, staging.staging_area(db_path) as area:
        names = set(archive.namelist())
        if not {DB_MEMBER, KEY_MEMBER, MANIFEST_MEMBER} <= names:
            raise NotADatabase(f"{backup_file} is not a CaseDesk backup (parts are missing).")
        staged = area.path / DB_MEMBER
        try:
            manifest = json.loads(archive.read(MANIFEST_MEMBER))
            key_content = json.loads(archive.read(KEY_MEMBER))
            archive.extract(DB_MEMBER, area.path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
            raise NotADatabase(f"{backup_file} is damaged: a part of it cannot be read ({exc}).") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
            raise NotADatabase(f"{backup_file} is not a CaseDesk backup.")
        if not isinstance(key_content, dict):
            raise NotADatabase(f"{backup_file} is damaged: its key file cannot be read.")
        keyfile.write_key_file(keyfile.key_file_path(staged), key_content)
        # Prove the passphrase and the copy before anything appears at the destination.
        with Database.open(staged, passphrase) as check:
            report = check.check()
            if not report.ok:
                raise NotADatabase(
                    f"{backup_file} is damaged: the database inside fails its check ({report.problems[0]})."
                )
        for leftover in sidecar_files(staged)[1:]:
            leftover.unlink(missing_ok=True)
        anchor.anchor_path(db_path).unlink(missing_ok=True)  # a stale anchor would belong to another history
        keyfile.write_key_file(keyfile.key_file_path(db_path), key_content)
        os.chmod(staged, 0o600)
        try:
            shutil.move(staged, db_path)
        except BaseException:
            keyfile.key_file_path(db_path).unlink(missing_ok=True)
            raise
        keyfile.fsync_dir(db_path.parent)


def wipe(db_path: Path) -> list[Path]:
    """Crypto-erase: destroy the key file first (the data is unreadable from then on), then remove the files,
    including every temporary copy in the staging folder."""
    db_path = Path(db_path)
    key_path = keyfile.key_file_path(db_path)
    staging_root = staging.staging_root(db_path)
    leftovers = staging_root.exists() or db_path.with_name(db_path.name + ".replaced").exists()
    if not key_path.exists() and not db_path.exists() and not leftovers:
        raise KeyFileError(f"Nothing to wipe at {db_path}.")
    removed = []
    if key_path.exists():
        keyfile.destroy_key_file(key_path)
        removed.append(key_path)
    for file in sidecar_files(db_path):
        if file.exists():
            file.unlink()
            removed.append(file)
    if staging.remove_all(db_path):
        removed.append(staging_root)
    for temp, _pid in anchor.temp_files(db_path):
        temp.unlink(missing_ok=True)
        removed.append(temp)
    replaced = db_path.with_name(db_path.name + ".replaced")  # the files a killed in-app restore moved aside
    if replaced.is_dir():
        for file in replaced.iterdir():
            if file.name.endswith(".key"):
                keyfile.destroy_key_file(file)
        shutil.rmtree(replaced)
        removed.append(replaced)
    return removed
