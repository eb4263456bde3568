"""The Directory page offscreen over a real database holding the sample directory."""

from __future__ import annotations

from datetime import date

import pytest

from casedesk.domain.directory.model import Service
from casedesk.domain.records import Changes
from casedesk.services.directory.service import (
    DirectoryService,
)
from casedesk.services.triage.service import TriageService
from casedesk.ui.context import AppContext
from casedesk.ui.directory.page import DirectoryPage
from casedesk.ui.directory.service_list import DetailRole, GreyRole, HeadingRole, ServiceIdRole
from casedesk.ui.main_window import PAGES, MainWindow
from tests.factories import LEVEL3, Q_ID, Q_VERSION, SHARED_DATA, add_child

AVA = {"outcome_level": 2, "outcome_domains": {"attendance": 3, "semh": 1}, "child_age": 8}


@pytest.fixture
def services(context: AppContext) -> dict[str, Service]:
    DirectoryService(context.col.db, "tester").load_sample()
    return {s.name: s for s in DirectoryService(context.col.db, "tester").services()}


@pytest.fixture
def page(qtbot, context: AppContext, services: dict[str, Service]) -> DirectoryPage:  # type: ignore[no-untyped-def]
    widget = DirectoryPage(context)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()  # loads on first show
    return widget


def listed(page: DirectoryPage) -> list[str]:
    names = {s.id: s.name for s in page.services}
    return [names[i] for i in page.listed_ids()]


def test_lists_every_service_and_shows_the_first(page: DirectoryPage, services: dict[str, Service]) -> None:
    assert len(page.listed_ids()) == len(services) == 43
    assert page.count.text() == "43 of 43 services"
    assert page.detail.service is not None and page.detail.service.name == listed(page)[0]


def test_search_as_you_type(qtbot, page: DirectoryPage) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(page.search, "mental health")
    qtbot.waitUntil(lambda: page.count.text().startswith("4 of"), timeout=2000)
    assert all("mental health" in s.lower() or "mental" in s.lower() for s in listed(page))
    page.search.setText("no such service anywhere")
    qtbot.waitUntil(lambda: page.count.text().startswith("0 of"), timeout=2000)
    assert page.detail.service is None and "No service matches" in page.detail.title.text()


def test_filters(qtbot, page: DirectoryPage, services: dict[str, Service]) -> None:  # type: ignore[no-untyped-def]
    page.domain.setCurrentIndex(page.domain.findData("semh"))
    assert listed(page) and all("semh" in services[n].need_domains for n in listed(page))
    page.level.setCurrentIndex(page.level.findData(4))
    assert listed(page) and all(4 in services[n].levels and "semh" in services[n].need_domains for n in listed(page))
    page.reset_filters()
    page.age.setValue(3)
    assert "Child Exploitation Team" not in listed(page) and "Early Help Hub" in listed(page)
    page.age.setValue(-1)
    page.attendance.setCurrentIndex(page.attendance.findData("phone"))
    assert "Attendance Advice Line" in listed(page) and "Early Help Hub" not in listed(page)
    page.attendance.setCurrentIndex(0)
    page.cost.setCurrentIndex(page.cost.findData("paid"))
    assert listed(page) == []  # every sample service is free
    page.cost.setCurrentIndex(0)
    page.area.setText("LS10")
    qtbot.waitUntil(lambda: "Detached Youth Work South" in listed(page), timeout=2000)
    page.area.setText("LS6")
    qtbot.waitUntil(lambda: "Detached Youth Work South" not in listed(page), timeout=2000)


def test_detail_shows_the_expectation_card_and_referral_facts(
    qtbot,  # type: ignore[no-untyped-def]
    page: DirectoryPage,
    services: dict[str, Service],
) -> None:
    nursing = services["School Nursing Drop-in"]
    page.select_service(nursing.id)
    text = page.detail.text()
    assert "School Nursing Drop-in" in text and "Leeds Children's Health Trust (sample)" in text
    assert "Expectation card" in text
    for heading in ("What it does", "What it does not do", "Before referring, you must", "A referral must include"):
        assert heading in text
    card = nursing.expectation_card
    for line in card.does + card.does_not + card.referrer_must_first + card.referral_must_include:
        assert line in text
    assert "Online form: https://example.org/school-nursing" in text
    assert "1 week" in text
    assert "6 June 2025" in text  # last reviewed
    assert page.detail.badge.isVisibleTo(page) and "SAMPLE DATA" in page.detail.badge.text()
    with qtbot.waitSignal(page.refer_requested) as referred:
        page.detail.refer.click()
    assert referred.args == [nursing.id]


def test_show_matches_ranks_fits_first_with_reasons(page: DirectoryPage, services: dict[str, Service]) -> None:
    page.search.setText("something typed earlier")
    page.show_matches(**AVA, postcode_district="LS6 2AA", child_name="Ava Test")
    assert page.banner_row.isVisibleTo(page) and "Ava Test" in page.banner.text()
    assert page.search.text() == "" and len(page.listed_ids()) == 43  # nothing hidden
    items = [page.list.item(i) for i in range(page.list.count())]
    assert items[0].data(HeadingRole) and items[0].text().startswith("Fit Ava Test")
    fits = [m for m in page.matches if m.fits]
    split = 1 + len(fits)
    assert items[split].data(HeadingRole) and items[split].text().startswith("Do not fit")
    assert [i.data(ServiceIdRole) for i in items[1:split]] == [m.service.id for m in fits]
    assert all(not i.data(GreyRole) for i in items[1:split]) and all(i.data(GreyRole) for i in items[split + 1 :])
    assert fits and all("attendance" in m.service.need_domains or "semh" in m.service.need_domains for m in fits)
    assert fits[0].service.id == page.detail.service.id  # type: ignore[union-attr]
    assert "Fits Ava Test" in page.detail.text() and "works on Attendance" in page.detail.text()

    cypmhs = services["Children and Young People's Mental Health Service"]
    row = page.list.row_of(cypmhs.id)
    assert row is not None and row > split
    assert "serves levels 3–4; this child is level 2" in page.list.item(row).data(DetailRole)
    page.select_service(cypmhs.id)
    text = page.detail.text()
    assert "Does not fit Ava Test: a referral would be inappropriate" in text
    assert "serves levels 3–4; this child is level 2" in text and "Expectation card" in text

    page.show_all.click()
    assert not page.banner_row.isVisibleTo(page) and page.count.text() == "43 of 43 services"


def test_reloads_when_services_change(page: DirectoryPage, context: AppContext) -> None:
    report, _ = DirectoryService(context.col.db, "tester").import_directory(SHARED_DATA / "hsds_1.1_sample_datapackage")
    context.runner.announce(Changes(frozenset({"services"}), frozenset()), None)
    assert len(report.added) == 13 and page.count.text() == "56 of 56 services"
    page.search.setText("Never Homeless")
    page.refresh()
    assert listed(page) == ["Never Homeless Helpline"]
    assert "not stated" in page.detail.text().lower()  # a plain ORUK service: no card, no levels


def test_from_a_recorded_check_to_ranked_matches(qtbot, context: AppContext, services: dict[str, Service]) -> None:  # type: ignore[no-untyped-def]
    child_id = add_child(context.col.db, "Ava", "Test", date(2012, 1, 5), postcode="LS6 3AB")
    draft, _ = TriageService(context.col.db, "Sam Tester").start_draft(child_id, Q_ID, Q_VERSION)
    TriageService(context.col.db, "Sam Tester").save_answers(draft.id, LEVEL3)
    result, _ = TriageService(context.col.db, "Sam Tester").complete(draft.id)
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    window.child.show_child(child_id)
    window.child.needs_checks.find_services.emit(result.id)
    assert window.nav.currentRow() == PAGES.index("Directory")
    page = window.directory
    assert page.request is not None and page.request.level == 3 and page.request.district == "LS6"
    fits = [m for m in page.matches if m.fits]
    assert fits and all(3 in m.service.levels or not m.service.levels for m in fits)
    assert page.detail.service is not None and page.detail.service.id == fits[0].service.id
    text = page.detail.text()
    assert "Fits Ava" in text and "Expectation card" in text and "A referral must include" in text


def test_lock_forgets_the_child_and_unlock_reloads(qtbot, context: AppContext, services: dict[str, Service]) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    window.show()
    window.nav.setCurrentRow(PAGES.index("Directory"))
    page = window.directory
    assert len(page.listed_ids()) == 43  # loaded when first shown
    page.show_matches(**AVA, postcode_district=None, child_name="Ava Test")
    assert page.request is not None and page.listed_ids()
    db = context.col.db
    page.forget()  # what the window's lock does (the real lock also asks for the passphrase)
    assert page.request is None and page.list.count() == 0 and "Ava" not in page.detail.text()
    assert not page.banner_row.isVisibleTo(page)
    window.nav.setCurrentRow(0)
    window.nav.setCurrentRow(PAGES.index("Directory"))
    assert context.col.db is db and len(page.listed_ids()) == 43


def test_a_row_naming_a_service_no_longer_held_clears_the_detail(
    qtbot,  # type: ignore[no-untyped-def]
    context: AppContext,
    services: dict[str, Service],
) -> None:
    """Locking let go of the services while the list still named one; choosing it raised StopIteration."""
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    window.show()
    window.nav.setCurrentRow(PAGES.index("Directory"))
    page = window.directory
    page.list.setCurrentRow(2)
    page.services = []  # what lock does first on the way to clearing the list
    page.list.setCurrentRow(4)
    assert page.detail.service is None and page.detail.text().strip() == "Choose a service from the list."
    window.lock()
    assert page.list.count() == 0 and page._selected is None
    window.unlock_dialog.reject()
