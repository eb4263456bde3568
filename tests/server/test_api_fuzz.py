"""A schema-driven fuzz of the HTTP API with a valid device token, against the app served on 127.0.0.1.

Requests are drawn from the server's own OpenAPI description (parameters and bodies within their schemas, and
just outside them: out-of-range numbers, wrong types, arbitrary JSON), with pushes built mostly from change-like
objects over the real entities and fields, so the rules behind the first validation layer are reached too.
Every answer must be declared: no 500, a status the description lists, a body that matches the schema declared
for it. Methods an endpoint does not allow get 405 with `Allow`. The example budget is small (the suite runs it
every time); the same test with a larger budget is a deeper run.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from typing import Any

import httpx
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casedesk.domain.ids import new_id
from casedesk.sync.entities import ENTITIES
from tests.sync.harness import PASSWORD, Server

EXAMPLES = int(os.environ.get("CASEDESK_FUZZ_EXAMPLES", "40"))
JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
ANY_JSON = st.recursive(
    JSON_LEAF,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12,
)


class Api:
    """The served app, one enrolled device, and what the description says about every operation."""

    def __init__(self, server: Server) -> None:
        org = server.org("Riverside Academy")
        server.user(org, "ann")
        self.client = server.loopback()
        self.device_id = new_id()
        body = {"username": "ann", "password": PASSWORD, "code": server.code("ann"), "device_id": self.device_id}
        token = self.client.post("/v1/enrol", json=body).json()["device_token"]
        self.headers = {"Authorization": f"Bearer {token}", "X-CaseDesk-Device": self.device_id}
        self.spec = self.client.get("/openapi.json").json()
        self.known_ids = [org, new_id()]

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        return schema

    def check(self, method: str, path: str, response: httpx.Response) -> None:
        assert response.status_code != 500, f"{method} {path}: {response.text}"
        declared = self.spec["paths"][path][method.lower()]["responses"]
        assert str(response.status_code) in declared, f"{method} {path}: undeclared {response.status_code}"
        schema = declared[str(response.status_code)]["content"]["application/json"]["schema"]
        document = {**self.spec, **schema}  # resolve #/components/... refs against the whole description
        jsonschema.validate(response.json(), document)


def _strategy(api: Api, schema: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values inside `schema`, most of the time, and arbitrary JSON the rest."""
    schema = api.resolve(schema)
    if "anyOf" in schema:
        return st.one_of([_strategy(api, option, depth + 1) for option in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "string":
        return st.one_of(
            st.text(max_size=min(int(schema.get("maxLength", 40)), 40)),
            st.sampled_from([*ENTITIES, *api.known_ids, "", "../../etc/passwd", "' or 1=1 --"]),
        )
    if kind == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        inside = st.integers(min_value=None if low is None else int(low), max_value=None if high is None else int(high))
        return st.one_of(inside, st.integers(min_value=-(2**70), max_value=2**70))
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        items = _strategy(api, schema.get("items", {}), depth + 1)
        return st.lists(items, max_size=min(int(schema.get("maxItems", 4)), 4))
    if kind == "object" and "properties" in schema and depth < 4:
        properties = {name: _strategy(api, sub, depth + 1) for name, sub in schema["properties"].items()}
        required = {name: properties[name] for name in schema.get("required", [])}
        optional = {name: value for name, value in properties.items() if name not in required}
        return st.fixed_dictionaries(required, optional=optional)
    return ANY_JSON


def _change(api: Api) -> st.SearchStrategy[dict[str, Any]]:
    """Change-like objects: real entities, field names and ops, with values of any shape."""
    entity = st.sampled_from([*ENTITIES, "conflicts", "nothing"])
    fields = entity.flatmap(
        lambda e: st.dictionaries(
            st.sampled_from(sorted(ENTITIES[e].fields) if e in ENTITIES else ["value", "x"]), ANY_JSON, max_size=5
        )
    )
    valid_hlc = st.integers(0, 999_999).map(lambda n: f"{int(time.time() * 1000):013d}-{n:06d}-{api.device_id}")
    hlc = st.one_of(valid_hlc, valid_hlc, valid_hlc, st.text(max_size=20))  # mostly valid: reach the rules
    return st.fixed_dictionaries(
        {
            "change_id": st.one_of(st.uuids().map(str), st.text(max_size=40)),
            "entity": entity,
            "row_id": st.one_of(st.sampled_from(api.known_ids), st.uuids().map(str), st.text(max_size=40)),
            "op": st.sampled_from(["insert", "append", "update", "delete", "resolve", "merge"]),
            "fields": fields,
            "base_versions": st.dictionaries(
                st.text(max_size=12), st.integers(min_value=-(2**70), max_value=2**70), max_size=3
            ),
            "hlc": hlc,
            "device_id": st.one_of(st.just(api.device_id), st.just(api.device_id), st.text(max_size=10)),
            "author": st.text(max_size=20),
        }
    )


def _requests(api: Api) -> st.SearchStrategy[tuple[str, str, dict[str, Any]]]:
    """(method, path, request keyword arguments) for every operation in the description."""
    options = []
    for path, operations in api.spec["paths"].items():
        for method, operation in operations.items():
            params = [p for p in operation.get("parameters", []) if p["in"] == "query"]
            query = st.fixed_dictionaries({}, optional={p["name"]: _strategy(api, p["schema"]) for p in params})
            body_schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            if path == "/v1/push":
                body = st.one_of(st.fixed_dictionaries({"changes": st.lists(_change(api), max_size=6)}), ANY_JSON).map(
                    lambda b: {"json": b}
                )
            elif body_schema:
                body = st.one_of(_strategy(api, body_schema["schema"]), ANY_JSON).map(lambda b: {"json": b})
            else:
                body = st.just({})
            options.append(
                st.tuples(st.just(method.upper()), st.just(path), st.tuples(query, body)).map(
                    lambda t: (t[0], t[1], {"params": _plain(t[2][0]), **t[2][1]})
                )
            )
    return st.one_of(options)


def _plain(query: dict[str, Any]) -> dict[str, str]:
    """Query values as a client would put them on the URL."""
    return {k: json.dumps(v) if isinstance(v, dict | list) else ("" if v is None else str(v)) for k, v in query.items()}


@pytest.fixture
def api(any_server: Server) -> Iterator[Api]:
    served = Api(any_server)
    yield served
    served.client.close()


def test_fuzzed_requests_get_only_declared_answers(api: Api) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(request=_requests(api))
    def one(request: tuple[str, str, dict[str, Any]]) -> None:
        method, path, kwargs = request
        api.check(method, path, api.client.request(method, path, headers=api.headers, **kwargs))

    one()


def test_methods_an_endpoint_does_not_allow_get_405_with_allow(api: Api) -> None:
    for path, operations in api.spec["paths"].items():
        allowed = {method.upper() for method in operations}
        for method in sorted({"GET", "POST", "PUT", "DELETE", "PATCH"} - allowed):
            response = api.client.request(method, path, headers=api.headers)
            assert response.status_code == 405 and response.json()["error"] == "method_not_allowed"
            assert set(response.headers["Allow"].replace(" ", "").split(",")) >= allowed, (method, path)


def test_refusals_naming_what_is_not_there_are_declared(any_server: Server) -> None:
    """Each endpoint that answers "not found" or "conflict" lists it, so such an answer is never undeclared (the
    fuzz meets these only when it happens to draw a well-formed id nobody holds)."""
    from casedesk.server.administration import set_administrator

    api = Api(any_server)
    try:
        set_administrator(any_server.store, "ann", True)
        nobody = new_id()
        asked = [
            ("GET", "/v1/access-log", "/v1/access-log", {"params": {"child_id": nobody}}),
            ("POST", "/v1/overrides/{override_id}/end", f"/v1/overrides/{nobody}/end", {}),
            (
                "POST",
                "/v1/overrides/{override_id}/decision",
                f"/v1/overrides/{nobody}/decision",
                {"json": {"approve": True, "note": "checked"}},
            ),
            ("POST", "/v1/admin/devices/{device_id}/revoke", f"/v1/admin/devices/{nobody}/revoke", {}),
            (
                "POST",
                "/v1/admin/enrolment-codes",
                "/v1/admin/enrolment-codes",
                {"json": {"username": "nobody", "hours": 24}},
            ),
        ]
        for method, template, path, kwargs in asked:
            response = api.client.request(method, path, headers=api.headers, **kwargs)
            assert response.status_code == 404, f"{method} {path}: {response.status_code} {response.text}"
            api.check(method, template, response)
    finally:
        api.client.close()
