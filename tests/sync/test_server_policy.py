"""The policy a server sends its devices: fetched at every round, kept, and applied where it is stricter; a policy
the device cannot read leaves the one it had; a server from before policies sets none."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from casedesk import config
from casedesk.server import cli as server_cli
from casedesk.server import device_policy
from casedesk.services import policy
from casedesk.site_profile import ExportKind
from tests.sync.harness import Server, make_device


@pytest.fixture
def strict_server(tmp_path: Path, fast_kdf: object, fast_passwords: None) -> Iterator[Server]:
    srv = Server(f"sqlite:///{tmp_path / 'server.db'}", policy={"printing": False, "exports": ["child_record"]})
    yield srv
    srv.close()


def test_a_round_brings_the_servers_policy_and_the_device_keeps_to_it(strict_server: Server, tmp_path: Path) -> None:
    org = strict_server.org("Riverside Academy")
    strict_server.user(org, "ann")
    device = make_device(tmp_path, "ann", strict_server, "ann")  # enrols and syncs once
    assert device.db.get(config.SERVER_POLICY) == {"printing": False, "exports": ["child_record"]}
    now = policy.in_force(device.db)
    assert not now.printing and now.exports == {ExportKind.CHILD_RECORD}


def test_a_policy_the_device_cannot_read_leaves_the_one_it_kept(
    server: Server, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    org = server.org("Riverside Academy")
    server.user(org, "ann")
    device = make_device(tmp_path, "ann", server, "ann")
    device.db.put(config.SERVER_POLICY, {"printing": False})
    newer = Server(server.url, policy={"printing": True, "watermark": "always"})  # a setting this app does not know
    try:
        device.transport.client = newer.client()
        with caplog.at_level(logging.WARNING):
            device.sync()  # the round itself goes on
    finally:
        newer.close()
    assert device.db.get(config.SERVER_POLICY) == {"printing": False}
    assert "server's policy is not valid" in caplog.text


def test_a_server_from_before_policies_sets_none(server: Server, tmp_path: Path) -> None:
    org = server.org("Riverside Academy")
    server.user(org, "ann")
    device = make_device(tmp_path, "ann", server, "ann")
    device.db.put(config.SERVER_POLICY, {"printing": False})
    server.app.router.routes[:] = [r for r in server.app.router.routes if getattr(r, "path", "") != "/v1/policy"]
    device.sync()
    assert device.db.get(config.SERVER_POLICY) == {}


def test_the_server_reads_its_policy_from_a_site_profile_and_refuses_a_bad_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "site.json"
    good.write_text(json.dumps({"format": "casedesk-site-profile", "version": 1, "policy": {"demo_data": False}}))
    assert device_policy.from_file(good) == {"demo_data": False}
    monkeypatch.setenv(device_policy.ENV_VAR, str(good))
    assert device_policy.from_environment() == {"demo_data": False}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "casedesk-site-profile", "version": 1, "policy": {"printing": "no"}}))
    url = f"sqlite:///{tmp_path / 'server.db'}"
    assert server_cli.main(["--database-url", url, "--site-profile", str(bad), "serve"]) == 1
    assert "policy.printing: 'no' is not of type 'boolean'" in capsys.readouterr().err
