"""What the demo's directory searches found, kept as the directory page keeps it (`services.directory.usage`):
each search's criteria with how many services it found and the first ten, and now and then a service opened from
a directory page search's results. Found with the directory's own search and matching over the demo's directory,
so the directory dashboard's "what they find" shows the same services a person would have seen."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from casedesk.domain.directory.match import match_services
from casedesk.services.directory.search import DirectoryFilter, search_services
from casedesk.services.directory.service import DirectoryService
from casedesk.services.directory.usage import opened_criteria, with_results
from casedesk.store.database import Database

OPENED_SHARE = 0.45  # of the searches that found something, how many led to a service being opened
Search = tuple[date, dict[str, Any]]


def add_finds(db: Database, rows: list[Search], seed: int) -> list[Search]:
    """`rows` (day, criteria) with what each search found, and the services opened after some of them."""
    rng = random.Random(seed * 2_750_159)
    directory = DirectoryService(db, "casedesk-demo").services()
    out: list[Search] = []
    for day, criteria in rows:
        if criteria.get("source") == "needs_check":
            domains = {str(d): 1 for d in criteria.get("domains", ())}
            found = match_services(directory, int(criteria.get("level") or 1), domains, None, criteria.get("district"))
            ids = [m.service.id for m in found if m.fits]
        else:
            asked = DirectoryFilter(
                domain=criteria.get("need"), level=criteria.get("level"), district=criteria.get("district")
            )
            ids = [s.id for s in search_services(directory, "", asked)]
        out.append((day, with_results(criteria, ids)))
        if ids and criteria.get("source") == "directory" and rng.random() < OPENED_SHARE:
            out.append((day, opened_criteria(rng.choice(ids[:3]), "directory")))
    return out
