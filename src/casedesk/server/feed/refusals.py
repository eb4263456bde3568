"""Returns refused for their DfE errors are kept, not only printed: the council's data team fixes them in the case
system, and until a later import of the same source succeeds the data-quality report shows each failed rule with
its child and field, the file and the day it was refused (`quality`).

A refusal writes only here, to the failures table (under the refusal's id) and to the administration audit: the
children, their matches and everything published stay exactly as they were. A newer refusal of the same source
replaces the older one's failures; a successful import replaces them all with its own queries.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from casedesk.domain.feed.records import FeedReturn, RuleFailure
from casedesk.domain.ids import new_id
from casedesk.server import administration
from casedesk.server.feed.tables import feed_failures, feed_refusals


def failure_rows(import_id: str, org_id: str, source: str, failures: tuple[RuleFailure, ...]) -> list[dict[str, Any]]:
    return [
        {
            "id": new_id(),
            "import_id": import_id,
            "org_id": org_id,
            "source": source,
            "rule": f.rule[:20],
            "severity": f.severity.value,
            "message": f.message,
            "la_child_id": f.child,
            "table_name": (f.table or "")[:40] or None,
            "field": (f.field or "")[:40] or None,
            "value": (f.value or "")[:200] or None,
        }
        for f in failures
    ]


def record(conn: Connection, owner: str, feed_return: FeedReturn, *, file: str, data_hash: str, actor: str) -> str:
    """Keep the refusal of `feed_return` (which fails at least one DfE error rule); returns its id."""
    source = feed_return.source.value
    earlier = select(feed_refusals.c.id).where(feed_refusals.c.org_id == owner, feed_refusals.c.source == source)
    conn.execute(
        delete(feed_failures).where(
            feed_failures.c.org_id == owner, feed_failures.c.source == source, feed_failures.c.import_id.in_(earlier)
        )
    )
    refusal = new_id()
    conn.execute(
        insert(feed_refusals).values(
            id=refusal,
            org_id=owner,
            source=source,
            file=(file or "(not named)")[:300],
            year=feed_return.year,
            sha256=data_hash,
            refused_at=datetime.now(UTC),
            actor=actor[:200],
            errors=len(feed_return.errors),
            queries=len(feed_return.queries),
        )
    )
    rows = failure_rows(refusal, owner, source, feed_return.failures)
    if rows:
        conn.execute(insert(feed_failures), rows)
    administration.record(
        conn,
        org_id=owner,
        actor=actor,
        action=f"import_{source}",
        target=f"{file or 'return'}: {len(feed_return.errors)} DfE error(s), sha256 {data_hash[:16]}",
        outcome="refused",
    )
    return refusal


def refused(conn: Connection, org_id: str | None = None) -> dict[str, Any]:
    """The kept refusals by id (each row: file, refused_at, …), for the report to say where a failure came from."""
    query = select(feed_refusals)
    if org_id:
        query = query.where(feed_refusals.c.org_id == org_id)
    return {r.id: r for r in conn.execute(query)}
