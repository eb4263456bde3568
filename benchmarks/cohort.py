"""The risk-of-exclusion cohort over 50,000 children: time to open it (every indicator for every child, set-based in
SQL, then the ranked rows), the cliff-edge filter, the suppressed summary an export carries, and the page filling
its table.

Data: the demo caseload (`generate_demo`, with its risk patterns: statuses over three years, school histories,
suspensions concentrated among children with social-care contact or SEMH need, managed moves, part-time
timetables, youth-justice outcomes, police contacts, EHC plans), written with raw `executemany` (seeding 50,000
children through the unit of work takes longer than the measurement is worth; the indicator queries read the
same tables either way); a completed needs check for one child in eight (levels 1–4, domains scored); and each
child's attendance counts for this year in the derived `attendance_totals` table (the indicator reads only the
counts): possible sessions 150–330, absence drawn so that about 20% are persistently and 2% severely absent.

Target: the cohort opens in under 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record, scratch, summary, timed
from sqlalchemy import text

from casedesk.domain.education.rules import academic_year_start
from casedesk.domain.risk.config import bundled_config
from casedesk.services.cohort.model import CohortFilter
from casedesk.services.cohort.service import load_cohort
from casedesk.services.cohort.summary import summarise
from casedesk.services.demo.data import generate_demo
from casedesk.store import risk_repo
from casedesk.store.database import Database
from casedesk.store.engine import connect_raw
from casedesk.store.journal.wire_values import to_json_value
from casedesk.store.models import Base

PASSPHRASE = "benchmark passphrase"


TABLES = (
    "organisations",
    "workers",
    "children",
    "status_periods",
    "involvements",
    "ehc_plans",
    "peps",
    "youth_justice_outcomes",
    "enrolments",
    "exclusions",
    "managed_moves",
    "provisions",
    "ehe_cases",
    "ehe_visits",
    "cme_enquiries",
    "cme_steps",
    "events",
)
DOMAINS = ("attendance", "behaviour", "learning_send", "semh", "family", "housing_money", "safeguarding")


def _plain(value: object) -> object:
    return json.dumps(value) if isinstance(value, dict | list) else value


def _seed(path: Path, children: int, today: date) -> None:
    """The generated demo rows straight into the tables, and needs checks for some children."""
    db = Database.create(path, PASSPHRASE)
    key = db._key  # the benchmark needs the raw key to open a plain DB-API connection
    db.close()
    data = generate_demo(children, seed=1, today=today)
    rng = random.Random(5)
    now = datetime.now(UTC).isoformat()
    checks = []
    for child in data.children[::8]:
        level = rng.choice((1, 2, 2, 3, 3, 4))
        domains = [
            {"id": d, "name": d.replace("_", " ").capitalize(), "score": rng.randint(1, 4)}
            for d in rng.sample(DOMAINS, rng.randint(1, 3))
        ]
        done = datetime.combine(today - timedelta(days=rng.randint(1, 500)), datetime.min.time(), UTC)
        checks.append(
            {
                "id": str(uuid.uuid4()),
                "child_id": child["id"],
                "questionnaire_id": "risk-of-exclusion",
                "questionnaire_version": "1.0",
                "state": "complete",
                "answers": {},
                "level": level,
                "outcome": {"level": level, "domains": domains},
                "author": "benchmark",
                "started_at": done.isoformat(),
                "completed_at": done.isoformat(),
            }
        )
    conn = connect_raw(path, key)
    conn.execute("BEGIN")
    for table_name, rows in [*((t, getattr(data, t)) for t in TABLES), ("triage_results", checks)]:
        columns = [c.name for c in Base.metadata.tables[table_name].columns]
        sql = f"INSERT INTO {table_name} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
        extra = {"created_at": now, "updated_at": now, "deleted": 0, "versions": "{}"}
        conn.executemany(sql, [[_plain(to_json_value({**extra, **r}).get(c)) for c in columns] for r in rows])
    conn.execute("COMMIT")
    conn.close()


def _attendance_totals(db: Database, today: date) -> int:
    rng = random.Random(3)
    year = academic_year_start(today)
    with db.session() as session:
        ids = [r[0] for r in session.execute(text("SELECT id FROM children WHERE deleted = 0"))]
        rows = []
        for child_id in ids:
            possible = rng.randint(150, 330)
            share = rng.choice([0.02] * 40 + [0.05] * 28 + [0.08] * 10 + [0.12] * 12 + [0.25] * 8 + [0.6] * 2)
            rows.append(
                {
                    "c": child_id,
                    "y": year.year,
                    "p": possible,
                    "a": int(possible * share),
                    "l": str(today - timedelta(days=3)),
                }
            )
        session.execute(
            text(
                "INSERT OR REPLACE INTO attendance_totals (child_id, academic_year, possible, absent, latest) "
                "VALUES (:c, :y, :p, :a, :l)"
            ),
            rows,
        )
        session.commit()
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--keep", type=Path, help="seed into this file and keep it; measure it again when it exists")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    today = date.today()
    config = bundled_config()
    with scratch() as tmp:
        path = args.keep or tmp / "cohort.db"
        start = time.perf_counter()
        if not path.exists():
            _seed(path, args.children, today)
            with Database.open(path, PASSPHRASE) as db:
                _attendance_totals(db, today)
        seeded = time.perf_counter() - start
        with Database.open(path, PASSPHRASE) as db:
            with db.session() as session:
                counts = {
                    name: session.execute(text(f"SELECT count(*) FROM {name} WHERE deleted = 0")).scalar_one()
                    for name in (
                        "children",
                        "status_periods",
                        "exclusions",
                        "enrolments",
                        "managed_moves",
                        "provisions",
                        "youth_justice_outcomes",
                        "triage_results",
                        "events",
                    )
                }
            opening = timed(lambda: load_cohort(db, today, config), repeat=3)

            def grouped() -> None:
                with db.session() as session:
                    risk_repo.present(session, config.indicators, today)

            query = timed(grouped, repeat=3)
            cpu: list[float] = []
            for _ in range(3):
                start_cpu = time.process_time()
                load_cohort(db, today, config)
                cpu.append(time.process_time() - start_cpu)
            cohort = load_cohort(db, today, config)
            cliff = timed(lambda: cohort.filtered(CohortFilter(cliff_edge_only=True)))
            exported = timed(lambda: summarise(cohort, cohort.rows), repeat=3)
        from PySide6.QtWidgets import QApplication

        from casedesk.ui.cohort.page import CohortPage

        app = QApplication.instance() or QApplication([])

        class _Context:
            unlocked = False

        page = CohortPage(_Context())  # type: ignore[arg-type]
        fill = timed(lambda: page._loaded(cohort), repeat=3)
        app.processEvents()
        per_count: dict[int, int] = {}
        for row in cohort.rows:
            per_count[row.count] = per_count.get(row.count, 0) + 1
        record(
            "cohort",
            {
                "children": f"{counts['children']:,}",
                "records": ", ".join(f"{k} {v:,}" for k, v in counts.items() if k != "children"),
                "seed (demo rows by executemany, attendance counts direct)": f"{seeded:.0f} s",
                "children with an indicator / on the cliff edge": f"{len(cohort.rows):,} / "
                f"{sum(r.cliff_edge for r in cohort.rows):,}",
                "children by number of indicators": ", ".join(f"{k}: {v:,}" for k, v in sorted(per_count.items())),
                "open the cohort (grouped SQL + ranked rows)": summary(opening),
                "of which the one grouped statement for every indicator": summary(query),
                "open the cohort, CPU time": summary(cpu),
                "cliff-edge filter": summary(cliff),
                "suppressed summary tables (an export's counts)": summary(exported),
                "the page fills its table (UI thread)": summary(fill),
                "load average (1, 5 min) at the end": ", ".join(f"{v:.1f}" for v in os.getloadavg()[:2]),
            },
        )


if __name__ == "__main__":
    main()
