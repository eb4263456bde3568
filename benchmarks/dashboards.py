"""Each dashboard over a year of an area's activity on a PostgreSQL server: 50,000 children and 20,000 referrals.

    .venv/bin/python benchmarks/dashboards.py [--children 50000] [--referrals 20000] [--attendance-children N]

Data (synthetic, written straight into the server's `records` and `feed` as pushes leave them): 40 schools and 30
services; the children (birth dates over 16 years, sexes, postcode districts); for a year: 20,000 referrals (sent,
acknowledged or not, decided, about a third of declines inappropriate), 25,000 completed needs checks (levels and
domains), 6,000 suspensions and exclusions, 800 managed moves, 400 home-education notifications, 30,000 directory
searches; status periods (FSM, SEN support, EHC plans, CIN, CP, looked after: 60,000) and 5,000 school leavings;
and a school year of attendance weeks (39 per child) for `--attendance-children` children.

Measured: the derived facts built from nothing (once, at the first report), a catch-up after 100 more records,
then each dashboard (catch-up with nothing new, the SQL and the protection) three times.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record, summary, timed
from sync_bench import postgres

from casedesk.server.db import ServerDB, migrate, orgs
from casedesk.server.reports import REPORTS, facts, run
from casedesk.server.reports.model import AREA, Audience, Period

TODAY = date(2026, 7, 20)
PERIOD = Period(date(2025, 7, 21), TODAY)
DISTRICTS = [f"LS{n}" for n in range(1, 30)]
DOMAINS = ["attendance", "behaviour", "learning_send", "semh", "family", "safeguarding", "health", "housing_money"]


class Writer:
    def __init__(self, store: ServerDB) -> None:
        self.store, self.rows, self.seq, self.count = store, [], 0, 0

    def add(
        self,
        entity: str,
        data: dict[str, Any],
        child: str | None = None,
        org: str | None = None,
        row_id: str | None = None,
    ) -> str:
        row_id = row_id or str(uuid.uuid4())
        self.rows.append((entity, row_id, row_id if entity == "children" else child, org, data))
        if len(self.rows) >= 5000:
            self.flush()
        return row_id

    def flush(self) -> None:
        """COPY the pending rows into `records` and `feed` (PostgreSQL's bulk load: a row at a time through
        INSERT took most of the setup)."""
        if not self.rows:
            return
        with self.store.engine.begin() as conn:
            raw = conn.connection.driver_connection
            cursor = raw.cursor()
            columns = "entity, row_id, child_id, created_by_org, created_seq, data, versions, writes, deleted"
            with cursor.copy(f"COPY records ({columns}) FROM STDIN") as copy:
                for i, (entity, row_id, child, org, data) in enumerate(self.rows, start=self.seq + 1):
                    copy.write_row((entity, row_id, child, org, i, json.dumps(data), "{}", "{}", False))
            columns = "seq, kind, entity, row_id, child_id, audience_org, fields, deleted, hlc"
            with cursor.copy(f"COPY feed ({columns}) FROM STDIN") as copy:
                for i, (entity, row_id, child, _org, _data) in enumerate(self.rows, start=self.seq + 1):
                    copy.write_row((i, "row", entity, row_id, child, None, "{}", False, f"{i:013d}-0-bench"))
        self.seq += len(self.rows)
        self.count += len(self.rows)
        self.rows = []


def _day(rng: random.Random) -> str:
    return (TODAY - timedelta(days=rng.randint(0, 364))).isoformat()


def populate(store: ServerDB, children: int, referrals: int, attendance_children: int) -> dict[str, int]:
    rng = random.Random(21)
    w = Writer(store)
    from datetime import UTC, datetime

    schools = []
    with store.engine.begin() as conn:
        for i in range(40):
            org_id = str(uuid.uuid4())
            conn.execute(
                orgs.insert().values(id=org_id, name=f"School {i:02d}", kind="school", created_at=datetime.now(UTC))
            )
            schools.append(org_id)
    for i, org_id in enumerate(schools):
        w.add("organisations", {"name": f"School {i:02d}", "kind": "school"}, org=org_id, row_id=org_id)
    services = [f"Service {i:02d}" for i in range(30)]
    kids = []
    for _ in range(children):
        school = rng.choice(schools)
        born = date(2008, 9, 1) + timedelta(days=rng.randint(0, 16 * 365))
        kid = w.add(
            "children",
            {
                "current_school_id": school,
                "date_of_birth": born.isoformat(),
                "sex": rng.choice("MF"),
                "postcode": f"{rng.choice(DISTRICTS)} 1AA",
                "given_name": "A",
                "family_name": "B",
            },
            org=school,
        )
        kids.append((kid, school))
    for _ in range(referrals):
        kid, school = rng.choice(kids)
        sent = _day(rng)
        status = rng.choices(
            ["sent", "acknowledged", "accepted", "declined", "withdrawn", "closed"], [2, 2, 5, 4, 1, 2]
        )[0]
        ack = (
            (date.fromisoformat(sent) + timedelta(days=rng.randint(0, 14))).isoformat() if rng.random() < 0.7 else None
        )
        w.add(
            "referrals",
            {
                "sent_at": f"{sent}T10:00:00+00:00",
                "acknowledged_at": ack and f"{ack}T10:00:00+00:00",
                "service_name": rng.choice(services),
                "status": status,
                "inappropriate": status == "declined" and rng.random() < 0.35,
                "reason": "x" * 200,
                "status_changed_at": f"{sent}T10:00:00+00:00",
            },
            kid,
            school,
        )
    for _ in range(25_000):
        kid, school = rng.choice(kids)
        domains = [{"id": d, "score": rng.randint(0, 3), "reasons": ["a reason"] * 2} for d in DOMAINS]
        w.add(
            "triage_results",
            {
                "state": "complete",
                "level": rng.choice((1, 2, 2, 3, 3, 4)),
                "completed_at": f"{_day(rng)}T11:00:00+00:00",
                "answers": {f"q{i}": rng.randint(0, 3) for i in range(30)},
                "outcome": {"domains": domains, "level": 2, "answers": {}},
            },
            kid,
            school,
        )
    for _ in range(6_000):
        kid, school = rng.choice(kids)
        w.add(
            "exclusions",
            {
                "school_id": school,
                "kind": rng.choices(["suspension", "lunchtime", "permanent"], [90, 8, 2])[0],
                "first_day": _day(rng),
                "sessions": rng.randint(1, 10),
                "reason_1": "PP",
            },
            kid,
            school,
        )
    for _ in range(800):
        kid, school = rng.choice(kids)
        w.add(
            "managed_moves",
            {
                "home_school_id": school,
                "host_school_id": rng.choice(schools),
                "start_date": _day(rng),
                "outcome": rng.choice([None, "successful", "returned"]),
            },
            kid,
            school,
        )
    for _ in range(400):
        kid, school = rng.choice(kids)
        w.add("ehe_cases", {"previous_school_id": school, "notified_on": _day(rng), "status": "open"}, kid, school)
    for _ in range(30_000):
        w.add(
            "directory_searches",
            {
                "searched_on": _day(rng),
                "criteria": {
                    "source": rng.choice(["directory", "needs_check"]),
                    "need": rng.choice(DOMAINS),
                    "level": rng.choice([1, 2, 3, 4]),
                    "district": rng.choice(DISTRICTS),
                },
            },
        )
    kinds = ["free_school_meals", "sen_support", "ehc_plan", "child_in_need", "child_protection_plan", "looked_after"]
    for _ in range(60_000):
        kid, school = rng.choice(kids)
        start = date(2020, 1, 1) + timedelta(days=rng.randint(0, 2300))
        end = start + timedelta(days=rng.randint(30, 900)) if rng.random() < 0.6 else None
        w.add(
            "status_periods",
            {
                "kind": rng.choice(kinds),
                "start_date": start.isoformat(),
                "end_date": end and end.isoformat(),
                "detail": rng.choice(["SEMH", "ASD", None]),
            },
            kid,
            school,
        )
    for _ in range(5_000):
        kid, school = rng.choice(kids)
        w.add(
            "enrolments",
            {
                "school_id": school,
                "start_date": "2020-09-01",
                "end_date": _day(rng),
                "leaving_reason": rng.choice(["moved_school", "managed_move", "off_rolled"]),
            },
            kid,
            school,
        )
    monday = date(2025, 9, 1)
    sessions = [f"{d}_{h}" for d in ("mon", "tue", "wed", "thu", "fri") for h in ("am", "pm")]
    for kid, school in kids[:attendance_children]:
        absent_share = rng.choice((0.02, 0.04, 0.06, 0.12, 0.3, 0.6))
        for week in range(39):
            marks = {s: ("N" if rng.random() < absent_share else "/") + f"|{school}|import" for s in sessions}
            week_start = (monday + timedelta(weeks=week)).isoformat()
            w.add("attendance_weeks", {"week_start": week_start, **marks}, kid, school)
    w.flush()
    return {"records": w.count}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--referrals", type=int, default=20_000)
    parser.add_argument("--attendance-children", type=int, default=50_000)
    args = parser.parse_args()
    with postgres() as url:
        store = ServerDB(url)
        migrate(store.engine)
        started = time.perf_counter()
        shape = populate(store, args.children, args.referrals, args.attendance_children)
        loaded = time.perf_counter() - started
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        started = time.perf_counter()
        read = facts.catch_up(store)
        first = time.perf_counter() - started
        w = Writer(store)
        w.seq = shape["records"]
        for _ in range(100):
            w.add("referrals", {"sent_at": f"{TODAY}T10:00:00+00:00", "service_name": "Service 01", "status": "sent"})
        w.flush()
        started = time.perf_counter()
        facts.catch_up(store)
        incremental = time.perf_counter() - started
        results: dict[str, object] = {
            "data shape": f"{args.children:,} children, {args.referrals:,} referrals, 25,000 needs checks, "
            f"{args.attendance_children * 39:,} attendance weeks; {shape['records']:,} records in all",
            "load average (1, 5, 15 min)": " ".join(f"{x:.1f}" for x in os.getloadavg()),
            "records written (setup)": f"{loaded:.1f} s",
            "facts built from nothing (first report)": f"{first:.1f} s for {read:,} records",
            "catch-up after 100 new records": f"{incremental * 1000:.0f} ms",
        }
        audience = Audience(AREA)
        for name in REPORTS:
            results[f"dashboard {name}"] = summary(timed(lambda n=name: run(store, n, PERIOD, audience), repeat=3))
        results["load average after (1, 5, 15 min)"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
        store.dispose()
    record("dashboards", results)


if __name__ == "__main__":
    main()
