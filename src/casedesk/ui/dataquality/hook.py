"""The Data quality page's title and construction; `ui.admin.hook` shows it to administrators only."""

from __future__ import annotations

from collections.abc import Callable

from casedesk.ui.context import AppContext
from casedesk.ui.dataquality.page import DataQualityPage

TITLE = "Data quality"


def build(context: AppContext, open_child: Callable[[str], None]) -> DataQualityPage:
    page = DataQualityPage(context)
    page.open_child.connect(open_child)
    return page
