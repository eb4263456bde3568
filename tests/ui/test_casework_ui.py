"""Recording SEND, care and youth-justice casework through the child page over a real encrypted database: a care
period with its social worker, a PEP (and the question asked when the child is not looked after), an EHC plan
through its steps, a youth-justice order and a police contact. Each write is journaled, audited and in the
chronology, and the Overview (the first tab) shows it on a card that opens its tab."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QDateEdit, QLineEdit, QMessageBox, QPlainTextEdit, QWidget
from sqlalchemy import select

from casedesk.store.database import Database
from casedesk.store.models import AuditRow, OutboxRow
from casedesk.ui.child.record_form import FormDialog
from casedesk.ui.context import AppContext
from casedesk.ui.main_window import MainWindow
from tests.factories import add_child

TODAY = date.today()


def _register(db: Database) -> dict[str, str]:
    with db.unit_of_work("tester") as uow:
        ids = {
            "school": uow.insert("organisations", {"name": "Hillside Academy", "kind": "school", "urn": "100001"}),
            "council": uow.insert(
                "organisations", {"name": "Northshire Children's Services", "kind": "local_authority"}
            ),
            "yot": uow.insert("organisations", {"name": "Northshire Youth Justice Service", "kind": "youth_justice"}),
        }
        ids["sw"] = uow.insert(
            "workers", {"organisation_id": ids["council"], "name": "Priya Shah", "role": "Social worker"}
        )
        ids["vso"] = uow.insert("workers", {"organisation_id": ids["council"], "name": "Leah Ward", "role": "VSO"})
        ids["cm"] = uow.insert("workers", {"organisation_id": ids["yot"], "name": "Dan Cole", "role": "Case manager"})
    ids["child"] = add_child(db, "Amelia", "Okafor", date(2011, 1, 2), current_school_id=ids["school"])
    return ids


def _set(dialog: FormDialog, **values: object) -> None:
    """Fill a form dialog's fields by name, as the user would."""
    for name, value in values.items():
        field: QWidget = dialog.fields[name]
        if isinstance(field, QDateEdit):
            known = dialog.fields.get(f"{name}__known")
            if known is not None:
                known.setChecked(value is not None)  # type: ignore[attr-defined]
            if isinstance(value, date):
                field.setDate(QDate(value.year, value.month, value.day))
        elif isinstance(field, QComboBox):
            index = field.findData(value)
            assert index >= 0, (name, value)
            field.setCurrentIndex(index)
        elif isinstance(field, QLineEdit):
            field.setText(str(value))
        elif isinstance(field, QPlainTextEdit):
            field.setPlainText(str(value))


def _answer(*steps: Callable[[QWidget], None]) -> None:
    """Answer the next modal windows in turn (a dialog, then perhaps the question it leads to)."""

    def act(n: int) -> None:
        window = QApplication.activeModalWidget()
        assert window is not None
        if n + 1 < len(steps):
            QTimer.singleShot(0, lambda: act(n + 1))
        steps[n](window)

    QTimer.singleShot(0, lambda: act(0))


def _save(**values: object) -> Callable[[QWidget], None]:
    def step(window: QWidget) -> None:
        assert isinstance(window, FormDialog)
        _set(window, **values)
        window.accept()

    return step


def _journal(db: Database, entity: str) -> tuple[list[str], list[str]]:
    with db.session() as s:
        ops = list(s.scalars(select(OutboxRow.op).where(OutboxRow.entity == entity)))
        audit = list(s.scalars(select(AuditRow.action).where(AuditRow.entity == entity)))
    return ops, audit


def _open(qtbot, context: AppContext):  # type: ignore[no-untyped-def]
    ids = _register(context.col.db)
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.open_child(ids["child"])
    assert window.statusBar().currentMessage() == ""  # no task failed on the way (the window shows failures there)
    return ids, window, window.child


def test_a_looked_after_child_gets_a_social_worker_and_a_pep(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    ids, window, page = _open(qtbot, context)
    assert page.tabs.currentWidget() is page.overview  # the Overview is the first tab
    care_card = page.overview.card("care")
    assert care_card is not None and care_card.card.lines == ("Nothing recorded.",)

    entered = TODAY - timedelta(days=60)
    _answer(_save(kind="looked_after", start=entered, worker_id=ids["sw"]))
    page.care.start_period()
    assert [page.care.periods.item(0, c).text() for c in (0, 2)] == ["Looked after", "Priya Shah"]

    held = TODAY - timedelta(days=2)
    _answer(
        _save(
            held_on=held,
            school_id=ids["school"],
            designated_teacher="Mr Hall",
            officer_id=ids["vso"],
            targets="Reading age up a year",
            progress="Settled in Year 10",
        )
    )
    page.care.add_pep()
    assert page.care.peps.rowCount() == 1
    assert [page.care.peps.item(0, c).text() for c in (2, 3, 4)] == ["Mr Hall", "Leah Ward", "Reading age up a year"]
    assert _journal(context.col.db, "peps") == (["insert"], ["create"])
    (pep,) = context.col.care.peps(ids["child"])
    assert pep.next_due_on is not None and pep.next_due_on > held
    view = context.col.children.view(ids["child"])
    assert any(e.kind == "pep" and e.related_id == pep.id for e in view.events)

    care_card = page.overview.card("care")
    assert care_card is not None
    assert care_card.card.lines[0] == f"Looked after since {entered:%d %b %Y} — social worker Priya Shah"
    assert care_card.card.lines[1].startswith(f"PEP: last PEP {held:%d %b %Y}; next due")
    assert care_card.card.recorded_by == "Sam Tester"
    care_card.open_button.click()
    assert page.tabs.currentWidget() is page.care
    page.tabs.setCurrentWidget(page.overview)
    qtbot.wait(50)
    window.grab().save("/tmp/overview-care.png")


def test_a_pep_for_a_child_not_looked_after_asks_first(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    ids, _, page = _open(qtbot, context)
    asked: list[str] = []

    def say_no(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.No).click()

    _answer(_save(held_on=TODAY, designated_teacher="Mr Hall"), say_no)
    page.care.add_pep()
    assert asked and "A PEP is for a looked-after child" in asked[0]
    assert context.col.care.peps(ids["child"]) == []
    assert _journal(context.col.db, "peps") == ([], [])


def test_an_ehc_plan_from_request_to_issue(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    ids, _, page = _open(qtbot, context)
    requested = TODAY - timedelta(weeks=30)
    _answer(_save(provision="K", start=requested - timedelta(days=200), primary_need="SLCN"))
    page.send.set_provision()
    _answer(_save(requested_on=requested, organisation_id=ids["council"]))
    page.send.edit_plan(None)
    assert page.send.plans.rowCount() == 1
    assert "Decision to assess" in page.send.plans.item(0, 5).text()  # more than 6 weeks and no decision: late
    send_card = page.overview.card("send")
    assert send_card is not None and any("late" in flag for flag in send_card.card.flags)

    page.send.plans.selectRow(0)
    _answer(
        _save(
            assessment_decided_on=requested + timedelta(weeks=5),
            assessment_decision="agreed",
            issued_on=requested + timedelta(weeks=19),
            primary_need="SLCN",
            secondary_need="SEMH",
        )
    )
    page.send._update_selected()
    provision = [[page.send.provision.item(r, c).text() for c in (0, 3, 4)] for r in range(2)]
    issued = requested + timedelta(weeks=19)
    assert provision == [
        ["EHC plan", f"{issued:%d %b %Y}", ""],
        ["SEN support", f"{requested - timedelta(days=200):%d %b %Y}", f"{issued - timedelta(days=1):%d %b %Y}"],
    ]
    assert page.send.plans.item(0, 5).text() == ""  # every step in time
    assert _journal(context.col.db, "ehc_plans") == (["insert", "update"], ["create", "update"])
    send_card = page.overview.card("send")
    assert send_card is not None and send_card.card.flags == ()
    assert send_card.card.lines[0].startswith(f"EHC plan since {issued:%d %b %Y} — primary need SLCN")
    summaries = [e.summary for e in context.col.children.view(ids["child"]).events if e.category == "send"]
    assert "EHC plan issued, week 19 of 20: primary need SLCN (Speech, language and communication needs)" in summaries


def test_a_youth_justice_order_and_a_police_contact(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    ids, _, page = _open(qtbot, context)
    assert page.overview.card("youth_justice") is None  # never known to youth justice: no card
    _answer(
        _save(
            kind="referral_order",
            outcome_on=TODAY - timedelta(days=20),
            end_date=TODAY + timedelta(days=300),
            organisation_id=ids["yot"],
            case_manager_id=ids["cm"],
            offence="Criminal damage",
        )
    )
    page.youth_justice.add_outcome()
    assert [page.youth_justice.outcomes.item(0, c).text() for c in (0, 3, 4)] == [
        "Referral order",
        "Dan Cole",
        "Criminal damage",
    ]
    _answer(_save(kind="arrest", summary="Arrested after a fight in town", body="Released under investigation."))
    page.youth_justice.record_police_contact()
    assert page.youth_justice.police.item(0, 1).text() == "Arrest: Arrested after a fight in town"
    assert _journal(context.col.db, "youth_justice_outcomes") == (["insert"], ["create"])
    events = context.col.children.view(ids["child"]).events
    arrest = next(e for e in events if e.kind == "arrest")
    assert (arrest.category, arrest.significance) == ("youth_justice", "significant")
    card = page.overview.card("youth_justice")
    assert (
        card is not None and card.card.lines[0].startswith("Referral order from") and "Dan Cole" in card.card.lines[0]
    )
    assert card.card.lines[1].startswith("Arrest: Arrested after a fight in town")


def test_dialogs_offer_the_childs_named_workers(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    ids, _, page = _open(qtbot, context)
    start = TODAY - timedelta(days=10)
    context.col.children.add_involvement(ids["child"], ids["council"], "virtual_school_officer", start, ids["vso"])
    context.col.children.add_involvement(ids["child"], ids["yot"], "case_manager", start, ids["cm"])
    page.show_child(ids["child"])
    for make, field, wanted in (
        (page.care.pep_dialog, "officer_id", ids["vso"]),
        (page.youth_justice.outcome_dialog, "case_manager_id", ids["cm"]),
        (page.care.period_dialog, "worker_id", None),  # no social worker named yet: nobody is guessed
    ):
        dialog = make()
        qtbot.addWidget(dialog)
        assert dialog.values()[field] == wanted
