"""Review dates: the due-for-review list, and demo data where most services were reviewed recently, a few are due
and one is overdue, so the warning means something."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from casedesk.domain.directory.oruk import sample_services
from casedesk.domain.directory.reviews import CURRENT, DUE, OVERDUE, due_for_review, review_state
from casedesk.services.demo.reviews import set_demo_review_dates
from casedesk.services.directory.service import DirectoryService
from casedesk.store.database import Database

TODAY = date(2026, 11, 30)


def test_the_due_list_puts_never_and_overdue_first_then_the_soonest() -> None:
    base = sample_services()[0]
    services = [
        replace(base, id="a", name="Current", last_reviewed=date(2026, 6, 1)),
        replace(base, id="b", name="Due soon", last_reviewed=date(2025, 12, 10), review_owner="Family hub"),
        replace(base, id="c", name="Overdue", last_reviewed=date(2025, 10, 1)),
        replace(base, id="d", name="Never", last_reviewed=None),
    ]
    assert [review_state(s, TODAY) for s in services] == [CURRENT, DUE, OVERDUE, OVERDUE]
    lines = due_for_review(services, TODAY)
    assert [line.service.name for line in lines] == ["Never", "Overdue", "Due soon"]
    assert lines[0].text == "Never: never reviewed · no owner recorded"
    assert lines[1].text == "Overdue: was due 1 October 2026 · no owner recorded"
    assert lines[2].text == "Due soon: due 10 December 2026 · owner: Family hub"


def test_the_demo_has_most_reviewed_recently_a_few_due_and_one_overdue(db: Database) -> None:
    DirectoryService(db, "demo").load_sample()
    assert set_demo_review_dates(db, TODAY, "demo") == len(sample_services())
    services = DirectoryService(db, "tester").services()
    states = [review_state(s, TODAY) for s in services]
    assert states.count(OVERDUE) == 1 and states.count(DUE) == 3
    assert states.count(CURRENT) == len(services) - 4
    assert all(s.review_owner for s in services)
    assert set_demo_review_dates(db, TODAY, "demo") == 0  # a second run the same day changes nothing
