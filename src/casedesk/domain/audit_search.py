"""The administrators' audit across children: who has seen, printed, exported, shared, changed or received which
child's records — the server's access log (which device received which child's records, when, on what basis)
joined with this device's own audit chain — chosen by child, user, organisation, action and dates, for an
information-governance review or a subject access request.

Pure: the filters as a person sets them (checked, with a clear error), one row shape for both sources, and the
rows as a spreadsheet or a printed page reads them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from casedesk.domain.spreadsheet import Value
from casedesk.errors import ValidationError

RECEIVED = "received"  # a device received the child's records (the server's access log)
# The actions a person can choose: what the server logs, then what the device's audit chain names.
ACTIONS: dict[str, str] = {
    RECEIVED: "Received by a device (sync)",
    "view": "Opened",
    "print": "Printed",
    "export": "Exported",
    "share": "Shared (referral email)",
    "insert": "Recorded",
    "update": "Changed",
    "delete": "Deleted",
    "break-glass": "Break-glass override",
}
SERVER, DEVICE = "server", "this device"
HEADER = ("When (UTC)", "Source", "Child", "Child id", "Organisation", "User", "Device", "Action", "Detail")
MAX_ROWS = 10_000


@dataclass(frozen=True, slots=True)
class AuditFilters:
    """Every criterion optional; they combine with AND. `child` is a child's id or part of a name."""

    child: str = ""
    user: str = ""
    organisation: str = ""  # an organisation's id
    action: str = ""  # a key of ACTIONS
    since: date | None = None
    until: date | None = None  # inclusive

    def checked(self) -> AuditFilters:
        problems = []
        if self.action and self.action not in ACTIONS:
            problems.append(("action", f"Choose one of: {', '.join(ACTIONS)}."))
        if self.since and self.until and self.until < self.since:
            problems.append(("until", "Before the first day."))
        if problems:
            raise ValidationError("Please correct the selection.", problems)
        return AuditFilters(
            self.child.strip(), self.user.strip(), self.organisation.strip(), self.action, self.since, self.until
        )

    def describe(self, names: dict[str, str] | None = None) -> str:
        """The selection in words, printed on every export so a reader knows what it covers."""
        parts = []
        if self.child:
            parts.append(f"child {self.child}")
        if self.user:
            parts.append(f"user {self.user}")
        if self.organisation:
            parts.append(f"organisation {(names or {}).get(self.organisation, self.organisation)}")
        if self.action:
            parts.append(f"action: {ACTIONS[self.action].lower()}")
        if self.since or self.until:
            parts.append(f"from {self.since or 'the start'} to {self.until or 'today'}")
        return "; ".join(parts) or "everything held"


@dataclass(frozen=True, slots=True)
class AuditRow:
    at: datetime
    source: str  # SERVER or DEVICE
    child_id: str
    child: str
    organisation: str
    user: str
    device: str
    action: str  # a key of ACTIONS (or another the chain holds)
    detail: str

    def cells(self) -> tuple[Value, ...]:
        label = ACTIONS.get(self.action, self.action)
        return (
            self.at.astimezone(UTC).replace(tzinfo=None),  # a spreadsheet reads a naive time; the header says UTC
            self.source,
            self.child,
            self.child_id,
            self.organisation,
            self.user,
            self.device,
            label,
            self.detail,
        )


def matches(row: AuditRow, filters: AuditFilters) -> bool:
    """Whether a row falls in the selection (the server filters its own the same way before sending them)."""
    wanted = filters.child.casefold()
    if wanted and wanted != row.child_id.casefold() and wanted not in row.child.casefold():
        return False
    if filters.user and filters.user.casefold() != row.user.casefold():
        return False
    if filters.action and filters.action != row.action:
        return False
    day = row.at.date()
    return not ((filters.since and day < filters.since) or (filters.until and day > filters.until))


def newest_first(rows: Iterable[AuditRow], limit: int = MAX_ROWS) -> list[AuditRow]:
    return sorted(rows, key=lambda r: r.at, reverse=True)[:limit]
