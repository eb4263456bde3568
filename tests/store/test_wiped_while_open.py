"""A database wiped by another process while open here: nothing more is written to the deleted files."""

from __future__ import annotations

from pathlib import Path

import pytest

from casedesk import config
from casedesk.config import Profile
from casedesk.errors import KeyFileError
from casedesk.store import maintenance
from casedesk.store.database import Database


def test_writes_stop_once_the_key_file_is_gone(db: Database, db_path: Path) -> None:
    with db.unit_of_work("tester") as uow:
        uow.insert("organisations", {"name": "Ash", "kind": "school"})
    maintenance.wipe(db_path)  # as `casedesk wipe` in another process would
    assert not db.key_file_present()
    with pytest.raises(KeyFileError, match="is gone"), db.unit_of_work("tester") as uow:
        uow.insert("organisations", {"name": "Beech", "kind": "school"})
    with pytest.raises(KeyFileError):
        db.put(config.PROFILE, Profile(name="x", role="", organisation=""))
    assert sorted(p.name for p in db_path.parent.iterdir()) == []
