"""`GET /v1/bank-holidays`: the bank holidays the server counts working days with (its kept GOV.UK list, the
bundled one before it; `casedesk.server.reports.holidays`), for every enrolled device. Kept apart from `app`
(one line there adds the route).
"""

# No `from __future__ import annotations` here: FastAPI reads the route's annotations at run time.
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI

from casedesk.server.db import ServerDB
from casedesk.server.reports import holidays
from casedesk.sync.wire_calendar import BankHolidays


def add_routes(app: FastAPI, store: ServerDB, current_device: Callable[..., Any]) -> None:
    Device = Annotated[Any, Depends(current_device)]

    @app.get("/v1/bank-holidays", response_model=BankHolidays)
    def bank_holidays(device: Device) -> BankHolidays:
        """England's bank holidays in effect (not secret, but only enrolled devices ask)."""
        with store.read() as conn:
            calendar, source = holidays.in_effect(conn)
        return BankHolidays(days=sorted(calendar.holidays), source=source)
