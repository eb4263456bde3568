"""What a device and the server say about the audit: a child's access log (and, with it, the break-glass
overrides asked for on the child). Shared by both sides like `casedesk.sync.wire`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from casedesk.sync.wire import NO_NUL_PATTERN, UUID_PATTERN, ServerAnswer


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AccessEntry(ServerAnswer):
    """One device's receipt of one child's records in one sync round."""

    at: str  # ISO 8601, UTC: the round's first delivery of the child
    last_at: str
    kind: str  # pull | resync (an override shows in the basis)
    items: int
    basis: str  # "involvement", the agreements that let the records through, or the override
    override_id: str | None = None
    device_id: str
    device_name: str
    username: str
    organisation_id: str
    organisation: str


# -- break-glass overrides ---------------------------------------------------------------------------------------
class OverrideAsk(_Model):
    """A device asking, for one child, for what another organisation's records withhold from it."""

    child_id: str = Field(pattern=UUID_PATTERN)
    owner_org: str = Field(max_length=36)
    categories: list[str] = Field(max_length=20)
    reason: str = Field(max_length=40)
    detail: str = Field(max_length=4000, pattern=NO_NUL_PATTERN)


class OverrideDecision(_Model):
    approve: bool
    note: str = Field(default="", max_length=2000, pattern=NO_NUL_PATTERN)


class OverrideInfo(ServerAnswer):
    """One override as the server holds it, with every point the break-the-glass audit asks for."""

    id: str
    child_id: str
    child: str  # the child's name, for the lead's queue ("" when the reader may not see it)
    org_id: str
    organisation: str
    owner_org: str
    owner: str
    username: str
    device_id: str
    device_name: str
    categories: list[str]
    reason: str
    detail: str
    mode: str
    state: str
    requested_at: str
    decided_at: str | None = None
    decided_by: str | None = None
    decision_note: str | None = None
    expires_at: str | None = None
    ended_at: str | None = None


class AccessLogResponse(ServerAnswer):
    child_id: str
    entries: list[AccessEntry]
    overrides: list[OverrideInfo] = Field(default_factory=list)  # on this child, asked or owned here


class OverrideList(ServerAnswer):
    policy: str  # the policy in words: granted at once or after approval, and for how long
    mode: str
    hours: int
    mine: list[OverrideInfo]  # asked by this device's user
    to_decide: list[OverrideInfo]  # about this organisation's records, for its safeguarding lead


# -- the administrators' audit across children -------------------------------------------------------------------
class AuditSearchEntry(AccessEntry):
    """An access log entry with the child it is about (the server's name for it; "" where it holds none)."""

    child_id: str
    child: str = ""


class AuditSearchResponse(ServerAnswer):
    entries: list[AuditSearchEntry]
    overrides: list[OverrideInfo] = Field(default_factory=list)  # asked by or of the organisation in the period
    truncated: bool = False  # more entries matched than were sent (the newest were)
