"""Evaluating every alert rule over a 50,000-child caseload from scratch, and after a sync round of 100 changes.

Data shaped like real case files (proportions close to national figures and the demo's): 200 schools, each child
on one school's roll with its designated safeguarding lead named, a twelve-week autumn term of attendance marks
for every child (600,000 week rows; about one child in five persistently absent, some with runs of unexplained
absence), ten chronology entries a child (500,000; police contact or arrest for about 1%), 30% known to
children's social care with a named social worker, 2% looked after (with PEPs, some overdue, and the virtual
school's officer named), 3% with an EHC plan (a fifth with the annual review late), suspensions for 6% (a quarter
of them twice), removals from roll, part-time timetables past their end, and referrals waiting for their
acknowledgement. Rows are written with raw `executemany` (seeding is not what is measured); the triggers that
mark children for evaluation fire as they would for any write.

Measured, each on the database file the app uses (SQLCipher), in one process like the app's database thread:
- from scratch, no alert held yet: every rule's query over every child, then the alerts raised written through
  the unit of work (journal and audit);
- from scratch again the next day, every alert already held (what a new day or a new rule set costs);
- incremental after a sync round: a page of 100 changed rows applied through the sync apply path (marks for 60
  children, 25 chronology entries, 10 suspensions, 5 involvements), then evaluation of only the children it
  marked.

    python benchmarks/alerts_evaluation.py [--children 50000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record, scratch
from sqlalchemy import insert, text

from casedesk.domain.attendance.week import SESSIONS, week_id
from casedesk.services.alerts.evaluate import evaluate
from casedesk.store import attendance_repo
from casedesk.store.database import Database
from casedesk.store.journal.apply import apply_page
from casedesk.store.models import SYNCED_TABLES
from casedesk.store.tables import mapped_table
from casedesk.sync.wire import PullItem

PASSPHRASE = "benchmark passphrase"
TODAY = date(2025, 11, 28)  # a Friday, twelve weeks into the autumn term
TERM_START = date(2025, 9, 1)
NOW = datetime(2025, 11, 28, 18, tzinfo=UTC)


def _id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


class Seeder:
    """Rows in batches, with the bookkeeping columns every synced row has."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.rows: dict[str, list[dict[str, Any]]] = {}

    def add(self, table: str, row_id: str, **values: Any) -> str:
        self.rows.setdefault(table, []).append(
            {"id": row_id, "created_at": NOW, "updated_at": NOW, "deleted": False, "versions": {}, **values}
        )
        return row_id

    def flush(self) -> int:
        written = 0
        with self.db._write_lock, self.db.engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            for name, rows in self.rows.items():
                table = mapped_table(SYNCED_TABLES[name])
                columns = [c.name for c in table.columns]
                for start in range(0, len(rows), 20_000):
                    chunk = rows[start : start + 20_000]
                    conn.execute(insert(table), [{c: r.get(c) for c in columns} for r in chunk])
                written += len(rows)
        self.rows.clear()
        return written


def _marks(rng: random.Random, profile: str, school: str) -> list[str]:
    """Sixty sessions for twelve weeks, by attendance profile."""
    present = [f"/|{school}|import", f"\\|{school}|import"]
    out = []
    for i in range(120):
        if profile == "good":
            code = "I" if rng.random() < 0.03 else None
        elif profile == "persistent":
            code = rng.choice(["I", "O", "N", "M", "G"]) if rng.random() < 0.16 else None
        else:  # "missing": a run of unexplained absence in the last fortnight
            code = "N" if i >= 108 else ("O" if rng.random() < 0.1 else None)
        out.append(f"{code}|{school}|import" if code else present[i % 2])
    return out


def seed(db: Database, children: int, rng: random.Random) -> dict[str, Any]:
    s = Seeder(db)
    schools = [s.add("organisations", _id(rng), name=f"School {i}", kind="school") for i in range(200)]
    csc = s.add("organisations", _id(rng), name="Children's Social Care", kind="childrens_social_care")
    vs = s.add("organisations", _id(rng), name="Virtual School", kind="virtual_school")
    dsl = {o: s.add("workers", _id(rng), organisation_id=o, name=f"DSL of {o[:4]}", role="DSL") for o in schools}
    social = [s.add("workers", _id(rng), organisation_id=csc, name=f"Social worker {i}") for i in range(300)]
    vso = s.add("workers", _id(rng), organisation_id=vs, name="VS officer")
    ids = []
    for n in range(children):
        child = s.add(
            "children",
            _id(rng),
            given_name=f"Child{n}",
            family_name="Bench",
            date_of_birth=date(2012, 1, 1) + timedelta(days=n % 2500),
            sex="U",
        )
        ids.append(child)
        school = schools[n % len(schools)]
        s.rows["children"][-1]["current_school_id"] = school
        s.add(
            "involvements",
            _id(rng),
            child_id=child,
            organisation_id=school,
            worker_id=dsl[school],
            role="designated_safeguarding_lead",
            start_date=date(2022, 9, 1),
        )
        s.add("enrolments", _id(rng), child_id=child, school_id=school, start_date=date(2022, 9, 1))
        roll = rng.random()
        if roll < 0.30:
            s.add(
                "involvements",
                _id(rng),
                child_id=child,
                organisation_id=csc,
                worker_id=rng.choice(social),
                role="social_worker",
                start_date=date(2024, 1, 8),
            )
        if roll < 0.02:
            s.add("status_periods", _id(rng), child_id=child, kind="looked_after", start_date=date(2024, 1, 8))
            s.add(
                "involvements",
                _id(rng),
                child_id=child,
                organisation_id=vs,
                worker_id=vso,
                role="virtual_school_officer",
                start_date=date(2024, 1, 8),
            )
            held = date(2025, 5, 1) if rng.random() < 0.15 else date(2025, 10, 1)
            s.add("peps", _id(rng), child_id=child, held_on=held, next_due_on=held + timedelta(days=150))
        if rng.random() < 0.03:
            issued = date(2024, 6, 1) if rng.random() < 0.2 else date(2025, 3, 1)
            s.add("ehc_plans", _id(rng), child_id=child, requested_on=issued - timedelta(days=140), issued_on=issued)
        if rng.random() < 0.06:
            for k in range(2 if rng.random() < 0.25 else 1):
                s.add(
                    "exclusions",
                    _id(rng),
                    child_id=child,
                    school_id=school,
                    kind="suspension",
                    first_day=date(2025, 9, 15) + timedelta(days=30 * k),
                    sessions=2,
                    reason_1="PA",
                )
        if rng.random() < 0.003:
            s.add(
                "enrolments",
                _id(rng),
                child_id=child,
                school_id=schools[(n + 1) % 200],
                start_date=date(2020, 9, 1),
                end_date=TODAY - timedelta(days=20),
                leaving_reason="off_rolled",
            )
        if rng.random() < 0.005:
            s.add(
                "provisions",
                _id(rng),
                child_id=child,
                kind="part_time_timetable",
                provider="School",
                sessions_per_week=4,
                start_date=date(2025, 9, 8),
                planned_end_date=date(2025, 10, 20) if rng.random() < 0.5 else date(2026, 1, 10),
            )
        if rng.random() < 0.03:
            sent = NOW - timedelta(days=rng.randint(1, 30))
            s.add(
                "referrals",
                _id(rng),
                child_id=child,
                service_name="Family support",
                reason="Support",
                urgency="routine",
                shared_sections=["identity"],
                sharing={"basis": "consent"},
                referrer={"name": "DSL"},
                status="sent",
                status_changed_at=sent,
                sent_at=sent,
                ack_within_days=5,
                inappropriate=False,
            )
        for e in range(10):
            kind = (
                "arrest"
                if e == 0 and rng.random() < 0.01
                else rng.choice(["note", "meeting", "phone_call", "home_visit"])
            )
            at = NOW - timedelta(days=rng.randint(1, 300), hours=e)
            s.add(
                "events",
                _id(rng),
                child_id=child,
                kind=kind,
                occurred_at=at,
                recorded_at=at,
                author="Bench",
                category="general",
                significance="routine",
                summary="An entry",
            )
        profile = "good" if roll > 0.2 else ("persistent" if roll > 0.004 else "missing")
        marks = _marks(rng, profile, school)
        for w in range(12):
            monday = TERM_START + timedelta(weeks=w)
            s.add(
                "attendance_weeks",
                week_id(child, monday),
                child_id=child,
                week_start=monday,
                **dict(zip(SESSIONS, marks[w * 10 : w * 10 + 10], strict=True)),
            )
        if n % 5000 == 4999:
            s.flush()
    s.flush()
    with db._write_lock, db.engine.begin() as conn:
        for start in range(0, len(ids), 2000):
            attendance_repo.refresh_totals(conn, ids[start : start + 2000], TODAY)
        counts = {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("children", "attendance_weeks", "events", "involvements", "exclusions", "peps", "ehc_plans")
        }
    return {"ids": ids, "schools": schools, "csc": csc, "social": social, "counts": counts}


def _copy(source: Path, target: Path) -> None:
    """A closed database and its key file."""
    for suffix in ("", ".key"):
        shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


def _world(db: Database) -> dict[str, Any]:
    """What `seed` returned, read back from a kept file."""
    with db.session() as session:

        def ids(sql: str) -> list[str]:
            return [r[0] for r in session.execute(text(sql))]

        counts = {
            t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("children", "attendance_weeks", "events", "involvements", "exclusions", "peps", "ehc_plans")
        }
        return {
            "ids": ids("SELECT id FROM children ORDER BY rowid"),
            "schools": ids("SELECT id FROM organisations WHERE kind = 'school' ORDER BY rowid"),
            "csc": ids("SELECT id FROM organisations WHERE kind = 'childrens_social_care'")[0],
            "social": ids(
                "SELECT w.id FROM workers w JOIN organisations o ON o.id = w.organisation_id "
                "WHERE o.kind = 'childrens_social_care' ORDER BY w.rowid"
            ),
            "counts": counts,
        }


def sync_page(rng: random.Random, world: dict[str, Any], seq: int) -> list[PullItem]:
    """100 rows as a pull brings them: next week's marks for 60 children, 25 entries, 10 suspensions, 5 workers."""
    items = []
    chosen = rng.sample(world["ids"], 100)
    monday = TERM_START + timedelta(weeks=12)
    for child in chosen[:60]:
        school = world["schools"][0]
        fields = {
            "child_id": child,
            "week_start": monday.isoformat(),
            **{s: f"{rng.choice('///ONI')}|{school}|import" for s in SESSIONS},
        }
        items.append(
            PullItem(
                kind="row",
                entity="attendance_weeks",
                row_id=week_id(child, monday),
                fields=fields,
                versions=dict.fromkeys(fields, seq),
            )
        )
    for child in chosen[60:85]:
        at = (NOW - timedelta(days=1)).isoformat()
        kind = "arrest" if rng.random() < 0.2 else "note"
        fields = {
            "child_id": child,
            "kind": kind,
            "occurred_at": at,
            "recorded_at": at,
            "author": "Sync",
            "category": "general",
            "significance": "routine",
            "summary": "Pulled entry",
        }
        items.append(
            PullItem(kind="row", entity="events", row_id=_id(rng), fields=fields, versions=dict.fromkeys(fields, seq))
        )
    for child in chosen[85:95]:
        fields = {
            "child_id": child,
            "school_id": world["schools"][0],
            "kind": "suspension",
            "first_day": "2025-11-20",
            "sessions": 2,
            "reason_1": "PA",
        }
        items.append(
            PullItem(
                kind="row", entity="exclusions", row_id=_id(rng), fields=fields, versions=dict.fromkeys(fields, seq)
            )
        )
    for child in chosen[95:]:
        fields = {
            "child_id": child,
            "organisation_id": world["csc"],
            "worker_id": rng.choice(world["social"]),
            "role": "social_worker",
            "start_date": "2025-11-01",
        }
        items.append(
            PullItem(
                kind="row", entity="involvements", row_id=_id(rng), fields=fields, versions=dict.fromkeys(fields, seq)
            )
        )
    return items


def cpu_timed(fn: Any) -> tuple[float, float, Any]:
    start, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - start, time.process_time() - cpu, out


def _median(values: Any) -> float:
    return float(statistics.median(list(values)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="seed into a copy kept at this path; later runs start from it")
    args = parser.parse_args()
    rng = random.Random(17)
    with scratch() as tmp:
        path = tmp / "alerts.db"
        start = time.perf_counter()
        if args.keep and args.keep.exists():
            _copy(args.keep, path)
            db = Database.open(path, PASSPHRASE)
            world = _world(db)
        else:
            db = Database.create(path, PASSPHRASE)
            world = seed(db, args.children, rng)
            if args.keep:
                db.close()
                _copy(path, args.keep)
                db = Database.open(path, PASSPHRASE)
        seeded = time.perf_counter() - start
        wall, cpu, (first, _) = cpu_timed(lambda: evaluate(db, "bench", TODAY, full=True))
        load = {"first": os.getloadavg()[0]}
        again = [cpu_timed(lambda: evaluate(db, "bench", TODAY, full=True)) for _ in range(3)]
        load["again"] = os.getloadavg()[0]
        rounds = []
        for r in range(args.rounds):
            apply_page(db, sync_page(rng, world, 10_000 + r), 10_000 + r)
            rounds.append(cpu_timed(lambda: evaluate(db, "bench", TODAY)))
        load["rounds"] = os.getloadavg()[0]
        by_rule: dict[str, int] = {}
        with db.session() as session:
            for rule_id, n in session.execute(text("SELECT rule_id, count(*) FROM alerts GROUP BY rule_id")):
                by_rule[rule_id] = n
        db.close()
    inc_wall = [w for w, _, _ in rounds]
    inc_cpu = [c for _, c, _ in rounds]
    record(
        "alerts_evaluation",
        {
            "children": args.children,
            "rows": world["counts"],
            "seeding (raw executemany), s": round(seeded, 1),
            "from scratch, nothing held: wall / CPU, s": f"{wall:.2f} / {cpu:.2f}",
            "alerts raised from scratch": len(first.raised),
            "from scratch, every alert held: wall / CPU median, s": f"{_median(a[0] for a in again):.2f} / "
            f"{_median(a[1] for a in again):.2f}",
            "after a sync round of 100 rows: wall median (min, max), ms": f"{_median(inc_wall) * 1000:.0f} "
            f"({min(inc_wall) * 1000:.0f}, {max(inc_wall) * 1000:.0f})",
            "after a sync round of 100 rows: CPU median, ms": f"{statistics.median(inc_cpu) * 1000:.0f}",
            "children evaluated per round": statistics.median(r[2][0].children for r in rounds),
            "alerts raised per round (median)": statistics.median(len(r[2][0].raised) for r in rounds),
            "alerts by rule at the end": by_rule,
            "load average (1 min) after each: from scratch / held / rounds": " / ".join(
                f"{v:.1f}" for v in load.values()
            ),
        },
    )


if __name__ == "__main__":
    main()
