"""The errors a user can meet.

Every failure a person can cause or fix (a wrong passphrase, a bad file, an invalid identifier) is one of these,
so the CLI and the UI can show one clear sentence instead of a traceback.
"""

from __future__ import annotations


class CaseDeskError(Exception):
    """Base class: `str(error)` is a sentence fit to show a user."""

    exit_code = 1


class WrongPassphrase(CaseDeskError):
    """The passphrase does not unlock this database's key file."""

    exit_code = 2

    def __init__(self, message: str = "Wrong passphrase: the database was not unlocked.") -> None:
        super().__init__(message)


class KeyFileError(CaseDeskError):
    """The key file beside the database is missing, corrupt or of an unknown format."""

    exit_code = 2


class NotADatabase(CaseDeskError):
    """The file is not a CaseDesk database (or its key does not match it)."""

    exit_code = 2


class ValidationError(CaseDeskError):
    """Input broke a rule; `problems` lists each one as `(field, message)`."""

    def __init__(self, message: str, problems: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []

    def __str__(self) -> str:
        base = super().__str__()
        if not self.problems:
            return base
        lines = "; ".join(f"{field}: {msg}" for field, msg in self.problems)
        return f"{base} ({lines})"


class NotFound(CaseDeskError):
    """A record that was asked for does not exist."""


class Conflict(CaseDeskError):
    """The request clashes with what is already stored (a duplicate, an existing file, a stale edit)."""


class AuthError(CaseDeskError):
    """Credentials or a device token were refused."""

    exit_code = 3


class Cancelled(CaseDeskError):
    """The user or the program cancelled a running task."""


class DatabaseDamaged(CaseDeskError):
    """The encrypted file fails its checks: CaseDesk stops writing to it and leads the user to a restore."""

    exit_code = 2


class StorageError(CaseDeskError):
    """The disk is full, or another CaseDesk holds the database: nothing was changed, and trying again may work."""


class UnexpectedError(CaseDeskError):
    """A failure nobody foresaw, told as what failed, where, and where the detail was logged (no personal data)."""


class Locked(Cancelled):
    """CaseDesk is locked: nothing can be read or written until the user unlocks it again."""

    def __init__(self, message: str = "CaseDesk is locked.") -> None:
        super().__init__(message)
