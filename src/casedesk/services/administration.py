"""Administration from the app, for an organisation's administrators: its users and devices with their last sync,
revoking a device and issuing one-time enrolment codes, over the server's API with this device's token.

The server decides who may (and audits every call); this side only turns its answers into plain words. Every call
waits on the network: the UI runs them on its network pool. Settings are read on the database thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from casedesk import config
from casedesk.errors import CaseDeskError
from casedesk.services.sync import NotEnrolled, SyncService
from casedesk.sync.http import HttpTransport
from casedesk.sync.transport import CredentialsRefused, DeviceRevoked, Offline, Refused, TokenRefused
from casedesk.sync.wire import Account, AdminDevice, AdminOverview, CodeIssued, CodeRequest

T = TypeVar("T")
log = logging.getLogger(__name__)
__all__ = ["Account", "AdminDevice", "AdminOverview", "AdministrationFailed", "AdministrationService", "CodeIssued"]


class AdministrationFailed(CaseDeskError):
    """An administration request did not happen; `str()` says why."""


class AdministrationService:
    def __init__(self, sync: SyncService) -> None:
        self.sync = sync

    def _transport(self) -> HttpTransport:
        db = self.sync.db
        url, token, device_id = self.sync.on_db(
            lambda: (db.get(config.SERVER_URL), db.get(config.DEVICE_TOKEN), db.device_id)
        )
        if not url or not token:
            raise NotEnrolled("This computer is not enrolled with a server.")
        return HttpTransport(url, device_id=device_id, token=token, retries=1, app_version=self.sync.app_version)

    def this_device(self) -> str:
        """This computer's device id, so the page can mark it (and never offer to revoke it)."""
        return self.sync.db.device_id

    def account(self) -> Account | None:
        """Who this device acts for and whether they administer; None when not enrolled or the server is away."""
        try:
            transport = self._transport()
        except NotEnrolled:
            return None
        try:
            return transport.account()
        except (Offline, Refused, CredentialsRefused, TokenRefused, DeviceRevoked):
            return None  # the sync round reports these; the Administration page just stays hidden
        finally:
            transport.close()

    def overview(self) -> AdminOverview:
        """The organisation's users and devices, each with its last sync."""
        return self._ask(lambda t: t.admin_overview())

    def revoke(self, device_id: str) -> AdminDevice:
        """Revoke a device of the organisation: its next sync is refused and it erases its CaseDesk data."""
        revoked = self._ask(lambda t: t.admin_revoke(device_id))
        log.info("administration: revoked a computer")
        return revoked

    def issue_code(self, username: str, hours: float = 24.0) -> CodeIssued:
        """A one-time code for `username` to enrol a computer, valid for `hours`."""
        issued = self._ask(lambda t: t.admin_code(CodeRequest(username=username, hours=hours)))
        log.info("administration: issued an enrolment code valid for %s hours", hours)
        return issued

    def _ask(self, call: Callable[[HttpTransport], T]) -> T:
        transport = self._transport()
        try:
            return call(transport)
        except Offline as exc:
            raise AdministrationFailed(
                "CaseDesk cannot reach the server just now. Administration needs a connection: try again when "
                "this computer is online."
            ) from exc
        except (CredentialsRefused, TokenRefused, DeviceRevoked) as exc:
            raise AdministrationFailed(str(exc)) from exc
        except Refused as exc:
            if exc.code == "not_found":
                raise AdministrationFailed(str(exc).split(": ", 1)[-1]) from exc
            raise AdministrationFailed(f"The server refused: {exc}") from exc
        finally:
            transport.close()
