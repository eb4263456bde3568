"""The Administration page (users, computers, revoke, enrolment codes), shown to administrators only."""

from __future__ import annotations

from datetime import datetime


def when(iso: str | None) -> str:
    """An ISO time from the server as local time, or "never"."""
    if not iso:
        return "never"
    return f"{datetime.fromisoformat(iso).astimezone():%d %b %Y %H:%M}"
