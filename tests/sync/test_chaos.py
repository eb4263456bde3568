"""A short chaos run in the suite (see tests/sync/chaos.py; `make chaos ROUNDS=…` runs a long one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from casedesk.store import keyfile
from tests.sync.chaos import run

pytestmark = pytest.mark.slow


def test_a_short_chaos_run_converges_with_every_change_accounted_for(
    tmp_path: Path, fast_kdf: keyfile.KdfParams, fast_passwords: None
) -> None:
    figures = run(rounds=3, seed=20261130, folder=tmp_path)
    assert figures.problems == [], "\n".join(figures.problems)
    assert figures.rounds == 3 and figures.applied > 0
