"""A full disk and a busy database are named as such, change nothing, and never turn a good backup into a failure.

The full disk is a real tmpfs of a few megabytes mounted for the test where the machine allows it (as root);
elsewhere the write fails with a simulated `ENOSPC` from the operating system call that writes the archive.
"""

from __future__ import annotations

import errno
import os
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from casedesk.cli.main import main
from casedesk.store import engine as store_engine
from casedesk.store import keyfile
from casedesk.store.database import Database
from casedesk.store.engine import connect_raw
from tests.factories import PASSPHRASE, mount_tmpfs


@pytest.fixture
def small_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on a disk that is nearly full: a real tmpfs where possible, else writes to it fail with ENOSPC."""
    folder = tmp_path / "small-disk"
    mounted = mount_tmpfs(folder, 4)
    if not mounted:

        def full_write(self, filename, arcname=None, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise OSError(errno.ENOSPC, "No space left on device", str(folder / "case.backup"))

        monkeypatch.setattr(zipfile.ZipFile, "write", full_write)
    else:
        # Leave about 64 KB free: far less than a backup of the database below needs.
        free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
        with open(folder / "filler", "wb") as handle:
            handle.write(b"\0" * max(0, free - 64 * 1024))
    yield folder
    if mounted:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _children(db: Database, count: int) -> None:
    with db.unit_of_work("tester") as uow:
        for n in range(count):
            uow.insert("children", {"given_name": f"N{n}", "family_name": "Q" * 200, "date_of_birth": date(2013, 5, 1)})


def test_a_backup_onto_a_full_disk_says_so_and_leaves_nothing(
    db: Database, db_path: Path, small_disk: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _children(db, 500)
    db.close()
    monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)
    out = small_disk / "case.backup"
    before = sorted(p.name for p in small_disk.iterdir())
    assert main(["backup", "--db", str(db_path), "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("casedesk: The disk is full (") and "MB free" in err and len(err.splitlines()) == 1
    assert sorted(p.name for p in small_disk.iterdir()) == before
    assert not any(p.name.endswith(".staging") for p in db_path.parent.iterdir())


def test_an_import_onto_a_full_disk_says_so_and_changes_nothing(
    tmp_path: Path, fast_kdf: keyfile.KdfParams, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "disk"
    if not mount_tmpfs(folder, 3):
        pytest.skip("a real small disk needs root to mount a tmpfs; the backup test covers the simulated case")
    try:
        path = folder / "case.db"
        Database.create(path, PASSPHRASE).close()
        free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
        (folder / "filler").write_bytes(b"\0" * max(0, free - 256 * 1024))
        rows = "".join(f"N{n},{'Q' * 60},2013-05-01,{'Street ' * 10},Town\n" for n in range(2000))
        csv = tmp_path / "children.csv"
        csv.write_text("given_name,family_name,date_of_birth,address_line1,town\n" + rows, encoding="utf-8")
        monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)
        assert main(["import", "children", "--db", str(path), str(csv)]) == 1
        err = capsys.readouterr().err
        assert "The disk is full (" in err and "nothing was changed" in err
        # Nothing is freed: the rollback alone left the database whole and as it was.
        with Database.open(path, PASSPHRASE) as db, db.session() as session:
            assert db.check().ok
            assert session.connection().exec_driver_sql("select count(*) from children").scalar() == 0
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_backup_taken_while_another_process_writes_is_reported_good(
    db: Database, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _children(db, 20)
    key = db._key
    db.close()
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", 100)
    writer = connect_raw(db_path, key)  # another CaseDesk in the middle of a long import
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO settings(key, value) VALUES ('elsewhere', '1')")
    try:
        monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)
        code = main(["backup", "--db", str(db_path), "--out", str(tmp_path / "case.backup")])
        out, err = capsys.readouterr()
        assert code == 0 and "Encrypted backup written" in out
        assert "could not be noted in the audit log" in err and "Another CaseDesk is writing" in err
        code = main(["import", "children", "--db", str(db_path), str(_one_child_csv(tmp_path))])
        err = capsys.readouterr().err.strip()
        assert code == 1
        assert err == (
            "casedesk: Another CaseDesk is writing this database; nothing was changed. Try again when it has finished."
        )
    finally:
        writer.close()  # rolls its transaction back
    restored = tmp_path / "restored" / "case.db"
    assert main(["restore", "--from", str(tmp_path / "case.backup"), "--db", str(restored)]) == 0
    with Database.open(restored, PASSPHRASE) as copy:
        assert copy.check().ok


def _one_child_csv(tmp_path: Path) -> Path:
    csv = tmp_path / "one.csv"
    csv.write_text("given_name,family_name,date_of_birth\nAda,Lovelace,2014-03-02\n", encoding="utf-8")
    return csv
