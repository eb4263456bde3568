"""The dashboards over the API, for the app's Dashboards page: which dashboards and schools the caller may see,
and one dashboard's protected counts for a period. Counts only, never records; scoped by the caller's role and
organisation (`casedesk.server.reports.audience_of`): the local authority sees the area and may narrow it to one
school, a school sees only its own figures.

    GET /v1/reports                              → {"audience", "reports": [{name, title}], "schools": [{id, name}]}
    GET /v1/reports/{name}?from=&to=&school=     → the dashboard (`Dashboard.to_json`)
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query
from sqlalchemy import select

from casedesk.domain.vocab import OrgKind
from casedesk.server import auth
from casedesk.server.db import ServerDB, orgs
from casedesk.server.reports import REPORTS, ReportError, audience_of, run
from casedesk.server.reports.model import AREA, SCHOOL, Audience, Period


def _audience(store: ServerDB, device: Any) -> Audience:
    try:
        return audience_of(store, device.org_id, device.role)
    except ReportError as exc:
        raise auth.AuthFailure("forbidden", str(exc), status=403) from None


def _schools(store: ServerDB, audience: Audience) -> list[dict[str, str]]:
    if audience.scope == SCHOOL:
        return [{"id": str(audience.org_id), "name": audience.name}]
    if audience.scope != AREA:
        return []
    with store.read() as conn:
        rows = conn.execute(select(orgs.c.id, orgs.c.name).where(orgs.c.kind == OrgKind.SCHOOL).order_by(orgs.c.name))
        return [{"id": row.id, "name": row.name} for row in rows]


def add_routes(app: FastAPI, store: ServerDB, current_device: Any) -> None:
    caller = Depends(current_device)  # a default, not an annotation: annotations here are only strings

    @app.get("/v1/reports")
    def reports_index(device: Any = caller) -> dict[str, Any]:
        audience = _audience(store, device)
        return {
            "audience": audience.name,
            "reports": [{"name": name, "title": title} for name, (title, _) in REPORTS.items()],
            "schools": _schools(store, audience),
        }

    @app.get("/v1/reports/{name}", responses=auth.answers(404))
    def report(
        name: str,
        device: Any = caller,
        start: Annotated[str | None, Query(alias="from", max_length=20)] = None,
        end: Annotated[str | None, Query(alias="to", max_length=20)] = None,
        school: Annotated[str | None, Query(max_length=36)] = None,
    ) -> dict[str, Any]:
        audience = _audience(store, device)
        if name not in REPORTS:
            raise auth.AuthFailure("unknown_report", f"There is no report {name!r}.", status=404)
        try:
            period = Period.parse(start, end, date.today())
        except ReportError as exc:
            raise auth.AuthFailure("invalid_period", str(exc).replace("--", ""), status=400) from None
        if school:
            allowed = {s["id"]: s["name"] for s in _schools(store, audience)}
            if school not in allowed:
                raise auth.AuthFailure("forbidden", "That school's figures are not yours to see.", status=403)
            audience = Audience(SCHOOL, school, allowed[school])
        return run(store, name, period, audience).to_json()
