"""`casedesk meeting-outcomes` prints the meeting and plan counts with small numbers suppressed, as text or TSV;
a bad date is refused with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from casedesk.cli.main import main
from casedesk.services.demo.load import seed_demo
from casedesk.store import keyfile
from casedesk.store.database import Database
from tests.factories import PASSPHRASE


@pytest.fixture
def demo_db(tmp_path: Path, fast_kdf: keyfile.KdfParams, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)
    path = tmp_path / "case.db"
    with Database.create(path, PASSPHRASE) as db:
        seed_demo(db, children=60, seed=4, attendance=False)
    return path


def test_outcomes_as_text_and_tsv(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["meeting-outcomes", "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert "Decisions made" in out and "Plan actions" in out and "c: withheld" in out
    assert main(["meeting-outcomes", "--db", str(demo_db), "--tsv"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert rows[0] == ["table", "row", "count"]
    counts = [row[2] for row in rows[1:-1]]
    assert counts and all(c == "c" or int(c.replace(",", "")) == 0 or int(c.replace(",", "")) >= 5 for c in counts)
    assert rows[-1][0] == "Actions done by their due date"


def test_a_bad_date_is_refused(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["meeting-outcomes", "--db", str(demo_db), "--since", "last week"])
    assert stopped.value.code == 2
    assert "not a date (YYYY-MM-DD): 'last week'" in capsys.readouterr().err
