"""Puts the Data quality page in the window, visible only while the server says this user administers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QListWidget, QStackedWidget

from casedesk.services.administration import Account
from casedesk.ui.context import AppContext
from casedesk.ui.dataquality.page import DataQualityPage
from casedesk.ui.sync.controller import SyncController

TITLE = "Data quality"


def install(
    nav: QListWidget,
    stack: QStackedWidget,
    sync: SyncController,
    context: AppContext,
    open_child: Callable[[str], None],
) -> DataQualityPage:
    """Add the page (hidden) after the window's pages; after each round that reached the server, show it to
    administrators only."""
    page = DataQualityPage(context)
    page.open_child.connect(open_child)
    nav.addItem(TITLE)
    row = nav.count() - 1
    stack.insertWidget(row, page)  # before the locked page, so navigation rows and pages stay paired
    item = nav.item(row)
    item.setHidden(True)

    def show(account: Account | None) -> None:
        administrator = account is not None and account.administrator
        item.setHidden(not administrator)
        if not administrator and stack.currentWidget() is page:
            nav.setCurrentRow(0)

    def ask(report: Any) -> None:
        if report is not None and context.unlocked:
            context.runner.query(lambda col: col.administration.account()).on_network().success(show).run()

    sync.round_finished.connect(ask)
    nav.currentRowChanged.connect(lambda current: page.reload() if current == row else None)
    return page
