"""The whole-database export streams to its file: the same document as before, no partial file on failure and no
disclosure recorded in the audit unless the file was written."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from casedesk.services.demo.load import seed_demo
from casedesk.services.export import export_all, write_export
from casedesk.store.database import Database
from casedesk.store.journal.wire_values import to_json_value


def _exports_in_audit(db: Database) -> int:
    with db.session() as session:
        return int(
            session.connection().exec_driver_sql("select count(*) from audit_log where action = 'export'").scalar() or 0
        )


def test_the_streamed_export_is_the_whole_document(db: Database, tmp_path: Path) -> None:
    seed_demo(db, children=12, seed=3)
    out = tmp_path / "all.json"
    assert write_export(db, out, "tester") == 12
    streamed = json.loads(out.read_text(encoding="utf-8"))
    built = json.loads(json.dumps(to_json_value(export_all(db, "tester"))))
    for document in (streamed, built):
        document.pop("exported_at")
    assert streamed == built
    assert oct(out.stat().st_mode & 0o777) == oct(0o600)


def test_the_caseload_is_read_in_pages_into_the_same_document(db: Database, tmp_path: Path) -> None:
    seed_demo(db, children=12, seed=3)
    documents = []
    for page in (1000, 5, 4, 1):  # one page; pages of 5, 5, 2; pages ending exactly at the last child; one by one
        out = tmp_path / f"all-{page}.json"
        assert write_export(db, out, "tester", page=page) == 12
        document = json.loads(out.read_text(encoding="utf-8"))
        document.pop("exported_at")
        documents.append(document)
    assert all(document == documents[0] for document in documents[1:])
    ids = [bundle["child"]["id"] for bundle in documents[0]["children"]]
    assert ids == sorted(ids) and len(set(ids)) == 12


def test_a_failed_write_leaves_no_file_and_no_disclosure(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_demo(db, children=5, seed=3)
    before = _exports_in_audit(db)
    out = tmp_path / "out" / "all.json"
    out.parent.mkdir()
    real_fsync = os.fsync

    def full_disk(fd: int) -> None:
        if os.readlink(f"/proc/self/fd/{fd}").startswith(str(out.parent)):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        write_export(db, out, "tester")
    monkeypatch.undo()
    assert list(out.parent.iterdir()) == []
    assert _exports_in_audit(db) == before


def test_a_failed_export_on_a_full_disk_is_named_on_the_command_line(
    db: Database, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from casedesk.cli.main import main
    from tests.factories import PASSPHRASE, mount_tmpfs

    seed_demo(db, children=40, seed=3)
    db.close()
    disk = tmp_path / "disk"
    if not mount_tmpfs(disk, 1):
        pytest.skip("needs root to mount a small tmpfs; the test above simulates ENOSPC")
    try:
        monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)
        assert main(["export", "--all", "--db", str(db_path), "--out", str(disk / "all.json")]) == 1
        assert "The disk is full (" in capsys.readouterr().err
        assert list(disk.iterdir()) == []
        with Database.open(db_path, PASSPHRASE) as again:
            assert _exports_in_audit(again) == 0
    finally:
        import subprocess

        subprocess.run(["umount", "-l", str(disk)], check=False)
