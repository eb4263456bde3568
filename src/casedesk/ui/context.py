"""What every view shares: the open database (or none, while locked), the task runner and the user's profile.

Views never hold the Database themselves: locking drops it here, and every call checks it is still open.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casedesk.errors import CaseDeskError
from casedesk.services.caseload import CaseloadData, load_caseload_data
from casedesk.services.children import ChildrenService
from casedesk.store.database import Database
from casedesk.ui.tasks import TaskRunner

PROFILE_KEY = "profile"
DEFAULT_IDLE_MINUTES = 10


class Locked(CaseDeskError):
    """The app is locked: nothing can be read until the user unlocks it."""


@dataclass
class Profile:
    name: str
    role: str
    organisation: str
    organisation_kind: str = "school"
    idle_minutes: int = DEFAULT_IDLE_MINUTES

    @classmethod
    def from_setting(cls, value: Any) -> Profile:
        value = value or {}
        return cls(
            name=value.get("name") or "CaseDesk user",
            role=value.get("role") or "",
            organisation=value.get("organisation") or "",
            organisation_kind=value.get("organisation_kind") or "school",
            idle_minutes=int(value.get("idle_minutes") or DEFAULT_IDLE_MINUTES),
        )

    def to_setting(self) -> dict[str, Any]:
        return dict(self.__dict__)


def open_database(path: Path, passphrase: str) -> tuple[Database, Profile]:
    """Unlock (Argon2id takes ~0.3 s: run it on the database thread) and read the profile."""
    db = Database.open(path, passphrase)
    return db, Profile.from_setting(db.get_setting(PROFILE_KEY))


def create_database(path: Path, passphrase: str, profile: Profile, demo_children: int = 0) -> tuple[Database, Profile]:
    """First run: a new encrypted database, the user's profile and organisation, and optional demo data."""
    db = Database.create(path, passphrase)
    db.set_setting(PROFILE_KEY, profile.to_setting())
    with db.unit_of_work(profile.name) as uow:
        uow.insert("organisations", {"name": profile.organisation, "kind": profile.organisation_kind})
    if demo_children:
        from casedesk.services.demo.load import seed_demo

        seed_demo(db, children=demo_children, seed=1)
    return db, profile


class AppContext:
    def __init__(self, db_path: Path, runner: TaskRunner) -> None:
        self.db_path = db_path
        self.runner = runner
        self._db: Database | None = None
        self.profile = Profile.from_setting(None)

    # -- lock state --------------------------------------------------------------------------------------------
    @property
    def db(self) -> Database:
        if self._db is None:
            raise Locked("CaseDesk is locked.")
        return self._db

    @property
    def unlocked(self) -> bool:
        return self._db is not None

    def attach(self, opened: tuple[Database, Profile]) -> None:
        """Called on the UI thread with what `open_database` returned on the database thread."""
        self._db, self.profile = opened

    def lock(self) -> None:
        """Drop the key and every connection. Pending work finishes first (it runs on the database thread)."""
        db, self._db = self._db, None
        if db is not None:
            self.runner.run_db(db.close)

    # -- services (called from the database thread) ------------------------------------------------------------
    @property
    def children(self) -> ChildrenService:
        return ChildrenService(self.db, self.profile.name)

    def load_caseload(self) -> CaseloadData:
        return load_caseload_data(self.db)
