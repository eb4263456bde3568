"""Puts the administrators' pages (Administration, Data quality) in the window, visible only while the server says
this user administers. One question to the server after each round serves every such page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QListWidget, QStackedWidget, QWidget

from casedesk.services.administration import Account
from casedesk.ui.context import AppContext
from casedesk.ui.sync.controller import SyncController

TITLE = "Administration"


def install(
    nav: QListWidget,
    stack: QStackedWidget,
    sync: SyncController,
    context: AppContext,
    pages: Sequence[tuple[str, QWidget]],
) -> None:
    """Add the pages (hidden) after the window's pages; after each round that reached the server, ask once whether
    to show them (the server may have made this user an administrator, or stopped)."""
    rows: dict[int, QWidget] = {}
    for title, page in pages:
        nav.addItem(title)
        row = nav.count() - 1
        stack.insertWidget(row, page)  # before the locked page, so navigation rows and pages stay paired
        nav.item(row).setHidden(True)
        rows[row] = page

    def show(account: Account | None) -> None:
        administrator = account is not None and account.administrator
        for row, page in rows.items():
            nav.item(row).setHidden(not administrator)
            if not administrator and stack.currentWidget() is page:
                nav.setCurrentRow(0)

    def ask(report: Any) -> None:
        if report is not None and context.unlocked:
            context.runner.query(lambda col: col.administration.account()).on_network().success(show).run()

    def reload(current: int) -> None:
        page = rows.get(current)
        if page is not None:
            page.reload()  # type: ignore[attr-defined]

    sync.round_finished.connect(ask)
    nav.currentRowChanged.connect(reload)
