"""Backup and restore files: private modes, a damaged archive named as such, and no temporary copy left behind."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from casedesk.errors import NotADatabase
from casedesk.store import keyfile, maintenance, staging
from casedesk.store.database import Database
from tests.factories import PASSPHRASE, REPO_ROOT


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_backup_and_restored_key_file_are_readable_by_the_owner_only(db: Database, tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        out = maintenance.backup(db, tmp_path / "case.backup")
        db.close()
        restored = tmp_path / "restored" / "case.db"
        maintenance.restore(out, restored, PASSPHRASE)
    finally:
        os.umask(old_umask)
    assert _mode(out) == 0o600
    assert _mode(keyfile.key_file_path(restored)) == 0o600
    assert _mode(restored) == 0o600


def test_a_corrupt_member_in_a_backup_is_a_clear_error_and_restores_nothing(db: Database, tmp_path: Path) -> None:
    out = maintenance.backup(db, tmp_path / "case.backup")
    db.close()
    with zipfile.ZipFile(out) as archive:
        info = archive.getinfo("casedesk.db")
    data = bytearray(out.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 5000
    data[start : start + 4] = b"\xde\xad\xbe\xef"
    out.write_bytes(bytes(data))
    target = tmp_path / "restored" / "case.db"
    with pytest.raises(NotADatabase, match="is damaged"):
        maintenance.restore(out, target, PASSPHRASE)
    assert sorted(target.parent.iterdir()) == []


_SLOW_BACKUP = """
import os, sys, time
from pathlib import Path
from casedesk.store import maintenance
from casedesk.store.database import Database
db = Database.open(Path(sys.argv[1]), "correct horse battery")
real = db.export_encrypted_copy
def copy_then_wait(destination):
    real(destination)
    print("copied", flush=True)
    time.sleep(60)
db.export_encrypted_copy = copy_then_wait
maintenance.backup(db, Path(sys.argv[2]))
"""


def _kill_a_backup_after_its_copy(db_path: Path, out: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT / "src"))
    child = subprocess.Popen(
        [sys.executable, "-c", _SLOW_BACKUP, str(db_path), str(out)], env=env, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "copied"
    child.send_signal(signal.SIGKILL)
    child.wait()


def _hidden_copies(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and (p.name == "casedesk.db" or "staging" in str(p))]


def test_a_killed_backup_leaves_a_copy_the_next_backup_removes(db: Database, db_path: Path, tmp_path: Path) -> None:
    db.close()
    _kill_a_backup_after_its_copy(db_path, tmp_path / "first.backup")
    assert _hidden_copies(tmp_path), "the kill should have left the staged copy"
    assert not (tmp_path / "first.backup").exists()
    with Database.open(db_path, PASSPHRASE) as again:
        maintenance.backup(again, tmp_path / "second.backup")
    assert _hidden_copies(tmp_path) == []


def test_wipe_removes_the_temporary_copies_of_a_killed_backup(db: Database, db_path: Path, tmp_path: Path) -> None:
    db.close()
    _kill_a_backup_after_its_copy(db_path, tmp_path / "first.backup")
    assert _hidden_copies(tmp_path)
    maintenance.wipe(db_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_copy_recorded_on_another_disk_is_removed_after_a_kill(db: Database, db_path: Path, tmp_path: Path) -> None:
    """A backup to another disk copies the archive there under a hidden name; it is recorded before it is made."""
    db.close()
    other_disk = tmp_path / "usb"
    other_disk.mkdir()
    hidden = other_disk / ".case.backup.partial-99999999"
    area = staging.staging_root(db_path) / "99999999-dead"
    area.mkdir(parents=True)
    staging.StagingArea(area).record_outside(hidden)
    hidden.write_bytes(b"half an archive")
    assert staging.clean_stale(db_path) == 1
    assert not hidden.exists() and not staging.staging_root(db_path).exists()
