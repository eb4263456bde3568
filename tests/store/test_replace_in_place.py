"""Restoring a backup over the database in use (the app's restore): proved before anything moves, and never
leaving the device with neither the old files nor the new ones."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from casedesk.errors import NotADatabase, WrongPassphrase
from casedesk.store import keyfile, maintenance
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.store.replace import read_manifest, replace_from_backup, replaced_folder
from tests.factories import PASSPHRASE, add_child, file_digests


def _names(db_path: Path) -> list[str]:
    with Database.open(db_path, PASSPHRASE) as db, db.session() as session:
        return sorted(repo.get_child(session, cid).given_name for cid in repo.child_ids(session))


@pytest.fixture
def backup(db: Database, tmp_path: Path) -> Path:
    add_child(db, "Ada", "Okafor", date(2014, 3, 2))
    out = maintenance.backup(db, tmp_path / "backups" / "one.cdbackup")
    add_child(db, "Ben", "Okafor", date(2015, 4, 3))
    db.close()
    return out


def test_the_backup_replaces_the_database_and_nothing_is_left_beside_it(backup: Path, db_path: Path) -> None:
    manifest = read_manifest(backup)
    assert manifest.created_at is not None and manifest.size == backup.stat().st_size
    closed: list[bool] = []
    replace_from_backup(backup, db_path, PASSPHRASE, lambda: closed.append(True))
    assert closed == [True] and _names(db_path) == ["Ada"]
    assert sorted(p.name for p in db_path.parent.iterdir() if p.is_dir()) == ["backups"]
    assert oct(keyfile.key_file_path(db_path).stat().st_mode & 0o777) == oct(0o600)


def test_a_wrong_passphrase_or_a_damaged_backup_moves_nothing(backup: Path, db_path: Path, tmp_path: Path) -> None:
    before = file_digests(db_path.parent)
    with pytest.raises(WrongPassphrase):
        replace_from_backup(backup, db_path, "not the passphrase", lambda: pytest.fail("closed before proof"))
    damaged = tmp_path / "backups" / "damaged.cdbackup"
    data = bytearray(backup.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 64] = b"\xff" * 64
    damaged.write_bytes(bytes(data))
    with pytest.raises(NotADatabase, match="damaged"):
        replace_from_backup(damaged, db_path, PASSPHRASE, lambda: pytest.fail("closed before proof"))
    assert file_digests(db_path.parent) == before and _names(db_path) == ["Ada", "Ben"]


def test_files_moved_aside_by_a_killed_replace_are_put_back_or_wiped(backup: Path, db_path: Path) -> None:
    aside = replaced_folder(db_path)  # as a kill between moving the old files and placing the new ones leaves it
    aside.mkdir()
    for file in (db_path, keyfile.key_file_path(db_path)):
        file.rename(aside / file.name)
    with pytest.raises(WrongPassphrase):
        replace_from_backup(backup, db_path, "not the passphrase")
    assert not aside.exists() and _names(db_path) == ["Ada", "Ben"]  # put back before anything else

    aside.mkdir()
    (aside / db_path.name).write_bytes(db_path.read_bytes())
    removed = maintenance.wipe(db_path)
    assert aside in removed and not aside.exists()
