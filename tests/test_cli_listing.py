"""`casedesk list …` shows the ids the app never does; `casedesk export chronology` prints one child's; both are
recorded in the audit log in the name of the profile's user, not of the program."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from casedesk.cli.main import main
from casedesk.config import DATABASE_ID, PROFILE, Profile
from casedesk.services.demo.load import seed_demo
from casedesk.store import keyfile
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from tests.factories import PASSPHRASE


@pytest.fixture
def demo_db(tmp_path: Path, fast_kdf: keyfile.KdfParams, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)
    path = tmp_path / "case.db"
    with Database.create(path, PASSPHRASE) as db:
        db.put(PROFILE, Profile("Sam Patel", "DSL", "Oakwood Primary"))
        seed_demo(db, children=40, seed=3)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _tsv(capsys: pytest.CaptureFixture[str], db: Path, what: str) -> list[list[str]]:
    code, out, err = run(capsys, "list", what, "--db", str(db), "--tsv")
    assert code == 0, err
    lines = [line.split("\t") for line in out.splitlines()]
    assert lines[0] == ["ID", "NAME", "DATE", "STATUS"]
    return lines[1:]


def test_lists_children_checks_and_referrals_with_their_ids(demo_db: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    children = _tsv(capsys, demo_db, "children")
    with Database.open(demo_db, PASSPHRASE) as db, db.session() as session:
        held = {c.id: c for c in repo.list_children(session)}
    assert {row[0] for row in children} == set(held) and len(children) == 40
    first = held[children[0][0]]
    assert children[0][1:3] == [first.display_name, first.date_of_birth.isoformat()]
    assert [r[1].lower() for r in children] == sorted(r[1].lower() for r in children)
    checks = _tsv(capsys, demo_db, "needs-checks")
    assert checks and all(r[3] == "draft" or r[3].startswith("level ") for r in checks)
    assert [r[2] for r in checks] == sorted((r[2] for r in checks), reverse=True)
    referrals = _tsv(capsys, demo_db, "referrals")
    assert referrals and all(" → " in r[1] for r in referrals)
    code, out, _ = run(capsys, "list", "referrals", "--db", str(demo_db))
    assert code == 0 and out.splitlines()[0].split()[:2] == ["ID", "NAME"] and referrals[0][0] in out
    with Database.open(demo_db, PASSPHRASE) as db, db.session() as session:
        views = [a for a in repo.audit_entries_for(session, [db.get(DATABASE_ID)]) if a.action == "view"]
    assert [a.actor for a in views] == ["Sam Patel"] * 4 and "listed referrals" in (views[-1].reason or "")


def test_an_unknown_list_is_refused(demo_db: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as refused:
        main(["list", "workers", "--db", str(demo_db)])
    assert refused.value.code == 2 and "invalid choice: 'workers'" in capsys.readouterr().err


def test_export_chronology_prints_the_childs_pdf_in_the_users_name(demo_db: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    child_id, name = _tsv(capsys, demo_db, "children")[0][:2]
    out = tmp_path / "chronology.pdf"
    code, said, err = run(capsys, "export", "chronology", "--child", child_id, "--out", str(out), "--db", str(demo_db))
    assert code == 0, err
    assert out.read_bytes().startswith(b"%PDF") and "Saved the chronology" in said
    with Database.open(demo_db, PASSPHRASE) as db, db.session() as session:
        printed = [a for a in repo.audit_entries_for(session, [child_id]) if a.action == "print"]
    assert [a.actor for a in printed] == ["Sam Patel"]
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
        assert name in text and "Sam Patel" in text and "casedesk-cli" not in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "chronology", "--out", "{tmp}/c.pdf"], "Say whose chronology"),
        (["export", "chronology", "--child", "nobody", "--out", "{tmp}/c.pdf"], "No child with id nobody"),
        (["export", "chronology", "--child", "x", "--out", "{tmp}"], "is a folder"),
        (["export", "chronology", "--child", "x", "--out", "{tmp}/c.json"], "does not end in .pdf"),
        (["export", "chronology", "--child", "x", "--format", "json", "--out", "{tmp}/c.pdf"], "leave out --format"),
        (["export", "chronology", "--child", "x", "--for", "nobody", "--out", "{tmp}/c.pdf"], "No organisation nobody"),
        (["export", "directory", "--for", "nobody", "--out", "{tmp}/c.json"], "--for is for"),
        (["export", "--all", "--for", "nobody", "--out", "{tmp}/c.json"], "give --child ID"),
    ],
)
def test_export_chronology_refuses_bad_input_and_writes_nothing(  # type: ignore[no-untyped-def]
    demo_db: Path, tmp_path: Path, capsys, argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, *[a.replace("{tmp}", str(tmp_path)) for a in argv], "--db", str(demo_db))
    assert code != 0 and message in err and "Traceback" not in err
    assert not (tmp_path / "c.pdf").exists() and not (tmp_path / "c.json").exists()


def test_without_a_profile_the_program_is_named(
    tmp_path: Path, fast_kdf: keyfile.KdfParams, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)
    path = tmp_path / "bare.db"
    assert main(["init", "--db", str(path)]) == 0
    assert main(["list", "children", "--db", str(path)]) == 0
    assert "No children recorded." in capsys.readouterr().out
    with Database.open(path, PASSPHRASE) as db, db.session() as session:
        views = [a for a in repo.audit_entries_for(session, [db.get(DATABASE_ID)]) if a.action == "view"]
    assert [a.actor for a in views] == ["casedesk-cli"]


def test_a_reader_that_stops_early_ends_the_command_quietly(demo_db: Path, cli_env: dict[str, str]) -> None:
    # `casedesk list children | head -0`: the reader has gone before the first line is written
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "casedesk", "list", "children", "--db", str(demo_db)],
            env={**cli_env, "CASEDESK_PASSPHRASE": PASSPHRASE},
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (0, "")
    assert not (Path(cli_env["CASEDESK_HOME"]) / "logs").exists()  # nothing unexpected was logged
