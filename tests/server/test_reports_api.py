"""The dashboards over the API: counts only, scoped to the caller — the local authority sees the area and may
narrow it to one school, a school sees only its own figures, roles without reports and other schools' figures are
refused — and bad requests get a clear JSON error."""

from __future__ import annotations

import httpx

from casedesk.domain.ids import new_id
from casedesk.server.db import accounts
from tests.server.report_rows import Rows
from tests.sync.fixtures import fast_passwords, server  # noqa: F401
from tests.sync.harness import PASSWORD, Server

SPAN = {"from": "2026-01-01", "to": "2026-02-28"}


def _enrol(client: httpx.Client, server: Server, username: str) -> dict[str, str]:  # noqa: F811
    device_id = new_id()
    body = {"username": username, "password": PASSWORD, "code": server.code(username), "device_id": device_id}
    answer = client.post("/v1/enrol", json=body)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['device_token']}", "X-CaseDesk-Device": device_id}


def _area(server: Server) -> dict[str, str]:  # noqa: F811
    """Oak (7 suspensions) and Elm (6), and the local authority's early help service."""
    store = server.store
    oak = accounts.create_org(store, "Oak Academy", "school")
    elm = accounts.create_org(store, "Elm Primary", "school")
    hub = accounts.create_org(store, "Early Help Hub", "early_help")
    rows = Rows(store)
    for school, count in ((oak, 7), (elm, 6)):
        for _ in range(count):
            child = rows.add("children", {"current_school_id": school, "date_of_birth": "2013-01-01", "sex": "F"})
            rows.add(
                "exclusions",
                {"school_id": school, "kind": "suspension", "first_day": "2026-01-15"},
                child=child,
                org=school,
            )
    rows.flush()
    for username, org, role in (("lea", hub, "manager"), ("olu", oak, "manager"), ("pat", oak, "practitioner")):
        accounts.create_user(store, org, username, PASSWORD, role)
    return {"oak": oak, "elm": elm, "hub": hub}


def _schools(answer: httpx.Response) -> dict[str, list[int | None]]:
    section = next(s for s in answer.json()["sections"] if s["key"] == "exclusions_by_school")
    return {row["label"]: row["cells"] for row in section["rows"]}


def test_the_area_sees_every_school_and_a_school_only_its_own(server: Server) -> None:  # noqa: F811
    ids = _area(server)
    client = server.client()
    lea, olu = _enrol(client, server, "lea"), _enrol(client, server, "olu")
    index = client.get("/v1/reports", headers=lea).json()
    assert index["audience"] == "the whole area"
    assert [r["name"] for r in index["reports"]] == ["needs", "directory", "referrals", "education", "cliff_edge"]
    assert [s["name"] for s in index["schools"]] == ["Elm Primary", "Oak Academy"]
    area = client.get("/v1/reports/education", headers=lea, params=SPAN)
    assert _schools(area) == {"Elm Primary": [6, 0, 0, 6], "Oak Academy": [7, 0, 0, 7], "Total": [13, 0, 0, 13]}
    narrowed = client.get("/v1/reports/education", headers=lea, params={**SPAN, "school": ids["elm"]})
    assert _schools(narrowed) == {"Elm Primary": [6, 0, 0, 6], "Total": [6, 0, 0, 6]}

    assert client.get("/v1/reports", headers=olu).json()["schools"] == [{"id": ids["oak"], "name": "Oak Academy"}]
    own = client.get("/v1/reports/education", headers=olu, params=SPAN)
    assert own.json()["audience"] == "Oak Academy"
    assert _schools(own) == {"Oak Academy": [7, 0, 0, 7], "Total": [7, 0, 0, 7]}
    for name in ("needs", "directory", "referrals", "education", "cliff_edge"):
        assert "Elm Primary" not in client.get(f"/v1/reports/{name}", headers=olu, params=SPAN).text
    other = client.get("/v1/reports/education", headers=olu, params={**SPAN, "school": ids["elm"]})
    assert other.status_code == 403 and other.json()["error"] == "forbidden"


def test_roles_without_reports_and_bad_requests_are_refused_clearly(server: Server) -> None:  # noqa: F811
    _area(server)
    client = server.client()
    pat, lea = _enrol(client, server, "pat"), _enrol(client, server, "lea")
    refused = client.get("/v1/reports/education", headers=pat, params=SPAN)
    assert refused.status_code == 403 and "role" in refused.json()["detail"]
    unknown = client.get("/v1/reports/nope", headers=lea)
    assert unknown.status_code == 404 and unknown.json()["error"] == "unknown_report"
    bad = client.get("/v1/reports/needs", headers=lea, params={"from": "2026-02-30"})
    assert bad.status_code == 400 and bad.json() == {
        "error": "invalid_period",
        "detail": "from must be a date written YYYY-MM-DD, not '2026-02-30'.",
    }
    backwards = client.get("/v1/reports/needs", headers=lea, params={"from": "2026-03-01", "to": "2026-01-01"})
    assert backwards.status_code == 400 and "after it ends" in backwards.json()["detail"]
    assert client.get("/v1/reports/needs").status_code == 401
