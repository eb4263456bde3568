"""Pull page sizes: a device asks for the largest page (`wire.MAX_PAGE`); a server from before larger pages
refuses that with HTTP 422, and the device then asks it for pages of the size it gives, without failing."""

from __future__ import annotations

import httpx

from casedesk import config
from casedesk.store.database import Database
from casedesk.sync.engine import OLDER_PAGE, SyncEngine, SyncReport
from casedesk.sync.http import HttpTransport
from casedesk.sync.wire import MAX_PAGE


def _older_server(limits: list[int]) -> HttpTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        limit = int(request.url.params["limit"])
        limits.append(limit)
        if limit > OLDER_PAGE:
            return httpx.Response(422, json={"error": "invalid_request", "detail": "limit: at most 1000"})
        cursor = int(request.url.params["cursor"])
        return httpx.Response(200, json={"items": [], "cursor": cursor + 1, "has_more": cursor < 1})

    client = httpx.Client(base_url="http://127.0.0.1:9", transport=httpx.MockTransport(handler))
    return HttpTransport("http://127.0.0.1:9", device_id="d1", token="t", client=client, sleep=lambda _: None)


def test_a_server_that_refuses_larger_pages_is_asked_for_the_pages_it_gives(db: Database) -> None:
    limits: list[int] = []
    engine = SyncEngine(db, _older_server(limits))
    report = SyncReport()
    engine.pull(report)
    assert MAX_PAGE > OLDER_PAGE
    assert limits == [MAX_PAGE, OLDER_PAGE, OLDER_PAGE] and engine.page == OLDER_PAGE
    assert report.pages == 2 and db.get(config.CURSOR) == 2
