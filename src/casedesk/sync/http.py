"""The HTTP transport (httpx): gzip both ways, timeouts, and retries with exponential backoff and jitter.

Every request is safe to repeat — pushes are idempotent by change id, pulls and digests only read — so a
timeout or a dropped connection is retried a few times before the engine is told the server is offline.
Retries wait `base · 2^attempt` seconds scaled by a random factor ("full jitter"), so devices that lost the
server together do not all come back at the same instant.
"""

from __future__ import annotations

import gzip
import json
import random
import ssl
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
import pydantic
from pydantic import BaseModel

from casedesk import __version__
from casedesk.sync.feed_wire import QualityReport, ReviewDecision, ReviewOutcome, ReviewQueue
from casedesk.sync.pulled_page import PulledPage
from casedesk.sync.transfer_wire import TransferExport, TransferImport, TransferImported
from casedesk.sync.transport import (
    CertificateRefused,
    CredentialsRefused,
    DeviceRevoked,
    Offline,
    Refused,
    TokenRefused,
    UpdateRequired,
)
from casedesk.sync.trust import verify_for
from casedesk.sync.wire import (
    Account,
    AdminDevice,
    AdminOverview,
    ClientVersions,
    CodeIssued,
    CodeRequest,
    DigestRequest,
    DigestResponse,
    EnrolRequest,
    EnrolResponse,
    PolicyResponse,
    ProblemReport,
    PullResponse,
    PushResponse,
    ResendRequest,
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

RETRY_STATUS = frozenset({429, 502, 503, 504})
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


class HttpTransport:
    """Talks to one server as one device. `client` may be given (tests pass an in-process client)."""

    def __init__(
        self,
        base_url: str,
        *,
        device_id: str = "",
        token: str = "",
        client: httpx.Client | None = None,
        retries: int = 3,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        app_version: str = __version__,
    ) -> None:
        self.client = client or httpx.Client(base_url=base_url, timeout=DEFAULT_TIMEOUT, verify=verify_for(base_url))
        self.device_id = device_id
        self.token = token
        self.retries = retries
        self.app_version = app_version  # sent with every request: the server refuses an app older than it accepts
        self.backoff = backoff
        self.sleep = sleep
        self.bytes_sent = 0
        self.bytes_received = 0
        self.round_id = ""  # sent with every request, so the server logs a round's deliveries once per child
        self.tells_recorded = True  # whether pushes name recorded answers (not to a server from before)

    def close(self) -> None:
        self.client.close()

    # -- the protocol ------------------------------------------------------------------------------------------
    def enrol(self, request: EnrolRequest) -> EnrolResponse:
        return EnrolResponse.model_validate(self._call("POST", "/v1/enrol", body=request, auth=False))

    def push(self, changes: list[dict[str, Any]], recorded: Sequence[str] = ()) -> PushResponse:
        """A batch, naming the earlier changes whose answers are recorded here; a server from before refuses that
        (HTTP 422), and is then sent batches alone (it keeps every answer whole, as it always has)."""
        if recorded and self.tells_recorded:
            try:
                body = {"changes": changes, "recorded": list(recorded)}
                return _parsed(PushResponse, self._call("POST", "/v1/push", body=body, raw=True))
            except Refused as exc:
                if exc.status != 422:
                    raise
                self.tells_recorded = False
        return _parsed(PushResponse, self._call("POST", "/v1/push", body={"changes": changes}, raw=True))

    def pull(self, cursor: int, limit: int) -> PulledPage:
        params = {"cursor": cursor, "limit": limit}
        return _parsed(PulledPage, self._call("GET", "/v1/pull", params=params, raw=True))

    def digest(self, exclude: list[str], cursor: int | None = None, *, recount: bool = False) -> DigestResponse:
        body = DigestRequest(exclude=exclude, cursor=cursor, form="sums", recount=recount)
        return _parsed(DigestResponse, self._call("POST", "/v1/digest", body=body, raw=True))

    def snapshot(self, entity: str, after: str | None, limit: int) -> SnapshotResponse:
        params: dict[str, Any] = {"entity": entity, "limit": limit}
        if after:
            params["after"] = after
        return _parsed(SnapshotResponse, self._call("GET", "/v1/snapshot", params=params, raw=True))

    def resend(self, children: list[str]) -> PullResponse:
        return PullResponse.model_validate(self._call("POST", "/v1/resend", body=ResendRequest(children=children)))

    def state(self) -> ServerState:
        """Every round starts here (`reconcile_if_needed`), so a new round id is minted here too."""
        self.round_id = str(uuid.uuid4())
        return ServerState.model_validate(self._call("GET", "/v1/state"))

    def audit_search(self, params: dict[str, str]) -> AuditSearchResponse:
        return AuditSearchResponse.model_validate(self._call("GET", "/v1/audit/search", params=params))

    def access_log(self, child_id: str) -> AccessLogResponse:
        return AccessLogResponse.model_validate(self._call("GET", "/v1/access-log", params={"child_id": child_id}))

    def overrides(self, child_id: str | None = None) -> OverrideList:
        params = {"child_id": child_id} if child_id else None
        return OverrideList.model_validate(self._call("GET", "/v1/overrides", params=params))

    def ask_override(self, ask: OverrideAsk) -> OverrideInfo:
        return OverrideInfo.model_validate(self._call("POST", "/v1/overrides/ask", body=ask))

    def decide_override(self, override_id: str, decision: OverrideDecision) -> OverrideInfo:
        return OverrideInfo.model_validate(self._call("POST", f"/v1/overrides/{override_id}/decision", body=decision))

    def end_override(self, override_id: str) -> OverrideInfo:
        return OverrideInfo.model_validate(self._call("POST", f"/v1/overrides/{override_id}/end", body={}))

    def report(self, problem: ProblemReport) -> None:
        self._call("POST", "/v1/report", body=problem)

    def policy(self) -> dict[str, Any]:
        try:
            return PolicyResponse.model_validate(self._call("GET", "/v1/policy")).policy
        except Refused as exc:
            if exc.status == 404:  # a server from before policies: it sets none
                return {}
            raise

    def bank_holidays(self) -> BankHolidays | None:
        try:
            return BankHolidays.model_validate(self._call("GET", "/v1/bank-holidays"))
        except Refused as exc:
            if exc.status == 404:  # a server from before it gave them: Monday to Friday, as before
                return None
            raise

    def client_versions(self) -> ClientVersions:
        try:
            return ClientVersions.model_validate(self._call("GET", "/v1/client-versions", auth=False))
        except Refused as exc:
            if exc.status == 404:  # a server from before versions were published: it accepts every app
                return ClientVersions()
            raise

    # -- the account and administration (the app's Administration page; not part of a sync round) -------------
    def account(self) -> Account:
        return Account.model_validate(self._call("GET", "/v1/me"))

    def admin_overview(self) -> AdminOverview:
        return AdminOverview.model_validate(self._call("GET", "/v1/admin/overview"))

    def admin_revoke(self, device_id: str) -> AdminDevice:
        path = f"/v1/admin/devices/{quote(device_id, safe='')}/revoke"
        return AdminDevice.model_validate(self._call("POST", path))

    def admin_code(self, request: CodeRequest) -> CodeIssued:
        return CodeIssued.model_validate(self._call("POST", "/v1/admin/enrolment-codes", body=request))

    def transfer_export(self, request: TransferExport) -> bytes:
        """A child's case-transfer package sealed for another area (the bytes of a .transfer file)."""
        return bytes(self._call("POST", "/v1/transfer/export", body=request, raw=True))

    def transfer_import(self, request: TransferImport) -> TransferImported:
        return TransferImported.model_validate(self._call("POST", "/v1/transfer/import", body=request))

    def admin_data_quality(self) -> QualityReport:
        return QualityReport.model_validate(self._call("GET", "/v1/admin/data-quality"))

    def admin_review_queue(self) -> ReviewQueue:
        return ReviewQueue.model_validate(self._call("GET", "/v1/admin/feed/review"))

    def admin_review_decide(self, decision: ReviewDecision) -> ReviewOutcome:
        return ReviewOutcome.model_validate(self._call("POST", "/v1/admin/feed/review/decisions", body=decision))

    # -- the dashboards (counts only, protected on the server; the app's Dashboards page) -----------------------
    def reports_index(self) -> dict[str, Any]:
        return dict(self._call("GET", "/v1/reports"))

    def dashboard(self, name: str, params: dict[str, str]) -> dict[str, Any]:
        return dict(self._call("GET", f"/v1/reports/{quote(name, safe='')}", params=params))

    def probe(self) -> bool:
        try:
            return self.client.get("/health", timeout=3.0).status_code == 200
        except httpx.HTTPError:
            return False

    # -- plumbing ----------------------------------------------------------------------------------------------
    def _call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: dict[str, Any] | None = None,
        auth: bool = True,
        raw: bool = False,
    ) -> Any:
        """The answer's JSON, or with `raw` its bytes (parsed straight into a model by `_parsed`)."""
        headers = {"Accept-Encoding": "gzip", "X-CaseDesk-Version": self.app_version}
        content = None
        if body is not None:
            plain = body.model_dump_json().encode() if isinstance(body, BaseModel) else json.dumps(body).encode()
            content = gzip.compress(plain, compresslevel=1)  # level 5 cost CPU for bodies barely smaller
            headers.update({"Content-Type": "application/json", "Content-Encoding": "gzip"})
        if auth:
            headers.update({"Authorization": f"Bearer {self.token}", "X-CaseDesk-Device": self.device_id})
            if self.round_id:
                headers["X-CaseDesk-Round"] = self.round_id
        attempt = 0
        while True:
            try:
                response = self.client.request(method, path, content=content, params=params, headers=headers)
            except httpx.TransportError as exc:
                if _certificate_problem(exc):
                    raise CertificateRefused(f"The server's certificate is not trusted ({_reason(exc)}).") from exc
                if attempt >= self.retries:
                    raise Offline(f"Cannot reach the server ({type(exc).__name__}).") from exc
            else:
                self.bytes_sent += len(content or b"")
                self.bytes_received += response.num_bytes_downloaded
                if response.status_code < 400:
                    return response.content if raw else response.json()
                if response.status_code not in RETRY_STATUS and response.status_code < 500:
                    raise _refusal(response)
                if attempt >= self.retries:
                    raise Offline(
                        f"The server keeps failing (HTTP {response.status_code}); will try later.",
                        response.status_code,
                    )
            self.sleep(random.uniform(0, self.backoff * 2**attempt))
            attempt += 1


Model = TypeVar("Model", bound=BaseModel)


def _parsed(model: type[Model], content: bytes) -> Model:
    """An answer read straight from its bytes into the protocol model: pydantic's own JSON parser builds the
    model in one pass, without a dictionary of every value first (for a page of a first sync, parsing and
    checking took about as long as applying it). The same checks apply; text the fast parser cannot read (a
    lone surrogate, which Python's json module accepts) goes the old way, so no answer is read differently."""
    try:
        return model.model_validate_json(content)
    except pydantic.ValidationError as exc:
        if not any(error["type"] == "json_invalid" for error in exc.errors()):
            raise
        return model.model_validate(json.loads(content))


def _refusal(response: httpx.Response) -> Exception:
    try:
        body = response.json()
        code, detail = str(body.get("error", "")), str(body.get("detail", ""))
    except ValueError:
        code, detail = "", response.text[:200]
    if code == "update_required":
        return UpdateRequired(detail or "Update CaseDesk: this version is older than the server accepts.")
    if code == "device_revoked":
        return DeviceRevoked(detail or "This device has been revoked.")
    if response.status_code == 401 and code == "invalid_token":
        return TokenRefused(detail or "The device token was refused.")
    if response.status_code in (401, 403) and code != "forbidden":  # forbidden: the role may not, not a bad login
        return CredentialsRefused(detail or "The server refused these credentials.", code)
    return Refused(
        f"The server refused the request (HTTP {response.status_code}): {detail}", code, response.status_code
    )


def _certificate_problem(exc: BaseException) -> bool:
    """Whether a connection failed on the server's TLS certificate (httpx wraps the ssl error in its own)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _reason(exc: BaseException) -> str:
    """The verifier's own reason (e.g. "self-signed certificate"), without the rest of the ssl message."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return str(seen.verify_message or "verification failed")
        seen = seen.__cause__ or seen.__context__
    return "verification failed"
