"""Re-running the demo on another day is refused like a re-run on the same day: children are never duplicated."""

from __future__ import annotations

from datetime import date

import pytest

from casedesk.errors import ValidationError
from casedesk.services.demo.load import seed_demo
from casedesk.store import repositories as repo
from casedesk.store.database import Database


def test_the_demo_rerun_the_next_day_is_refused_and_adds_nothing(db: Database) -> None:
    seed_demo(db, children=6, seed=1, today=date(2026, 3, 2))
    with db.session() as session:
        held = len(repo.child_ids(session))
    with pytest.raises(ValidationError, match="already holds the demo data for seed 1"):
        seed_demo(db, children=6, seed=1, today=date(2026, 3, 3))
    with db.session() as session:
        assert len(repo.child_ids(session)) == held
    seed_demo(db, children=3, seed=2, today=date(2026, 3, 3))  # another seed is still welcome
    with db.session() as session:
        assert len(repo.child_ids(session)) == held + 3
