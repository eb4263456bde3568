"""The `casedesk` command as an admin or a script uses it: clear lines, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from casedesk.cli.main import main
from casedesk.store import keyfile
from casedesk.store.database import Database
from tests.factories import PASSPHRASE, file_digests


@pytest.fixture
def env_passphrase(monkeypatch: pytest.MonkeyPatch, fast_kdf: keyfile.KdfParams) -> None:
    monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_creates_an_encrypted_database(tmp_path: Path, env_passphrase: None, capsys) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "case.db"
    code, out, _ = run(capsys, "init", "--db", str(db))
    assert code == 0 and "Created encrypted database" in out
    assert db.exists() and keyfile.key_file_path(db).exists()
    assert not db.read_bytes().startswith(b"SQLite format 3")


def test_passphrase_from_a_file(tmp_path: Path, fast_kdf: keyfile.KdfParams, capsys) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.txt"
    secret.write_text(PASSPHRASE + "\n")
    code, _, _ = run(capsys, "init", "--db", str(tmp_path / "c.db"), "--passphrase-file", str(secret))
    assert code == 0
    Database.open(tmp_path / "c.db", PASSPHRASE).close()


def test_no_passphrase_is_a_clear_error(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, "init", "--db", str(tmp_path / "c.db"))
    assert code == 1 and "No passphrase given" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["passwd"],
        ["backup", "--out", "{tmp}/b.zip"],
        ["audit", "verify"],
        ["export", "--all", "--out", "{tmp}/x.json"],
        ["demo", "--children", "2"],
    ],
)
def test_wrong_passphrase_exits_2_with_one_line_on_every_command(
    tmp_path: Path,
    fast_kdf: keyfile.KdfParams,
    monkeypatch: pytest.MonkeyPatch,
    capsys,
    argv: list[str],  # type: ignore[no-untyped-def]
) -> None:
    db = tmp_path / "case.db"
    Database.create(db, PASSPHRASE).close()
    monkeypatch.setenv("CASEDESK_PASSPHRASE", "definitely wrong")
    monkeypatch.setenv("CASEDESK_NEW_PASSPHRASE", "another passphrase")
    before = file_digests(tmp_path)
    args = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, _, err = run(capsys, *args, "--db", str(db))
    assert code == 2
    assert err.strip() == "casedesk: Wrong passphrase: the database was not unlocked."
    assert file_digests(tmp_path) == before


def test_wrong_passphrase_in_a_real_process_prints_no_traceback(tmp_path: Path, cli_env: dict[str, str]) -> None:
    db = tmp_path / "case.db"
    cli_env["CASEDESK_PASSPHRASE"] = PASSPHRASE
    subprocess.run(
        [sys.executable, "-m", "casedesk", "init", "--db", str(db)], env=cli_env, check=True, capture_output=True
    )
    cli_env["CASEDESK_PASSPHRASE"] = "wrong wrong wrong"
    result = subprocess.run(
        [sys.executable, "-m", "casedesk", "audit", "verify", "--db", str(db)],
        env=cli_env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["casedesk: Wrong passphrase: the database was not unlocked."]
    assert "Traceback" not in result.stderr


def test_passwd_backup_restore_wipe(tmp_path: Path, env_passphrase: None, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "case.db"
    assert run(capsys, "init", "--db", str(db))[0] == 0
    monkeypatch.setenv("CASEDESK_NEW_PASSPHRASE", "the second passphrase")
    assert run(capsys, "passwd", "--db", str(db))[0] == 0
    monkeypatch.setenv("CASEDESK_PASSPHRASE", "the second passphrase")
    code, out, _ = run(capsys, "backup", "--db", str(db), "--out", str(tmp_path / "case.backup"))
    assert code == 0 and "same passphrase" in out
    restored = tmp_path / "again" / "case.db"
    assert run(capsys, "restore", "--from", str(tmp_path / "case.backup"), "--db", str(restored))[0] == 0
    Database.open(restored, "the second passphrase").close()
    code, _, err = run(capsys, "wipe", "--db", str(db))
    assert code == 1 and "--yes" in err and db.exists()
    code, out, _ = run(capsys, "wipe", "--db", str(db), "--yes")
    assert code == 0 and not db.exists() and not keyfile.key_file_path(db).exists()


def test_audit_verify_reports_where_the_chain_breaks(tmp_path: Path, env_passphrase: None, capsys) -> None:  # type: ignore[no-untyped-def]
    db_file = tmp_path / "case.db"
    with Database.create(db_file, PASSPHRASE) as db, db.unit_of_work("alice") as uow:
        for name in ("Ada", "Bo", "Cy"):
            uow.insert("organisations", {"name": name, "kind": "school"})
    code, out, _ = run(capsys, "audit", "verify", "--db", str(db_file))
    assert code == 0 and "intact: 3 entries" in out
    with Database.open(db_file, PASSPHRASE) as db, db.session() as session:
        session.execute(text("drop trigger audit_log_append_only"))
        session.execute(text("update audit_log set after = '{}' where seq = 2"))
        session.commit()
    code, _, err = run(capsys, "audit", "verify", "--db", str(db_file))
    assert code == 1 and "BROKEN at entry 2" in err


def test_export_of_one_child_and_of_everything(tmp_path: Path, env_passphrase: None, capsys) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    db_file = tmp_path / "case.db"
    with Database.create(db_file, PASSPHRASE) as db, db.unit_of_work("alice") as uow:
        child_id = uow.insert(
            "children", {"given_name": "Ottilie", "family_name": "Marsh", "date_of_birth": date(2014, 6, 7)}
        )
        uow.insert(
            "status_periods", {"child_id": child_id, "kind": "free_school_meals", "start_date": date(2020, 9, 1)}
        )
    out_file = tmp_path / "child.json"
    code, _, _ = run(capsys, "export", "--db", str(db_file), "--child", child_id, "--out", str(out_file))
    assert code == 0
    document = json.loads(out_file.read_text())
    [bundle] = document["children"]
    assert bundle["child"]["given_name"] == "Ottilie"
    assert bundle["status_periods"][0]["kind"] == "free_school_meals"
    assert any(a["action"] == "create" for a in bundle["audit"])
    code, _, err = run(capsys, "export", "--db", str(db_file), "--child", "no-such-id", "--out", str(out_file))
    assert code == 1 and "No child" in err
    code, _, _ = run(capsys, "export", "--db", str(db_file), "--all", "--out", str(tmp_path / "all.json"))
    assert code == 0 and len(json.loads((tmp_path / "all.json").read_text())["children"]) == 1


def test_selftest_passes(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "selftest")
    assert code == 0, out
    assert "All checks passed." in out
