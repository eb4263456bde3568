"""The server certificate a site profile names: trusted for that server (its own CA or a self-signed certificate),
for that server only; a real TLS server on 127.0.0.1 answers."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from casedesk.site_profile import SiteProfileError
from casedesk.sync.http import HttpTransport


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CaseDesk test server")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "server.pem", folder / "server.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


class Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"status": "ok"}'
        self.send_response(200 if self.path == "/health" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    cert, key = self_signed(tmp_path)
    server = HTTPServer(("127.0.0.1", 0), Health)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}", cert
    server.shutdown()
    server.server_close()


def profile_for(folder: Path, url: str, certificate: str, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = {
        "format": "casedesk-site-profile",
        "version": 1,
        "server": {"url": url, "certificate": certificate},
    }
    (folder / "site.json").write_text(json.dumps(doc))
    monkeypatch.setenv("CASEDESK_SITE_PROFILE", str(folder / "site.json"))


def test_without_a_profile_a_self_signed_server_is_not_trusted(
    tls_server: tuple[str, Path],
) -> None:
    url, _cert = tls_server
    assert HttpTransport(url).probe() is False


def test_the_certificate_the_profile_names_is_trusted_for_its_server(
    tls_server: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, cert = tls_server
    profile_for(tmp_path, url + "/", cert.name, monkeypatch)
    assert HttpTransport(url).probe() is True


def test_it_is_trusted_for_that_server_only(
    tls_server: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, cert = tls_server
    profile_for(tmp_path, "https://127.0.0.1:1", cert.name, monkeypatch)  # another port: another server
    assert HttpTransport(url).probe() is False


def test_a_certificate_file_that_is_not_one_is_said_plainly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "server.pem").write_text("not a certificate")
    profile_for(tmp_path, "https://sync.example", "server.pem", monkeypatch)
    with pytest.raises(SiteProfileError, match=r"server certificate .*server\.pem cannot be used"):
        HttpTransport("https://sync.example")
