"""The bank holidays the server gives its devices (`GET /v1/bank-holidays`), so the dates a device works out —
when a referral must be acknowledged, a home educator first contacted, a first PEP held — skip them as the
server's own reports do. Kept apart from `wire` so older servers and clients are untouched: a server without the
route answers 404 and the device goes on counting Monday to Friday.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

MAX_DAYS = 2_000  # GOV.UK lists about eight a year; a longer list is not a list of bank holidays


class BankHolidays(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    days: list[date] = Field(max_length=MAX_DAYS)
    source: str = Field(default="", max_length=300)  # which list, and how far it reaches, in words
