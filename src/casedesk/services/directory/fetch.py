"""Pulling a directory from a live Open Referral UK API (`casedesk import directory --url`).

An ORUK API lists services a page at a time (`page_number`, `total_pages`; `number`, `totalPages` in ORUK 1.0).
Every page is fetched and validated exactly like a file, and the pages are combined into one result before
anything is written, so a bad page anywhere still means nothing changes (unless `--skip-invalid`).

Nothing is dropped without a word: a page that is not JSON (an HTML error page, a truncated answer) is a problem
named with its page, and paging goes on past it when an earlier page said how many there are; pages that could
not be reached that way, and a listing cut at `MAX_PAGES`, are problems too. The whole pull has a deadline, so a
server trickling bytes cannot hold the import: each page is read in chunks against it.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from casedesk.domain.directory.oruk import ParseResult, parse_json
from casedesk.domain.directory.oruk_schema import ImportIssue
from casedesk.errors import CaseDeskError

TIMEOUT = httpx.Timeout(30.0, connect=5.0)
MAX_PAGES = 500  # a runaway or looping API must not keep CaseDesk fetching for ever
DEADLINE_SECONDS = 600.0  # the whole pull, every page included
MAX_PAGE_BYTES = 50 * 1024 * 1024


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def _get(http: httpx.Client, url: str, page: int, deadline: float) -> tuple[Any, str | None]:
    """The decoded JSON of one page, or the reason it is not JSON (reported like a bad file)."""
    body = bytearray()
    try:
        with http.stream("GET", url, params={"page": page}, headers={"Accept": "application/json"}) as response:
            if response.status_code != 200:
                raise CaseDeskError(f"{url} (page {page}) answered HTTP {response.status_code}; nothing was imported.")
            for chunk in response.iter_bytes():
                body += chunk
                if time.monotonic() > deadline:
                    raise CaseDeskError(
                        f"{url} is too slow: the pull did not finish within {DEADLINE_SECONDS:.0f} seconds "
                        f"(stopped on page {page}); nothing was imported."
                    )
                if len(body) > MAX_PAGE_BYTES:
                    return None, f"is larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB"
    except httpx.HTTPError as error:
        raise CaseDeskError(
            f"Could not fetch {url} (page {page}): {error}. Check the address and that you are online."
        ) from error
    try:
        return json.loads(bytes(body)), None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return None, f"is not valid JSON: {error}"


def _issue(name: str, message: str) -> ParseResult:
    return ParseResult(name, "unknown", errors=(ImportIssue(name, "", "", message),), skipped=(f"the whole of {name}",))


def fetch_directory(url: str, client: httpx.Client | None = None) -> ParseResult:
    """Every page of an ORUK listing at `url`, parsed and validated, combined into one result."""
    pages: list[ParseResult] = []
    page = 1
    total: int | None = None  # as the last readable page told it
    deadline = time.monotonic() + DEADLINE_SECONDS
    with client or httpx.Client(timeout=TIMEOUT, follow_redirects=True) as http:
        while True:
            if len(pages) >= MAX_PAGES:
                more = f" of the {total} it lists" if total else ""
                pages.append(_issue(f"{url} page {page}", f"not fetched: CaseDesk stops after {MAX_PAGES} pages{more}"))
                break
            name = f"{url} page {page}"
            data, problem = _get(http, url, page, deadline)
            if problem is not None:
                pages.append(_issue(name, problem))
                if total is not None and page < total:
                    page += 1  # the listing said how long it is: go on past the unreadable page
                    continue
                if total is None:
                    pages.append(_issue(f"{url} pages after {page}", "not fetched: the listing's length is unknown"))
                break
            result = parse_json(data, name)
            pages.append(result)
            info = result.page
            empty = not (result.services or result.errors or result.organizations or result.taxonomy_terms)
            if info is not None:
                total = info.total_pages
            if info is None or info.is_last or info.page_number < page or empty:
                break
            page = info.page_number + 1
    readable = [p for p in pages if p.format != "unknown"]
    return ParseResult(
        source=url,
        format=(readable or pages)[0].format,
        services=tuple(s for p in pages for s in p.services),
        errors=tuple(e for p in pages for e in p.errors),
        skipped=tuple(s for p in pages for s in p.skipped),
        organizations=tuple(o for p in pages for o in p.organizations),
        taxonomy_terms=tuple(t for p in pages for t in p.taxonomy_terms),
    )
