"""The directory: what people search for (need domains, levels, areas, from the anonymous search criteria devices
keep), what they find (how many services a search returned, which services turn up and are opened:
`directory_finds`), and the gaps — need domains with no active service at a level, and areas where people
searched for a need no service covers.

Counts of searches go through the disclosure rules like every count; counts of services are public directory facts
about organisations, not people, and are shown as they are.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import Connection, func, select

from casedesk.domain import disclosure
from casedesk.domain.directory.model import LEVEL_LABELS, LEVELS, NeedDomain, Service, domain_label
from casedesk.domain.directory.oruk_map import service_from_oruk3
from casedesk.server.db import records
from casedesk.server.reports import directory_finds
from casedesk.server.reports.extract import OPENED, tag_list
from casedesk.server.reports.model import Audience, Dashboard, Period, Section, month_label, section
from casedesk.server.reports.query import fact, facts_in, month

TITLE = "Directory searches and gaps"
SOURCES = ("directory", "needs_check")
SOURCE_LABELS = ("Directory page", "From a needs check")
NO_LEVEL, NO_DISTRICT = "No level given", "No area given"


def build(conn: Connection, period: Period, audience: Audience) -> Dashboard:
    day = month(fact.c.on_day)
    grouped = facts_in(
        "directory_searches",
        period,
        audience,
        day,
        fact.c.kind,
        fact.c.level,
        fact.c.detail,
        fact.c.tags,
        func.count(),
        school="recorder",
    )
    grouped = grouped.where(fact.c.kind != OPENED).group_by(day, fact.c.kind, fact.c.level, fact.c.detail, fact.c.tags)
    months = period.months
    by_month: dict[str, Counter[str]] = {m: Counter() for m in months}
    by_level: dict[str, Counter[str]] = defaultdict(Counter)
    by_district: dict[str, Counter[str]] = defaultdict(Counter)
    by_domain: dict[str, Counter[str]] = defaultdict(Counter)
    wanted: dict[str, Counter[str]] = defaultdict(Counter)  # district → domain → searches
    for when, source, level, district, codes, n in conn.execute(grouped):
        source = source if source in SOURCES else "directory"
        by_month[when][source] += n
        by_level[f"Level {level}" if level in LEVELS else NO_LEVEL][source] += n
        by_district[district or NO_DISTRICT][source] += n
        for domain in tag_list(codes):
            by_domain[domain][source] += n
            if district:
                wanted[district][domain] += n
    levels = [f"Level {n}" for n in LEVELS if f"Level {n}" in by_level] + ([NO_LEVEL] if NO_LEVEL in by_level else [])
    districts = sorted(d for d in by_district if d != NO_DISTRICT) + (
        [NO_DISTRICT] if NO_DISTRICT in by_district else []
    )
    tables = disclosure.protect_together(
        [
            ([[by_month[m][s] for s in SOURCES] for m in months], [month_label(m) for m in months]),
            ([[by_level[x][s] for s in SOURCES] for x in levels], levels),
            ([[by_district[d][s] for s in SOURCES] for d in districts], districts),
            (directory_finds.found_counts(conn, period, audience, SOURCES), directory_finds.BUCKETS),
        ],
        SOURCE_LABELS,
    )
    domains = sorted(by_domain, key=domain_label)
    every = _services(conn)
    services = [s for s in every if s.is_active]
    sections = [
        Section("searches_by_month", "Directory searches, month by month", "line", tables[0], True, True),
        Section("searches_by_level", "Levels of need searched for", "bar", tables[1], True, True),
        Section("searches_by_area", "Areas searched (postcode district)", "bar", tables[2], True, True),
        Section(
            "searches_by_found",
            "What searches found: how many services each returned",
            "bar",
            tables[3],
            True,
            True,
            note='"Not recorded": searches kept before devices recorded what a search found.',
        ),
        directory_finds.services_section(conn, period, audience, {s.id: s.name for s in every}),
        section(
            "searches_by_need",
            "Need domains searched for",
            "bar",
            [[by_domain[d][s] for s in SOURCES] for d in domains],
            [domain_label(d) for d in domains],
            list(SOURCE_LABELS),
            column_totals=False,
            note="A search from a needs check names every domain the check flagged, so these add up to more than "
            "the searches.",
        ),
        _gaps_by_level(services),
        _gaps_by_area(wanted, services),
    ]
    return Dashboard("directory", TITLE, period, audience, tuple(sections))


def _services(conn: Connection) -> list[Service]:
    rows = conn.execute(
        select(records.c.data["document"]).where(records.c.entity == "services", records.c.deleted.is_(False))
    ).all()
    out = []
    for (document,) in rows:
        try:
            service = service_from_oruk3(document or {})
        except (KeyError, TypeError, ValueError):
            continue  # a document this version cannot read is not counted (it is not a service we know)
        out.append(service)
    return out


def _gaps_by_level(services: list[Service]) -> Section:
    domains = list(NeedDomain)
    counts = [
        [sum(1 for s in services if d.value in s.need_domains and n in s.levels) for n in LEVELS] for d in domains
    ]
    table = disclosure.ProtectedTable(
        tuple(d.label for d in domains),
        tuple(f"Level {n}: {LEVEL_LABELS[n]}" for n in LEVELS),
        tuple(tuple(row) for row in counts),
        frozenset(),
        frozenset(),
    )
    return Section(
        "gaps_by_level",
        "Active services for each need domain and level (0: a gap)",
        "bar",
        table,
        False,
        False,
        note="Counts of services in the directory, not of people, so none is withheld.",
        people=False,
    )


def _covers(service: Service, district: str) -> bool:
    areas = service.postcode_districts
    return not areas or district in areas  # a service that names no area is taken to cover every one


def _gaps_by_area(wanted: dict[str, Counter[str]], services: list[Service]) -> Section:
    districts = sorted(wanted)
    rows, gaps = [], []
    for district in districts:
        rows.append([sum(wanted[district].values())])
        missing = [
            domain_label(d)
            for d in sorted(wanted[district])
            if not any(d in s.need_domains and _covers(s, district) for s in services)
        ]
        gaps.append((", ".join(missing) or "none",))
    base = section(
        "gaps_by_area",
        "Areas searched, and the needs searched there that no service covers",
        "bar",
        rows,
        districts,
        ["Need domains searched"],
        row_totals=False,
        column_totals=False,
    )
    return Section(
        base.key,
        base.title,
        base.chart,
        base.table,
        False,
        False,
        ("Needs with no service there",),
        tuple(gaps),
        "A need searched in an area, where no active service for it names that area.",
    )
