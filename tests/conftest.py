"""Shared fixtures: real encrypted database files in temporary folders, with a cheap KDF for speed.

The production Argon2id cost (~0.3 s a guess) is kept for the tests that are about it; elsewhere a
cheap one keeps the suite quick without changing any code path.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from casedesk import site_profile
from casedesk.store import keyfile
from casedesk.store.database import Database
from tests.factories import FAST_KDF, new_database


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real per-user data folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CASEDESK_HOME", str(home))
    monkeypatch.delenv("CASEDESK_PASSPHRASE", raising=False)
    monkeypatch.delenv("CASEDESK_NEW_PASSPHRASE", raising=False)
    # No site profile unless a test writes one: not this machine's /etc/casedesk/site.json, nor the environment's.
    monkeypatch.delenv(site_profile.ENV_VAR, raising=False)
    monkeypatch.setattr(site_profile.loader, "system_path", lambda: home / "no-site.json")


@pytest.fixture
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> keyfile.KdfParams:
    monkeypatch.setattr(keyfile, "DEFAULT_KDF", FAST_KDF)
    return FAST_KDF


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "case.db"


@pytest.fixture
def db(db_path: Path, fast_kdf: keyfile.KdfParams) -> Iterator[Database]:
    database = new_database(db_path)  # a copy of one migrated database per run: see tests/factories.py
    yield database
    database.close()


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["CASEDESK_HOME"] = str(tmp_path / "home")
    env.pop("CASEDESK_PASSPHRASE", None)
    return env
