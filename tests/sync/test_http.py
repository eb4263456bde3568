"""The HTTP transport's own behaviour: gzip bodies, retries with growing jittered waits, clear refusals."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest

from casedesk.sync.http import HttpTransport
from casedesk.sync.transport import DeviceRevoked, Offline, Refused


def _transport(handler, sleeps: list[float]) -> HttpTransport:  # type: ignore[no-untyped-def]
    client = httpx.Client(base_url="http://127.0.0.1:9", transport=httpx.MockTransport(handler))
    return HttpTransport(
        "http://127.0.0.1:9", device_id="d1", token="t", client=client, retries=3, backoff=0.5, sleep=sleeps.append
    )


def test_push_bodies_are_gzipped_and_transient_failures_are_retried_with_backoff() -> None:
    seen: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["content-encoding"] == "gzip"
        seen.append(json.loads(gzip.decompress(request.content)))
        if len(seen) < 3:
            return httpx.Response(503, json={"error": "busy", "detail": "try later"})
        return httpx.Response(200, json={"results": []})

    sleeps: list[float] = []
    assert _transport(handler, sleeps).push([{"change_id": "c1"}]).results == []
    assert len(seen) == 3 and seen[0] == {"changes": [{"change_id": "c1"}]}
    assert len(sleeps) == 2 and 0 <= sleeps[0] <= 0.5 and 0 <= sleeps[1] <= 1.0  # full jitter under a doubling cap


def test_giving_up_means_offline_and_nothing_is_assumed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    sleeps: list[float] = []
    with pytest.raises(Offline):
        _transport(handler, sleeps).pull(0, 10)
    assert len(sleeps) == 3


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (403, {"error": "device_revoked", "detail": "revoked"}, DeviceRevoked),
        (413, {"error": "too_large", "detail": "too big"}, Refused),
    ],
)
def test_refusals_are_not_retried(status: int, body: dict, error: type[Exception]) -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(status, json=body)

    with pytest.raises(error):
        _transport(handler, []).push([])
    assert calls == [1]


def test_a_server_from_before_that_refuses_recorded_answers_is_sent_batches_alone() -> None:
    seen: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(gzip.decompress(request.content))
        seen.append(body)
        if "recorded" in body:  # an older server's request model forbids the field
            return httpx.Response(422, json={"error": "invalid_request", "detail": "recorded: extra inputs"})
        return httpx.Response(200, json={"results": []})

    transport = _transport(handler, [])
    assert transport.push([{"change_id": "c2"}], ["c1"]).results == []
    assert seen == [{"changes": [{"change_id": "c2"}], "recorded": ["c1"]}, {"changes": [{"change_id": "c2"}]}]
    transport.push([{"change_id": "c3"}], ["c1", "c2"])  # not asked again
    assert seen[2] == {"changes": [{"change_id": "c3"}]}
