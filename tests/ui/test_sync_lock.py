"""Locking in the middle of a sync round, with the app's real threads and a real server on 127.0.0.1.

The round talks to the server from the network pool and hands every database step to the one database thread.
A lock queues the close on that thread, so the round's next step finds the collection closed and stops there:
what was pushed is recorded, the page that was pulled but not yet applied is not applied at all, no connection
is ever taken from a closed database, and the next unlock's round carries on from the stored cursor.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from casedesk import config
from casedesk.config import Profile
from casedesk.services.collection import Collection, open_collection
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.store.journal import outbox
from casedesk.sync.http import HttpTransport
from casedesk.sync.wire import PullResponse
from casedesk.ui.context import AppContext
from casedesk.ui.sync.controller import SyncController
from casedesk.ui.tasks import TaskRunner
from tests.sync.fixtures import fast_passwords, server  # noqa: F401
from tests.sync.harness import PASSPHRASE, Server, UvicornProcess, make_device

ANN = Profile(name="Ann Ahmed", role="DSL", organisation="Riverside Academy")


@pytest.fixture
def live(server: Server) -> Iterator[tuple[Server, UvicornProcess]]:  # noqa: F811
    proc = UvicornProcess(server.url).start()
    yield server, proc
    proc.kill()


class PausingTransport:
    """The real HTTP transport; once the first pulled page is in hand it waits until the test has locked."""

    def __init__(self, inner: HttpTransport) -> None:
        self.inner = inner
        self.pulled = threading.Event()
        self.resume = threading.Event()
        self.threads: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def pull(self, cursor: int, limit: int) -> PullResponse:
        self.threads.add(threading.current_thread().name)
        page = self.inner.pull(cursor, limit)
        if not self.pulled.is_set():
            self.pulled.set()
            assert self.resume.wait(30), "the test never locked"
        return page


def test_lock_mid_round_stops_between_steps_and_the_next_unlock_finishes(
    qtbot: QtBot, live: tuple[Server, UvicornProcess], tmp_path: Path
) -> None:
    srv, proc = live
    org = srv.org("Riverside Academy")
    for name in ("ann", "ben"):
        srv.user(org, name)
    ann = make_device(tmp_path, "ann", srv, "ann", base_url=proc.base_url)
    ben = make_device(tmp_path, "ben", srv, "ben", base_url=proc.base_url)
    theirs = [ben.add_child(f"Child{i}", "Brown", org) for i in range(3)]
    ben.sync()
    mine = ann.add_child("Ada", "Okafor", org)  # waiting in ann's outbox: pushed before the pull
    cursor_before = ann.db.get(config.CURSOR)

    runner = TaskRunner()  # the app's real database thread and network pool
    context = AppContext(ann.db.path, runner)
    transport = PausingTransport(ann.transport)
    col = Collection(ann.db, ANN.name, transport=transport)
    used: list[tuple[str, bool]] = []  # (thread, was the collection closed?) for every connection the round takes
    event.listen(ann.db.engine, "checkout", lambda *_: used.append((threading.current_thread().name, col.closed)))
    context.attach((col, ANN))
    controller = SyncController(context)
    shown: list[str] = []
    runner.failed.connect(shown.append)
    try:
        controller.sync_now()
        qtbot.waitUntil(transport.pulled.is_set, timeout=30_000)
        context.lock()  # the close waits on the database thread behind any step already queued
        transport.resume.set()
        qtbot.waitUntil(lambda: not controller.running and not runner.busy, timeout=30_000)

        assert transport.threads and all(t.startswith("casedesk-net") for t in transport.threads)
        assert used and all(t.startswith("casedesk-db") for t, _ in used), {t for t, _ in used}
        assert not any(closed for _, closed in used), "a connection was taken from the closed database"
        assert shown == []  # stopping for a lock is not an error anyone is shown

        stopped = Database.open(ann.db.path, PASSPHRASE)
        try:
            assert outbox.pending_batch(stopped, 10) == []  # the push finished and was recorded
            assert stopped.get(config.CURSOR) == cursor_before  # the pulled page was not applied...
            with stopped.session() as session:
                held = set(repo.child_ids(session))
            assert mine in held and not held & set(theirs)  # ...not even in part
        finally:
            stopped.close()

        context.attach(open_collection(ann.db.path, PASSPHRASE))
        with qtbot.waitSignal(controller.round_finished, timeout=30_000) as finished:
            controller.sync_now()
        report = finished.args[0]
        assert report is not None and report.digest_ok and report.pulled_rows >= len(theirs)
        with context.col.db.session() as session:
            assert set(theirs) <= set(repo.child_ids(session))
    finally:
        controller.stop()
        context.lock()
        runner.shutdown()
        ben.close()
