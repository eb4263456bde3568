"""Usage records (what people asked Ask CaseDesk and the directory search criteria) go to the server and stay
there: no other device receives them, the uploading device lets go of its own once the server has them, and the
digests of both sides leave them out, so every round still closes with a matching digest."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from casedesk.server.usage import guidance_report, search_report
from casedesk.services.directory.service import DirectoryService
from casedesk.services.guidance.service import GuidanceService
from casedesk.store.database import Database
from casedesk.store.journal.apply import table_of
from tests.sync.harness import Server, make_device

USAGE = ("guidance_questions", "directory_searches")


def _held(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {e: int(conn.execute(select(func.count()).select_from(table_of(e))).scalar_one()) for e in USAGE}


def test_usage_records_reach_the_server_and_no_other_device(server: Server, tmp_path: Path) -> None:
    school, other = server.org("Oakwood Primary School"), server.org("Elsewhere Academy")
    server.user(school, "ann")
    server.user(other, "ben")
    ann, ben = make_device(tmp_path, "ann", server, "ann"), make_device(tmp_path, "ben", server, "ben")
    for device, who in ((ann, "ann"), (ben, "ben")):
        GuidanceService(device.db, who).keep_question(
            "where is the gardening club", "no_result", today=date(2026, 11, 30)
        )
        DirectoryService(device.db, who).record_search({"source": "directory", "level": 2})
    assert _held(ann.db) == {"guidance_questions": 1, "directory_searches": 1}

    for device in (ann, ben, ann, ben):
        report = device.sync()
        assert report.digest_ok and report.set_aside == 0
    assert _held(ann.db) == _held(ben.db) == {"guidance_questions": 0, "directory_searches": 0}
    assert [(line.question, line.count) for line in guidance_report(server.store)] == [
        ("where is the gardening club", 2)
    ]
    assert search_report(server.store)["level"] == {"2": 2}

    # a question kept offline stays on the device until the server has it; ben never receives it
    GuidanceService(ann.db, "ann").keep_question("where is the chess club", "no_result", today=date(2026, 11, 30))
    assert _held(ann.db)["guidance_questions"] == 1
    assert ann.sync().digest_ok and _held(ann.db)["guidance_questions"] == 0
    before = ben.sync()
    assert before.pulled_rows == 0 and before.digest_ok and _held(ben.db)["guidance_questions"] == 0
    for entity in USAGE:  # a resync asked for by an older device finds nothing to send either
        assert ben.transport.snapshot(entity, None, 100).items == []
    remote = ben.transport.digest([], 0)
    assert all(remote.entities[e].count == 0 for e in USAGE)
    assert [line.count for line in guidance_report(server.store)] == [2, 1]
    ann.close()
    ben.close()
