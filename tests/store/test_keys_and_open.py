"""Opening the encrypted database: the right passphrase works, everything else fails clearly and changes nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from casedesk.errors import Conflict, KeyFileError, NotADatabase, ValidationError, WrongPassphrase
from casedesk.store import keyfile
from casedesk.store.database import Database
from tests.factories import PASSPHRASE, file_digests


def test_create_then_open_with_the_right_passphrase(db: Database, db_path: Path) -> None:
    db.close()
    with Database.open(db_path, PASSPHRASE) as reopened:
        assert reopened.device_id
        assert reopened.integrity_check() == "ok"


def test_key_file_records_the_argon2id_parameters(db: Database) -> None:
    content = json.loads(db.key_path.read_text())
    assert content["kdf"]["algorithm"] == "argon2id"
    assert {"time_cost", "memory_cost_kib", "parallelism", "salt"} <= set(content["kdf"])
    assert content["cipher"] == "AES-256-GCM"


def test_production_kdf_costs_a_real_amount_of_memory_and_time() -> None:
    assert keyfile.DEFAULT_KDF.memory_cost_kib >= 64 * 1024
    assert keyfile.DEFAULT_KDF.time_cost >= 2


def test_wrong_passphrase_is_refused_and_changes_nothing(db: Database, db_path: Path) -> None:
    db.close()
    before = file_digests(db_path.parent)
    with pytest.raises(WrongPassphrase):
        Database.open(db_path, "not the passphrase")
    assert file_digests(db_path.parent) == before


def test_edited_kdf_parameters_do_not_weaken_the_wrapping(db: Database, db_path: Path) -> None:
    db.close()
    content = json.loads(db.key_path.read_text())
    content["kdf"]["time_cost"] = 2
    content["kdf"]["memory_cost_kib"] = 16384
    # A deliberate edit that also recomputes the checksum still cannot unwrap: the parameters are in the GCM data.
    content[keyfile.CHECKSUM_FIELD] = keyfile._checksum(content)
    db.key_path.write_text(json.dumps(content))
    with pytest.raises(WrongPassphrase):
        Database.open(db_path, PASSPHRASE)


@pytest.mark.parametrize("damage", ["", "{not json", "[]", '{"format": "casedesk-keyfile", "version": 1}'])
def test_corrupt_key_file_is_a_clear_error(db: Database, db_path: Path, damage: str) -> None:
    db.close()
    db.key_path.write_text(damage)
    before = file_digests(db_path.parent)
    with pytest.raises(KeyFileError):
        Database.open(db_path, PASSPHRASE)
    assert file_digests(db_path.parent) == before


def test_missing_key_file_is_a_clear_error(db: Database, db_path: Path) -> None:
    db.close()
    db.key_path.unlink()
    with pytest.raises(KeyFileError, match="No key file"):
        Database.open(db_path, PASSPHRASE)


def test_a_file_that_is_not_casedesks_is_refused_unchanged(tmp_path: Path, fast_kdf: keyfile.KdfParams) -> None:
    plain = tmp_path / "other.db"
    with sqlite3.connect(plain) as conn:
        conn.execute("create table t (x)")
    other = Database.create(tmp_path / "real.db", PASSPHRASE)
    other.close()
    # Put a valid key file beside a plain SQLite database: the key does not open it.
    keyfile.key_file_path(plain).write_bytes(other.key_path.read_bytes())
    before = file_digests(tmp_path)
    with pytest.raises(NotADatabase):
        Database.open(plain, PASSPHRASE)
    assert file_digests(tmp_path) == before


def test_key_file_of_another_database_does_not_open_it(tmp_path: Path, fast_kdf: keyfile.KdfParams) -> None:
    Database.create(tmp_path / "a.db", PASSPHRASE).close()
    Database.create(tmp_path / "b.db", PASSPHRASE).close()
    keyfile.key_file_path(tmp_path / "a.db").write_bytes(keyfile.key_file_path(tmp_path / "b.db").read_bytes())
    with pytest.raises(NotADatabase):
        Database.open(tmp_path / "a.db", PASSPHRASE)


def test_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NotADatabase, match="No database"):
        Database.open(tmp_path / "nothing.db", PASSPHRASE)


def test_create_never_overwrites(db: Database, db_path: Path) -> None:
    with pytest.raises(Conflict):
        Database.create(db_path, PASSPHRASE)


def test_short_passphrase_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        Database.create(tmp_path / "x.db", "short")
    assert list(tmp_path.iterdir()) == []
