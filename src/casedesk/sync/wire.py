"""The sync protocol: what a device and the server say to each other, shared by both sides.

Both sides import these models, so the OpenAPI description, the server's validation and the device's parsing
cannot drift apart. The per-entity field lists are in `casedesk.sync.entities`: the server keeps no copy of the
device schema and validates every pushed change against them (a test checks them against the device models).

Versions are the server's feed sequence numbers: a field's version is the sequence number of the change that
last wrote it, so a device's "base version" says exactly which server state an edit was made from.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_BATCH = 500
MAX_RECORDED = 5000  # recorded answers a push may acknowledge (ten batches' worth; more wait for the next push)
MAX_PAGE = 5000  # items a pull page may hold: a first sync moves hundreds of thousands (each page a commit)
PROTOCOL = 1
HLC_PATTERN = re.compile(r"^\d{13}-\d{6}-[0-9A-Za-z-]{1,40}$")
# Record and change ids are UUIDs as devices mint them (lower-case, hyphenated): nothing else is an id.
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
# Free text on the wire may hold anything a person can type, but never NUL, which PostgreSQL cannot store.
NO_NUL_PATTERN = r"^[^\x00]*$"
# The synced record types (the catalogue's, `casedesk.domain.schema`; a test holds the two equal).
EntityName = Literal[
    "organisations",
    "workers",
    "children",
    "status_periods",
    "involvements",
    "events",
    "triage_results",
    "services",
    "need_terms",
    "directory_searches",
    "guidance_entries",
    "guidance_questions",
    "referrals",
    "mail_requests",
    "ehc_plans",
    "peps",
    "youth_justice_outcomes",
    "attendance_weeks",
    "enrolments",
    "exclusions",
    "managed_moves",
    "provisions",
    "ehe_cases",
    "ehe_visits",
    "cme_enquiries",
    "cme_steps",
    "meetings",
    "meeting_items",
    "plans",
    "plan_outcomes",
    "plan_actions",
    "plan_notes",
    "alert_rule_sets",
    "alerts",
    "alert_actions",
    "sharing_agreements",
    "consents",
    "child_merges",
    "discrepancy_flags",
]


class _Model(BaseModel):
    """What a device sends: the server refuses anything it does not know."""

    model_config = ConfigDict(extra="forbid")


class ServerAnswer(BaseModel):
    """What the server sends: a device ignores fields it does not know, so a server that adds one (as
    `PullItem.owner` and `ServerState.sharing_default` were added) does not cut off the apps already installed;
    a change an older app could not safely ignore raises the minimum app version instead (`client_versions`)."""

    model_config = ConfigDict(extra="ignore")


# -- errors --------------------------------------------------------------------------------------------------
class ErrorBody(ServerAnswer):
    """Every error the server returns: a stable code for programs and a sentence for people."""

    error: str
    detail: str


# -- enrolment -----------------------------------------------------------------------------------------------
class EnrolRequest(_Model):
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)
    code: str = Field(min_length=1, max_length=100)
    device_id: str = Field(min_length=1, max_length=36)
    device_name: str = Field(default="", max_length=200)


class EnrolResponse(ServerAnswer):
    device_token: str
    username: str
    organisation_id: str
    server_id: str
    role: str = ""  # the user's role in the organisation (`casedesk.domain.roles`)
    manages_directory: bool = False  # may edit and publish the directory and guidance (`server.auth`)


# -- app versions --------------------------------------------------------------------------------------------
class ClientVersions(ServerAnswer):
    """What the server publishes about app versions: the oldest it accepts (older apps must update before they
    sync again) and the newest there is. Either may be unset."""

    minimum: str | None = Field(default=None, max_length=40)
    latest: str | None = Field(default=None, max_length=40)


# -- the account and administration --------------------------------------------------------------------------
class Account(ServerAnswer):
    """Who a device acts for, and whether they administer their organisation."""

    username: str
    organisation_id: str
    administrator: bool


class AdminUser(ServerAnswer):
    username: str
    administrator: bool
    created_at: str
    devices: int  # devices not revoked
    last_sync: str | None  # the latest contact of any of their devices (ISO time)


class AdminDevice(ServerAnswer):
    device_id: str
    name: str
    username: str
    enrolled_at: str
    last_sync: str | None  # its last contact with the server (ISO time)
    revoked_at: str | None


class AdminOverview(ServerAnswer):
    organisation: str
    users: list[AdminUser]
    devices: list[AdminDevice]


class CodeRequest(_Model):
    username: str = Field(min_length=1, max_length=200)
    hours: float = Field(default=24.0, gt=0, le=24 * 14)  # at most two weeks: a code is a password for a while


class CodeIssued(ServerAnswer):
    username: str
    code: str
    expires_at: str


# -- push ----------------------------------------------------------------------------------------------------
Op = Literal["insert", "append", "update", "delete", "resolve"]


class WireChange(_Model):
    """One journaled write. `resolve` carries a person's decision on a conflict: row_id is the conflict's id."""

    change_id: str = Field(min_length=1, max_length=36, pattern=UUID_PATTERN)
    entity: str = Field(max_length=40)
    row_id: str = Field(min_length=1, max_length=36, pattern=UUID_PATTERN)
    op: Op
    fields: dict[str, Any]
    base_versions: dict[str, int] = Field(default_factory=dict)
    hlc: str = Field(max_length=80)
    device_id: str = Field(max_length=36)
    author: str = Field(max_length=200, pattern=NO_NUL_PATTERN)
    # Re-sent after the server was restored from a backup (see `casedesk.sync.reconcile`): the lost history may
    # already have acted on it, so the server holds any email it asks for until an administrator confirms.
    recovered: bool = False


class PushRequest(_Model):
    # Items are validated one by one on the server, so one malformed change is rejected on its own.
    changes: list[dict[str, Any]] = Field(max_length=MAX_BATCH)
    # Changes (of earlier batches) whose answers this device has recorded: the server keeps only their status
    # (`casedesk.server.db.answers`). Devices from before do not send it; servers from before refuse it (422).
    recorded: list[Annotated[str, Field(pattern=UUID_PATTERN, max_length=36)]] = Field(
        default_factory=list, max_length=MAX_RECORDED
    )


class ChangeResult(ServerAnswer):
    change_id: str
    status: Literal["applied", "conflict", "rejected"]
    versions: dict[str, int] = Field(default_factory=dict)
    reason: str | None = None


class PushResponse(ServerAnswer):
    results: list[ChangeResult]


# -- pull ----------------------------------------------------------------------------------------------------
class Candidate(ServerAnswer):
    value: Any
    hlc: str
    device_id: str
    author: str


class ConflictInfo(ServerAnswer):
    conflict_id: str
    entity: str
    row_id: str
    child_id: str | None
    field: str
    critical: bool
    kept: Any
    candidates: list[Candidate]
    state: Literal["open", "resolved"]
    resolution: Any = None
    resolved_by: str | None = None


class PullItem(ServerAnswer):
    """A row's fields as written (with their versions), a conflict, a purge of a child leaving scope, or the notice
    that a row of a child is withheld from this device (under an opaque id: its category, owner and why)."""

    kind: Literal["row", "conflict", "purge", "withheld"]
    entity: str = ""
    row_id: str = ""
    fields: dict[str, Any] = Field(default_factory=dict)
    versions: dict[str, int] = Field(default_factory=dict)
    deleted: bool = False
    hlc: str = ""
    conflict: ConflictInfo | None = None
    # the organisation that wrote a row of a child (not part of its values, nor of any digest): whose agreements
    # decide what of it the device may pass on in a pack or an export
    owner: str | None = None


class PullResponse(ServerAnswer):
    items: list[PullItem]
    cursor: int
    has_more: bool


# -- generations (server restores) ---------------------------------------------------------------------------
class GenerationInfo(ServerAnswer):
    """One history of the server database: a restore from backup starts a new one at `base_seq`."""

    id: str
    base_seq: int
    started_at: str
    reason: str = ""


class ServerState(ServerAnswer):
    """Which history the server holds and where its feed ends: how a device tells the server went back in time."""

    server_id: str
    generation: str
    feed_end: int
    lineage: list[GenerationInfo]
    role: str = ""  # the asking device's user's role now (set on the server; the app gates on it)
    manages_directory: bool = False  # whether that user may edit and publish the directory and guidance
    sharing_default: str = ""  # what the area shares between organisations no agreement names (open, closed)


# -- the policy a server sends its devices (casedesk.server.device_policy) ------------------------------------
class PolicyResponse(ServerAnswer):
    """The schema's `policy` object (resources/site/site-profile.schema.json): only the settings the server sets."""

    policy: dict[str, Any] = Field(default_factory=dict)


# -- problems a device reports -------------------------------------------------------------------------------
class ProblemReport(_Model):
    """What a device tells the server about rows it could not take in: pulled rows it had to set aside, or rows
    whose digest a resync could not repair. Ids and field names only, never values (they may be personal)."""

    kind: Literal["unapplied", "digest_mismatch"]
    entity: EntityName
    row_ids: list[str] = Field(max_length=1000)
    fields: list[str] = Field(default_factory=list, max_length=100)
    app_version: str = Field(default="", max_length=40)


# -- digest and targeted resync ------------------------------------------------------------------------------
class EntityDigest(ServerAnswer):
    count: int
    hash: str


class DigestRequest(_Model):
    # Rows with changes still waiting on the device (or set aside) are left out on both sides.
    exclude: list[str] = Field(default_factory=list, max_length=100_000)
    # None: hash every row. A list: hash only these rows (those this round moved); counts always cover all.
    only: list[str] | None = Field(default=None, max_length=100_000)
    # The feed position the device has applied. The server then says whether anything the device would pull has
    # arrived since, in which case the two sides are not looking at the same moment and must not be compared.
    cursor: int | None = Field(default=None, ge=0, le=2**63 - 1)
    # "lines": hash sorted per-row lines (every row, or `only`). "sums": the digest both sides keep up to date
    # (`casedesk.domain.tally`), whatever the caseload; `only` is then ignored. `recount`: count the sums from the
    # records instead of the kept ones (the daily check, and before any repair).
    form: Literal["lines", "sums"] = "lines"
    recount: bool = False


class DigestResponse(ServerAnswer):
    entities: dict[str, EntityDigest]
    current: bool = True  # False: the device is behind the feed; pull, then compare again


class SnapshotResponse(ServerAnswer):
    items: list[PullItem]
    next_after: str | None


class ResendRequest(_Model):
    """Children a device purged late (a change was waiting when the server re-sent them): it asks for each again,
    as the policy now allows. The answer is a `PullResponse` of a purge and the child's rows, or only the purge
    for a child its organisation no longer sees."""

    children: list[Annotated[str, Field(pattern=UUID_PATTERN)]] = Field(min_length=1, max_length=100)
