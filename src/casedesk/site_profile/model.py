"""What a site profile says, as typed values: the server, organisation defaults, policy and report header.

Every `Policy` default is the value that changes nothing (all exports allowed, printing and demo data allowed,
any passphrase the hard length rule accepts, the app's own idle time, sync interval and key-derivation cost), so a
device with no profile behaves as CaseDesk always has, and combining a policy with an empty one gives it back
(see `precedence.stricter`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

DEFAULT_SYNC_INTERVAL_MINUTES = 1
STRENGTH_NAMES = ("very weak", "weak", "fair", "strong", "very strong")  # the meter's scores 0..4, lower-cased


class ExportKind(StrEnum):
    """The kinds of export a policy may allow or forbid (printing a PDF is `Policy.printing`)."""

    CHILD_RECORD = "child_record"  # one child's record as JSON (subject access)
    WHOLE_DATABASE = "whole_database"  # every child as JSON
    DIRECTORY = "directory"  # the service directory as Open Referral UK JSON
    REFERRAL_EMAIL = "referral_email"  # a referral pack as an .eml file for the user's own mail program
    SPREADSHEET = "spreadsheet"  # tables saved as CSV for a spreadsheet

    @property
    def label(self) -> str:
        return _EXPORT_LABELS[self]


_EXPORT_LABELS = {
    ExportKind.CHILD_RECORD: "a child's record",
    ExportKind.WHOLE_DATABASE: "the whole database",
    ExportKind.DIRECTORY: "the service directory",
    ExportKind.REFERRAL_EMAIL: "a referral email file",
    ExportKind.SPREADSHEET: "a spreadsheet (CSV)",
}


@dataclass(frozen=True, slots=True)
class KdfFloor:
    """The least Argon2id cost a key file may have. The default is the lowest the key file itself accepts."""

    time_cost: int = 1
    memory_cost_kib: int = 8192


@dataclass(frozen=True, slots=True)
class Policy:
    """What a device keeps, whoever set it. `None` for a time means "CaseDesk's own default"."""

    idle_lock_minutes: int | None = None
    sync_interval_minutes: int | None = None
    exports: frozenset[ExportKind] = frozenset(ExportKind)
    printing: bool = True
    demo_data: bool = True
    min_passphrase_strength: int = 0  # a score of `domain.passphrase.estimate_strength`, 0..4
    kdf_floor: KdfFloor = field(default_factory=KdfFloor)

    @property
    def sync_every_minutes(self) -> int:
        return self.sync_interval_minutes or DEFAULT_SYNC_INTERVAL_MINUTES

    def idle_minutes_for(self, chosen: int) -> int:
        """The idle lock time for a user who chose `chosen` minutes: never longer than the policy allows."""
        return chosen if self.idle_lock_minutes is None else min(chosen, self.idle_lock_minutes)

    def allows_export(self, kind: ExportKind) -> bool:
        return kind in self.exports

    @property
    def min_strength_name(self) -> str:
        return STRENGTH_NAMES[self.min_passphrase_strength]

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Policy:
        """The policy of a validated `policy` object (see the schema); what it leaves out keeps its default."""
        floor = doc.get("kdf_floor", {})
        return cls(
            idle_lock_minutes=doc.get("idle_lock_minutes"),
            sync_interval_minutes=doc.get("sync_interval_minutes"),
            exports=frozenset(ExportKind(k) for k in doc.get("exports", list(ExportKind))),
            printing=doc.get("printing", True),
            demo_data=doc.get("demo_data", True),
            min_passphrase_strength=STRENGTH_NAMES.index(doc.get("min_passphrase_strength", STRENGTH_NAMES[0])),
            kdf_floor=KdfFloor(**{**{"time_cost": 1, "memory_cost_kib": 8192}, **floor}),
        )

    def to_document(self) -> dict[str, Any]:
        """The policy as the schema's `policy` object (only what differs from the defaults)."""
        doc: dict[str, Any] = {}
        if self.idle_lock_minutes is not None:
            doc["idle_lock_minutes"] = self.idle_lock_minutes
        if self.sync_interval_minutes is not None:
            doc["sync_interval_minutes"] = self.sync_interval_minutes
        if self.exports != frozenset(ExportKind):
            doc["exports"] = sorted(kind.value for kind in self.exports)
        if not self.printing:
            doc["printing"] = False
        if not self.demo_data:
            doc["demo_data"] = False
        if self.min_passphrase_strength:
            doc["min_passphrase_strength"] = self.min_strength_name
        if self.kdf_floor != KdfFloor():
            doc["kdf_floor"] = asdict(self.kdf_floor)
        return doc


@dataclass(frozen=True, slots=True)
class Server:
    url: str
    certificate: Path | None = None  # PEM: the server's certificate or its CA, trusted instead of the system's


@dataclass(frozen=True, slots=True)
class OrganisationDefaults:
    name: str = ""
    kind: str = ""  # a `domain.vocab.OrgKind` value, or "" for no default


@dataclass(frozen=True, slots=True)
class ReportHeader:
    area_name: str = ""
    logo: Path | None = None


@dataclass(frozen=True, slots=True)
class SiteProfile:
    """One validated site profile. `source` is the file it came from (None: no profile, every default)."""

    source: Path | None = None
    server: Server | None = None
    organisation: OrganisationDefaults = field(default_factory=OrganisationDefaults)
    policy: Policy = field(default_factory=Policy)
    report: ReportHeader = field(default_factory=ReportHeader)

    @classmethod
    def from_document(cls, doc: dict[str, Any], source: Path | None) -> SiteProfile:
        """The profile of a document that passed the schema; relative file names are read beside `source`."""
        folder = source.parent if source else Path.cwd()
        server = None
        if "server" in doc:
            cert = doc["server"].get("certificate")
            server = Server(url=doc["server"]["url"].rstrip("/"), certificate=folder / cert if cert else None)
        org = doc.get("organisation", {})
        report = doc.get("report", {})
        return cls(
            source=source,
            server=server,
            organisation=OrganisationDefaults(name=org.get("name", ""), kind=org.get("kind", "")),
            policy=Policy.from_document(doc.get("policy", {})),
            report=ReportHeader(
                area_name=report.get("area_name", ""), logo=folder / report["logo"] if "logo" in report else None
            ),
        )
