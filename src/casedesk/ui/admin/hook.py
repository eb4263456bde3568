"""Puts the Administration page in the window, visible only while the server says this user administers."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QListWidget, QStackedWidget

from casedesk.services.administration import Account
from casedesk.ui.admin.page import AdminPage
from casedesk.ui.context import AppContext
from casedesk.ui.sync.controller import SyncController

TITLE = "Administration"


def install(nav: QListWidget, stack: QStackedWidget, sync: SyncController, context: AppContext) -> AdminPage:
    """Add the page (hidden) after the window's pages; after each round that reached the server, ask whether to
    show it (the server may have made this user an administrator, or stopped)."""
    page = AdminPage(context)
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
