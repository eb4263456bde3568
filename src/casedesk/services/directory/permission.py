"""Whether this device's user may change the area's directory, needs taxonomy and guidance.

The server decides (`casedesk.server.auth.may_manage_directory`: administrators, and users given the
directory-manager permission) and refuses anyone else's change; it tells each device at enrolment and every sync
round. The device follows it so nobody drafts edits that can only be refused: the editor is hidden and publishing,
taxonomy changes and imports are refused up front. A device enrolled with no server decides nothing for it: its
user owns the whole database, so the editor stays available.
"""

from __future__ import annotations

from casedesk import config
from casedesk.errors import ValidationError
from casedesk.store.database import Database

REFUSED = (
    "Your account may not change the directory or guidance: ask your administrator for the directory-manager "
    "permission (casedesk-server admin user directory-manager)."
)


def may_manage(db: Database) -> bool:
    return not db.get(config.SERVER_URL) or bool(db.get(config.MANAGES_DIRECTORY))


def require_manager(db: Database) -> None:
    """Raise before writing anything when the server would refuse the change."""
    if not may_manage(db):
        raise ValidationError(REFUSED, [("permission", "not a directory manager")])
