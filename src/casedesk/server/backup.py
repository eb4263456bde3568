"""`casedesk-server backup` and `restore`: an encrypted, consistent copy of the server database, and its return.

- **SQLite**: SQLite's online backup API copies the live database page by page into a private temporary file
  beside the output (readers and writers carry on; the copy is one consistent snapshot), which is sealed
  (`casedesk.server.sealed`) and removed.
- **PostgreSQL**: `pg_dump --format=custom` (one consistent snapshot, taken without blocking the server) is
  sealed as it streams; restore streams the opened dump into `pg_restore --clean --single-transaction`.

Restore never replaces anything until the whole backup has opened and authenticated. It then starts a new
generation (`casedesk.server.db.generation`), so devices notice the server went back in time and re-send what
it lost. An SQLite database being replaced is kept beside it (`NAME.replaced-TIME`), not deleted.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy.engine import make_url

from casedesk import __version__
from casedesk.server import sealed
from casedesk.server.db import ServerDB, generation, migrate


class BackupError(Exception):
    """A backup or restore could not be done; the database was not changed."""


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("An in-memory database cannot be backed up.")
    return Path(parsed.database)


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def pg_tool(name: str) -> str:
    """`pg_dump` / `pg_restore`: from CASEDESK_PG_BIN, the PATH, or the newest Debian PostgreSQL install."""
    folder = os.environ.get("CASEDESK_PG_BIN")
    if folder:
        return str(Path(folder) / name)
    found = shutil.which(name)
    if found:
        return found
    installed = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if installed:
        return str(installed[-1])
    raise BackupError(f"{name} was not found: install PostgreSQL's client tools or set CASEDESK_PG_BIN.")


def backup(url: str, out: Path, passphrase: str) -> dict[str, Any]:
    """Write an encrypted backup of the database at `url` to `out` (which must not exist); returns its metadata."""
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} already exists; choose another name for the backup.")
    store = ServerDB(url)
    try:
        migrate(store.engine)
        generation.ensure(store)
        with store.read() as conn:
            state = generation.state(conn, "")
    finally:
        store.dispose()
    path = _sqlite_path(url)
    info = {
        "backend": "sqlite" if path else "postgresql",
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "generation": state.generation,
        "feed_end_at_start": state.feed_end,
        "app_version": __version__,
    }
    partial = out.with_name(f".{out.name}.partial")
    try:
        with open(partial, "xb") as sink:
            os.chmod(partial, 0o600)
            if path is not None:
                _backup_sqlite(path, sink, passphrase, info)
            else:
                _backup_postgres(url, sink, passphrase, info)
            sink.flush()
            os.fsync(sink.fileno())
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return info


def _backup_sqlite(path: Path, sink: IO[bytes], passphrase: str, info: dict[str, Any]) -> None:
    if not path.exists():
        raise BackupError(f"There is no database at {path}.")
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".casedesk-backup-") as tmp:
        os.chmod(tmp, 0o700)
        copy = Path(tmp) / "copy.db"
        source, target = sqlite3.connect(path, timeout=30), sqlite3.connect(copy)
        try:
            source.backup(target, pages=4096)  # online: other connections keep working between steps
        finally:
            source.close()
            target.close()
        with open(copy, "rb") as plain:
            sealed.seal(plain, sink, passphrase, info)


def _backup_postgres(url: str, sink: IO[bytes], passphrase: str, info: dict[str, Any]) -> None:
    command = [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--dbname", _libpq_url(url)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as dump:
        assert dump.stdout is not None and dump.stderr is not None
        sealed.seal(dump.stdout, sink, passphrase, info)
        error = dump.stderr.read().decode(errors="replace")
        if dump.wait() != 0:
            raise BackupError(f"pg_dump failed: {error.strip()[:500]}")


def describe(source: Path) -> dict[str, Any]:
    """What a backup file says about itself (no passphrase needed)."""
    try:
        with open(source, "rb") as stream:
            return sealed.metadata(stream)
    except OSError as exc:
        raise BackupError(f"Cannot read {source}: {exc.strerror}.") from exc
    except sealed.SealError as exc:
        raise BackupError(str(exc)) from exc


def restore(url: str, source: Path, passphrase: str) -> dict[str, Any]:
    """Replace the database at `url` with the backup in `source`, then start a new generation. Stop the server
    first. Returns the new generation (with `mail_in_doubt`: emails put in doubt for an administrator to settle)."""
    info = describe(source)
    path = _sqlite_path(url)
    expected = "sqlite" if path else "postgresql"
    if info.get("backend") != expected:
        raise BackupError(f"{source} is a {info.get('backend')} backup; this server's database is {expected}.")
    if path is not None:
        _restore_sqlite(path, source, passphrase)
    else:
        _restore_postgres(url, source, passphrase)
    store = ServerDB(url)
    try:
        migrate(store.engine)  # the backup may predate the running version's schema
        return generation.begin(store, f"restored from the backup taken at {info.get('taken_at')}")
    finally:
        store.dispose()


def _restore_sqlite(path: Path, source: Path, passphrase: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".casedesk-restore-") as tmp:
        os.chmod(tmp, 0o700)
        staged = Path(tmp) / "restored.db"
        with open(source, "rb") as stream, open(staged, "wb") as plain:
            try:
                for chunk in sealed.unseal(stream, passphrase):
                    plain.write(chunk)
            except sealed.SealError as exc:
                raise BackupError(str(exc)) from exc
        check = sqlite3.connect(staged)
        try:
            ok = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            has_feed = check.execute("SELECT 1 FROM sqlite_master WHERE name = 'feed'").fetchone() is not None
        except sqlite3.DatabaseError:
            ok = has_feed = False
        finally:
            check.close()
        if not (ok and has_feed):
            raise BackupError(f"{source} does not hold a sound CaseDesk server database.")
        if path.exists():
            _set_aside(path)
        staged.replace(path)


def _set_aside(path: Path) -> None:
    """Keep the database being replaced (its WAL folded in first), so nothing is destroyed by a restore."""
    try:
        current = sqlite3.connect(path, timeout=30)
        current.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        current.close()
    except sqlite3.DatabaseError:
        pass  # a damaged database is kept as it is
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.replace(path.with_name(f"{path.name}.replaced-{stamp}{suffix}"))
    path.replace(path.with_name(f"{path.name}.replaced-{stamp}"))


def _restore_postgres(url: str, source: Path, passphrase: str) -> None:
    """Two passes, so the dump never lies on disk in clear: the first proves the whole file opens, the second
    streams it into pg_restore, whose single transaction also rolls back if anything fails on the way."""
    try:
        with open(source, "rb") as stream:
            for _chunk in sealed.unseal(stream, passphrase):
                pass
    except sealed.SealError as exc:
        raise BackupError(str(exc)) from exc
    command = [
        pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--dbname",
        _libpq_url(url),
    ]
    with (
        open(source, "rb") as stream,
        tempfile.TemporaryFile() as errors,
        subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors) as restore_,
    ):
        assert restore_.stdin is not None
        try:
            for chunk in sealed.unseal(stream, passphrase):
                restore_.stdin.write(chunk)
        except BrokenPipeError:
            pass  # pg_restore stopped early; its exit status and message say why
        finally:
            with contextlib.suppress(BrokenPipeError):
                restore_.stdin.close()
        if restore_.wait() != 0:
            errors.seek(0)
            raise BackupError(f"pg_restore failed: {errors.read().decode(errors='replace').strip()[:500]}")
