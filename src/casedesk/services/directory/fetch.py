"""Pulling a directory from a live Open Referral UK API (`casedesk import directory --url`).

An ORUK API lists services a page at a time (`page_number`, `total_pages`; `number`, `totalPages` in ORUK 1.0).
Every page is fetched and validated exactly like a file, and the pages are combined into one result before
anything is written, so a bad page anywhere still means nothing changes (unless `--skip-invalid`).
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from casedesk.domain.directory.oruk import ParseResult, parse_json
from casedesk.domain.directory.oruk_schema import ImportIssue
from casedesk.errors import CaseDeskError

TIMEOUT = httpx.Timeout(30.0, connect=5.0)
MAX_PAGES = 500  # a runaway or looping API must not keep CaseDesk fetching for ever


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def _get(http: httpx.Client, url: str, page: int) -> tuple[Any, str | None]:
    """The decoded JSON of one page, or the reason it is not JSON (reported like a bad file)."""
    try:
        response = http.get(url, params={"page": page}, headers={"Accept": "application/json"})
    except httpx.HTTPError as error:
        raise CaseDeskError(
            f"Could not fetch {url} (page {page}): {error}. Check the address and that you are online."
        ) from error
    if response.status_code != 200:
        raise CaseDeskError(f"{url} (page {page}) answered HTTP {response.status_code}; nothing was imported.")
    try:
        return response.json(), None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return None, f"is not valid JSON: {error}"


def fetch_directory(url: str, client: httpx.Client | None = None) -> ParseResult:
    """Every page of an ORUK listing at `url`, parsed and validated, combined into one result."""
    pages: list[ParseResult] = []
    page = 1
    with client or httpx.Client(timeout=TIMEOUT, follow_redirects=True) as http:
        while len(pages) < MAX_PAGES:
            name = f"{url} page {page}"
            data, problem = _get(http, url, page)
            if problem is not None:
                issue = ImportIssue(name, "", "", problem)
                pages.append(ParseResult(name, "unknown", errors=(issue,), skipped=(f"the whole of {name}",)))
                break
            result = parse_json(data, name)
            pages.append(result)
            info = result.page
            empty = not (result.services or result.errors or result.organizations or result.taxonomy_terms)
            if info is None or info.is_last or info.page_number < page or empty:
                break
            page = info.page_number + 1
    return ParseResult(
        source=url,
        format=pages[0].format,
        services=tuple(s for p in pages for s in p.services),
        errors=tuple(e for p in pages for e in p.errors),
        skipped=tuple(s for p in pages for s in p.skipped),
        organizations=tuple(o for p in pages for o in p.organizations),
        taxonomy_terms=tuple(t for p in pages for t in p.taxonomy_terms),
    )
