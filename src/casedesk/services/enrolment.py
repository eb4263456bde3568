"""Enrolling this device with a server, as a person does it from the app: plain words for every way it can fail.

The server says why it refused (its error code); the network says whether it could be reached and whether the
server's certificate could be trusted. `EnrolmentFailed` turns each into a sentence a practitioner can act on, and
names the field to look at again (`field`: "server", "username", "password" or "code"), so the dialog can put the
cursor there. The request itself waits on the network; only storing the token runs on the database thread.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from casedesk import config, site_profile
from casedesk.errors import CaseDeskError
from casedesk.services.sync import SyncService, enrol
from casedesk.sync.http import HttpTransport
from casedesk.sync.transport import CertificateRefused, CredentialsRefused, Offline, Refused, UpdateRequired

log = logging.getLogger(__name__)
ASK_FOR_A_NEW_CODE = "Ask your administrator for a new one-time code."


class EnrolmentFailed(CaseDeskError):
    """Enrolment did not happen; `str()` says why in plain words and `field` names what to check."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class EnrolForm:
    """What a person types to enrol this device."""

    server_url: str
    username: str
    password: str
    code: str
    device_name: str = ""


@dataclass(frozen=True, slots=True)
class Enrolled:
    server_url: str
    username: str
    organisation_id: str


def normalise_server(url: str) -> str:
    """The server address as typed, made whole: `casedesk.example.org` means `https://casedesk.example.org`."""
    text = url.strip().rstrip("/")
    if not text:
        raise EnrolmentFailed("Enter the server's address, e.g. https://casedesk.example.org.", "server")
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EnrolmentFailed(
            f"“{url.strip()}” is not a server address: it should look like https://casedesk.example.org.", "server"
        )
    return text


def this_computer() -> str:
    """A default name for this device, shown to administrators beside the user's name."""
    return socket.gethostname()[:200]


class EnrolmentService:
    """Enrol the database behind `sync` (the collection's sync service, which then syncs with the new token)."""

    def __init__(self, sync: SyncService) -> None:
        self.sync = sync

    def offered_server(self) -> tuple[str, bool]:
        """The server the enrolment dialog offers, and whether this device is already enrolled with it: the stored
        one when enrolled (enrolling again keeps it), else the site profile's, else none. A site profile that
        cannot be read offers none here (the app says why the profile is refused where it loads it)."""
        stored = self.sync.on_db(lambda: self.sync.db.get(config.SERVER_URL))
        if stored:
            return stored, True
        try:
            site = site_profile.load().server
        except site_profile.SiteProfileError:
            return "", False
        return (site.url if site else ""), False

    def enrol(self, form: EnrolForm) -> Enrolled:
        """Enrol with the server (call off the UI thread); raises `EnrolmentFailed` with the reason in words."""
        missing = [
            (label, field)
            for label, field, value in (
                ("your user name", "username", form.username),
                ("your password", "password", form.password),
                ("the one-time code", "code", form.code),
            )
            if not value.strip()
        ]
        url = normalise_server(form.server_url)
        if missing:
            raise EnrolmentFailed(f"Enter {missing[0][0]}.", missing[0][1])
        transport = HttpTransport(url, retries=1)  # a person is waiting: fail in seconds, not after a long backoff
        try:
            organisation = enrol(
                self.sync.db,
                url,
                form.username.strip(),
                form.password,
                form.code.strip(),
                device_name=form.device_name.strip() or this_computer(),
                transport=transport,
                on_db=self.sync.on_db,
            )
        except UpdateRequired as exc:  # the server says what to do: update first
            log.info("enrolment refused: this version is too old for the server")
            raise EnrolmentFailed(str(exc)) from exc
        except (CredentialsRefused, Offline, Refused) as exc:
            log.info("enrolment failed: %s %s", type(exc).__name__, getattr(exc, "code", "") or "")
            raise explain(exc, url) from exc
        except ValueError as exc:  # an answer that is not JSON, or not an enrolment: some other web server
            raise EnrolmentFailed(
                f"{url} answered, but not as a CaseDesk server. Check the address.", "server"
            ) from exc
        finally:
            transport.close()
        self.sync.forget_transport()
        log.info("enrolled with %s", urlsplit(url).hostname)  # the server's name; never the user's
        return Enrolled(url, form.username.strip(), organisation)


def explain(exc: CaseDeskError, url: str) -> EnrolmentFailed:
    """A refused or failed enrolment in plain words, with the field to check."""
    host = urlsplit(url).hostname or url
    if isinstance(exc, CertificateRefused):
        return EnrolmentFailed(
            f"CaseDesk could not check that {host} is really your server: {exc} "
            "Nothing was sent. Check the address, and ask your administrator whether the server's certificate "
            "has expired or is not one this computer trusts.",
            "server",
        )
    if isinstance(exc, Offline):
        if exc.status == 429:
            return EnrolmentFailed(
                "Too many attempts to enrol from this computer. Wait a quarter of an hour, then try again.", ""
            )
        return EnrolmentFailed(
            f"CaseDesk cannot reach the server at {url}. Check the address and that this computer is online "
            "(open a web page), then try again.",
            "server",
        )
    code = getattr(exc, "code", "")
    if code == "bad_credentials":
        return EnrolmentFailed(
            "The user name or password is wrong. Check both (the password is case-sensitive) and try again.",
            "password",
        )
    if code == "bad_code":
        return EnrolmentFailed(
            "That one-time code is not right for this user. Check it was typed as given (the dashes do not "
            f"matter). {ASK_FOR_A_NEW_CODE}",
            "code",
        )
    if code == "code_expired":
        return EnrolmentFailed(f"That one-time code has expired. {ASK_FOR_A_NEW_CODE}", "code")
    if code == "code_used":
        return EnrolmentFailed(f"That one-time code has already been used. {ASK_FOR_A_NEW_CODE}", "code")
    if code == "device_refused":
        return EnrolmentFailed(
            "The server will not enrol this computer again (it was removed, or belongs to another user). "
            "Ask your administrator.",
            "",
        )
    if isinstance(exc, Refused) and exc.status in (404, 405):
        return EnrolmentFailed(f"{url} answered, but it is not a CaseDesk server. Check the address.", "server")
    return EnrolmentFailed(f"The server refused to enrol this computer: {exc}", "")
