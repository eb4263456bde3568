"""Kill -9 at random points (seeded, bounded) of a real `casedesk init`, `import children` and `backup`.

Each command runs in its own process and is killed after a delay drawn from the time an uninterrupted run takes.
Afterwards the database opens, passes `casedesk check` (every page, structure, audit chain, search index) and
holds all of the import or none of it; an interrupted backup is absent or restorable, and its temporary copies are
gone after the next backup.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from casedesk.store import keyfile, maintenance
from casedesk.store.database import Database
from tests.factories import PASSPHRASE, REPO_ROOT

pytestmark = pytest.mark.slow  # kills a real process at every step

ROUNDS = 3  # per command: 9 kills in all
SEED = 20261130
CHILDREN = 300


def _env(tmp_path: Path) -> dict[str, str]:
    return dict(
        os.environ, PYTHONPATH=str(REPO_ROOT / "src"), CASEDESK_PASSPHRASE=PASSPHRASE, CASEDESK_HOME=str(tmp_path)
    )


def _casedesk(*args: str) -> list[str]:
    return [sys.executable, "-m", "casedesk", *args]


def _timed_run(argv: list[str], env: dict[str, str]) -> float:
    started = time.monotonic()
    subprocess.run(argv, env=env, check=True, capture_output=True)
    return time.monotonic() - started


def _kill_point(rng: random.Random, startup: float, whole_run: float) -> float:
    """A delay after the interpreter has started (kills before then test nothing) and before the run would end."""
    return rng.uniform(startup, max(startup, whole_run))


def _killed_run(argv: list[str], env: dict[str, str], delay: float) -> int:
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        child.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)
    return child.wait()


def _children_csv(path: Path) -> Path:
    lines = ["given_name,family_name,date_of_birth"]
    lines += [f"Name{n},Family{n},2012-0{1 + n % 9}-1{n % 9}" for n in range(CHILDREN)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _whole(path: Path) -> int:
    """Open, run the full check, and return how many children the database holds."""
    with Database.open(path, PASSPHRASE) as db:
        report = db.check()
        assert report.ok, report.describe()
        with db.session() as session:
            return int(session.connection().exec_driver_sql("select count(*) from children").scalar() or 0)


def test_kill_anywhere_in_init_import_and_backup(tmp_path: Path, fast_kdf: keyfile.KdfParams) -> None:
    rng = random.Random(SEED)
    env = _env(tmp_path)

    startup = _timed_run(_casedesk("--version"), env)
    init_time = _timed_run(_casedesk("init", "--db", str(tmp_path / "probe.db")), env)
    for n in range(ROUNDS):
        path = tmp_path / f"init{n}.db"
        _killed_run(_casedesk("init", "--db", str(path)), env, _kill_point(rng, startup, init_time))
        if path.exists():
            assert _whole(path) == 0
        else:  # nothing usable was left, and init succeeds where it was interrupted
            subprocess.run(_casedesk("init", "--db", str(path)), env=env, check=True, capture_output=True)
            assert _whole(path) == 0

    csv = _children_csv(tmp_path / "children.csv")
    db_path = tmp_path / "case.db"
    Database.create(db_path, PASSPHRASE).close()
    reference = tmp_path / "reference.db"
    Database.create(reference, PASSPHRASE).close()
    import_time = _timed_run(_casedesk("import", "children", "--db", str(reference), str(csv)), env)
    for n in range(ROUNDS):
        path = tmp_path / f"import{n}.db"
        Database.create(path, PASSPHRASE).close()
        _killed_run(
            _casedesk("import", "children", "--db", str(path), str(csv)), env, _kill_point(rng, startup, import_time)
        )
        assert _whole(path) in (0, CHILDREN)

    backup_time = _timed_run(_casedesk("backup", "--db", str(reference), "--out", str(tmp_path / "probe.zip")), env)
    for n in range(ROUNDS):
        out = tmp_path / f"backup{n}.zip"
        _killed_run(
            _casedesk("backup", "--db", str(reference), "--out", str(out)), env, _kill_point(rng, startup, backup_time)
        )
        assert _whole(reference) == CHILDREN
        if out.exists():
            maintenance.restore(out, tmp_path / f"restored{n}" / "case.db", PASSPHRASE)
            assert _whole(tmp_path / f"restored{n}" / "case.db") == CHILDREN
    with Database.open(reference, PASSPHRASE) as db:
        maintenance.backup(db, tmp_path / "final.zip")
    leftovers = [p.name for p in tmp_path.iterdir() if "staging" in p.name or ".partial" in p.name]
    assert leftovers == []
    assert not [p for p in tmp_path.iterdir() if ".init-" in p.name or p.name.endswith(".tmp")]
