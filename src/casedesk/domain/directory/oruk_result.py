"""What reading a directory yields: the valid records, every problem, and the page an API listing is on.

Its own module so the JSON reader (`oruk`) and the CSV reader (`oruk_csv`) can both return it without importing
each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from casedesk.domain.directory.model import Organization, Service, TaxonomyTerm
from casedesk.domain.directory.oruk_schema import ImportIssue


@dataclass(frozen=True)
class PageInfo:
    """Where an API page sits, so a `--url` pull knows whether to fetch the next one."""

    page_number: int
    total_pages: int
    total_items: int | None = None

    @property
    def is_last(self) -> bool:
        return self.page_number >= self.total_pages


@dataclass(frozen=True)
class ParseResult:
    """What a file holds: valid services, every problem, and the records left out because of them."""

    source: str
    format: str
    services: tuple[Service, ...] = ()
    errors: tuple[ImportIssue, ...] = ()
    skipped: tuple[str, ...] = ()
    organizations: tuple[Organization, ...] = ()
    taxonomy_terms: tuple[TaxonomyTerm, ...] = ()
    page: PageInfo | None = None

    @property
    def ok(self) -> bool:
        return not self.errors
