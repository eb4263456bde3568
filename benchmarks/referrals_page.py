"""Showing the Referrals page over a demo's year of referrals (real widgets, offscreen).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/referrals_page.py [--children 600]

Data: the demo collection the app creates (`--children` children with a year of activity: about 1.06 referrals a
child, each with its chronology). Measured: opening the page (the listing query and filling the table, whose rows
wrap their text and are sized to it), then a filter change and back, five times each.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record, scratch, summary, timed

from casedesk.services.collection import create_collection
from casedesk.store import keyfile
from casedesk.ui.application import make_app
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.main_window import MainWindow
from casedesk.ui.tasks import TaskRunner


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=600)
    args = parser.parse_args()
    app = make_app(sys.argv[:1])
    keyfile.DEFAULT_KDF = keyfile.KdfParams(1, 8192, 1)  # the key's stretching is not what is measured
    with scratch() as tmp:
        path = tmp / "demo.db"
        context = AppContext(path, TaskRunner(synchronous=True))
        profile = Profile(name="Sam Patel", role="Designated safeguarding lead", organisation="Oakwood Primary School")
        context.attach(create_collection(path, "benchmark passphrase", profile, demo_children=args.children))
        window = MainWindow(context)
        window.resize(1366, 768)
        window.show()
        app.processEvents()
        page = window.referrals
        start = time.perf_counter()
        window.show_page(page)
        page.reload()
        app.processEvents()
        opened = time.perf_counter() - start

        def refilter() -> None:
            page.status.setCurrentIndex(1)
            page.status.setCurrentIndex(0)
            app.processEvents()

        record(
            "referrals_page",
            {
                "children": args.children,
                "referrals": len(page.items),
                "open the page (first time)": f"{opened * 1000:.0f} ms",
                "a filter changed and back": summary(timed(refilter)),
            },
        )
        window.close()


if __name__ == "__main__":
    main()
