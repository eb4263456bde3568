"""Following an Ask CaseDesk link into the app: which page to show and how to set it up.

Kept apart from the main window so the window only wires the shortcut; each link kind names a page and a state
(the directory filtered to a need and level, one service's card, the referrals page, a child's needs checks, the
sharing agreements: the open child's Sharing tab, or every agreement this device holds).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QDialog, QStatusBar, QWidget

from casedesk.domain.guidance.model import GuidanceLink
from casedesk.ui.child.view import ChildPage
from casedesk.ui.context import AppContext
from casedesk.ui.directory.page import DirectoryPage
from casedesk.ui.guidance.agreements_dialog import AgreementsDialog

NEEDS_CHECK_HINT = "Open the child's record first, then Needs checks → Start a check…"


class Window(Protocol):
    """What the navigator needs of the main window."""

    context: AppContext

    @property
    def child(self) -> ChildPage: ...

    @property
    def directory(self) -> DirectoryPage: ...

    @property
    def referrals(self) -> QWidget: ...

    @property
    def caseload(self) -> QWidget: ...

    def show_page(self, page: QWidget) -> None: ...

    def statusBar(self) -> QStatusBar: ...


def follow(window: Window, link: GuidanceLink) -> QDialog | None:
    """Open what a link names; returns the dialog it opened, if it opened one."""
    if link.target == "needs_check":
        if window.child.child_id:
            window.show_page(window.child)
            window.child.tabs.setCurrentWidget(window.child.needs_checks)
            window.child.needs_checks.start_check()
        else:
            window.show_page(window.caseload)
            window.statusBar().showMessage(NEEDS_CHECK_HINT, 10000)
    elif link.target == "directory":
        window.directory.show_filtered(link.need, link.level)
        window.show_page(window.directory)
    elif link.target == "service":
        window.directory.show_filtered(None, None)
        window.show_page(window.directory)
        if link.service and not window.directory.show_service(link.service):
            window.statusBar().showMessage("That service is not in this device's directory.", 8000)
    elif link.target == "referrals":
        window.show_page(window.referrals)
    elif link.target == "agreements":
        if window.child.child_id:
            window.show_page(window.child)
            window.child.tabs.setCurrentWidget(window.child.sharing)
        else:
            dialog = AgreementsDialog(window.context, window.child.window())
            dialog.open()
            return dialog
    return None
