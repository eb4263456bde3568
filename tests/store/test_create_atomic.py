"""Creating a database survives a kill at any point, and an existing file is never silently re-created.

A real child process creates the database and is killed (`os._exit`, no clean-up runs) just before the key file is
written, or just after it: afterwards `init` at the same path works, and no database without a key is left.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from casedesk import config
from casedesk.errors import Conflict, NotADatabase
from casedesk.store import keyfile
from casedesk.store.database import Database
from tests.factories import PASSPHRASE, REPO_ROOT

_KILLED_CREATE = """
import os, sys
from pathlib import Path
from casedesk.store import database, keyfile
keyfile.DEFAULT_KDF = keyfile.KdfParams(1, 8192, 1)
point = sys.argv[2]
if point == "before-key":
    keyfile.write_key_file = lambda *a, **k: os._exit(9)
else:
    real = keyfile.write_key_file
    def write_then_die(*a, **k):
        real(*a, **k)
        os._exit(9)
    keyfile.write_key_file = write_then_die
database.Database.create(Path(sys.argv[1]), "correct horse battery")
"""


def _create_killed_at(path: Path, point: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT / "src"))
    result = subprocess.run([sys.executable, "-c", _KILLED_CREATE, str(path), point], env=env, capture_output=True)
    assert result.returncode == 9, result.stderr.decode()


@pytest.mark.parametrize("point", ["before-key", "after-key"])
def test_a_create_killed_midway_leaves_no_keyless_database_and_init_recovers(
    tmp_path: Path, fast_kdf: keyfile.KdfParams, point: str
) -> None:
    path = tmp_path / "case.db"
    _create_killed_at(path, point)
    assert not path.exists(), "a database without its key would brick the path"
    with pytest.raises(NotADatabase, match="No database"):
        Database.open(path, PASSPHRASE)
    with Database.create(path, PASSPHRASE) as db:
        assert db.get(config.DATABASE_ID)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.db", "case.db.key"]
    Database.open(path, PASSPHRASE).close()


def test_create_leaves_alone_a_key_file_it_did_not_write(tmp_path: Path, fast_kdf: keyfile.KdfParams) -> None:
    """A key file without its database but with no leftover of ours may belong to a moved database: keep it."""
    Database.create(tmp_path / "case.db", PASSPHRASE).close()
    (tmp_path / "case.db").rename(tmp_path / "moved.db")
    key_bytes = keyfile.key_file_path(tmp_path / "case.db").read_bytes()
    with pytest.raises(Conflict, match="without its database"):
        Database.create(tmp_path / "case.db", PASSPHRASE)
    assert keyfile.key_file_path(tmp_path / "case.db").read_bytes() == key_bytes


def test_a_zero_byte_database_is_refused_never_rebuilt(db: Database, db_path: Path) -> None:
    db.close()
    db_path.write_bytes(b"")
    with pytest.raises(NotADatabase, match="empty"):
        Database.open(db_path, PASSPHRASE)
    assert db_path.stat().st_size == 0
    with pytest.raises(Conflict):
        Database.create(db_path, PASSPHRASE)


def test_zero_byte_database_is_one_line_and_exit_2_on_the_command_line(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from casedesk.cli.main import main

    db.close()
    db_path.write_bytes(b"")
    monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)
    assert main(["audit", "verify", "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "empty (0 bytes)" in err
    assert db_path.stat().st_size == 0
