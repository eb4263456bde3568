"""Every setting the device stores, declared once: its key, type, default, scope and why it exists.

Settings live in the encrypted database's `settings` table as JSON values. Code never spells a key: it names a
`Setting` declared here and reads or writes it through the store's one typed pair (`Database.get` / `.put`,
or `store.settings.read` / `.write` on a connection inside a larger transaction), which turns the stored JSON
into the declared type and back. Electrum's `simple_config` is the model.

Scope says who decides a value: `DEVICE` (this install: its ids, clock and sync state), `USER` (the person:
their profile and preferences) or `POLICY` (sent by the server's policy; the device keeps it, never edits it).
Families of settings keyed by an id (one per conflict, one per imported questionnaire) are declared once as a
`SettingFamily` whose members share a prefix.

This module imports nothing of CaseDesk's, so every layer may use it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

T = TypeVar("T")

DEFAULT_IDLE_MINUTES = 10


class Scope(StrEnum):
    DEVICE = "device"
    USER = "user"
    POLICY = "policy"


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One stored setting. `parse` turns the stored JSON value into `T`; `dump` turns `T` back into JSON."""

    key: str
    type: type
    default: T
    scope: Scope
    about: str
    parse: Callable[[Any], T] = field(default=_same, repr=False)
    dump: Callable[[T], Any] = field(default=_same, repr=False)

    def decode(self, stored: Any) -> T:
        """The typed value for what is stored (the default when nothing is)."""
        return copy.copy(self.default) if stored is None else self.parse(stored)

    def encode(self, value: T | None) -> Any:
        """What to store for `value` (None stores nothing: the setting reads as its default again)."""
        if value is None:
            return None
        if not isinstance(value, self.type):
            raise TypeError(f"setting {self.key} holds {self.type.__name__}, not {type(value).__name__}")
        return self.dump(value)


@dataclass(frozen=True)
class SettingFamily:
    """Settings keyed by an id under one prefix (a conflict's record, an imported questionnaire's document)."""

    prefix: str
    scope: Scope
    about: str

    def key(self, member: str) -> str:
        return self.prefix + member

    def member(self, key: str) -> str:
        return key.removeprefix(self.prefix)


@dataclass
class Profile:
    """Who uses this device: shown in the window, written into the audit trail as the author of every change."""

    name: str
    role: str
    organisation: str
    organisation_kind: str = "school"
    idle_minutes: int = DEFAULT_IDLE_MINUTES
    email: str = ""  # how colleagues in other agencies reach the user (printed on referrals and exports)
    phone: str = ""

    @classmethod
    def from_setting(cls, value: Any) -> Profile:
        value = value or {}
        return cls(
            name=value.get("name") or "CaseDesk user",
            role=value.get("role") or "",
            organisation=value.get("organisation") or "",
            organisation_kind=value.get("organisation_kind") or "school",
            idle_minutes=int(value.get("idle_minutes") or DEFAULT_IDLE_MINUTES),
            email=value.get("email") or "",
            phone=value.get("phone") or "",
        )

    def to_setting(self) -> dict[str, Any]:
        return asdict(self)


def _int(value: Any) -> int:
    return int(value)


def _str_list(value: Any) -> list[str]:
    return [str(v) for v in value]


# -- this install ----------------------------------------------------------------------------------------------
DEVICE_ID = Setting("device_id", str, "", Scope.DEVICE, "This install's id: every change it journals names it.")
DATABASE_ID = Setting(
    "database_id", str, "", Scope.DEVICE, "The database file's id, bound into its key file; names backups."
)
HLC = Setting("hlc", str, "", Scope.DEVICE, "The hybrid logical clock's last reading, so clocks never run backwards.")

# -- the person ------------------------------------------------------------------------------------------------
PROFILE = Setting(
    "profile",
    Profile,
    Profile.from_setting(None),
    Scope.USER,
    "The user's name, role, organisation, contact details and idle lock time: set at first run, edited in Profile.",
    parse=Profile.from_setting,
    dump=Profile.to_setting,
)

# -- enrolment with a server -----------------------------------------------------------------------------------
SERVER_URL = Setting("sync.server_url", str, "", Scope.DEVICE, "The sync server this device was enrolled with.")
DEVICE_TOKEN = Setting("sync.token", str, "", Scope.DEVICE, "The device token the server issued at enrolment.")
ORGANISATION_ID = Setting(
    "sync.organisation_id", str, "", Scope.POLICY, "The organisation the server enrolled this device into."
)
USERNAME = Setting("sync.username", str, "", Scope.POLICY, "The server account this device acts for.")
ROLE = Setting(
    "sync.role",
    str,
    "",
    Scope.POLICY,
    "The account's role in its organisation, as the server last said (none: unknown).",
)
MANAGES_DIRECTORY = Setting(
    "sync.manages_directory",
    bool,
    False,
    Scope.POLICY,
    "Whether the account may edit and publish the area's directory and guidance, as the server last said.",
)
OVERRIDES_WAITING: Setting[list[dict[str, Any]]] = Setting(
    "sync.overrides_waiting",
    list,
    [],
    Scope.DEVICE,
    "Break-glass requests about this organisation's records its safeguarding lead should see (waiting for a "
    "decision, or granted at once and in force), as the server last listed them: My work shows them offline.",
    parse=lambda value: [dict(v) for v in value if isinstance(v, dict)],
)
SHARING_DEFAULT = Setting(
    "sync.sharing_default",
    str,
    "",
    Scope.POLICY,
    "What the area shares between organisations no agreement names (open or closed), as the server last said.",
)

# -- policy sent by the server (casedesk.site_profile: it tightens the site profile's, setting by setting) ------
SERVER_POLICY: Setting[dict[str, Any]] = Setting(
    "policy.server",
    dict,
    {},
    Scope.POLICY,
    "The policy the server sent at the last sync (the site profile schema's policy object; empty: none).",
)

BANK_HOLIDAYS: Setting[dict[str, Any]] = Setting(
    "policy.bank_holidays",
    dict,
    {},
    Scope.POLICY,
    "England's bank holidays as the server last gave them ({'asked_on': ISO date, 'days': [ISO dates], "
    "'source': words}), asked once a day after a round: due dates in working days skip them (empty: weekdays only).",
)

# -- sync state ------------------------------------------------------------------------------------------------
CURSOR = Setting(
    "sync.cursor", int, 0, Scope.DEVICE, "Where in the server's change feed the next pull starts.", parse=_int
)
DEFERRED_PURGES: Setting[list[str]] = Setting(
    "sync.deferred_purges",
    list,
    [],
    Scope.DEVICE,
    "Children that left the user's view while changes for them waited: purged after the next push.",
    parse=_str_list,
)
RECORDED_UNTOLD: Setting[list[str]] = Setting(
    "sync.recorded_untold",
    list,
    [],
    Scope.DEVICE,
    "Pushed changes whose answers are recorded here but not yet said so to the server (`casedesk.sync.acks`).",
    parse=_str_list,
)
LAST_SUCCESS = Setting("sync.last_success", str, "", Scope.DEVICE, "When a round last finished (ISO time).")
LAST_ERROR = Setting("sync.last_error", str, "", Scope.DEVICE, "The last round's error, if it failed.")
LAST_REPORT = Setting("sync.last_report", str, "", Scope.DEVICE, "What the last round did, in words.")
CLIENT_VERSIONS: Setting[dict[str, Any]] = Setting(
    "sync.client_versions",
    dict,
    {},
    Scope.POLICY,
    "The oldest app version the server accepts and the newest there is, as it last said ({minimum, latest}).",
)
LAST_FULL_DIGEST = Setting(
    "sync.last_full_digest", str, "", Scope.DEVICE, "When every row was last hashed against the server (ISO time)."
)
DIGEST_MISMATCH: Setting[dict[str, Any]] = Setting(
    "sync.digest_mismatch",
    dict,
    {},
    Scope.DEVICE,
    "Rows a resync could not make equal to the server's: entity to row ids, and when first found.",
)
SYNC_TALLIES: Setting[dict[str, Any]] = Setting(
    "sync.tallies",
    dict,
    {},
    Scope.DEVICE,
    "The kept sync digest: per entity the row count and the sum of the rows' hashes (absent: never counted).",
)
UNAPPLIED = SettingFamily(
    "sync.unapplied:", Scope.DEVICE, "Each pulled row this device could not store, held back with the reason."
)
CONFLICTS = SettingFamily(
    "sync.conflict:", Scope.DEVICE, "Each conflict the server reported: its candidates, and how it was resolved."
)

# -- recovery from a restore (casedesk.sync.reconcile) -----------------------------------------------------------
RECOVERY: Setting[dict[str, Any]] = Setting(
    "sync.recovery",
    dict,
    {},
    Scope.DEVICE,
    "A reconciliation waiting to finish (its kind, fork and when found): survives restarts and lost connections.",
)
LINEAGE: Setting[list[dict[str, Any]]] = Setting(
    "sync.lineage", list, [], Scope.DEVICE, "The server's generations this device last reconciled with."
)
RECOVERY_NOTICE: Setting[dict[str, Any]] = Setting(
    "sync.recovery_notice", dict, {}, Scope.DEVICE, "What the Sync page says about the last finished recovery."
)

# -- device backups (casedesk.services.device_backup) ---------------------------------------------------------
BACKUP_SCHEDULE: Setting[dict[str, Any]] = Setting(
    "backup.schedule", dict, {}, Scope.DEVICE, "Where scheduled backups go, how many days are kept, whether on."
)
LAST_BACKUP: Setting[dict[str, Any]] = Setting(
    "backup.last", dict, {}, Scope.DEVICE, "When and to which file the last backup was written."
)

# -- demo data (casedesk.services.demo) ------------------------------------------------------------------------
DEMO_SEEDS: Setting[dict[str, Any]] = Setting(
    "demo_seeds", dict, {}, Scope.DEVICE, "Per demo seed, the first organisation it wrote: loading it twice is refused."
)

# -- triage ----------------------------------------------------------------------------------------------------
QUESTIONNAIRES = SettingFamily(
    "triage.questionnaire:", Scope.USER, "Each imported questionnaire's document, by id:version."
)
QUESTIONNAIRE_INDEX: Setting[list[str]] = Setting(
    "triage.questionnaires",
    list,
    [],
    Scope.USER,
    "The keys of the imported questionnaires (the settings table cannot be listed from services).",
    parse=_str_list,
)

# -- directory (casedesk.services.directory.editing) -----------------------------------------------------------
DIRECTORY_DRAFTS: Setting[dict[str, Any]] = Setting(
    "directory.drafts",
    dict,
    {},
    Scope.USER,
    "Unpublished directory edits: record id (or new:…) → the service's ORUK 3.0 document, until published.",
)

# -- alerts (casedesk.services.alerts) -------------------------------------------------------------------------
ALERT_RULES_DEVICE: Setting[dict[str, Any]] = Setting(
    "alerts.device_rules",
    dict,
    {},
    Scope.DEVICE,
    "A rule set imported for this device only (`import rules --this-device`): used while the server sent none.",
)
ALERTS_EVALUATED: Setting[dict[str, Any]] = Setting(
    "alerts.evaluated",
    dict,
    {},
    Scope.DEVICE,
    "The day and rule set of the last evaluation from scratch: a new day or a new set evaluates every child again.",
)
ALERT_EMAILS: Setting[bool] = Setting(
    "alerts.email",
    bool,
    False,
    Scope.DEVICE,
    "Opt-in: this device asks the server's relay to email the people told of each urgent alert it raises (no "
    "personal data in the email).",
)

SETTINGS: tuple[Setting[Any], ...] = tuple(v for v in list(globals().values()) if isinstance(v, Setting))
FAMILIES: tuple[SettingFamily, ...] = tuple(v for v in list(globals().values()) if isinstance(v, SettingFamily))
