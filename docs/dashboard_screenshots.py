"""Render the Dashboards page over a synced demo into docs/screenshots/ (`make screenshots` runs it too).

A throwaway demo device (`--children`, default 2,000) is enrolled with a throwaway server on 127.0.0.1 as a manager
at the local authority's early help service, pushes its records, and the page is drawn at 1366×768 for the
needs checks, referrals, education, directory ("what they find") and cliff-edge dashboards over the demo's year.
The account manages the directory, so the demo's sample directory (which its referrals name) reaches the server.
Offscreen; never the user's own data.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import uvicorn
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication

from casedesk.server.administration import set_directory_manager
from casedesk.server.app import create_app
from casedesk.server.db import ServerDB, accounts
from casedesk.services import sync
from casedesk.services.collection import create_collection
from casedesk.store import keyfile
from casedesk.ui.application import make_app
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.dashboards.hook import TITLE
from casedesk.ui.main_window import MainWindow
from casedesk.ui.tasks import TaskRunner

OUT = Path(__file__).resolve().parent / "screenshots"
PASSWORD = "a long enough password"


def _serve(store: ServerDB) -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}"


def _settle(app: QApplication) -> None:
    for _ in range(20):
        app.processEvents()


def main() -> int:
    children = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    app = make_app(sys.argv[:1])
    keyfile.DEFAULT_KDF = keyfile.KdfParams(1, 8192, 1)
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="casedesk-dash-") as tmp:
        store = ServerDB(f"sqlite:///{Path(tmp) / 'server.db'}")
        url = _serve(store)
        hub = accounts.create_org(store, "Early Help Hub", "early_help")
        accounts.create_user(store, hub, "analyst", PASSWORD, "manager")
        set_directory_manager(store, "analyst", True)  # the demo's sample directory is published from this device
        path = Path(tmp) / "demo.db"
        profile = Profile(name="Alex Analyst", role="Manager", organisation="Early Help Hub")
        collection, profile = create_collection(path, "screenshots passphrase", profile, demo_children=children)
        sync.enrol(collection.db, url, "analyst", PASSWORD, accounts.enrolment_code(store, "analyst"))
        sync.SyncService(collection.db).run_once()
        runner = TaskRunner(synchronous=True)
        context = AppContext(path, runner)
        context.attach((collection, profile))
        window = MainWindow(context)
        window.resize(1366, 768)
        window.show()
        page = window.dashboards_page
        today = date.today()
        start = today - timedelta(days=364)
        page.start.setDate(QDate(start.year, start.month, 1))
        page.end.setDate(QDate(today.year, today.month, today.day))
        window.nav.setCurrentRow([window.nav.item(r).text() for r in range(window.nav.count())].index(TITLE))
        for name, scroll in (("needs", 0), ("referrals", 1), ("education", 0), ("directory", 4), ("cliff_edge", 0)):
            page.report.setCurrentIndex(page.report.findData(name))
            page.load()
            _settle(app)
            if scroll:
                page.scroll_area.ensureWidgetVisible(page.views[scroll], 0, 0)
            else:
                page.scroll_area.verticalScrollBar().setValue(0)
            _settle(app)
            window.grab().save(str(OUT / f"dashboards-{name}.png"))
        window.close()
        runner.shutdown()
        store.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
