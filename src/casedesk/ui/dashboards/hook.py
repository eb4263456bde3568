"""Puts the Dashboards page in the window, visible only to roles that include the organisation's reports (the
role the server gave this device; the server checks it again on every request)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QListWidget, QStackedWidget

from casedesk.ui.context import AppContext
from casedesk.ui.dashboards.page import DashboardsPage
from casedesk.ui.sync.controller import SyncController

TITLE = "Dashboards"


def install(nav: QListWidget, stack: QStackedWidget, sync: SyncController, context: AppContext) -> DashboardsPage:
    page = DashboardsPage(context)
    nav.addItem(TITLE)
    row = nav.count() - 1
    stack.insertWidget(row, page)  # before the locked page, so navigation rows and pages stay paired
    item = nav.item(row)
    item.setHidden(True)

    def show(allowed: bool) -> None:
        item.setHidden(not allowed)
        if not allowed and stack.currentWidget() is page:
            nav.setCurrentRow(0)

    def ask(_report: Any = None) -> None:
        if context.unlocked:
            context.runner.query(lambda col: col.dashboards.may_view()).success(show).run()

    sync.round_finished.connect(ask)
    ask()
    nav.currentRowChanged.connect(lambda current: page.reload() if current == row else None)
    return page
