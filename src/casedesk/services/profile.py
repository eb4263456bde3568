"""Who uses this database, for the command line: the name in the profile set up on first run.

The app reads the whole profile when it unlocks; the command line needs only the name, so that what it does
(exports above all, which are disclosures) is recorded in the audit log and on the printed page as done by that
person, not by a program.
"""

from __future__ import annotations

from casedesk.config import PROFILE
from casedesk.store.database import Database

NO_PROFILE_ACTOR = "casedesk-cli"  # a database made with `casedesk init` has no profile until the app sets one


def user_name(db: Database) -> str:
    """The profile's user, or "casedesk-cli" for a database without a profile."""
    stored = db.get_setting(PROFILE.key)
    return PROFILE.decode(stored).name.strip() if stored else NO_PROFILE_ACTOR
