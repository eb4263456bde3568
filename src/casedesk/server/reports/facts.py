"""Keep `report_facts` (the dashboards' typed copy of the records they count, `extract`) caught up with the records,
in short steps that never hold the feed lock, so a push never waits for a report.

Feed numbers are handed out under the feed lock in commit order (`ServerDB.write(ordered=True)`), so the feed's
highest number read at any moment has every change up to it committed and visible: a catch-up can read it without
the lock. It then reads each record a newer change touched (the record as it is now, perhaps already newer still:
that change is past the mark and is read again next time, which only rewrites its fact) and moves the mark.

The first build (or a rebuild after `VERSION` changes what a fact holds) reads every counted record: it notes the
feed's end, then goes through the records entity by entity in chunks of `CHUNK` rows, each chunk its own
transaction that also records how far it got (`BUILD_KEY`), then rebuilds the attendance months child by child the
same way, then each child's cliff-edge spans (`cliff_spans`); the mark becomes the noted end only when all is
done. Pushes carry on throughout; what they change is
past the noted end and is caught up next. A build stopped part way (the server restarted) resumes where it stopped.
Two catch-ups at once take turns chunk by chunk (an advisory lock of their own on PostgreSQL).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, text, update

from casedesk.domain.risk.config import bundled_config
from casedesk.server.db import ServerDB, feed, meta, records, report_facts
from casedesk.server.reports import attendance_months, cliff_spans
from casedesk.server.reports.extract import EXTRACT, extract

MARK_KEY = "report_facts_seq"
BUILD_KEY = "report_facts_build"
VERSION_KEY = "report_facts_version"
# What a fact holds: 2 added acknowledgement days, EHC plans, youth-justice outcomes, police contacts, the
# secondary SEN need, what directory searches found and the cliff-edge spans. A server holding facts of another
# version (or spans worked out with other indicators) rebuilds them.
VERSION = 2
CHUNK = 5000  # records read in one step of a build
FEED_STEP = 20_000  # feed entries caught up in one step
_IDS = 500
_LOCK = 4243  # PostgreSQL advisory lock of the catch-up (the feed's is 4242)
_ENTITIES = (*EXTRACT, attendance_months.ENTITY, cliff_spans.ENTITY)
Progress = Callable[[str, int], None]


def catch_up(store: ServerDB, progress: Progress | None = None) -> int:
    """Bring the facts up to the feed's end; returns how many records were read again. `progress(entity, read)`
    is told after each step (the command line prints it while a first build runs)."""
    read = 0
    while True:
        with store.write() as conn:  # never `ordered`: the feed lock is the pushes'
            if not store.is_sqlite:
                conn.execute(text(f"SELECT pg_advisory_xact_lock({_LOCK})"))
            step = _step(conn)
        if step is None:
            return read
        entity, count = step
        read += count
        if progress is not None:
            progress(entity, read)


def _get(conn: Connection, key: str) -> str | None:
    value = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
    return None if value is None else str(value)


def _put(conn: Connection, key: str, value: str | None) -> None:
    if value is None:
        conn.execute(delete(meta).where(meta.c.key == key))
    elif _get(conn, key) is None:
        conn.execute(insert(meta).values(key=key, value=value))
    else:
        conn.execute(update(meta).where(meta.c.key == key).values(value=value))


def _feed_end(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(feed.c.seq), 0))).scalar_one())


def _step(conn: Connection) -> tuple[str, int] | None:
    """One short step: the next chunk of a build, or the next stretch of the feed; None when caught up."""
    build = _get(conn, BUILD_KEY)
    if build is not None:
        return _build_chunk(conn, json.loads(build))
    mark = int(_get(conn, MARK_KEY) or 0)
    end = _feed_end(conn)
    if _get(conn, VERSION_KEY) != version() or (mark == 0 and end > 0):
        conn.execute(delete(report_facts))
        _put(conn, BUILD_KEY, json.dumps({"end": end, "entity": 0, "after": ""}))
        _put(conn, VERSION_KEY, version())
        _put(conn, MARK_KEY, "0")
        return ("started", 0)
    if end <= mark:
        return None
    end = min(end, mark + FEED_STEP)
    read = _refresh_feed(conn, mark, end)
    _put(conn, MARK_KEY, str(end))
    return ("feed", read)


def version() -> str:
    """The facts' version and the indicators the spans were worked out with."""
    digest = hashlib.sha256(repr(bundled_config()).encode()).hexdigest()[:12]
    return f"{VERSION}:{digest}"


def _build_chunk(conn: Connection, state: dict[str, Any]) -> tuple[str, int]:
    index, after = int(state["entity"]), str(state["after"])
    entity = _ENTITIES[index]
    if entity == cliff_spans.ENTITY:  # every child's spans, from the facts built before
        children = list(
            conn.execute(
                select(report_facts.c.row_id)
                .where(report_facts.c.entity == "children", report_facts.c.row_id > after)
                .order_by(report_facts.c.row_id)
                .limit(CHUNK // 10)
            ).scalars()
        )
        cliff_spans.rebuild(conn, children)
        last, read = (children[-1] if children else None), len(children)
        full = len(children) == CHUNK // 10
    elif entity == attendance_months.ENTITY:
        f = report_facts
        children = list(
            conn.execute(
                select(f.c.child_id)
                .where(f.c.entity == attendance_months.WEEKS, f.c.child_id > after)
                .group_by(f.c.child_id)
                .order_by(f.c.child_id)
                .limit(CHUNK // 10)
            ).scalars()
        )
        attendance_months.rebuild(conn, children)
        last, read = (children[-1] if children else None), len(children)
        full = len(children) == CHUNK // 10
    else:
        rows = conn.execute(
            select(*_columns())
            .where(records.c.entity == entity, records.c.deleted.is_(False), records.c.row_id > after)
            .order_by(records.c.row_id)
            .limit(CHUNK)
        ).all()
        read = _write(conn, rows)
        last, full = (rows[-1][1] if rows else None), len(rows) == CHUNK
    if full and last is not None:
        state = {**state, "after": last}
    elif index + 1 < len(_ENTITIES):
        state = {**state, "entity": index + 1, "after": ""}
    else:  # done: from here on, what changed after the build began
        _put(conn, BUILD_KEY, None)
        _put(conn, MARK_KEY, str(state["end"]))
        return (entity, read)
    _put(conn, BUILD_KEY, json.dumps(state))
    return (entity, read)


def _refresh_feed(conn: Connection, mark: int, end: int) -> int:
    touched = conn.execute(
        select(feed.c.entity, feed.c.row_id)
        .where(feed.c.seq > mark, feed.c.seq <= end, feed.c.entity.in_(EXTRACT))
        .distinct()
    ).all()
    by_entity: dict[str, set[str]] = defaultdict(set)
    for entity, row_id in touched:
        by_entity[entity].add(row_id)
    read = sum(_refresh(conn, entity, sorted(ids)) for entity, ids in by_entity.items())
    # the months of the children whose weeks changed (deleted weeks too: records keep their child)
    weeks = _children_of(conn, attendance_months.WEEKS, by_entity.get(attendance_months.WEEKS, set()))
    attendance_months.rebuild(conn, weeks)
    # the spans of every child one of whose records the rule reads changed
    children = set(weeks)
    for entity in cliff_spans.SOURCES:
        children |= _children_of(conn, entity, by_entity.get(entity, set()))
    cliff_spans.rebuild(conn, children)
    return read


def _children_of(conn: Connection, entity: str, row_ids: set[str]) -> set[str]:
    ids, out = sorted(row_ids), set[str]()
    for start in range(0, len(ids), _IDS):
        where = (records.c.entity == entity, records.c.row_id.in_(ids[start : start + _IDS]))
        out.update(c for (c,) in conn.execute(select(records.c.child_id).where(*where)) if c)
    return out


def _columns() -> Any:
    return (records.c.entity, records.c.row_id, records.c.child_id, records.c.created_by_org, records.c.data)


def _write(conn: Connection, rows: Iterable[Any]) -> int:
    batch: list[dict[str, Any]] = []
    read = 0
    for entity, row_id, child_id, org_id, data in rows:
        read += 1
        fact = extract(entity, row_id, child_id, org_id, data or {})
        if fact is not None:
            batch.append({column.name: fact.get(column.name) for column in report_facts.columns})
    if batch:
        conn.execute(insert(report_facts), batch)
    return read


def _refresh(conn: Connection, entity: str, row_ids: list[str]) -> int:
    read = 0
    for start in range(0, len(row_ids), _IDS):
        chunk = row_ids[start : start + _IDS]
        conn.execute(delete(report_facts).where(report_facts.c.entity == entity, report_facts.c.row_id.in_(chunk)))
        rows = conn.execute(
            select(*_columns()).where(
                records.c.entity == entity, records.c.row_id.in_(chunk), records.c.deleted.is_(False)
            )
        ).all()
        read += _write(conn, rows)
    return read
