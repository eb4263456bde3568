"""An in-memory transport that puts faults between the engine and a real server, for tests.

It wraps any transport (usually `HttpTransport` over an in-process client of the real app) and can cut the
connection at a chosen call: before a push reaches the server, after the server applied it but before the
answer arrives, or after a number of pulled pages — the failures that lose data in other systems.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from casedesk.sync.pulled_page import PulledPage
from casedesk.sync.transport import Offline, Transport
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


@dataclass
class Faults:
    """What to break. Counters count down; a fault fires once when its counter reaches zero."""

    push_lost_before: int = -1  # the n-th push (0 = next) never reaches the server
    push_lost_after: int = -1  # the n-th push is applied, but its answer is lost
    pull_cut_after_pages: int = -1  # after this many pages, the connection drops
    offline: bool = False
    calls: list[str] = field(default_factory=list)


class FaultyTransport:
    def __init__(self, inner: Transport, faults: Faults | None = None) -> None:
        self.inner = inner
        self.faults = faults or Faults()

    def _check_offline(self, name: str) -> None:
        self.faults.calls.append(name)
        if self.faults.offline:
            raise Offline("Cannot reach the server (simulated).")

    def enrol(self, request: EnrolRequest) -> EnrolResponse:
        self._check_offline("enrol")
        return self.inner.enrol(request)

    def push(self, changes: list[dict[str, Any]], recorded: Sequence[str] = ()) -> PushResponse:
        self._check_offline("push")
        f = self.faults
        if f.push_lost_before == 0:
            f.push_lost_before = -1
            raise Offline("Connection dropped before the push arrived (simulated).")
        f.push_lost_before -= 1 if f.push_lost_before > 0 else 0
        response = self.inner.push(changes, recorded)
        if f.push_lost_after == 0:
            f.push_lost_after = -1
            raise Offline("Connection dropped before the answer arrived (simulated).")
        f.push_lost_after -= 1 if f.push_lost_after > 0 else 0
        return response

    def pull(self, cursor: int, limit: int) -> PullResponse | PulledPage:
        self._check_offline("pull")
        f = self.faults
        if f.pull_cut_after_pages == 0:
            f.pull_cut_after_pages = -1
            raise Offline("Connection dropped mid-pull (simulated).")
        f.pull_cut_after_pages -= 1 if f.pull_cut_after_pages > 0 else 0
        return self.inner.pull(cursor, limit)

    def digest(self, exclude: list[str], cursor: int | None = None, *, recount: bool = False) -> DigestResponse:
        self._check_offline("digest")
        return self.inner.digest(exclude, cursor, recount=recount)

    def snapshot(self, entity: str, after: str | None, limit: int) -> SnapshotResponse:
        self._check_offline("snapshot")
        return self.inner.snapshot(entity, after, limit)

    def resend(self, children: list[str]) -> PullResponse:
        self._check_offline("resend")
        return self.inner.resend(children)

    def state(self) -> ServerState:
        self._check_offline("state")
        return self.inner.state()

    def report(self, problem: ProblemReport) -> None:
        self._check_offline("report")
        self.inner.report(problem)

    def policy(self) -> dict[str, Any]:
        self._check_offline("policy")
        return self.inner.policy()

    def bank_holidays(self) -> BankHolidays | None:
        self._check_offline("bank_holidays")
        return self.inner.bank_holidays()

    def client_versions(self) -> ClientVersions:
        self._check_offline("client_versions")
        return self.inner.client_versions()

    def probe(self) -> bool:
        return not self.faults.offline and self.inner.probe()

    def audit_search(self, params: dict[str, str]) -> AuditSearchResponse:
        self._check_offline("audit_search")
        return self.inner.audit_search(params)

    def access_log(self, child_id: str) -> AccessLogResponse:
        self._check_offline("access_log")
        return self.inner.access_log(child_id)

    def overrides(self, child_id: str | None = None) -> OverrideList:
        self._check_offline("overrides")
        return self.inner.overrides(child_id)

    def ask_override(self, ask: OverrideAsk) -> OverrideInfo:
        self._check_offline("ask_override")
        return self.inner.ask_override(ask)

    def decide_override(self, override_id: str, decision: OverrideDecision) -> OverrideInfo:
        self._check_offline("decide_override")
        return self.inner.decide_override(override_id, decision)

    def end_override(self, override_id: str) -> OverrideInfo:
        self._check_offline("end_override")
        return self.inner.end_override(override_id)
