"""`--url`: a paged ORUK API on a tiny local server, fetched page by page and validated like a file."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from casedesk.cli.main import main
from casedesk.domain.directory.oruk import sample_services
from casedesk.domain.directory.oruk_export import to_oruk3
from casedesk.errors import CaseDeskError, ValidationError
from casedesk.services.directory import fetch
from casedesk.services.directory.service import DirectoryService
from casedesk.store.database import Database
from tests.factories import PASSPHRASE, service_count


def _pages() -> dict[int, dict[str, Any]]:
    contents = to_oruk3(sample_services())
    half = len(contents) // 2
    parts = {1: contents[:half], 2: contents[half:]}
    return {
        number: {
            "total_items": len(contents),
            "total_pages": 2,
            "page_number": number,
            "size": len(items),
            "first_page": number == 1,
            "last_page": number == 2,
            "empty": False,
            "contents": items,
        }
        for number, items in parts.items()
    }


class Api:
    """What the server answers, changeable per test; `asked` records the pages requested."""

    def __init__(self) -> None:
        self.pages: dict[int, Any] = _pages()
        self.asked: list[int] = []


@pytest.fixture
def api() -> Iterator[tuple[str, Api]]:
    state = Api()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = parse_qs(urlsplit(self.path).query)
            page = int(query.get("page", ["1"])[0])
            state.asked.append(page)
            if page not in state.pages:
                self.send_response(404)
                self.end_headers()
                return
            answer = state.pages[page]
            body = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/services", state
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_url_follows_every_page(db: Database, api: tuple[str, Api]) -> None:
    url, state = api
    report, _ = DirectoryService(db, "tester").import_directory(url)
    assert state.asked == [1, 2]
    assert len(report.added) == 43 and report.source == url
    assert {s.name for s in DirectoryService(db, "tester").services()} == {s.name for s in sample_services()}
    again, _ = DirectoryService(db, "tester").import_directory(url)
    assert (again.added, len(again.unchanged)) == ((), 43)


def test_a_bad_record_on_the_second_page_changes_nothing(db: Database, api: tuple[str, Api]) -> None:
    url, state = api
    state.pages[2]["contents"][0]["email"] = "not-an-email"
    with pytest.raises(ValidationError) as caught:
        DirectoryService(db, "tester").import_directory(url)
    assert caught.value.problems[0][0] == f"{url} page 2: $.contents[0].email"
    assert service_count(db) == 0
    report, _ = DirectoryService(db, "tester").import_directory(url, skip_invalid=True)
    assert len(report.added) == 42 and len(report.skipped) == 1


def test_a_page_that_is_not_json_is_an_error(db: Database, api: tuple[str, Api]) -> None:
    url, state = api
    state.pages[2] = b"<html>Service unavailable</html>"
    with pytest.raises(ValidationError) as caught:
        DirectoryService(db, "tester").import_directory(url)
    ((where, message),) = caught.value.problems
    assert where == f"{url} page 2" and message.startswith("is not valid JSON")
    assert service_count(db) == 0


def test_an_unreachable_api_is_one_clear_error(db: Database, api: tuple[str, Api]) -> None:
    url, state = api
    del state.pages[2]
    with pytest.raises(CaseDeskError, match=r"page 2.*HTTP 404"):
        DirectoryService(db, "tester").import_directory(url)
    with pytest.raises(CaseDeskError, match="Could not fetch"):
        DirectoryService(db, "tester").import_directory("http://127.0.0.1:9/services")
    assert service_count(db) == 0


def test_cli_url(db: Database, db_path: Any, api: tuple[str, Api], monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    url, _ = api
    db.close()
    monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)
    assert main(["import", "directory", "--url", url, "--db", str(db_path)]) == 0
    assert "43 service(s) added" in capsys.readouterr().out
    assert main(["import", "directory", "--db", str(db_path)]) == 1
    assert "Give either a PATH or --url" in capsys.readouterr().err


# Nothing is dropped without a word: unreadable pages are skipped past and named, a cut listing says so.


def _three_pages(state: Api) -> None:
    pages = _pages()
    third = json.loads(json.dumps(pages[2]))
    third["contents"] = third["contents"][-5:]
    pages[2]["contents"] = pages[2]["contents"][:-5]
    for number, page in ((1, pages[1]), (2, pages[2]), (3, third)):
        page.update(total_pages=3, page_number=number, last_page=number == 3)
    state.pages = {1: pages[1], 2: b"<html><body>Bad gateway</body></html>", 3: third}


def test_an_unreadable_middle_page_is_named_and_later_pages_are_still_fetched(
    db: Database, api: tuple[str, Api]
) -> None:
    url, state = api
    _three_pages(state)
    with pytest.raises(ValidationError) as caught:
        DirectoryService(db, "tester").import_directory(url)
    assert [where for where, _ in caught.value.problems] == [f"{url} page 2"]
    assert service_count(db) == 0
    state.asked.clear()
    report, _ = DirectoryService(db, "tester").import_directory(url, skip_invalid=True)
    assert state.asked == [1, 2, 3]
    assert len(report.added) == 21 + 5 and report.skipped == (f"the whole of {url} page 2",)


def test_a_first_page_that_is_not_json_says_later_pages_were_not_fetched(db: Database, api: tuple[str, Api]) -> None:
    url, state = api
    state.pages[1] = b"<html>login</html>"
    with pytest.raises(ValidationError) as caught:
        DirectoryService(db, "tester").import_directory(url, skip_invalid=False)
    assert (f"{url} pages after 1", "not fetched: the listing's length is unknown") in caught.value.problems


def test_a_listing_that_never_ends_is_cut_with_a_problem_not_silently(
    db: Database, api: tuple[str, Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, state = api
    monkeypatch.setattr(fetch, "MAX_PAGES", 2)
    for page in state.pages.values():
        page.update(total_pages=1000, last_page=False)
    with pytest.raises(ValidationError) as caught:
        DirectoryService(db, "tester").import_directory(url)
    assert caught.value.problems == [
        (f"{url} page 3", "not fetched: CaseDesk stops after 2 pages of the 1000 it lists")
    ]
    assert service_count(db) == 0
