"""A child's audit as anyone can read it: who has seen, printed, exported, shared or changed the record.

Two sources are joined here. The device's own audit chain says what people did on this device (opened the
record, printed a pack, exported it, emailed a referral, changed a field). The server's access log says which
devices, of which organisations, received the child's records, when, and under which agreement or override.
Each becomes an `AuditLine` in plain words; the Audit tab and its export show the same lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

# What each audited action is, in the words the tab uses (its filter offers these).
SEEN, PRINTED, EXPORTED, SHARED, CHANGED, RECEIVED, OVERRIDE = (
    "Seen",
    "Printed",
    "Exported",
    "Shared",
    "Changed",
    "Received",
    "Override",
)
KINDS = (SEEN, RECEIVED, PRINTED, EXPORTED, SHARED, CHANGED, OVERRIDE)

_ACTIONS = {
    "view": SEEN,
    "print": PRINTED,
    "export": EXPORTED,
    "create": CHANGED,
    "update": CHANGED,
    "delete": CHANGED,
    "amend": CHANGED,
    "resolve": CHANGED,
    "different-child": CHANGED,
    "break-glass": OVERRIDE,
}
# The record types in words, for the detail column.
_ENTITY_WORDS = {
    "children": "the child's details",
    "events": "a chronology entry",
    "status_periods": "a status",
    "involvements": "an involvement",
    "triage_results": "a needs check",
    "referrals": "a referral",
    "mail_requests": "an email",
    "ehc_plans": "an EHC plan",
    "peps": "a PEP",
    "youth_justice_outcomes": "a youth justice outcome",
    "enrolments": "a school enrolment",
    "exclusions": "a suspension or exclusion",
    "managed_moves": "a managed move",
    "provisions": "a provision",
    "ehe_cases": "home education",
    "ehe_visits": "a home education visit",
    "cme_enquiries": "a missing-education enquiry",
    "cme_steps": "a missing-education step",
    "attendance_weeks": "attendance marks",
}


@dataclass(frozen=True, slots=True)
class DeviceEntry:
    """One entry of the device's audit chain about the child or one of its records."""

    seq: int
    at: datetime
    actor: str
    action: str
    entity: str
    row_id: str
    reason: str | None
    fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ServerEntry:
    """One device's receipt of the child's records in one sync round, from the server's access log."""

    at: datetime
    username: str
    organisation: str
    device_name: str
    device_id: str
    kind: str  # pull | resync (an override shows in the basis)
    items: int
    basis: str


@dataclass(frozen=True, slots=True)
class OverrideEntry:
    """A break-glass override on the child, as the server records it."""

    at: datetime
    username: str
    organisation: str
    device_id: str
    owner: str
    categories: tuple[str, ...]
    reason: str
    detail: str
    state: str
    decided_by: str | None
    until: datetime | None


@dataclass(frozen=True, slots=True)
class AuditLine:
    at: datetime
    what: str  # one of KINDS
    who: str
    where: str  # organisation and device, or "this device"
    detail: str
    source: str  # "device" or "server"


@dataclass(frozen=True, slots=True)
class ChildAudit:
    """Every line about one child, newest first, and whether the server's log could be read."""

    child_id: str
    lines: tuple[AuditLine, ...]
    server_note: str  # "" when the server's log is included, else why it is not
    kinds: tuple[str, ...] = field(default=KINDS)

    def only(self, what: str | None) -> list[AuditLine]:
        return [line for line in self.lines if what in (None, line.what)]


def kind_of(entry: DeviceEntry) -> str:
    if entry.entity == "mail_requests" and entry.action == "create":
        return SHARED  # a referral pack emailed out of the organisation
    return _ACTIONS.get(entry.action, CHANGED)


def device_line(entry: DeviceEntry) -> AuditLine:
    thing = _ENTITY_WORDS.get(entry.entity, entry.entity.replace("_", " "))
    if entry.action in ("create", "update", "delete", "amend"):
        verb = {"create": "added", "update": "changed", "delete": "deleted", "amend": "amended"}[entry.action]
        detail = f"{verb} {thing}" + (f" ({', '.join(entry.fields)})" if entry.action == "update" else "")
    elif entry.reason:
        detail = entry.reason if entry.entity == "children" else f"{entry.reason} ({thing})"
        entry = replace(entry, reason=None)
    else:
        detail = entry.action.replace("-", " ") + (f" {thing}" if entry.entity != "children" else "")
    if entry.reason:
        detail += f": {entry.reason}"
    return AuditLine(entry.at, kind_of(entry), entry.actor, "this device", detail, "device")


def server_line(entry: ServerEntry, this_device: str) -> AuditLine:
    how = {"pull": "sync", "resync": "repair"}.get(entry.kind, entry.kind)
    where = entry.organisation + (
        " · this device" if entry.device_id == this_device else f" · device {entry.device_name}"
    )
    what = OVERRIDE if "override" in entry.basis else RECEIVED
    detail = f"received {entry.items} item{'s' if entry.items != 1 else ''} by {how}, basis: {entry.basis}"
    return AuditLine(entry.at, what, entry.username, where, detail, "server")


def override_line(entry: OverrideEntry) -> AuditLine:
    what = ", ".join(c.replace("_", " ") for c in entry.categories)
    state = entry.state + (f" by {entry.decided_by}" if entry.decided_by and entry.state != "pending" else "")
    until = f", until {entry.until:%d %b %Y %H:%M} UTC" if entry.until and entry.state == "granted" else ""
    detail = f"asked for {entry.owner}'s {what} ({entry.reason.replace('_', ' ')}: {entry.detail}); {state}{until}"
    return AuditLine(entry.at, OVERRIDE, entry.username, entry.organisation, detail, "server")


def join(
    child_id: str,
    device_entries: Iterable[DeviceEntry],
    server_entries: Iterable[ServerEntry],
    *,
    this_device: str,
    server_note: str = "",
    overrides: Iterable[OverrideEntry] = (),
) -> ChildAudit:
    """Both sources as one list, newest first (the device's entries first among equal times). Overrides asked
    from this device are in its own audit already, so the server's copy of them is left out."""
    lines = [device_line(e) for e in device_entries]
    lines += [server_line(e, this_device) for e in server_entries]
    lines += [override_line(o) for o in overrides if o.device_id != this_device]
    lines.sort(key=lambda line: (line.at, line.source == "device"), reverse=True)
    return ChildAudit(child_id, tuple(lines), server_note)
