"""The FastAPI application: enrolment, push, pull, digest and snapshot, each checking the device token.

Endpoints are plain (threaded) functions because the database calls are blocking; uvicorn runs them in its
thread pool. Every error is JSON `{"error": code, "detail": sentence}`, declared in the OpenAPI description.
"""

import logging
import os
from collections import Counter
from typing import Annotated, Any

from fastapi import BackgroundTasks, Depends, FastAPI, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from casedesk import __version__
from casedesk.domain import roles
from casedesk.server import (
    administration,
    audit_api,
    audit_search_api,
    auth,
    caller,
    client_versions,
    collector,
    device_policy,
    holidays_api,
    mail,
    resend,
)
from casedesk.server.db import (
    ServerDB,
    access,
    accounts,
    breakglass,
    child_resends,
    expiry,
    generation,
    migrate,
    planner_stats,
    policies,
    pulls,
    push,
    ratelimits,
    tallies,
    user_roles,
)
from casedesk.server.feed import api as feed_api
from casedesk.server.limits import MAX_BODY, BodyLimitMiddleware
from casedesk.server.reports import api as reports_api
from casedesk.server.transfer import api as transfer_api
from casedesk.sync.wire import (
    MAX_PAGE,
    PROTOCOL,
    ClientVersions,
    DigestRequest,
    DigestResponse,
    EnrolRequest,
    EnrolResponse,
    EntityName,
    PolicyResponse,
    ProblemReport,
    PullResponse,
    PushRequest,
    PushResponse,
    ServerState,
    SnapshotResponse,
)

log = logging.getLogger(__name__)
MAX_CURSOR = 2**63 - 1
ERRORS = auth.answers(400, 401, 403, 413, 422, 429)  # what any endpoint may answer; an endpoint adds its own


def app_from_environment() -> FastAPI:
    """The app for `uvicorn --factory` worker processes: the database URL comes from CASEDESK_DATABASE_URL."""
    app = create_app(ServerDB(os.environ["CASEDESK_DATABASE_URL"]))
    collector.tune()
    return app


def create_app(
    store: ServerDB,
    *,
    max_body: int = MAX_BODY,
    smtp: mail.SmtpSettings | None = None,
    limits: ratelimits.Limits | None = None,
    policy: dict[str, Any] | None = None,
) -> FastAPI:
    """The app over `store`; SMTP settings for the mail relay default to the CASEDESK_SMTP_* environment, and the
    policy sent to devices to the site profile CASEDESK_SERVER_SITE_PROFILE names (`server.device_policy`)."""
    device_rules = device_policy.from_environment() if policy is None else policy
    migrate(store.engine)
    with store.write(ordered=True) as conn:  # under the feed lock: one process counts them, none pushes meanwhile
        tallies.ensure_built(conn)
    smtp = smtp or mail.SmtpSettings.from_env()
    server_id = accounts.server_id(store)
    generation.ensure(store)
    limiter = ratelimits.Limiter(store, limits)
    growth = planner_stats.GrowthWatch(store)
    daily_sweep = expiry.DailySweep(store)
    app = FastAPI(title="CaseDesk sync server", version=__version__, responses=ERRORS)
    # Level 1: at the default 9, compressing pull pages took a quarter of the server's time in a first sync, for
    # bodies only ~15% smaller.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=1)
    app.add_middleware(BodyLimitMiddleware, max_body=max_body)
    app.state.store = store

    @app.exception_handler(auth.AuthFailure)
    async def _auth_failure(_request: Request, exc: auth.AuthFailure) -> JSONResponse:
        return JSONResponse({"error": exc.code, "detail": exc.detail}, status_code=exc.status)

    @app.exception_handler(ratelimits.RateLimited)
    async def _limited(_request: Request, exc: ratelimits.RateLimited) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)}
        return JSONResponse({"error": "rate_limited", "detail": exc.detail}, status_code=429, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        headers = getattr(exc, "headers", None)  # a 405 keeps its Allow
        return JSONResponse({"error": code, "detail": str(exc.detail)}, status_code=exc.status_code, headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return JSONResponse(
            {"error": "server_error", "detail": "The server failed; nothing was changed."}, status_code=500
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"])
        return JSONResponse({"error": "invalid_request", "detail": f"{where}: {first['msg']}"}, status_code=422)

    def current_device(
        request: Request,
        authorization: Annotated[str, Header()] = "",
        x_casedesk_device: Annotated[str, Header()] = "",
        x_casedesk_version: Annotated[str, Header()] = "",
    ) -> Any:
        address = request.client.host if request.client else "?"
        return caller.device(store, limiter, address, authorization, x_casedesk_device, x_casedesk_version)

    Device = Annotated[Any, Depends(current_device)]

    def receiver(conn: Any, device: Any) -> pulls.Receiver:
        """Who a device pulls for: its organisation, the view its user's role receives, the user."""
        view = roles.view_of(device.role, device.org_kind or "")
        return pulls.Receiver.of(conn, device.org_id, view, device.username)

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "protocol": PROTOCOL, "server_id": server_id, "version": __version__}

    @app.get("/v1/client-versions", response_model=ClientVersions)
    def published_versions() -> ClientVersions:
        """The oldest app version this server accepts and the newest there is (no token needed: an app too old
        to sync, or not enrolled yet, still learns it must update)."""
        with store.read() as conn:
            return client_versions.read(conn)

    @app.post("/v1/enrol", response_model=EnrolResponse)
    def enrol(body: EnrolRequest, request: Request, x_casedesk_version: Annotated[str, Header()] = "") -> EnrolResponse:
        client = request.client.host if request.client else "?"
        with store.read() as conn:
            client_versions.check(conn, x_casedesk_version)
        limiter.check_enrolment(client, body.username)
        try:
            with store.write() as conn:
                token, user = accounts.enrol(
                    conn, body.username, body.password, body.code, body.device_id, body.device_name
                )
        except auth.AuthFailure as exc:
            if exc.status == 401:
                limiter.enrolment_failed(client, body.username)
            raise
        return EnrolResponse(
            device_token=token,
            username=user.username,
            organisation_id=user.org_id,
            server_id=server_id,
            role=roles.parse(user.role).value,
            manages_directory=auth.may_manage_directory(user),
        )

    @app.post("/v1/push", response_model=PushResponse)
    def push_changes(body: PushRequest, device: Device, background: BackgroundTasks) -> Response:
        with store.write(ordered=True) as conn:
            results = push.Pusher(
                conn,
                device.device_id,
                device.org_id,
                role=device.role,
                manages_directory=auth.may_manage_directory(device),
                user=device.username,
            ).push(body.changes, recorded=body.recorded)
        if growth.due(results):
            background.add_task(growth.analyse)  # after the answer: fresh statistics for the pulls to come
        if smtp is not None and any(change.get("entity") == "mail_requests" for change in body.changes):
            background.add_task(mail.deliver_pending, store, smtp)  # after the answer: sync never waits on SMTP
        # written once to JSON: returning the model had the framework dump, validate and dump its answers again
        return Response(PushResponse(results=results).model_dump_json(), media_type="application/json")

    @app.get("/v1/state", response_model=ServerState)
    def server_state(device: Device) -> ServerState:
        """The generation and feed end: a device checks these first, to notice a restore before it pushes."""
        with store.read() as conn:
            state = generation.state(conn, server_id)
            default = policies.default(conn)
        return state.model_copy(
            update={
                "role": roles.parse(device.role).value,
                "manages_directory": auth.may_manage_directory(device),
                "sharing_default": default,
            }
        )

    @app.get("/v1/pull", response_model=PullResponse)
    def pull(
        device: Device,
        cursor: Annotated[int, Query(description="the last feed position this device applied")] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 500,
        x_casedesk_round: Annotated[str, Header(max_length=36)] = "",
    ) -> PullResponse | Response:
        if not 0 <= cursor <= MAX_CURSOR:  # feed positions are 63-bit: a larger one cannot have come from here
            raise auth.AuthFailure("invalid_cursor", f"The cursor must be between 0 and {MAX_CURSOR}.", status=400)
        daily_sweep()  # involvements whose end date has passed take their child out of view before this page
        resync_from = device.resync_from
        expired = breakglass.expire_due(store)  # an override ran out: its user's devices take its child again
        delivered: Counter[str] = Counter()  # each child's records this page holds, for the access log
        again = child_resends.take(store, device, expired > 0)  # an override for these began or ended
        if again:
            with store.read() as conn:
                items = resend.resend(conn, receiver(conn, device), again, delivered).items
            access.record(store, device, access.round_of(x_casedesk_round), "pull", delivered)
            return PullResponse(items=items, cursor=cursor, has_more=True)  # the feed goes on at the next page
        answer: PullResponse | Response
        if resync_from is not None:  # its user's role or grants changed what it receives (see `user_roles`)
            with store.write() as conn:
                who = receiver(conn, device)
                answer, following = pulls.start_over(conn, who, resync_from, cursor, delivered)
                user_roles.resync_progress(conn, device.device_id, following)
        else:
            with store.read() as conn:  # written straight to JSON (`pulls.pull_json`): a first sync is mostly pages
                body = pulls.pull_json(conn, receiver(conn, device), cursor, limit, device.device_id, delivered)
            answer = Response(body, media_type="application/json")
        access.record(store, device, access.round_of(x_casedesk_round), "pull", delivered)
        return answer

    @app.post("/v1/digest", response_model=DigestResponse)
    def digest(body: DigestRequest, device: Device) -> DigestResponse:
        drifted = False
        with store.read(streaming=body.recount) as conn:  # a recount streams the records
            who = receiver(conn, device)
            if body.form == "sums":
                answer, drifted = pulls.digest_sums(conn, who, set(body.exclude), recount=body.recount)
            else:
                answer = pulls.digest(conn, who, set(body.exclude), body.only)
            if body.cursor is not None:  # checked after hashing: a write that landed meanwhile shows up here
                answer.current = not pulls.moved_since(conn, who, body.cursor, device.device_id)
        if drifted:  # the kept tallies no longer match the records: count them all again (rare; logged)
            with store.write(ordered=True) as conn:
                tallies.rebuild(conn)
        return answer

    @app.get("/v1/policy", response_model=PolicyResponse)
    def policy_for_devices(device: Device) -> PolicyResponse:
        """What every device applies on top of its own site profile, where this is stricter."""
        return PolicyResponse(policy=device_rules)

    @app.post("/v1/report")
    def report(body: ProblemReport, device: Device) -> dict[str, str]:
        """A device could not take rows in: logged for the administrator with ids and field names (no values)."""
        log.warning(
            "device %s (organisation %s, app %s) reports %s in %s: %s%s",
            device.device_id,
            device.org_id,
            body.app_version or "?",
            body.kind.replace("_", " "),
            body.entity,
            ", ".join(body.row_ids),
            f" (fields {', '.join(body.fields)})" if body.fields else "",
        )
        return {"status": "logged"}

    @app.get("/v1/snapshot", response_model=SnapshotResponse)
    def snapshot(
        device: Device,
        entity: EntityName,
        after: Annotated[str | None, Query(max_length=36)] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 500,
        x_casedesk_round: Annotated[str, Header(max_length=36)] = "",
    ) -> SnapshotResponse:
        delivered: Counter[str] = Counter()
        with store.read() as conn:
            answer = pulls.snapshot(conn, receiver(conn, device), entity, after, limit, delivered)
        access.record(store, device, access.round_of(x_casedesk_round), "resync", delivered)
        return answer

    administration.add_routes(app, store, current_device)
    feed_api.add_routes(app, store, current_device)
    resend.add_routes(app, store, current_device, receiver)
    reports_api.add_routes(app, store, current_device)
    audit_api.add_routes(app, store, current_device)
    audit_api.add_override_routes(app, store, current_device)
    audit_search_api.add_routes(app, store, current_device)
    holidays_api.add_routes(app, store, current_device)
    transfer_api.add_routes(app, store, current_device)
    return app
