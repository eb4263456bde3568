"""Opening the 50,000-child caseload with the attendance column: no more than 10% slower than without it.

The column reads one derived row per child (`attendance_totals`, kept current by every import and pull), never a
year of weeks. Children, statuses, involvements, organisations and workers come from the demo generator (the
parts the caseload reads; chronology is left out to keep seeding short); then every child gets counts, as after
a year of registers. Measured: opening the caseload with the counts present, and with the table emptied (what
the caseload costs when no attendance is held — the work it did before the column).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record, scratch, summary
from sqlalchemy import delete, insert

from casedesk.services.caseload import load_caseload_data
from casedesk.services.demo.data import generate_demo
from casedesk.services.demo.load import write_demo_data
from casedesk.store import attendance_repo
from casedesk.store.database import Database

PASSPHRASE = "benchmark passphrase"


def cpu_timed(fn: object) -> tuple[float, float]:
    """(wall, CPU) seconds of one call: on a shared machine the wall time includes waiting for a core."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with scratch() as tmp:
        db = Database.create(tmp / "caseload.db", PASSPHRASE)
        data = generate_demo(args.children, seed=1, today=date(2026, 6, 1))
        data.events = []
        start = time.perf_counter()
        write_demo_data(db, data)
        seeded = time.perf_counter() - start
        rng = random.Random(3)
        rows = []
        for child in data.children:
            possible = rng.randint(300, 330)
            rows.append(
                {
                    "child_id": child["id"],
                    "academic_year": 2025,
                    "possible": possible,
                    "absent": int(possible * rng.choice((0.02, 0.04, 0.06, 0.12, 0.2, 0.55))),
                    "latest": date(2026, 5, 22),
                }
            )
        with db.engine.begin() as conn:
            conn.execute(insert(attendance_repo.TOTALS), rows)
        load_caseload_data(db)  # warm the page cache alike for both
        with_column: list[tuple[float, float]] = []
        without: list[tuple[float, float]] = []
        for _ in range(args.repeat):  # interleaved, so load on the machine falls on both alike
            with_column.append(cpu_timed(lambda: load_caseload_data(db)))
            with db.engine.begin() as conn:
                conn.execute(delete(attendance_repo.TOTALS))
            without.append(cpu_timed(lambda: load_caseload_data(db)))
            with db.engine.begin() as conn:
                conn.execute(insert(attendance_repo.TOTALS), rows)
        flagged = sum(1 for r in load_caseload_data(db).rows if r.absence_badges)
        db.close()
    wall = statistics.median(w for w, _ in with_column) / statistics.median(w for w, _ in without)
    cpu = statistics.median(c for _, c in with_column) / statistics.median(c for _, c in without)
    record(
        "attendance_caseload",
        {
            "children": f"{args.children:,} (statuses, involvements, schools; {flagged:,} with an absence badge)",
            "seed (through the unit of work, no chronology)": f"{seeded:.0f} s",
            "open caseload with the attendance column": f"wall {summary([w for w, _ in with_column])}, "
            f"CPU {summary([c for _, c in with_column])}",
            "open caseload, no attendance held": f"wall {summary([w for w, _ in without])}, "
            f"CPU {summary([c for _, c in without])}",
            "with / without (medians)": f"wall {wall:.3f}, CPU {cpu:.3f}",
        },
    )


if __name__ == "__main__":
    main()
