"""Puts the administrators' pages (Administration, Data quality) in the window, visible only while the server says
this user administers, and the Audit page, visible to the auditors and managers who do not (their role, which
every sync refreshes, may read the audit). One question after each round serves every such page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QListWidget, QStackedWidget, QWidget

from casedesk.services.administration import Account
from casedesk.ui.admin.audit_page import TITLE as AUDIT_TITLE
from casedesk.ui.context import AppContext
from casedesk.ui.sync.controller import SyncController

TITLE = "Administration"


def install(
    nav: QListWidget,
    stack: QStackedWidget,
    sync: SyncController,
    context: AppContext,
    pages: Sequence[tuple[str, QWidget]],
    audit_page: QWidget,
) -> None:
    """Add the pages (hidden) after the window's pages; after each round that reached the server, ask once whether
    to show them (the server may have made this user an administrator, or stopped; a sync may change the role)."""
    rows: dict[int, QWidget] = {}
    for title, page in [*pages, (AUDIT_TITLE, audit_page)]:
        nav.addItem(title)
        row = nav.count() - 1
        stack.insertWidget(row, page)  # before the locked page, so navigation rows and pages stay paired
        nav.item(row).setHidden(True)
        rows[row] = page

    def show(answer: tuple[Account | None, bool]) -> None:
        account, may_audit = answer
        administrator = account is not None and account.administrator
        for row, page in rows.items():
            shown = (may_audit and not administrator) if page is audit_page else administrator
            nav.item(row).setHidden(not shown)
            if not shown and stack.currentWidget() is page:
                nav.setCurrentRow(0)

    def ask(report: Any) -> None:
        if report is not None and context.unlocked:
            context.runner.query(
                lambda col: (col.administration.account(), col.audit_search.may_search())
            ).on_network().success(show).run()

    def reload(current: int) -> None:
        page = rows.get(current)
        if page is not None:
            page.reload()  # type: ignore[attr-defined]

    sync.round_finished.connect(ask)
    nav.currentRowChanged.connect(reload)
