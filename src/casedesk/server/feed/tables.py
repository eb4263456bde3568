"""The feed's own tables in the server database (part of the server's schema; migration 0007).

- `feed_imports`: each return imported: whose, which, when, by whom, and a hash of what was read.
- `feed_children`: each child of each source as the latest return has it, with where matching left it
  (`pending` for a person to decide, `matched` or `created` with the server's child, `rejected`).
- `feed_failures`: the DfE queries of the latest import of each source, and the errors and queries of a return
  refused since (errors refuse an import); `import_id` names the import or the refusal.
- `feed_refusals`: each return refused for its DfE errors: whose, which file, when, by whom (migration 0013).
- `feed_match_log`: every matching decision, automatic or a person's, never changed or removed.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Index, Integer, MetaData, String, Table, Text

# Its own metadata, so this module needs nothing of `casedesk.server.db`, which copies these tables into the
# server's schema (the one the migrations are held equal to).
metadata = MetaData(naming_convention={"ix": "ix_%(column_0_label)s", "pk": "pk_%(table_name)s"})

feed_imports = Table(
    "feed_imports",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("org_id", String(36), nullable=False),
    Column("source", String(10), nullable=False),
    Column("la_code", String(3)),
    Column("year", Integer, nullable=False),
    Column("ruleset", String(20), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("children", Integer, nullable=False),
    Column("queries", Integer, nullable=False),
)
feed_children = Table(
    "feed_children",
    metadata,
    Column("org_id", String(36), primary_key=True),
    Column("source", String(10), primary_key=True),
    Column("la_child_id", String(100), primary_key=True),
    Column("data", JSON, nullable=False),
    Column("import_id", String(36), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("state", String(10), nullable=False),  # pending | matched | created | rejected
    Column("child_id", String(36), index=True),
    Column("method", String(20)),  # upn | nhs_number | name_dob_postcode | person
    Column("score", Integer),
    Column("candidates", JSON, nullable=False),  # [{child_id, score, evidence}] for a person to choose from
    Column("decided_by", String(200)),
    Column("decided_at", DateTime(timezone=True)),
)
feed_failures = Table(
    "feed_failures",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("import_id", String(36), nullable=False, index=True),
    Column("org_id", String(36), nullable=False),
    Column("source", String(10), nullable=False),
    Column("rule", String(20), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("message", Text, nullable=False),
    Column("la_child_id", String(100)),
    Column("table_name", String(40)),
    Column("field", String(40)),
    Column("value", String(200)),
)
feed_refusals = Table(
    "feed_refusals",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("org_id", String(36), nullable=False),
    Column("source", String(10), nullable=False),
    Column("file", String(300), nullable=False),
    Column("year", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("refused_at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("errors", Integer, nullable=False),
    Column("queries", Integer, nullable=False),
    Index("ix_feed_refusals_source", "org_id", "source"),
)
feed_match_log = Table(
    "feed_match_log",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("org_id", String(36), nullable=False),
    Column("source", String(10), nullable=False),
    Column("la_child_id", String(100), nullable=False),
    Column("decision", String(20), nullable=False),  # matched | pending | created | rejected | unmatched
    Column("child_id", String(36)),
    Column("method", String(20)),
    Column("score", Integer),
    Column("actor", String(200), nullable=False),
    Column("reason", Text),
    Index("ix_feed_match_log_child", "org_id", "source", "la_child_id"),
)
