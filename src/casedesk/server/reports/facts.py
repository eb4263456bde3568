"""Keep `report_facts` (the dashboards' typed copy of the records they count) caught up with the records.

Before each report the feed is read from where the last catch-up stopped: every record a newer change touched is
read again and its fact rewritten (or dropped when the record was deleted or is no longer counted). The first
catch-up reads every counted record. It runs under the feed lock, so no push lands between reading the feed's end
and storing it as the new mark: a change is never skipped, and reading a change twice only rewrites a fact.

Each fact is the few fields a dashboard groups by, taken from the record by `extract`: no names, no free text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from casedesk.domain.attendance.codes import codes
from casedesk.domain.attendance.week import SESSIONS
from casedesk.server.db import ServerDB, feed, meta, records, report_facts
from casedesk.server.reports import attendance_months

MARK_KEY = "report_facts_seq"
_CHUNK = 500
Fact = dict[str, Any]


def _day(value: Any) -> str | None:
    """The ISO day of a date or timestamp field ("2026-03-04T10:00:00+00:00" → "2026-03-04")."""
    text = str(value or "")[:10]
    try:
        date.fromisoformat(text)
    except ValueError:
        return None
    return text


def _days_between(start: Any, end: Any) -> int | None:
    a, b = _day(start), _day(end)
    if a is None or b is None:
        return None
    return (date.fromisoformat(b) - date.fromisoformat(a)).days


def _district(postcode: Any) -> str | None:
    """The outward code of a postcode (the district), never the full postcode."""
    text = " ".join(str(postcode or "").upper().split())
    if len(text) < 5:
        return None
    return (text.split(" ")[0] if " " in text else text[:-3]).strip() or None


@cache
def _weights() -> dict[str, tuple[int, int]]:
    """Per attendance code: (1 if a possible session, 1 if an absence)."""
    return {code: (int(c.category.counted), int(c.category.absent)) for code, c in codes().items()}


def _children(d: Mapping[str, Any]) -> Fact:
    return {
        "school_id": d.get("current_school_id"),
        "on_day": _day(d.get("date_of_birth")),
        "kind": d.get("sex"),
        "detail": _district(d.get("postcode")),
    }


def tags(codes: Iterable[Any]) -> str | None:
    """ ",a,b," (sorted, each once), so SQL can group by it and `LIKE '%,a,%'` finds one; None when empty."""
    found = sorted({str(code) for code in codes if code})
    text = "," + ",".join(found) + ","
    return text[:400] if found else None


def tag_list(text: str | None) -> list[str]:
    return [code for code in (text or "").split(",") if code]


def _triage(d: Mapping[str, Any]) -> Fact | None:
    if d.get("state") != "complete":
        return None
    outcome = d.get("outcome") or {}
    domains = [x.get("id") for x in outcome.get("domains", ()) if isinstance(x, dict) and x.get("score")]
    return {"on_day": _day(d.get("completed_at")), "level": d.get("level"), "tags": tags(domains)}


def _referral(d: Mapping[str, Any]) -> Fact | None:
    if not d.get("sent_at"):
        return None  # a draft was never a referral to anyone
    return {
        "on_day": _day(d.get("sent_at")),
        "kind": d.get("status"),
        "detail": str(d.get("service_name") or "")[:100],
        "other_id": d.get("service_id"),
        "flag": bool(d.get("inappropriate")),
        "n1": _days_between(d.get("sent_at"), d.get("acknowledged_at")),
        "level": d.get("ack_within_days"),
    }


def _exclusion(d: Mapping[str, Any]) -> Fact:
    return {
        "school_id": d.get("school_id"),
        "on_day": _day(d.get("first_day")),
        "kind": d.get("kind"),
        "n1": d.get("sessions"),
    }


def _move(d: Mapping[str, Any]) -> Fact:
    return {
        "school_id": d.get("home_school_id"),
        "other_id": d.get("host_school_id"),
        "on_day": _day(d.get("start_date")),
        "kind": d.get("outcome") or "under_way",
    }


def _ehe(d: Mapping[str, Any]) -> Fact:
    return {
        "school_id": d.get("previous_school_id"),
        "on_day": _day(d.get("notified_on")),
        "until_day": _day(d.get("closed_on")),
        "kind": d.get("status"),
    }


def _status(d: Mapping[str, Any]) -> Fact:
    return {
        "on_day": _day(d.get("start_date")),
        "until_day": _day(d.get("end_date")),
        "kind": d.get("kind"),
        "detail": str(d.get("detail") or "")[:100] or None,
    }


def _enrolment(d: Mapping[str, Any]) -> Fact:
    return {
        "school_id": d.get("school_id"),
        "on_day": _day(d.get("start_date")),
        "until_day": _day(d.get("end_date")),
        "kind": d.get("leaving_reason"),
    }


def _provision(d: Mapping[str, Any]) -> Fact:
    return {"on_day": _day(d.get("start_date")), "until_day": _day(d.get("end_date")), "kind": d.get("kind")}


def _search(d: Mapping[str, Any]) -> Fact:
    """A search's criteria: where it was made, the level, the district and the need domains asked for."""
    raw = d.get("criteria")
    criteria: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
    domains = [*(criteria.get("domains") or ()), criteria.get("need")]
    level = criteria.get("level")
    return {
        "on_day": _day(d.get("searched_on")),
        "kind": str(criteria.get("source") or "directory")[:40],
        "level": level if isinstance(level, int) and not isinstance(level, bool) else None,
        "detail": str(criteria.get("district") or "")[:100] or None,
        "tags": tags(domains),
    }


def _week(d: Mapping[str, Any]) -> Fact:
    weights = _weights()
    possible = missed = 0
    school = None
    for name in SESSIONS:
        value = d.get(name)
        if not value:
            continue
        code, _, rest = str(value).partition("|")
        counted, absent = weights.get(code, (0, 0))
        possible += counted
        missed += absent
        school = school or (rest.split("|")[0] or None)
    return {"school_id": school, "on_day": _day(d.get("week_start")), "n1": possible, "n2": missed}


EXTRACT: dict[str, Callable[[Mapping[str, Any]], Fact | None]] = {
    "children": _children,
    "triage_results": _triage,
    "referrals": _referral,
    "exclusions": _exclusion,
    "managed_moves": _move,
    "ehe_cases": _ehe,
    "status_periods": _status,
    "enrolments": _enrolment,
    "provisions": _provision,
    "directory_searches": _search,
    "attendance_weeks": _week,
}


def extract(entity: str, row_id: str, child_id: str | None, org_id: str | None, data: Mapping[str, Any]) -> Fact | None:
    """The fact a record gives, or None when no dashboard counts it."""
    found = EXTRACT[entity](data)
    if found is None:
        return None
    return {"entity": entity, "row_id": row_id, "child_id": child_id, "org_id": org_id, **found}


def catch_up(store: ServerDB) -> int:
    """Bring the facts up to the feed's end; returns how many records were read again."""
    with store.write(ordered=True) as conn:
        mark = int(conn.execute(select(meta.c.value).where(meta.c.key == MARK_KEY)).scalar() or 0)
        end = int(conn.execute(select(func.coalesce(func.max(feed.c.seq), 0))).scalar_one())
        if end <= mark:
            return 0
        if mark == 0:
            conn.execute(delete(report_facts))
            read = _rebuild(conn)
            attendance_months.rebuild_all(conn)
        else:
            touched = conn.execute(
                select(feed.c.entity, feed.c.row_id)
                .where(feed.c.seq > mark, feed.c.seq <= end, feed.c.entity.in_(EXTRACT))
                .distinct()
            ).all()
            by_entity: dict[str, set[str]] = defaultdict(set)
            for entity, row_id in touched:
                by_entity[entity].add(row_id)
            read = sum(_refresh(conn, entity, sorted(ids)) for entity, ids in by_entity.items())
            weeks = sorted(by_entity.get(attendance_months.WEEKS, ()))
            if weeks:  # the months of the children whose weeks changed (deleted weeks too: records keep their child)
                children: set[str] = set()
                for start in range(0, len(weeks), _CHUNK):
                    where = (
                        records.c.entity == attendance_months.WEEKS,
                        records.c.row_id.in_(weeks[start : start + _CHUNK]),
                    )
                    children.update(c for (c,) in conn.execute(select(records.c.child_id).where(*where)) if c)
                attendance_months.rebuild(conn, children)
        _set_mark(conn, mark, end)
    return read


def _set_mark(conn: Connection, old: int, new: int) -> None:
    if old == 0 and conn.execute(select(meta.c.key).where(meta.c.key == MARK_KEY)).first() is None:
        conn.execute(insert(meta).values(key=MARK_KEY, value=str(new)))
    else:
        conn.execute(update(meta).where(meta.c.key == MARK_KEY).values(value=str(new)))


def _columns() -> Any:
    return (records.c.entity, records.c.row_id, records.c.child_id, records.c.created_by_org, records.c.data)


def _write(conn: Connection, rows: Iterable[Any]) -> int:
    batch: list[Fact] = []
    read = 0
    for entity, row_id, child_id, org_id, data in rows:
        read += 1
        fact = extract(entity, row_id, child_id, org_id, data or {})
        if fact is not None:
            batch.append({column.name: fact.get(column.name) for column in report_facts.columns})
        if len(batch) >= 2000:
            conn.execute(insert(report_facts), batch)
            batch = []
    if batch:
        conn.execute(insert(report_facts), batch)
    return read


def _rebuild(conn: Connection) -> int:
    read = 0
    for entity in EXTRACT:
        result = conn.execute(
            select(*_columns())
            .where(records.c.entity == entity, records.c.deleted.is_(False))
            .execution_options(yield_per=5000)
        )
        read += _write(conn, result)
    return read


def _refresh(conn: Connection, entity: str, row_ids: list[str]) -> int:
    read = 0
    for start in range(0, len(row_ids), _CHUNK):
        chunk = row_ids[start : start + _CHUNK]
        conn.execute(delete(report_facts).where(report_facts.c.entity == entity, report_facts.c.row_id.in_(chunk)))
        rows = conn.execute(
            select(*_columns()).where(
                records.c.entity == entity, records.c.row_id.in_(chunk), records.c.deleted.is_(False)
            )
        ).all()
        read += _write(conn, rows)
    return read
