"""How the sync engine reaches a server: a small Protocol, and the errors every transport raises.

The engine only knows this interface, so tests can put faults between it and a real server (see `fake.py`)
and the desktop app can swap the network stack without touching the sync rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from casedesk.errors import AuthError, CaseDeskError
from casedesk.sync.pulled_page import PulledPage
from casedesk.sync.wire import (
    ClientVersions,
    DigestResponse,
    EnrolRequest,
    EnrolResponse,
    ProblemReport,
    PullResponse,
    PushResponse,
    ServerState,
    SnapshotResponse,
)
from casedesk.sync.wire_audit import (
    AccessLogResponse,
    AuditSearchResponse,
    OverrideAsk,
    OverrideDecision,
    OverrideInfo,
    OverrideList,
)
from casedesk.sync.wire_calendar import BankHolidays


class Offline(CaseDeskError):
    """The server could not be reached (or kept failing) — try again later; nothing was lost. `status` is the
    HTTP status it kept answering with, if it answered at all (429: too many attempts)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class CertificateRefused(Offline):
    """The server's TLS certificate could not be trusted (self-signed, expired, for another name): nothing was
    sent, not even a password. Not retried: trying again meets the same certificate."""


class Refused(CaseDeskError):
    """The server understood the request and said no (e.g. 413 too large); `code` is its error code."""

    def __init__(self, message: str, code: str = "", status: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class UpdateRequired(CaseDeskError):
    """This app is older than the server accepts: nothing is sent or received until it is updated. The data and
    the changes waiting to be sent stay on the device."""


class TokenRefused(AuthError):
    """The device token was not accepted: enrol the device again."""


class CredentialsRefused(AuthError):
    """Enrolment was refused: wrong password, or a used, expired or mistyped code. `code` is the server's error
    code (`bad_credentials`, `bad_code`, `code_used`, `code_expired`, `device_refused`), so the app can say which."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class DeviceRevoked(AuthError):
    """An administrator revoked this device: it must erase its local data."""


class Transport(Protocol):
    def enrol(self, request: EnrolRequest) -> EnrolResponse: ...

    def push(self, changes: list[dict[str, object]], recorded: Sequence[str] = ()) -> PushResponse:
        """Push a batch; `recorded` names earlier changes whose answers this device has recorded."""

    def pull(self, cursor: int, limit: int) -> PullResponse | PulledPage: ...

    def digest(self, exclude: list[str], cursor: int | None = None, *, recount: bool = False) -> DigestResponse:
        """The server's kept digest (`recount`: counted from its records) less `exclude`; `cursor` is the feed
        position the device has applied, so the answer says whether the two are of the same moment."""
        ...

    def snapshot(self, entity: str, after: str | None, limit: int) -> SnapshotResponse: ...

    def resend(self, children: list[str]) -> PullResponse:
        """These children again, each as a purge then its rows as the policy allows now (`wire.ResendRequest`)."""
        ...

    def state(self) -> ServerState: ...

    def report(self, problem: ProblemReport) -> None: ...

    def policy(self) -> dict[str, Any]:
        """The policy the server sends its devices ({} when it sets none, or is too old to say)."""
        ...

    def bank_holidays(self) -> BankHolidays | None:
        """The bank holidays the server counts working days with (None from a server too old to say)."""
        ...

    def probe(self) -> bool: ...

    def client_versions(self) -> ClientVersions:
        """The oldest app version the server accepts and the newest there is."""
        ...

    def audit_search(self, params: dict[str, str]) -> AuditSearchResponse:
        """The access log across children, for an administrator or auditor of the device's organisation."""
        ...

    def access_log(self, child_id: str) -> AccessLogResponse:
        """Which devices received this child's records (only for a child the device's organisation sees)."""
        ...

    def overrides(self, child_id: str | None = None) -> OverrideList:
        """This user's break-glass requests (for one child) and, for a safeguarding lead, the organisation's."""
        ...

    def ask_override(self, ask: OverrideAsk) -> OverrideInfo: ...

    def decide_override(self, override_id: str, decision: OverrideDecision) -> OverrideInfo: ...

    def end_override(self, override_id: str) -> OverrideInfo: ...
