"""What every view shares: the open collection (or none, while locked), the task runner and the user's profile.

Views never hold the database or the collection themselves: they run operations through the task runner, which
asks this context for the collection when each one starts. Locking drops it here and closes it on the database
thread after the work already queued, so a queued operation either finishes first or stops with `Locked`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from casedesk.config import Profile
from casedesk.errors import Locked
from casedesk.services.collection import Collection
from casedesk.site_profile import Policy
from casedesk.ui.tasks import TaskRunner

__all__ = ["AppContext", "Locked", "Profile"]
log = logging.getLogger(__name__)


class AppContext:
    def __init__(self, db_path: Path, runner: TaskRunner) -> None:
        self.db_path = db_path
        self.runner = runner
        self._col: Collection | None = None
        self.profile = Profile.from_setting(None)
        self.policy = Policy()  # the policy in force once unlocked (the collection's; see ui/policy_keeper.py)
        runner.bind(lambda: self.col)
        runner.database_path = db_path

    # -- lock state --------------------------------------------------------------------------------------------
    @property
    def col(self) -> Collection:
        """The open collection; raises `Locked` while the app is locked."""
        if self._col is None:
            raise Locked()
        return self._col

    @property
    def unlocked(self) -> bool:
        return self._col is not None

    def attach(self, opened: tuple[Collection, Profile]) -> None:
        """Called on the UI thread with what `open_collection` returned on the database thread."""
        self._col, self.profile = opened
        self.policy = self._col.policy
        self._col.use_database_thread(self.runner.call_db)
        log.info("unlocked")

    def key_file_gone(self) -> bool:
        """True while unlocked once the key file has disappeared (the database was wiped from elsewhere). Never for
        a collection already closed: a restore moves the files only after closing it, and must not be locked out."""
        return self._col is not None and not self._col.closed and not self._col.key_file_present()

    def damage_notice(self) -> str | None:
        """Why the open database refuses changes and how to recover, when the unlock check found damage."""
        return None if self._col is None else self._col.damage_notice()

    def lock(self) -> None:
        """Drop the key and every connection, after the work already queued on the database thread."""
        col, self._col = self._col, None
        if col is not None:
            log.info("locked")
            self.runner.run_db(col.close)
