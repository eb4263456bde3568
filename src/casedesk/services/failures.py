"""What the person at the keyboard is told when something fails, in the app in the command line's words.

A failure a person can act on is already a `CaseDeskError` and is shown as it is. SQLite and the operating system
report a full disk and a database held by another writer as generic errors: those become the same sentences the
command line prints ("The disk is full (N MB free …)", "Another CaseDesk is writing this database …"). Anything
else is an `UnexpectedError` naming the operation, the exception's type, the CaseDesk line it came from and the
log that holds the detail, which records neither the message nor any value (they can carry personal data).
"""

from __future__ import annotations

from pathlib import Path

from casedesk.errorlog import describe_unexpected
from casedesk.errors import CaseDeskError, UnexpectedError
from casedesk.store.failures import explain


def for_user(exc: BaseException, operation: str, db_path: Path | None) -> CaseDeskError:
    """`exc` as an error fit to show: itself when it is a `CaseDeskError`, else explained, else logged."""
    if isinstance(exc, CaseDeskError):
        return exc
    explained = explain(exc, db_path)
    if explained is not None:
        explained.__cause__ = exc
        return explained
    unexpected = UnexpectedError(describe_unexpected(exc, operation))
    unexpected.__cause__ = exc
    return unexpected
