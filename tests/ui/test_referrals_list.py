"""The Referrals list as a safeguarding lead reads it: newest first, names in full, the outcome, plain headings."""

from __future__ import annotations

from datetime import UTC, date, datetime

from casedesk.services.referrals.service import NewReferral, ReferralService
from casedesk.ui.context import AppContext
from casedesk.ui.main_window import PAGES, MainWindow
from casedesk.ui.referrals.page import HEADERS, ReferralsPage
from tests.factories import CONSENT, REFERRER, add_child

LONG = "Child and Adolescent Mental Health Service (CAMHS) — Community Eating Disorders Team, West Yorkshire"


def _refer(context: AppContext, child: str, service: str, day: int, steps: tuple[str, ...]) -> str:
    new = NewReferral(child, service, "Mornings are hard and attendance has fallen.", CONSENT, REFERRER)
    referral, _ = ReferralService(context.col.db, "Sam").create(new, now=datetime(2026, 3, day, 10, tzinfo=UTC))
    for step in steps:
        extra = {"outcome": "Six sessions; attendance back to 96%."} if step == "closed" else {}
        ReferralService(context.col.db, "Sam").transition(
            referral, step, now=datetime(2026, 3, day + 1, 10, tzinfo=UTC), **extra
        )
    return referral


def _cells(page: ReferralsPage, column: int) -> list[str]:
    return [page.table.item(row, column).text() for row in range(page.table.rowCount())]


def test_empty_list_says_how_to_make_the_first_referral(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = ReferralsPage(context)
    qtbot.addWidget(page)
    page.reload()
    assert page.empty.is_empty and "No referrals yet" in page.empty.text() and "Refer" in page.empty.text()


def test_newest_first_with_full_names_outcome_and_acknowledge_by(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    child = add_child(context.col.db, "Ava", "Test", date(2012, 1, 5))
    closed = _refer(context, child, LONG, 2, ("sent", "acknowledged", "accepted", "closed"))
    sent = _refer(context, child, "Young Carers Café", 20, ("sent",))
    draft = _refer(context, child, "Early Help Hub", 9, ())
    page = ReferralsPage(context)
    qtbot.addWidget(page)
    page.resize(1180, 700)
    page.show()
    page.reload()
    assert not page.empty.is_empty
    assert "Acknowledge by" in HEADERS and "Outcome" in HEADERS
    assert [i.referral.id for i in page.shown] == [sent, draft, closed]  # by the date sent, or drafted
    assert _cells(page, 0) == ["21 Mar 2026", "09 Mar 2026", "03 Mar 2026"]
    assert _cells(page, HEADERS.index("Service"))[2] == LONG  # in full, wrapped rather than cut
    assert _cells(page, HEADERS.index("Outcome")) == ["", "", "Six sessions; attendance back to 96%."]
    assert _cells(page, HEADERS.index("Acknowledge by"))[1] == ""  # a draft is not due yet
    page.status.setCurrentIndex(page.status.findData("declined"))
    assert page.empty.is_empty and "No referral matches these filters" in page.empty.text()


def test_send_via_server_is_offered_only_when_enrolled(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    window.show()
    window.nav.setCurrentRow(PAGES.index("Referrals"))
    relay = window.referrals.packs.buttons["relay"]
    assert not relay.isVisibleTo(window) and window.sync.last_status is not None
    window.referrals.packs.set_relay_available(True)
    assert relay.isVisibleTo(window)
