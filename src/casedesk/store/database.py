"""An open, unlocked CaseDesk database: the key file, the encrypted file, its engine and its unit of work.

`Database.create` and `Database.open` are the only ways in. Both check everything that can go wrong before
any file is changed: a wrong passphrase, a missing or damaged key file, or a file that is not CaseDesk's.

Creating makes the pair atomically enough that a kill at any point leaves either nothing usable (which the next
`create` recognises as its own leftover and removes) or a complete database with its key: the database is built
under a temporary name that carries its id (`NAME.init-ID`), the key file is written next, and the rename of the
database to its real name comes last. A database file without its key therefore never comes from `create`.
Opening refuses an empty file (it is never silently rebuilt) and authenticates every page; a damaged database
is opened read-only in effect: every write is refused with advice to restore.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from casedesk import config
from casedesk.config import Setting, SettingFamily
from casedesk.domain.hlc import HybridLogicalClock
from casedesk.domain.ids import new_id
from casedesk.errors import Conflict, DatabaseDamaged, KeyFileError, NotADatabase
from casedesk.store import anchor, health, keyfile, settings, staging
from casedesk.store.audit import ChainReport, verify_chain
from casedesk.store.engine import CASEDESK_APPLICATION_ID, connect_raw, make_engine
from casedesk.store.journal import bulk_indexes
from casedesk.store.migrate import upgrade_if_needed
from casedesk.store.models import AuditRow
from casedesk.store.uow import UnitOfWork

T = TypeVar("T")


def sidecar_files(db_path: Path) -> list[Path]:
    """The database file and the files SQLite keeps beside it (all encrypted)."""
    return [
        db_path,
        db_path.with_name(db_path.name + "-wal"),
        db_path.with_name(db_path.name + "-shm"),
        db_path.with_name(db_path.name + "-journal"),
        anchor.anchor_path(db_path),
    ]


_INIT_MARK = ".init-"


def _init_leftovers(path: Path) -> dict[str, list[Path]]:
    """Temporary databases a killed `create` left beside `path`, by the database id in their name."""
    found: dict[str, list[Path]] = {}
    prefix = path.name + _INIT_MARK
    if not path.parent.is_dir():
        return found
    for file in path.parent.iterdir():
        if file.name.startswith(prefix):
            database_id = file.name[len(prefix) :].removesuffix("-wal").removesuffix("-shm").removesuffix("-journal")
            found.setdefault(database_id, []).append(file)
    return found


def _remove_init_leftovers(path: Path) -> None:
    """Remove what an interrupted `create` left, including a key file that provably belongs to it: its database
    id names a temporary database that was never renamed into place. Any other key file is left alone."""
    leftovers = _init_leftovers(path)
    key_path = keyfile.key_file_path(path)
    if key_path.exists() and not path.exists():
        try:
            key_owner = keyfile.read_key_file(key_path).get("database_id")
        except Exception:
            key_owner = None
        if not (isinstance(key_owner, str) and key_owner in leftovers):
            raise Conflict(
                f"{key_path} exists without its database; CaseDesk will not overwrite it. If the database was "
                f"moved, move it back; if it was wiped, remove the key file with `casedesk wipe --db {path} --yes`."
            )
        keyfile.destroy_key_file(key_path)
    for files in leftovers.values():
        for file in files:
            file.unlink(missing_ok=True)
    key_path.with_name(key_path.name + ".tmp").unlink(missing_ok=True)


def refuse_empty(path: Path) -> None:
    """An existing database file is never re-created: an empty one (a truncated copy, a failed sync tool) is
    refused rather than opened as a new, empty database."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise NotADatabase(f"No database at {path}. Create one with `casedesk init --db {path}`.") from None
    if size == 0:
        raise NotADatabase(
            f"{path} is empty (0 bytes): it is not a usable CaseDesk database and will not be re-created. "
            "Restore your last backup to a new path with `casedesk restore`."
        )


class Database:
    """An unlocked database. Close it (or use it as a context manager) to drop the key and the connections."""

    def __init__(self, path: Path, key: bytes, engine: Engine) -> None:
        self.path = path
        self._key = key
        self.engine = engine
        self._write_lock = threading.Lock()
        self.damage: list[str] = []  # problems the last check found; while any remain, writes are refused
        self.device_id: str = self.get(config.DEVICE_ID)
        self.database_id: str = self.get(config.DATABASE_ID)
        self._clock = HybridLogicalClock(self.device_id, last=self.get(config.HLC) or None)

    # -- opening ---------------------------------------------------------------------------------------------
    @classmethod
    def create(
        cls, path: Path, passphrase: str, kdf: keyfile.KdfParams | None = None, *, min_strength: int = 0
    ) -> Database:
        """A new empty database with a new random key, wrapped by `passphrase` (see the module's note on order).
        `kdf` and `min_strength` come from the policy in force (`services.policy`)."""
        path = Path(path)
        keyfile.check_new_passphrase(passphrase, min_strength)
        key_path = keyfile.key_file_path(path)
        if path.exists():
            raise Conflict(f"{path} already exists; CaseDesk will not overwrite a database.")
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_init_leftovers(path)
        key = secrets.token_bytes(keyfile.KEY_BYTES)
        database_id = new_id()
        building = path.with_name(path.name + _INIT_MARK + database_id)
        engine = make_engine(building, key)
        try:
            upgrade_if_needed(engine)
            with engine.begin() as conn:
                settings.write(conn, config.DEVICE_ID, new_id())
                settings.write(conn, config.DATABASE_ID, database_id)
                settings.write(conn, config.SYNC_TALLIES, {})  # no rows yet: the kept digest starts exact
            engine.dispose()
            raw = connect_raw(building, key)
            try:
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
            wal = sidecar_files(building)[1]
            if wal.exists() and wal.stat().st_size:
                raise OSError(f"could not fold the new database's write-ahead log into {building.name}")
            for sidecar in sidecar_files(building)[1:]:
                sidecar.unlink(missing_ok=True)  # the file alone is now the whole database
            with open(building, "rb+") as handle:
                os.fsync(handle.fileno())
            keyfile.write_key_file(key_path, keyfile.wrap_key(key, passphrase, database_id, kdf or keyfile.DEFAULT_KDF))
            os.replace(building, path)
            keyfile.fsync_dir(path.parent)
        except BaseException:
            engine.dispose()
            if not path.exists():
                key_path.unlink(missing_ok=True)
            for file in sidecar_files(building):
                file.unlink(missing_ok=True)
            raise
        return cls(path, key, make_engine(path, key))

    @classmethod
    def open(cls, path: Path, passphrase: str) -> Database:
        """Unlock an existing database, migrating it to the newest schema if needed."""
        path = Path(path)
        if not path.exists():
            raise NotADatabase(f"No database at {path}. Create one with `casedesk init --db {path}`.")
        refuse_empty(path)
        key = keyfile.unwrap_key(keyfile.read_key_file(keyfile.key_file_path(path)), passphrase)
        return cls.open_with_key(path, key)

    @classmethod
    def open_with_key(cls, path: Path, key: bytes) -> Database:
        """Open with the unwrapped key: refuse what is not a CaseDesk database, authenticate every page, and
        migrate only a database that passed (a damaged one is opened for reading and rescue only)."""
        refuse_empty(path)
        staging.clean_stale(path)
        anchor.remove_stale_temps(path, staging.process_alive)
        engine = make_engine(path, key)
        try:
            with engine.connect() as conn:
                app_id = conn.exec_driver_sql("PRAGMA application_id").scalar()
            if app_id != CASEDESK_APPLICATION_ID:
                raise NotADatabase(f"{path} is an encrypted database, but not a CaseDesk one.")
            damage = health.quick_check(engine)
            if not damage:
                upgrade_if_needed(engine)
                bulk_indexes.restore(engine)  # a first sync the process did not survive set it aside
        except BaseException:
            engine.dispose()
            raise
        db = cls(path, key, engine)
        db.damage = damage
        return db

    def close(self) -> None:
        """Drop every connection and forget the key (the app's lock)."""
        self.engine.dispose()
        self._key = b""

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def key_path(self) -> Path:
        return keyfile.key_file_path(self.path)

    def key_file_present(self) -> bool:
        """False once the key file is gone (wiped by another process): the app locks, and writes stop."""
        return self.key_path.exists()

    def refuse_if_damaged(self) -> None:
        if not self.key_file_present():
            raise KeyFileError(
                f"The key file {self.key_path} is gone (the database was wiped?); nothing more is written to it."
            )
        notice = self.damage_notice()
        if notice:
            raise DatabaseDamaged(notice)

    def damage_notice(self) -> str | None:
        """What to tell the user about a damaged database (None when the last check found nothing)."""
        if not self.damage:
            return None
        return f"The database {self.path} is damaged ({self.damage[0]}). {health.RESTORE_ADVICE}"

    def check(self) -> health.CheckReport:
        """The full check, the audit anchor included; damage found stops all further writes through this object."""
        report = health.full_check(self.engine)
        if not any(problem.startswith(("audit:", "the file")) for problem in report.problems):
            with self.session() as session:
                chain = self._anchored(session, verify_chain(session))
            if not chain.ok:
                report.problems.append(f"audit: {chain.describe()}")
            report.checked.append("audit anchor" if self._anchor_state() else "audit anchor (none yet)")
        self.damage = list(report.problems)
        return report

    def verify_audit(self) -> ChainReport:
        """The audit chain, and whether its newest entries are all still there (see `anchor`)."""
        with self.session() as session:
            return self._anchored(session, verify_chain(session))

    def _anchor_state(self) -> bool:
        return anchor.anchor_path(self.path).exists()

    def _anchored(self, session: Session, chain: ChainReport) -> ChainReport:
        if not chain.ok:
            return chain
        try:
            tip = anchor.read_anchor(self.path, self._key, self.database_id)
        except anchor.AnchorInvalid as exc:
            return ChainReport(chain.entries, False, None, f"{exc}.")
        if tip is None:
            return chain
        hash_at = session.execute(select(AuditRow.hash).where(AuditRow.seq == tip.seq)).scalar_one_or_none()
        problem = anchor.compare(tip, chain.entries, hash_at)
        if problem is None:
            return chain
        return ChainReport(chain.entries, False, min(tip.seq, chain.entries + 1), problem)

    # -- sessions ----------------------------------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for reading. Repositories take it and return plain records."""
        with Session(self.engine) as session:
            yield session

    @contextmanager
    def unit_of_work(self, author: str, *, journal: bool = True) -> Iterator[UnitOfWork]:
        """One transaction of writes, journal and audit; committed when the block ends without error."""
        self.refuse_if_damaged()
        with self._write_lock, Session(self.engine) as session:
            uow = UnitOfWork(session, author=author, device_id=self.device_id, clock=self._clock, journal=journal)
            start = uow.audit_tip
            try:
                yield uow
                uow.flush()
                settings.write(session.connection(), config.HLC, self._clock.last)
                uow.commit()
            except BaseException:
                session.rollback()
                raise
            if uow.audit_tip != start:
                self._anchor(*uow.audit_tip)

    def _anchor(self, seq: int, digest: str) -> None:
        """Move the audit anchor to the new tip. The commit stands whatever happens here: an anchor left behind
        only weakens the check, it never makes a good database look damaged."""
        with contextlib.suppress(OSError):
            anchor.write_anchor(self.path, self._key, self.database_id, seq, digest)

    # -- settings ----------------------------------------------------------------------------------------------
    def get(self, setting: Setting[T]) -> T:
        """A declared setting (casedesk.config), as its declared type."""
        with self.engine.connect() as conn:
            return settings.read(conn, setting)

    def has(self, setting: Setting[T]) -> bool:
        """Whether a value is stored (rather than the default read back)."""
        with self.engine.connect() as conn:
            return settings.is_stored(conn, setting)

    def put(self, setting: Setting[T], value: T | None) -> None:
        self.refuse_if_damaged()
        with self._write_lock, self.engine.begin() as conn:
            settings.write(conn, setting, value)

    def member(self, family: SettingFamily, member: str) -> Any:
        """One member of a family of settings (a conflict's record, an imported questionnaire)."""
        with self.engine.connect() as conn:
            return settings.read_member(conn, family, member)

    def put_member(self, family: SettingFamily, member: str, value: Any) -> None:
        self.refuse_if_damaged()
        with self._write_lock, self.engine.begin() as conn:
            settings.write_member(conn, family, member, value)

    def members(self, family: SettingFamily) -> dict[str, Any]:
        with self.engine.connect() as conn:
            return settings.members(conn, family)

    # -- maintenance -------------------------------------------------------------------------------------------
    def export_encrypted_copy(self, destination: Path) -> None:
        """Write a consistent encrypted copy of the database, keyed with the same key (for backups)."""
        if destination.exists():
            raise Conflict(f"{destination} already exists.")
        raw = connect_raw(self.path, self._key)
        try:
            raw.execute(f"ATTACH DATABASE ? AS backup KEY \"x'{self._key.hex()}'\"", (str(destination),))
            try:
                raw.execute("SELECT sqlcipher_export('backup')")
                raw.execute(f"PRAGMA backup.application_id = {CASEDESK_APPLICATION_ID}")
                version = raw.execute("PRAGMA main.user_version").fetchone()[0]
                raw.execute(f"PRAGMA backup.user_version = {int(version)}")
            finally:
                raw.execute("DETACH DATABASE backup")
        finally:
            raw.close()

    def integrity_check(self) -> str:
        with self.engine.connect() as conn:
            return str(conn.execute(text("PRAGMA integrity_check")).scalar())
