"""The server never takes over a database it did not make: a foreign one, one from a newer server, or a file
that is not a database is refused with one clear line and a non-zero exit (serving and `admin` alike), and the
file is left exactly as it was."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from casedesk.server.db import DatabaseRefused, ServerDB, migrate
from tests.sync.harness import SRC, free_port


def _run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run(
        [sys.executable, "-m", "casedesk.server.cli", "--database-url", url, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _foreign(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("create table notes (id integer primary key, body text)")
        conn.execute("insert into notes (body) values ('someone else''s data')")


def _conflicting(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("create table records (id integer primary key, payload blob)")


def _future(path: Path) -> None:
    store = ServerDB(f"sqlite:///{path}")
    migrate(store.engine)
    with store.engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = '0999'"))
    store.dispose()


def _not_a_database(path: Path) -> None:
    path.write_text("Dear diary,\n" * 200)


CASES = {  # each case through a different door: serving, reading and writing admin commands
    "foreign": (_foreign, "not a CaseDesk server database", ["serve"]),
    "conflicting": (_conflicting, "not a CaseDesk server database", ["admin", "create-org", "X"]),
    "future": (_future, "newer CaseDesk server", ["serve"]),
    "not_a_database": (_not_a_database, "Cannot use", ["admin", "list-devices"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_database_the_server_did_not_make_is_refused(tmp_path: Path, case: str) -> None:
    make, words, command = CASES[case]
    path = tmp_path / "other.db"
    make(path)
    before = path.read_bytes()
    extra = ["--port", str(free_port())] if command == ["serve"] else []
    result = _run(f"sqlite:///{path}", *extra, *command)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("casedesk-server: ") and words in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before


def test_a_foreign_postgresql_database_is_refused(pg_url: str) -> None:
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("create table invoices (id integer primary key)"))
    with pytest.raises(DatabaseRefused, match="invoices"):
        migrate(engine)
    with engine.connect() as conn:
        tables = set(conn.execute(text("select tablename from pg_tables where schemaname = 'public'")).scalars())
    assert tables == {"invoices"}
    engine.dispose()
    result = _run(pg_url, "admin", "list-devices")
    assert result.returncode != 0 and len(result.stderr.strip().splitlines()) == 1


def test_an_empty_file_and_the_servers_own_database_are_used(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    assert _run(f"sqlite:///{path}", "admin", "create-org", "Riverside Academy").returncode == 0
    assert _run(f"sqlite:///{path}", "admin", "list-devices").returncode == 0
