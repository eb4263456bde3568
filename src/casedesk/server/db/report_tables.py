"""The dashboards' derived table: one typed row per synced record a dashboard counts (`casedesk.server.reports`).

Synced records are kept as JSON (`records.data`), which PostgreSQL parses again for every field a query reads; a
year of an area's needs checks, referrals, exclusions and attendance weeks is millions of parses. So each record a
dashboard counts is also kept here as a few typed columns (a day, a kind, a school, a level, two numbers), caught
up from the feed before each report (`casedesk.server.reports.facts`), and the dashboards group these with plain
SQL on both backends. It holds no names, no free text and nothing a dashboard does not count.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Index, Integer, String, Table

from casedesk.server.db import metadata

report_facts = Table(
    "report_facts",
    metadata,
    Column("entity", String(40), primary_key=True),
    Column("row_id", String(36), primary_key=True),
    Column("child_id", String(36)),
    Column("org_id", String(36)),  # the organisation that recorded it (`records.created_by_org`)
    Column("school_id", String(36)),  # the school it is about, where it names one
    Column("on_day", String(10)),  # ISO day it counts on (sent, completed, first day, week start, birth…)
    Column("until_day", String(10)),  # ISO day it ended, for periods
    Column("kind", String(40)),
    Column("detail", String(100)),
    Column("level", Integer),
    Column("flag", Boolean),
    Column("n1", Integer),
    Column("n2", Integer),
    Column("other_id", String(36)),  # a second organisation or service it names
    Column("extra", JSON),  # short lists of codes (need domains, search criteria)
    Index("ix_report_facts_entity_day", "entity", "on_day"),
    Index("ix_report_facts_child", "child_id"),
)
