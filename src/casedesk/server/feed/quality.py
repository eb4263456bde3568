"""`casedesk-server data-quality`: the data-quality report for one organisation or the whole local authority.

The rows come from the server's records (children, status periods, involvements, enrolments), its change feed
(when each child last changed) and the feed's own tables (children waiting for review, DfE queries); what is
wrong is decided by `casedesk.domain.feed.quality`. An organisation's report holds only the children it sees
(and, for children's social care, its returns' children and queries); the local authority's holds everything.
Each problem names the record to open: the child's id (and the row's, for a status), or the return's child.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Connection, func, select

from casedesk.domain.feed import quality as rules
from casedesk.domain.feed.records import FeedChild
from casedesk.domain.vocab import OrgKind
from casedesk.server import policy
from casedesk.server.db import ServerDB, feed, org_scope, orgs, records
from casedesk.server.feed import refusals
from casedesk.server.feed.tables import feed_children, feed_failures, feed_imports

STALE_DAYS = 180
ROW_ENTITIES = ("status_periods", "involvements", "enrolments")


@dataclass
class Report:
    scope: str
    generated: datetime
    problems: list[rules.Problem]
    names: dict[str, str] = field(default_factory=dict)  # child id -> name, for reading the report
    orgs: dict[str, str] = field(default_factory=dict)  # organisation id -> name

    def counts(self) -> dict[rules.Kind, int]:
        return rules.summary(self.problems)


def report(
    store: ServerDB,
    org_id: str | None = None,
    *,
    stale_days: int = STALE_DAYS,
    today: date | None = None,
) -> Report:
    today = today or policy.today()
    with store.read() as conn:
        org_names = {r.id: r.name for r in conn.execute(select(orgs.c.id, orgs.c.name))}
        if org_id is not None and org_id not in org_names:
            raise LookupError(f"No organisation with id {org_id}.")
        schools = {r.id for r in conn.execute(select(orgs.c.id).where(orgs.c.kind == OrgKind.SCHOOL.value))}
        visible = _visible(conn, org_id) if org_id else None
        children = _children(conn, visible)
        rows = _rows(conn, visible)
        problems = [
            *rules.identifier_problems(children),
            *rules.status_conflicts(rows, today, org_names),
            *rules.stale(children, today, stale_days),
            *rules.without_school(children, rows, schools, today),
            *_feed_problems(conn, org_id),
            *rules.duplicate_problems(children),
        ]
    names = {c.child_id: f"{c.data.get('given_name', '')} {c.data.get('family_name', '')}".strip() for c in children}
    scope = org_names[org_id] if org_id else "the local authority"
    order = list(rules.Kind)
    problems.sort(key=lambda p: (order.index(p.kind), names.get(p.child_id or "", ""), p.child_id or "", p.detail))
    return Report(scope, datetime.now(UTC), problems, names, org_names)


def _visible(conn: Connection, org_id: str) -> set[str]:
    return {
        r.child_id
        for r in conn.execute(select(org_scope.c.child_id).where(org_scope.c.org_id == org_id, org_scope.c.visible))
    }


def _children(conn: Connection, visible: set[str] | None) -> list[rules.Child]:
    changed = {
        r.child_id: r.hlc
        for r in conn.execute(
            select(feed.c.child_id, func.max(feed.c.hlc).label("hlc"))
            .where(feed.c.child_id.is_not(None), feed.c.kind == "row")
            .group_by(feed.c.child_id)
        )
    }
    out = []
    for r in conn.execute(
        select(records.c.row_id, records.c.created_by_org, records.c.data).where(
            records.c.entity == "children", records.c.deleted.is_(False)
        )
    ):
        if visible is not None and r.row_id not in visible:
            continue
        out.append(rules.Child(r.row_id, r.created_by_org, r.data or {}, _day_of(changed.get(r.row_id))))
    return out


def _day_of(hlc: str | None) -> date | None:
    if not hlc or not hlc[:13].isdigit():
        return None
    return datetime.fromtimestamp(int(hlc[:13]) / 1000, UTC).date()


def _rows(conn: Connection, visible: set[str] | None) -> list[rules.Row]:
    out = []
    for r in conn.execute(
        select(records.c.entity, records.c.row_id, records.c.child_id, records.c.created_by_org, records.c.data).where(
            records.c.entity.in_(ROW_ENTITIES), records.c.deleted.is_(False)
        )
    ):
        if visible is not None and r.child_id not in visible:
            continue
        out.append(rules.Row(r.entity, r.row_id, r.child_id, r.created_by_org, r.data or {}))
    return out


def _feed_problems(conn: Connection, org_id: str | None) -> list[rules.Problem]:
    waiting = select(feed_children).where(feed_children.c.state == "pending")
    queries = select(feed_failures)
    if org_id:
        waiting = waiting.where(feed_children.c.org_id == org_id)
        queries = queries.where(feed_failures.c.org_id == org_id)
    out = []
    for r in conn.execute(waiting):
        child = FeedChild.from_json(r.data)
        offers = len(r.candidates or [])
        said = f"{offers} possible match{'es' if offers != 1 else ''} to review" if offers else "no similar child found"
        out.append(
            rules.Problem(
                rules.Kind.UNMATCHED,
                f"{child.name}: {said}",
                None,
                r.org_id,
                "feed_children",
                None,
                f"{r.source} {r.la_child_id}",
            )
        )
    matched = {
        (r.org_id, r.source, r.la_child_id): r.child_id
        for r in conn.execute(
            select(
                feed_children.c.org_id, feed_children.c.source, feed_children.c.la_child_id, feed_children.c.child_id
            )
        )
    }
    refused = refusals.refused(conn, org_id)
    imported = {r.id: r.imported_at for r in conn.execute(select(feed_imports.c.id, feed_imports.c.imported_at))}
    for r in conn.execute(queries):
        where = f" ({r.table_name}.{r.field}{' = ' + repr(r.value) if r.value else ''})" if r.table_name else ""
        reference = f"{r.source} {r.la_child_id}" if r.la_child_id else f"{r.source} return"
        if r.import_id in refused:
            at = refused[r.import_id]
            came = f"{at.refused_at:%d/%m/%Y} {at.file}, refused"
        else:
            came = f"{imported[r.import_id]:%d/%m/%Y} import" if r.import_id in imported else "latest import"
        out.append(
            rules.Problem(
                rules.Kind.DFE_RULE,
                f"{r.severity} {r.rule} ({came}): {r.message}{where}",
                matched.get((r.org_id, r.source, r.la_child_id)) if r.la_child_id else None,
                r.org_id,
                "children",
                None,
                reference,
            )
        )
    return out


def format_report(result: Report) -> str:
    counts = result.counts()
    lines = [
        f"Data quality for {result.scope}, {result.generated:%Y-%m-%d %H:%M} UTC: {len(result.problems)} problem(s)"
    ]
    for kind in rules.Kind:
        lines.append(f"  {kind.label}: {counts[kind]}")
    current: rules.Kind | None = None
    for p in result.problems:
        if p.kind is not current:
            current = p.kind
            lines.append("")
            lines.append(f"{p.kind.label}:")
        who = result.orgs.get(p.org_id or "", "")
        if p.child_id:
            link = f"child {p.child_id} ({result.names.get(p.child_id) or 'not shared'})"
        else:
            link = p.reference or ""
        lines.append(f"  {link}: {p.detail}" + (f"  [{who}]" if who else ""))
    return "\n".join(lines)
