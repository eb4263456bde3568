"""What a device and the server say about the audit: a child's access log (and, with it, the break-glass
overrides asked for on the child). Shared by both sides like `casedesk.sync.wire`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AccessEntry(_Model):
    """One device's receipt of one child's records in one sync round."""

    at: str  # ISO 8601, UTC: the round's first delivery of the child
    last_at: str
    kind: str  # pull | resync
    items: int
    basis: str  # "involvement", the agreements that let the records through, or the override
    override_id: str | None = None
    device_id: str
    device_name: str
    username: str
    organisation_id: str
    organisation: str


class AccessLogResponse(_Model):
    child_id: str
    entries: list[AccessEntry]
