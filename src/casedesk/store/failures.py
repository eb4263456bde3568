"""What a failure of the disk or of SQLite means to the person at the keyboard.

SQLite reports a full disk and a database held by another writer as generic `OperationalError`s, and the
operating system as an `OSError`; shown raw they read "unexpected error". `explain` turns the ones a user can act
on into a sentence (how much space is left, or that another CaseDesk is writing) and returns None for the rest,
which stay unexpected. Both leave the database unchanged: SQLite rolls the transaction back.
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import sqlcipher3

from casedesk.errors import CaseDeskError, StorageError

_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_FULL_MESSAGES = ("database or disk is full", "no space left on device", "disk quota exceeded")
_BUSY_MESSAGES = ("database is locked", "database table is locked", "database is busy")


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception, what SQLAlchemy wrapped (`.orig`) and what it was raised from, outermost first."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else (current.__cause__ or current.__context__)
    return seen


def is_disk_full(exc: BaseException) -> bool:
    for cause in _causes(exc):
        if isinstance(cause, OSError) and cause.errno in _FULL_ERRNOS:
            return True
        if isinstance(cause, sqlcipher3.dbapi2.Error) and any(m in str(cause).lower() for m in _FULL_MESSAGES):
            return True
    return False


def is_busy(exc: BaseException) -> bool:
    return any(
        isinstance(cause, sqlcipher3.dbapi2.Error) and any(m in str(cause).lower() for m in _BUSY_MESSAGES)
        for cause in _causes(exc)
    )


def free_megabytes(where: Path) -> int | None:
    """Free space on the disk holding `where` (or its nearest existing parent), in whole megabytes."""
    folder = Path(where).resolve()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free // (1024 * 1024)
    except OSError:
        return None


def _written_path(exc: BaseException) -> Path | None:
    for cause in _causes(exc):
        if isinstance(cause, OSError) and cause.filename:
            return Path(cause.filename)
    return None


def explain(exc: BaseException, where: Path | None) -> CaseDeskError | None:
    """A user-facing error for a full disk or a busy database, else None. `where` is the database path."""
    if is_disk_full(exc):
        target = _written_path(exc) or where
        free = free_megabytes(target) if target is not None else None
        amount = f"{free} MB free" if free is not None else "no space left"
        place = f" on the disk holding {target.parent if target.suffix else target}" if target is not None else ""
        return StorageError(f"The disk is full ({amount}{place}); nothing was changed. Free some space and try again.")
    if is_busy(exc):
        return StorageError(
            "Another CaseDesk is writing this database; nothing was changed. Try again when it has finished."
        )
    return None
