"""Which search criteria people use in the directory: the prevalence dataset, with no personal data.

A directory search is kept as its criteria only: the need domain, level, age band (five-year bands, never an
exact age), postcode district, cost and attendance filters, whether words were typed (never the words, which may
name a child) and, for a search made from a needs check, the level, the flagged need domains and the specific
needs it found. What it found is kept too: how many services and the first `MAX_FOUND` by id (services are the
public directory's), and a service opened from the results is kept as its own record (`opened_criteria`). No
child, no name, no free text, and only the day. Records are append-only and sync to the server, where the
directory dashboard and `casedesk-server admin search-report` count them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from casedesk.domain.directory.model import normalise_district
from casedesk.domain.records import Changes
from casedesk.services.directory.search import DirectoryFilter
from casedesk.store.database import Database

AGE_BAND = 5
MAX_FOUND = 10


def age_band(age: int | None) -> str | None:
    if age is None:
        return None
    low = (age // AGE_BAND) * AGE_BAND
    return f"{low}-{low + AGE_BAND - 1}"


def filter_criteria(filters: DirectoryFilter, typed_words: bool) -> dict[str, Any]:
    """The criteria of a search of the directory page; empty when nothing was asked."""
    found: dict[str, Any] = {
        "need": filters.domain,
        "level": filters.level,
        "age_band": age_band(filters.age),
        "district": normalise_district(filters.district),
        "cost": filters.cost.value if filters.cost else None,
        "attendance": filters.attendance.value if filters.attendance else None,
        "words": True if typed_words else None,
    }
    criteria = {key: value for key, value in found.items() if value is not None}
    return {"source": "directory", **criteria} if criteria else {}


def needs_check_criteria(
    level: int, domains: dict[str, int], needs: list[str] | None, age: int | None, district: str | None
) -> dict[str, Any]:
    """The criteria of a search made from a needs check: what was found, never whose check it was."""
    found: dict[str, Any] = {
        "source": "needs_check",
        "level": level,
        "domains": sorted(d for d, w in domains.items() if w > 0),
        "needs": sorted(needs or []),
        "age_band": age_band(age),
        "district": normalise_district(district),
    }
    return {key: value for key, value in found.items() if value not in (None, [])}


def with_results(criteria: dict[str, Any], service_ids: list[str]) -> dict[str, Any]:
    """The criteria with what the search found: how many services, and the first `MAX_FOUND` in the order shown."""
    if not criteria:
        return {}
    return {**criteria, "found": len(service_ids), "services": service_ids[:MAX_FOUND]}


def opened_criteria(service_id: str, source: str) -> dict[str, Any]:
    """A service opened from a search's results ("directory" or "needs_check"): which service, never for whom."""
    return {"source": "opened", "service": service_id, "from": source}


def record_search(db: Database, actor: str, criteria: dict[str, Any], today: date | None = None) -> Changes:
    """Keep one search's criteria (nothing when there are none)."""
    if not criteria:
        return Changes()
    with db.unit_of_work(actor) as uow:
        uow.insert("directory_searches", {"criteria": criteria, "searched_on": today or date.today()})
    return uow.changes
