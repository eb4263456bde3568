"""Nothing personal is ever written in clear: not in the database, its WAL or journal, the key file, or output."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from casedesk.store import repositories as repo
from casedesk.store.database import Database
from tests.factories import PASSPHRASE


def _identifying_strings(db: Database) -> set[str]:
    with db.session() as session:
        children = repo.list_children(session)
    found: set[str] = set()
    for child in children:
        found.update(s for s in (child.given_name, child.family_name) if len(s) >= 5)
        found.update(s for s in (child.upn, child.nhs_number, child.postcode) if s)
    return found


def _files_containing(folder: Path, needles: set[str]) -> list[tuple[str, str]]:
    hits = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits.extend((path.name, n) for n in needles if n.encode("utf-8") in data or n.encode("utf-16-le") in data)
    return hits


def test_demo_leaves_no_plaintext_anywhere(tmp_path: Path, cli_env: dict[str, str]) -> None:
    data_dir = tmp_path / "data"
    cli_env["CASEDESK_PASSPHRASE"] = PASSPHRASE
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "casedesk",
            "demo",
            "--db",
            str(data_dir / "case.db"),
            "--children",
            "40",
            "--seed",
            "7",
        ],
        env=cli_env,
        capture_output=True,
        text=True,
        check=True,
    )
    with Database.open(data_dir / "case.db", PASSPHRASE) as db:
        needles = _identifying_strings(db)
        # While the database is open its WAL holds recent pages too: they must be encrypted as well.
        with db.unit_of_work("tester") as uow:
            uow.insert(
                "children",
                {
                    "given_name": "Wilhelmina",
                    "family_name": "Okonkwo-Brandt",
                    "date_of_birth": date(2012, 1, 2),
                    "upn": "B801200005001",
                },
            )
        assert any(p.name.endswith("-wal") for p in data_dir.iterdir())
        assert _files_containing(data_dir, {"Wilhelmina", "Okonkwo-Brandt", "B801200005001"}) == []
    assert len(needles) > 100
    assert _files_containing(data_dir, needles) == []
    home = Path(cli_env["CASEDESK_HOME"])
    if home.exists():
        assert _files_containing(home, needles) == []
    output = result.stdout + result.stderr
    assert [n for n in needles if n in output] == []
