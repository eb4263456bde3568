"""Enrolling from the app against a real server on 127.0.0.1: every way it can fail is said in plain words, and
once it works the device syncs. The Sync page never tells anyone to run a command."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from casedesk import config, site_profile
from casedesk.server.db import accounts as admin
from casedesk.store.database import Database
from casedesk.ui.context import AppContext
from casedesk.ui.main_window import MainWindow
from casedesk.ui.sync.enrol_dialog import EnrolDialog
from tests.sync.fixtures import fast_passwords, server  # noqa: F401
from tests.sync.harness import PASSWORD, Server, UvicornProcess, free_port


@pytest.fixture
def live(server: Server) -> Iterator[tuple[Server, UvicornProcess]]:  # noqa: F811
    proc = UvicornProcess(server.url).start()
    yield server, proc
    proc.kill()


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


@pytest.fixture
def tls_url(server: Server, tmp_path: Path) -> Iterator[str]:  # noqa: F811
    """The same server app over HTTPS with a self-signed certificate (one this computer does not trust)."""
    cert, key = _self_signed(tmp_path)
    port = free_port()
    live = uvicorn.Server(
        uvicorn.Config(
            server.app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
            ssl_certfile=str(cert),
            ssl_keyfile=str(key),
        )
    )
    thread = threading.Thread(target=live.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not live.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"https://127.0.0.1:{port}"
    live.should_exit = True
    thread.join(10)


def _page_words(window: MainWindow) -> str:
    labels = window.sync_page.findChildren(QLabel)
    return "\n".join([label.text() for label in labels] + [window.sync_state.toolTip(), window.sync_state.text()])


def _attempt(dialog: EnrolDialog, *, url: str | None = None, code: str | None = None, password: str = PASSWORD) -> str:
    if url is not None:
        dialog.server.setText(url)
    if code is not None:
        dialog.code.setText(code)
    dialog.password.setText(password)
    dialog.enrol_button.click()
    return dialog.error.text() if dialog.isVisible() else ""


def test_enrolling_from_the_sync_page_says_what_went_wrong_then_syncs(
    qtbot: QtBot,
    live: tuple[Server, UvicornProcess],
    tls_url: str,
    db: Database,
    context: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    srv, proc = live
    site = tmp_path / "site.json"  # the administrator's site profile names the server: the dialog offers it
    site.write_text(json.dumps({"format": "casedesk-site-profile", "version": 1, "server": {"url": proc.base_url}}))
    monkeypatch.setenv(site_profile.ENV_VAR, str(site))
    org = srv.org("Riverside Academy")
    srv.user(org, "ann@riverside.example")
    srv.user(org, "ben@riverside.example")
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show_page(window.sync_page)
    words = _page_words(window)
    assert "not connected to a server" in words
    assert "casedesk " not in words.lower() and "`" not in words  # no command to run, anywhere on the page
    assert not window.sync_page.sync_button.isEnabled()

    window.sync_page.enrol_button.click()
    dialog = window.sync_page.enrol_dialog
    assert dialog is not None and dialog.isVisible() and dialog.server.isEnabled()
    assert dialog.server.text() == proc.base_url
    dialog.username.setText("ann@riverside.example")

    nobody_there = f"http://127.0.0.1:{free_port()}"
    said = _attempt(dialog, url=nobody_there, code="ABCD-EFGH-JKLM")
    assert said.startswith(f"CaseDesk cannot reach the server at {nobody_there}")
    assert dialog.focusWidget() is dialog.server

    said = _attempt(dialog, url=tls_url)
    assert "could not check that 127.0.0.1 is really your server" in said and "Nothing was sent" in said
    assert "self-signed" in said

    said = _attempt(dialog, url=proc.base_url, password="not my password")
    assert said.startswith("The user name or password is wrong")
    assert dialog.focusWidget() is dialog.password

    said = _attempt(dialog, code=srv.code("ben@riverside.example"))  # a real code, but for someone else
    assert said.startswith("That one-time code is not right for this user")
    assert dialog.focusWidget() is dialog.code

    expired = admin.enrolment_code(srv.store, "ann@riverside.example", hours=-1)
    said = _attempt(dialog, code=expired)
    assert said == "That one-time code has expired. Ask your administrator for a new one-time code."
    assert db.get(config.DEVICE_TOKEN) == ""  # nothing stored by any failed attempt

    used = srv.code("ann@riverside.example")
    assert _attempt(dialog, code=used.lower().replace("-", " ")) == ""  # typed loosely: still the code
    assert not dialog.isVisible()
    assert db.get(config.SERVER_URL) == proc.base_url and db.get(config.USERNAME) == "ann@riverside.example"
    assert window.sync_state.text().startswith("Online")  # enrolled, and the first round ran at once
    assert f"enrolled with <b>{proc.base_url}</b>" in window.sync_page.connection.text()
    assert window.sync_page.sync_button.isEnabled()
    devices = admin.list_devices(srv.store)
    assert [(d["device_id"], d["username"]) for d in devices] == [(db.device_id, "ann@riverside.example")]

    # enrolling again (say the token was refused) keeps the same server; a used code is refused in words
    window.sync_page.enrol_button.click()
    again = window.sync_page.enrol_dialog
    assert again is not None and again is not dialog
    assert again.server.text() == proc.base_url and not again.server.isEnabled()
    again.username.setText("ann@riverside.example")
    said = _attempt(again, code=used)
    assert said == "That one-time code has already been used. Ask your administrator for a new one-time code."
    again.reject()
    window.close()


def test_a_server_address_that_is_not_one_is_refused_before_anything_is_sent(
    qtbot: QtBot, context: AppContext, db: Database
) -> None:
    dialog = EnrolDialog(context, "")
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.username.setText("ann")
    said = _attempt(dialog, url="ftp://files.example.org", code="ABCD")
    assert (
        said == "“ftp://files.example.org” is not a server address: it should look like https://casedesk.example.org."
    )
    dialog.server.setText("casedesk.invalid")
    dialog.code.clear()
    dialog.enrol_button.click()
    assert dialog.error.text() == "Enter the one-time code."
    assert dialog.focusWidget() is dialog.code
    assert db.get(config.SERVER_URL) == ""
    dialog.reject()
