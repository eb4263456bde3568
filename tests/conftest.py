"""Shared fixtures: real encrypted database files in temporary folders, with a cheap KDF for speed.

The production Argon2id cost (~0.3 s a guess) is kept for the tests that are about it; elsewhere a
cheap one keeps the suite quick without changing any code path.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from casedesk.store import keyfile
from casedesk.store.database import Database

FAST_KDF = keyfile.KdfParams(time_cost=1, memory_cost_kib=8192, parallelism=1)
PASSPHRASE = "correct horse battery"
REPO_ROOT = Path(__file__).resolve().parent.parent
# Public reference data the tests read (ORUK examples, an HSDS package, validator responses), vendored with their
# licences and sources (tests/data/SOURCES.md) so a fresh clone tests the same files everywhere.
SHARED_DATA = REPO_ROOT / "tests" / "data"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real per-user data folder."""
    monkeypatch.setenv("CASEDESK_HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.delenv("CASEDESK_PASSPHRASE", raising=False)
    monkeypatch.delenv("CASEDESK_NEW_PASSPHRASE", raising=False)


@pytest.fixture
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> keyfile.KdfParams:
    monkeypatch.setattr(keyfile, "DEFAULT_KDF", FAST_KDF)
    return FAST_KDF


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "case.db"


@pytest.fixture
def db(db_path: Path, fast_kdf: keyfile.KdfParams) -> Iterator[Database]:
    database = Database.create(db_path, PASSPHRASE)
    yield database
    database.close()


def file_digests(folder: Path) -> dict[str, bytes]:
    """Every file's bytes in a folder, to prove an operation changed nothing."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["CASEDESK_HOME"] = str(tmp_path / "home")
    env.pop("CASEDESK_PASSPHRASE", None)
    return env
