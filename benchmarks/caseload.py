"""Caseload with 50,000 children: time to open it, and keystroke-to-results for typical searches.

Opening includes the columns year group, suspensions this year, last contact and open referrals; the three
grouped queries behind the last three are also timed on their own, so their share of the opening is visible.

Targets: opening (all rows with badges and workers, off the UI thread) under 3 s; a keystroke's search under
100 ms so typing never feels laggy; handing the rows to the Qt model (the only UI-thread part) under 50 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record, scratch, summary, timed

from casedesk.domain.education.rules import academic_year_start
from casedesk.services.caseload import (
    OPEN_REFERRAL_STATES,
    CaseloadFilter,
    indexed_matches,
    load_caseload_data,
)
from casedesk.services.demo.load import seed_demo
from casedesk.store import education_repo
from casedesk.store.database import Database

PASSPHRASE = "benchmark passphrase"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=50_000)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from casedesk.ui.caseload.model import CaseloadModel

    app = QApplication.instance() or QApplication([])
    with scratch() as tmp:
        path = tmp / "caseload.db"
        start = time.perf_counter()
        with Database.create(path, PASSPHRASE) as db:
            seed_demo(db, args.children, seed=1, attendance=False)  # the column's cost: attendance_caseload.py
        seeded = time.perf_counter() - start
        with Database.open(path, PASSPHRASE) as db:
            opening = timed(lambda: load_caseload_data(db), repeat=3)

            def new_columns() -> None:
                with db.session() as session:
                    today = date.today()
                    education_repo.suspensions_since(session, academic_year_start(today), today)
                    education_repo.last_contacts(session)
                    education_repo.open_referral_counts(session, OPEN_REFERRAL_STATES)

            columns = timed(new_columns, repeat=3)
            # CPU time, interleaved, as well: on a shared machine wall time mostly measures waiting for a core
            cpu_open: list[float] = []
            cpu_columns: list[float] = []
            for _ in range(5):
                for fn, into in ((lambda: load_caseload_data(db), cpu_open), (new_columns, cpu_columns)):
                    start_cpu = time.process_time()
                    fn()
                    into.append(time.process_time() - start_cpu)
            rows = load_caseload_data(db).rows
            child = rows[len(rows) // 2]
            given, family = child.name.split(" ")[0], child.name.split(" ")[-1]
            misspelt = f"{family[:-1]}e {given}" if len(family) > 3 else f"{family} {given}"
            queries = {
                "first letter typed": given[:1],
                "name, reversed order": f"{family} {given}",
                "misspelt name, reversed order": misspelt,
                "UPN": child.upn or "",
                "date of birth": child.date_of_birth.strftime("%d/%m/%Y"),
            }
            # what a keystroke costs in the app: the full-text index lookup, then ranking (fuzzy for typos)
            searches = {
                label: summary(timed(lambda q=q: CaseloadFilter(text=q).apply(rows, indexed_matches(db, q))))
                for label, q in queries.items()
            }
            filtered = summary(timed(lambda: CaseloadFilter(status="child_protection_plan").apply(rows)))
            mine = next(iter(rows[0].worker_ids), "")
        model = CaseloadModel()
        to_model = summary(timed(lambda: model.set_rows(rows)))
        app.processEvents()
        record(
            "caseload",
            {
                "children": f"{len(rows):,}",
                "seed demo (through the unit of work)": f"{seeded:.0f} s",
                "open caseload (query + build rows)": summary(opening),
                "of which the new columns' grouped queries": summary(columns),
                "open caseload, CPU time": summary(cpu_open),
                "the new columns' grouped queries, CPU time": summary(cpu_columns),
                "my children filter": summary(timed(lambda: CaseloadFilter(mine=frozenset(mine)).apply(rows))),
                **{f"search: {label}": value for label, value in searches.items()},
                "filter: child protection plan": filtered,
                "rows into the Qt model (UI thread)": to_model,
            },
        )


if __name__ == "__main__":
    main()
