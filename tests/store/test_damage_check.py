"""Damage is found and stops writes: flipped bytes in a page, `casedesk check`, and `passwd` on a broken database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from casedesk import config
from casedesk.cli.main import main
from casedesk.errors import DatabaseDamaged, NotADatabase
from casedesk.store import keyfile, maintenance
from casedesk.store.database import Database
from tests.factories import PASSPHRASE, file_digests


def _fill(db: Database, children: int = 300) -> None:
    with db.unit_of_work("tester") as uow:
        for n in range(children):
            uow.insert(
                "children",
                {"given_name": f"Name{n}", "family_name": "Quennell" * 20, "date_of_birth": date(2013, 5, 1)},
            )


def _flip_middle_page(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.seek(size * 3 // 4)
        handle.write(b"\xde\xad\xbe\xef")


@pytest.fixture
def damaged(db: Database, db_path: Path) -> Path:
    _fill(db)
    db.close()
    _flip_middle_page(db_path)
    return db_path


def test_a_flipped_page_is_found_at_unlock_and_every_write_is_refused(damaged: Path) -> None:
    with Database.open(damaged, PASSPHRASE) as db:
        assert db.damage and "HMAC" in db.damage[0]
        before = damaged.read_bytes()
        with pytest.raises(DatabaseDamaged, match="Restore your last backup"), db.unit_of_work("tester") as uow:
            uow.insert("organisations", {"name": "New school", "kind": "school"})
        with pytest.raises(DatabaseDamaged):
            db.put(config.PROFILE, config.Profile.from_setting({"name": "x"}))
    assert damaged.read_bytes() == before


def test_casedesk_check_passes_a_whole_database_and_names_the_damage_in_a_broken_one(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill(db)
    db.close()
    monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)
    assert main(["check", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "Database check passed" in out and "audit chain (300 entries)" in out
    _flip_middle_page(db_path)
    assert main(["check", "--db", str(db_path)]) == 1
    err = capsys.readouterr().err
    assert "encryption: HMAC verification failed for page" in err and "casedesk restore" in err


def test_an_import_into_a_damaged_database_is_refused_on_the_command_line(
    damaged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "children.csv"
    csv.write_text("given_name,family_name,date_of_birth\nAda,Lovelace,2014-03-02\n", encoding="utf-8")
    monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)
    before = file_digests(tmp_path)
    assert main(["import", "children", "--db", str(damaged), str(csv)]) == 2
    err = capsys.readouterr().err.strip()
    assert "is damaged" in err and len(err.splitlines()) == 1
    assert file_digests(tmp_path) == before


def test_a_damaged_database_is_not_backed_up_over_a_good_backup(damaged: Path, tmp_path: Path) -> None:
    with Database.open(damaged, PASSPHRASE) as db, pytest.raises(DatabaseDamaged):
        maintenance.backup(db, tmp_path / "b.zip")
    assert not (tmp_path / "b.zip").exists()


def test_passwd_refuses_a_missing_database(db: Database, db_path: Path) -> None:
    db.close()
    db_path.unlink()
    key_before = db.key_path.read_bytes()
    with pytest.raises(NotADatabase, match="No database"):
        maintenance.change_passphrase(db_path, PASSPHRASE, "a brand new passphrase")
    assert db.key_path.read_bytes() == key_before


def test_passwd_refuses_a_damaged_database(damaged: Path) -> None:
    key_path = keyfile.key_file_path(damaged)
    key_before = key_path.read_bytes()
    with pytest.raises(DatabaseDamaged):
        maintenance.change_passphrase(damaged, PASSPHRASE, "a brand new passphrase")
    assert key_path.read_bytes() == key_before


def test_passwd_refuses_a_database_that_is_not_a_database(db: Database, db_path: Path) -> None:
    db.close()
    db_path.write_bytes(b"\x00" * 4096 * 3)
    with pytest.raises(NotADatabase):
        maintenance.change_passphrase(db_path, PASSPHRASE, "a brand new passphrase")
