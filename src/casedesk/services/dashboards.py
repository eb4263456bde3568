"""The Dashboards page's data: the local authority's dashboards, fetched from the server with this device's token
(the server computes them over every device's records and withholds small counts before anything is sent), and
their CSV export and PDF pack. Who may see them is the server's decision; `may_view` only decides whether the page
is offered, from the role the server gave this device.

Every call but `may_view` waits on the network: the UI runs them on its network pool.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from casedesk import config
from casedesk.domain import roles
from casedesk.domain.dashboards.export import csv_text
from casedesk.errors import CaseDeskError
from casedesk.reports.dashboards import render_pack
from casedesk.services.sync import NotEnrolled, SyncService
from casedesk.sync.http import HttpTransport
from casedesk.sync.transport import CredentialsRefused, DeviceRevoked, Offline, Refused, TokenRefused

T = TypeVar("T")
Json = dict[str, Any]
log = logging.getLogger(__name__)


class DashboardsFailed(CaseDeskError):
    """A dashboard could not be fetched or written; `str()` says why in plain words."""


class DashboardsService:
    def __init__(self, sync: SyncService, actor: str) -> None:
        self.sync = sync
        self.actor = actor

    def may_view(self) -> bool:
        """Whether this device's role includes the organisation's reports (read on the database thread)."""
        role = self.sync.on_db(lambda: self.sync.db.get(config.ROLE))
        return bool(role) and roles.may(role, roles.Action.VIEW_REPORTS)

    def index(self) -> Json:
        """{"audience": whose figures, "reports": [{name, title}], "schools": [{id, name}] the caller may pick}."""
        return self._ask(lambda t: t.reports_index())

    def fetch(self, name: str, start: date, end: date, school: str | None = None) -> Json:
        """One dashboard for the period (both days included), the whole audience's or one school's."""
        if start > end:
            raise DashboardsFailed("The period starts after it ends: choose a start date before the end date.")
        params = {"from": start.isoformat(), "to": end.isoformat(), **({"school": school} if school else {})}
        return self._ask(lambda t: t.dashboard(name, params))

    @staticmethod
    def write_csv(path: Path, dashboards: Sequence[Json]) -> None:
        """Every shown table, spreadsheet-safe (`casedesk.domain.spreadsheet`)."""
        partial = path.with_name(path.name + ".partial")
        try:
            partial.write_text(csv_text(dashboards), encoding="utf-8-sig", newline="")
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)

    def write_pdf(self, path: Path, dashboards: Sequence[Json]) -> None:
        render_pack(path, dashboards, self.actor, datetime.now(UTC))

    def _transport(self) -> HttpTransport:
        db = self.sync.db
        url, token, device_id = self.sync.on_db(
            lambda: (db.get(config.SERVER_URL), db.get(config.DEVICE_TOKEN), db.device_id)
        )
        if not url or not token:
            raise DashboardsFailed("This computer is not enrolled with a server: dashboards come from the server.")
        return HttpTransport(url, device_id=device_id, token=token, retries=1, app_version=self.sync.app_version)

    def _ask(self, call: Callable[[HttpTransport], T]) -> T:
        try:
            transport = self._transport()
        except NotEnrolled as exc:
            raise DashboardsFailed(str(exc)) from exc
        try:
            return call(transport)
        except Offline as exc:
            raise DashboardsFailed(
                "CaseDesk cannot reach the server just now. Dashboards need a connection: try again when this "
                "computer is online."
            ) from exc
        except (CredentialsRefused, TokenRefused, DeviceRevoked) as exc:
            raise DashboardsFailed(str(exc)) from exc
        except Refused as exc:
            raise DashboardsFailed(str(exc).split(": ", 1)[-1]) from exc
        finally:
            transport.close()
