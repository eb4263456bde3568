"""Passphrase change, encrypted backup and restore, and crypto-erase, on real SQLCipher files."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest

from casedesk.errors import Conflict, KeyFileError, NotADatabase, WrongPassphrase
from casedesk.store import maintenance
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from tests.factories import PASSPHRASE, file_digests


def _add_child(db: Database, name: str = "Aurelia") -> str:
    with db.unit_of_work("tester") as uow:
        return uow.insert(
            "children", {"given_name": name, "family_name": "Quennell", "date_of_birth": date(2013, 5, 1)}
        )


def test_passphrase_change_rewraps_without_touching_the_database(db: Database, db_path: Path) -> None:
    child_id = _add_child(db)
    db.close()
    before = db_path.read_bytes()
    maintenance.change_passphrase(db_path, PASSPHRASE, "a brand new passphrase")
    assert db_path.read_bytes() == before
    with pytest.raises(WrongPassphrase):
        Database.open(db_path, PASSPHRASE)
    with Database.open(db_path, "a brand new passphrase") as reopened, reopened.session() as session:
        assert repo.get_child(session, child_id).given_name == "Aurelia"


def test_passphrase_change_with_wrong_old_passphrase_changes_nothing(db: Database, db_path: Path) -> None:
    db.close()
    before = file_digests(db_path.parent)
    with pytest.raises(WrongPassphrase):
        maintenance.change_passphrase(db_path, "wrong wrong", "a brand new passphrase")
    assert file_digests(db_path.parent) == before


def test_backup_restore_round_trip(db: Database, tmp_path: Path) -> None:
    child_id = _add_child(db, "Bartholomew")
    backup = maintenance.backup(db, tmp_path / "case.cdbackup")
    db.close()
    assert b"Bartholomew" not in backup.read_bytes()
    restored = tmp_path / "restored" / "case.db"
    maintenance.restore(backup, restored, PASSPHRASE)
    with Database.open(restored, PASSPHRASE) as copy, copy.session() as session:
        assert repo.get_child(session, child_id).given_name == "Bartholomew"


def test_restore_with_wrong_passphrase_leaves_nothing_behind(db: Database, tmp_path: Path) -> None:
    backup = maintenance.backup(db, tmp_path / "case.cdbackup")
    target_dir = tmp_path / "restored"
    with pytest.raises(WrongPassphrase):
        maintenance.restore(backup, target_dir / "case.db", "not it at all")
    assert list(target_dir.iterdir()) == []


def test_restore_refuses_to_overwrite(db: Database, db_path: Path, tmp_path: Path) -> None:
    backup = maintenance.backup(db, tmp_path / "case.cdbackup")
    with pytest.raises(Conflict):
        maintenance.restore(backup, db_path, PASSPHRASE)


def test_restore_of_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"this is not a zip")
    with pytest.raises(NotADatabase):
        maintenance.restore(junk, tmp_path / "x.db", PASSPHRASE)
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(NotADatabase):
        maintenance.restore(other, tmp_path / "x.db", PASSPHRASE)
    assert not (tmp_path / "x.db").exists()


def test_wipe_makes_the_data_unrecoverable(db: Database, db_path: Path, tmp_path: Path) -> None:
    _add_child(db, "Cressida")
    db.close()
    stolen_copy = tmp_path / "stolen.db"
    stolen_copy.write_bytes(db_path.read_bytes())
    maintenance.wipe(db_path)
    assert not db_path.exists() and not db.key_path.exists()
    # Someone who kept a copy of the file, and even knows the passphrase, still cannot read it: the key is gone.
    with pytest.raises(KeyFileError):
        Database.open(stolen_copy, PASSPHRASE)
    assert b"Cressida" not in stolen_copy.read_bytes()


def test_wipe_of_nothing_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError):
        maintenance.wipe(tmp_path / "absent.db")
