"""Pull page sizes: a device asks for the largest page (`wire.MAX_PAGE`); a server from before larger pages
refuses that with HTTP 422, and the device then asks it for pages of the size it gives, without failing."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from casedesk import config
from casedesk.store.database import Database
from casedesk.sync.engine import OLDER_PAGE, SyncEngine, SyncReport
from casedesk.sync.http import HttpTransport
from casedesk.sync.transport import Refused
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


def _pages(pages: int, fail_at: int | None = None) -> HttpTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        cursor = int(request.url.params["cursor"])
        if cursor == fail_at:
            return httpx.Response(400, json={"error": "invalid_request", "detail": "refused"})
        return httpx.Response(200, json={"items": [], "cursor": cursor + 1, "has_more": cursor + 1 < pages})

    client = httpx.Client(base_url="http://127.0.0.1:9", transport=httpx.MockTransport(handler))
    return HttpTransport("http://127.0.0.1:9", device_id="d1", token="t", client=client, sleep=lambda _: None)


@pytest.mark.parametrize("fail_at", [None, 2])
def test_pages_are_applied_with_the_collector_held_back_and_it_runs_again_after(
    db: Database, fail_at: int | None
) -> None:
    collecting: list[bool] = []

    def on_db(fn: Callable[[], Any]) -> Any:
        collecting.append(gc.isenabled())
        return fn()

    assert gc.isenabled()
    engine = SyncEngine(db, _pages(3, fail_at), on_db=on_db)
    if fail_at is None:
        engine.pull(SyncReport())
    else:
        with pytest.raises(Refused):
            engine.pull(SyncReport())
    pages = 3 if fail_at is None else 2
    # retry, cursor, setting an index aside, the pages, building it (however the pull ended), and the report of
    # set-aside rows: only the pages' work runs without the collector
    assert collecting == [True, True, True, *([False] * pages), True] and gc.isenabled()
    assert db.get(config.CURSOR) == pages
