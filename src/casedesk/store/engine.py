"""SQLCipher connections for SQLAlchemy.

Each connection is keyed with the raw 256-bit database key (no per-connection KDF), and its first statement
reads `sqlite_master`, so a wrong key or a file that is not a SQLCipher database fails here, at open, rather
than at the first query a user happens to run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import sqlcipher3
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from casedesk.errors import NotADatabase

CASEDESK_APPLICATION_ID = 0x43534B44  # "CSKD": written by the first migration, checked at open
BUSY_TIMEOUT_MS = 10_000  # how long a write waits for another process's write before "another CaseDesk is writing"
# The page cache while a connection writes in bulk (a pulled page), in KiB; other connections keep the library's
# default (8 MB in the SQLCipher we ship). A first sync inserts chronology entries in the order they were
# recorded, so the index by kind and date is written all over: once that index outgrows the cache, nearly every
# insert reads (decrypts) a page and writes one back, and a row's cost grows with the rows already held (with
# 8 MB, from about 170,000 rows on; at 345,000 rows three times the first rows' cost; 16 MB kept it flat there).
BULK_CACHE_KIB = 32_768


def _key_pragma(key: bytes) -> str:
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect_raw(path: Path, key: bytes) -> sqlcipher3.dbapi2.Connection:
    """A keyed DB-API connection, verified and set up (WAL, foreign keys, no SQLCipher logging)."""
    conn = sqlcipher3.dbapi2.connect(str(path), check_same_thread=False, isolation_level=None)
    try:
        conn.execute(_key_pragma(key))
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.dbapi2.DatabaseError as exc:
        conn.close()
        raise NotADatabase(f"{path} is not a CaseDesk database, or its key file belongs to another database.") from exc
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA temp_store = MEMORY")  # temporary tables and sorts never touch the disk in clear
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
    return conn


def make_engine(path: Path, key: bytes) -> Engine:
    """An engine over the encrypted file; transactions are explicit (`BEGIN` issued by SQLAlchemy's events)."""
    engine = create_engine(
        "sqlite+pysqlite://",
        module=sqlcipher3.dbapi2,
        creator=lambda: connect_raw(path, key),
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=4,
    )

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # pysqlite's implicit transactions are disabled (isolation_level=None); start them ourselves so that
        # SAVEPOINTs and rollbacks behave as SQLAlchemy expects.
        conn.exec_driver_sql("BEGIN")

    return engine


@contextmanager
def bulk_cache(engine: Engine) -> Iterator[Connection]:
    """A connection with a larger page cache for a bulk write (begin its transaction inside), back to the usual
    size once the transaction is over (the pages beyond it are freed), so only while a pulled page is applied
    does one connection hold that much memory."""
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        usual = int(raw.execute("PRAGMA cache_size").fetchone()[0])  # on the driver: no transaction begun here
        raw.execute(f"PRAGMA cache_size = -{int(BULK_CACHE_KIB)}")
        try:
            yield conn
        finally:
            with suppress(sqlcipher3.dbapi2.Error):  # a broken connection is discarded by the pool anyway
                raw.execute(f"PRAGMA cache_size = {usual}")
