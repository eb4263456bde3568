"""Guidance an administrator imports on one device reaches every device through the server, and the questions
people could not find an answer to reach the local authority's report, scrubbed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from casedesk.domain.guidance.load import sample_guidance
from casedesk.server.usage import format_report, guidance_report
from casedesk.services.guidance.service import GuidanceService, load_sample_guidance, stored_entries
from tests.factories import add_child
from tests.sync.harness import Server, make_device


def test_guidance_reaches_every_device_and_kept_questions_reach_the_report(server: Server, tmp_path: Path) -> None:
    school = server.org("Oakwood Primary School")
    other = server.org("Elsewhere Academy")
    server.user(school, "ann")
    server.user(other, "eve")
    server.directory_manager("ann")  # ann's device loads the guidance everyone receives
    ann, eve = make_device(tmp_path, "ann", server, "ann"), make_device(tmp_path, "eve", server, "eve")
    assert load_sample_guidance(ann.db, "ann") == len(sample_guidance().entries)
    add_child(ann.db, "Tallulah", "Brightwater", date(2014, 5, 1))
    ask = GuidanceService(ann.db, "ann")
    ask.keep_question("Tallulah Brightwater needs a gardening club", "no_result", today=date(2026, 11, 29))
    ask.keep_question("tallulah needs a gardening club", "no_result", today=date(2026, 11, 30))
    ask.keep_question("how do I chase a referral", "unhelpful", "chase-referral", today=date(2026, 11, 30))
    assert ann.sync().digest_ok and eve.sync().digest_ok

    assert {e.id for e in stored_entries(eve.db)} == {e.id for e in sample_guidance().entries}
    _, answers = GuidanceService(eve.db, "eve").ask("how many days can a pupil be suspended")
    assert answers[0].entry.id == "suspension-limits"

    lines = guidance_report(server.store)
    assert [(line.outcome, line.question, line.count) for line in lines] == [
        ("no_result", "[name] [name] needs a gardening club", 1),
        ("no_result", "[name] needs a gardening club", 1),
        ("unhelpful", "how do i chase a referral", 1),
    ]
    text = format_report(lines)
    assert "Questions Ask CaseDesk found no answer for (2):" in text and "[chase-referral]" in text
    assert "Tallulah" not in text and "Brightwater" not in text
