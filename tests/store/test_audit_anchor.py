"""A lost tail of the audit chain is detected: the anchor beside the database remembers the newest entry."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from casedesk.cli.main import main
from casedesk.store import anchor
from casedesk.store.database import Database
from tests.factories import PASSPHRASE


def _add_schools(db: Database, *names: str) -> None:
    for name in names:
        with db.unit_of_work("tester") as uow:
            uow.insert("organisations", {"name": name, "kind": "school"})


def test_losing_the_latest_commits_with_the_wal_is_detected(db: Database, db_path: Path, tmp_path: Path) -> None:
    _add_schools(db, "Ash", "Beech")
    db.close()  # checkpointed: the two entries are in the main file
    saved = tmp_path / "saved"
    saved.mkdir()
    with Database.open(db_path, PASSPHRASE) as again:
        again.engine.dispose()
        keep = again.engine.raw_connection()  # hold a connection open so the WAL is not checkpointed at close
        _add_schools(again, "Cedar", "Damson")
        for file in db_path.parent.glob(db_path.name + "*"):
            if file.is_file():
                shutil.copy2(file, saved / file.name)
        keep.close()
    # Put back the main file as it was before the last commits, with the WAL deleted (what a crash and a
    # careless clean-up leave), but the anchor of the newest state.
    (saved / f"{db_path.name}-wal").unlink()
    (saved / f"{db_path.name}-shm").unlink(missing_ok=True)
    for file in db_path.parent.glob(db_path.name + "*"):
        if file.is_file():
            file.unlink()
    for file in saved.iterdir():
        shutil.copy2(file, db_path.parent / file.name)
    with Database.open(db_path, PASSPHRASE) as lost:
        report = lost.verify_audit()
        assert not report.ok and report.entries == 2
        assert "the last 2 audit entries are missing" in (report.problem or "")
        assert not lost.check().ok


def test_audit_verify_on_the_command_line_names_the_missing_tail(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _add_schools(db, "Ash")
    assert db.verify_audit().ok
    anchor.write_anchor(db_path, db._key, db.database_id, 3, "f" * 64)  # as if two later entries were lost
    db.close()
    monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)
    assert main(["audit", "verify", "--db", str(db_path)]) == 1
    assert "the last 2 audit entries are missing" in capsys.readouterr().err


def test_an_anchor_from_another_database_or_edited_is_not_trusted(db: Database, db_path: Path, tmp_path: Path) -> None:
    _add_schools(db, "Ash", "Beech")
    path = anchor.anchor_path(db_path)
    path.write_text(path.read_text().replace('"seq": 2', '"seq": 1'))
    report = db.verify_audit()
    assert not report.ok and "not written for this database" in (report.problem or "")


def test_every_commit_moves_the_anchor_and_a_whole_database_passes(db: Database, db_path: Path) -> None:
    _add_schools(db, "Ash", "Beech", "Cedar")
    tip = anchor.read_anchor(db_path, db._key, db.database_id)
    assert tip is not None and tip.seq == 3
    assert db.verify_audit().ok and db.check().ok


def test_a_process_killed_while_writing_the_anchor_leaves_no_temp_file_for_long(db: Database, db_path: Path) -> None:
    """A kill between writing the anchor's temp file and renaming it leaves `NAME.anchor.PID.tmp`: the next open
    removes it when PID no longer runs, keeps a running writer's, and `wipe` removes any."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    db.close()
    stale = db_path.with_name(f"{db_path.name}.anchor.{dead.pid}.tmp")
    live = db_path.with_name(f"{db_path.name}.anchor.{os.getpid()}.tmp")
    stale.write_text("{}")
    live.write_text("{}")
    Database.open(db_path, PASSPHRASE).close()
    assert not stale.exists()
    assert live.exists()
    assert main(["wipe", "--db", str(db_path), "--yes"]) == 0
    assert not live.exists()
