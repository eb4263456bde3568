"""Import a term of a 1,500-pupil secondary school's register (about 180,000 marks) on a device.

The register is the wide layout a school system exports (a row per pupil, a column per session), 12 school weeks
of the autumn term with realistic codes; every pupil is a child already on the device (matched by UPN). Measured:
the first import (everything new: ~18,000 week rows, each journaled and audited) and the same file again
(idempotent: nothing written). Target: under 10 s for the first.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record, scratch

from casedesk.domain.identifiers import make_upn
from casedesk.services.attendance.importer import import_register
from casedesk.store.database import Database

PASSPHRASE = "benchmark passphrase"
CODES = ["/"] * 90 + ["I", "I", "M", "O", "N", "L", "U", "C", "G", "V"]


def write_register(path: Path, upns: list[str], weeks: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    first = date(2025, 9, 1)
    days = [first + timedelta(days=n) for n in range(weeks * 7) if (first + timedelta(days=n)).weekday() < 5]
    header = ["UPN", "Surname", "Forename"] + [f"{d.isoformat()} {h}" for d in days for h in ("AM", "PM")]
    marks = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        for n, upn in enumerate(upns):
            cells = [rng.choice(CODES) for _ in range(len(days) * 2)]
            cells = [c if c != "/" or i % 2 == 0 else "\\" for i, c in enumerate(cells)]
            marks += len(cells)
            out.writerow([upn, f"Pupil{n}", "Test", *cells])
    return marks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=1_500)
    parser.add_argument("--weeks", type=int, default=12)
    args = parser.parse_args()
    with scratch() as tmp:
        db = Database.create(tmp / "school.db", PASSPHRASE)
        upns = [make_upn("380", "4001", 2012 + n // 1000, n % 1000) for n in range(args.pupils)]
        with db.unit_of_work("bench") as uow:
            for n, upn in enumerate(upns):
                uow.insert(
                    "children",
                    {"given_name": "Test", "family_name": f"Pupil{n}", "date_of_birth": date(2011, 5, 1), "upn": upn},
                )
        path = tmp / "register.csv"
        marks = write_register(path, upns, args.weeks)
        size = path.stat().st_size
        start, cpu = time.perf_counter(), time.process_time()
        report, _ = import_register(db, path, "bench", today=date(2026, 1, 1))
        first, first_cpu = time.perf_counter() - start, time.process_time() - cpu
        start, cpu = time.perf_counter(), time.process_time()
        again, _ = import_register(db, path, "bench", today=date(2026, 1, 1))
        second, second_cpu = time.perf_counter() - start, time.process_time() - cpu
        db.close()
    assert report.added == marks and again.unchanged == marks
    record(
        "attendance_import",
        {
            "data": f"{args.pupils:,} pupils x {args.weeks} weeks, wide layout: {marks:,} marks, {size:,} bytes",
            "first import": f"{first:.1f} s wall, {first_cpu:.1f} s CPU ({marks / first:,.0f} marks/s)",
            "re-import (nothing new)": f"{second:.1f} s wall, {second_cpu:.1f} s CPU",
        },
    )


if __name__ == "__main__":
    main()
