"""An open, unlocked CaseDesk database: the key file, the encrypted file, its engine and its unit of work.

`Database.create` and `Database.open` are the only ways in. Both check everything that can go wrong before
any file is changed: a wrong passphrase, a missing or damaged key file, or a file that is not CaseDesk's.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from casedesk.domain.hlc import HybridLogicalClock
from casedesk.domain.ids import new_id
from casedesk.errors import Conflict, NotADatabase
from casedesk.store import keyfile
from casedesk.store.engine import CASEDESK_APPLICATION_ID, connect_raw, make_engine
from casedesk.store.migrate import upgrade_if_needed
from casedesk.store.models import SettingRow
from casedesk.store.uow import UnitOfWork


def sidecar_files(db_path: Path) -> list[Path]:
    """The database file and the files SQLite keeps beside it (all encrypted)."""
    return [
        db_path,
        db_path.with_name(db_path.name + "-wal"),
        db_path.with_name(db_path.name + "-shm"),
        db_path.with_name(db_path.name + "-journal"),
    ]


class Database:
    """An unlocked database. Close it (or use it as a context manager) to drop the key and the connections."""

    def __init__(self, path: Path, key: bytes, engine: Engine) -> None:
        self.path = path
        self._key = key
        self.engine = engine
        self._write_lock = threading.Lock()
        self.device_id: str = self.get_setting("device_id") or ""
        self._clock = HybridLogicalClock(self.device_id, last=self.get_setting("hlc"))

    # -- opening ---------------------------------------------------------------------------------------------
    @classmethod
    def create(cls, path: Path, passphrase: str, kdf: keyfile.KdfParams | None = None) -> Database:
        """A new empty database with a new random key, wrapped by `passphrase`."""
        path = Path(path)
        keyfile.check_new_passphrase(passphrase)
        key_path = keyfile.key_file_path(path)
        if path.exists() or key_path.exists():
            raise Conflict(f"{path} already exists; CaseDesk will not overwrite a database.")
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(keyfile.KEY_BYTES)
        database_id = new_id()
        engine = make_engine(path, key)
        try:
            upgrade_if_needed(engine)
            with Session(engine) as session:
                session.add_all(
                    [SettingRow(key="device_id", value=new_id()), SettingRow(key="database_id", value=database_id)]
                )
                session.commit()
        except BaseException:
            engine.dispose()
            for file in sidecar_files(path):
                file.unlink(missing_ok=True)
            raise
        keyfile.write_key_file(key_path, keyfile.wrap_key(key, passphrase, database_id, kdf or keyfile.DEFAULT_KDF))
        return cls(path, key, engine)

    @classmethod
    def open(cls, path: Path, passphrase: str) -> Database:
        """Unlock an existing database, migrating it to the newest schema if needed."""
        path = Path(path)
        if not path.exists():
            raise NotADatabase(f"No database at {path}. Create one with `casedesk init --db {path}`.")
        key = keyfile.unwrap_key(keyfile.read_key_file(keyfile.key_file_path(path)), passphrase)
        return cls.open_with_key(path, key)

    @classmethod
    def open_with_key(cls, path: Path, key: bytes) -> Database:
        engine = make_engine(path, key)
        try:
            with engine.connect() as conn:
                app_id = conn.exec_driver_sql("PRAGMA application_id").scalar()
                tables = conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
            if app_id != CASEDESK_APPLICATION_ID and tables:
                raise NotADatabase(f"{path} is an encrypted database, but not a CaseDesk one.")
            upgrade_if_needed(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(path, key, engine)

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

    # -- sessions ----------------------------------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for reading. Repositories take it and return plain records."""
        with Session(self.engine) as session:
            yield session

    @contextmanager
    def unit_of_work(self, author: str, *, journal: bool = True) -> Iterator[UnitOfWork]:
        """One transaction of writes, journal and audit; committed when the block ends without error."""
        with self._write_lock, Session(self.engine) as session:
            uow = UnitOfWork(session, author=author, device_id=self.device_id, clock=self._clock, journal=journal)
            try:
                yield uow
                uow.flush()
                session.merge(SettingRow(key="hlc", value=self._clock.last))
                uow.commit()
            except BaseException:
                session.rollback()
                raise

    # -- settings ----------------------------------------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        with self.session() as session:
            value = session.execute(select(SettingRow.value).where(SettingRow.key == key)).scalar_one_or_none()
        return default if value is None else value

    def set_setting(self, key: str, value: Any) -> None:
        with self._write_lock, Session(self.engine) as session:
            session.merge(SettingRow(key=key, value=value))
            session.commit()

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
