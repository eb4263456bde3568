"""Caseload with 50,000 children: time to open it, and keystroke-to-results for typical searches.

Targets: opening (all rows with badges and workers, off the UI thread) under 3 s; a keystroke's search under
100 ms so typing never feels laggy; handing the rows to the Qt model (the only UI-thread part) under 50 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record, scratch, summary, timed

from casedesk.services.caseload import CaseloadFilter, indexed_matches, load_caseload_data
from casedesk.services.demo.load import seed_demo
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
        model = CaseloadModel()
        to_model = summary(timed(lambda: model.set_rows(rows)))
        app.processEvents()
        record(
            "caseload",
            {
                "children": f"{len(rows):,}",
                "seed demo (through the unit of work)": f"{seeded:.0f} s",
                "open caseload (query + build rows)": summary(opening),
                **{f"search: {label}": value for label, value in searches.items()},
                "filter: child protection plan": filtered,
                "rows into the Qt model (UI thread)": to_model,
            },
        )


if __name__ == "__main__":
    main()
