"""Opening a child with 1,000 chronology entries: the record as the child page loads it, the Overview's cards
built from it, and the page shown offscreen on its first tab (on a synchronous runner), then with its Chronology.

Target: the page, now opening on the Overview, opens as fast as the record did before. Run this script against an
older checkout (PYTHONPATH pointing at its src/) for the figure before: the Overview steps are then left out.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record, scratch, summary, timed

from casedesk.config import Profile
from casedesk.services.collection import Collection
from casedesk.services.demo.load import seed_demo
from casedesk.store import repositories as repo
from casedesk.store.database import Database

PASSPHRASE = "benchmark passphrase"
EVENTS = 1_000


def _grow(db: Database, child_id: str, orgs: list[str]) -> None:
    """1,000 entries from a handful of agencies over three years, as a long-open case has."""
    start = datetime.now(UTC) - timedelta(days=3 * 365)
    with db.unit_of_work("bench") as uow:
        for n in range(EVENTS):
            at = start + timedelta(hours=26 * n)
            uow.insert(
                "events",
                {
                    "child_id": child_id,
                    "kind": "note",
                    "category": ("general", "send", "social_care", "youth_justice", "education")[n % 5],
                    "occurred_at": at,
                    "recorded_at": at,
                    "author": f"Worker {n % 7}",
                    "organisation_id": orgs[n % len(orgs)],
                    "summary": f"Entry {n}",
                    "body": "Seen at school; plan reviewed with the family.",
                },
            )


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from casedesk.ui.child.view import ChildPage
    from casedesk.ui.context import AppContext
    from casedesk.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    with scratch() as tmp:
        path = tmp / "overview.db"
        with Database.create(path, PASSPHRASE) as db:
            seed_demo(db, 200, seed=1)
        with Database.open(path, PASSPHRASE) as db:
            with db.session() as session:
                child_id = repo.child_ids(session)[100]
                orgs = list(repo.organisations(session))[:8]
            _grow(db, child_id, orgs)
            col = Collection(db, "bench")
            view = col.children.view(child_id)
            results: dict[str, object] = {"child": f"{len(view.events):,} chronology entries, {date.today()}"}
            results["record (children.view)"] = summary(timed(lambda: col.children.view(child_id), repeat=7))
            if hasattr(col, "overview"):
                results["overview cards from the record"] = summary(timed(lambda: col.overview.cards(view), repeat=7))
            runner = TaskRunner(synchronous=True)
            context = AppContext(path, runner)
            context.attach((col, Profile(name="bench", role="", organisation="")))
            page = ChildPage(context)
            page.resize(1366, 700)
            page.show()

            def open_page() -> None:
                page.show_child(child_id)
                app.processEvents()

            open_page()
            results["child page opened on its first tab"] = summary(timed(open_page, repeat=7))
            if hasattr(page, "open_tab"):

                def open_then_chronology() -> None:
                    open_page()
                    page.open_tab("chronology")
                    app.processEvents()
                    page.open_tab("overview")

                results["child page opened, then its Chronology tab"] = summary(timed(open_then_chronology, repeat=7))
            page.close()
            page.deleteLater()
            app.processEvents()
            runner.shutdown()
    record("overview", results)
    app.shutdown()


if __name__ == "__main__":
    main()
