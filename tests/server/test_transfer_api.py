"""Case transfer from the app, through real uvicorn: a safeguarding lead in one area exports a child's package for
the other area's public key (`TransferService.export`), and one in the other area imports it (a new child, then
nothing on a second import); a practitioner is refused; altered, wrongly signed and oversized packages are refused
with a reason and nothing changed."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from casedesk.server.transfer.api import KEY_VARIABLE
from casedesk.services.administration import AdministrationFailed
from casedesk.services.transfer.service import TransferService
from casedesk.store import repositories as repo
from tests.server.transfer_areas import _cli, _count
from tests.sync.harness import Peer, make_device


def _service(tmp_path: Path, server, username: str, org: str) -> TransferService:  # type: ignore[no-untyped-def]
    server.user(org, username)
    device = make_device(tmp_path, username, server, username, base_url=server.serve())
    return TransferService(device.service)


def test_a_child_moves_area_from_the_app(
    areas: dict,
    tmp_path: Path,
    monkeypatch,
    capsys,
) -> None:  # type: ignore[no-untyped-def, type-arg]
    keys = areas["keys"]
    lead = _service(tmp_path, areas["a"], "lee", areas["school"])
    receiver = _service(tmp_path, areas["b"], "rita", areas["care"])
    package = tmp_path / "ada.transfer"

    monkeypatch.setenv(KEY_VARIABLE, str(keys / "leeds.key.json"))
    assert lead.area_of(keys / "northshire.pub.json") == "Northshire"
    size = lead.export(areas["child"], areas["to_org"], keys / "northshire.pub.json", package)
    assert size == len(package.read_bytes()) and b"Okafor" not in package.read_bytes()

    monkeypatch.setenv(KEY_VARIABLE, str(keys / "northshire.key.json"))
    done = receiver.import_package(package, keys / "leeds.pub.json")
    assert not done.merged and not done.already and done.from_area == "Leeds" and "new child" in done.message
    bob = make_device(tmp_path, "bob", areas["b"], "bob")
    with bob.db.session() as session:
        [child] = repo.list_children(session)
        summaries = [e.summary for e in repo.events_for_child(session, child.id)]
    assert child.id == done.child_id and "Received from Leeds: Settled well after half term" in summaries

    before = _count(areas["b"])
    again = receiver.import_package(package, keys / "leeds.pub.json")
    assert again.already and "nothing changed" in again.message and _count(areas["b"]) == before


def test_refused_packages_and_people_change_nothing(
    areas: dict,
    tmp_path: Path,
    monkeypatch,
    capsys,
) -> None:  # type: ignore[no-untyped-def, type-arg]
    keys = areas["keys"]
    lead = _service(tmp_path, areas["a"], "lee", areas["school"])
    receiver = _service(tmp_path, areas["b"], "rita", areas["care"])
    package = tmp_path / "ada.transfer"
    monkeypatch.setenv(KEY_VARIABLE, str(keys / "leeds.key.json"))
    lead.export(areas["child"], areas["to_org"], keys / "northshire.pub.json", package)
    with pytest.raises(AdministrationFailed, match="No child with id nobody"):
        lead.export("nobody", areas["to_org"], keys / "northshire.pub.json", tmp_path / "x.transfer")
    assert not (tmp_path / "x.transfer").exists()

    monkeypatch.setenv(KEY_VARIABLE, str(keys / "northshire.key.json"))
    before = _count(areas["b"])
    document = json.loads(package.read_bytes())
    cipher = bytearray(document["ciphertext"].encode())
    cipher[40] = ord("A") if cipher[40] != ord("A") else ord("B")
    altered = tmp_path / "altered.transfer"
    altered.write_text(json.dumps({**document, "ciphertext": cipher.decode()}))
    with pytest.raises(AdministrationFailed, match=r"altered.*Nothing was changed"):
        receiver.import_package(altered, keys / "leeds.pub.json")
    with pytest.raises(AdministrationFailed, match="not signed by"):
        receiver.import_package(package, keys / "northshire.pub.json")
    (tmp_path / "junk.transfer").write_text("not a package")
    with pytest.raises(AdministrationFailed, match="not a case-transfer package"):
        receiver.import_package(tmp_path / "junk.transfer", keys / "leeds.pub.json")
    with pytest.raises(AdministrationFailed, match="not an area's public key"):
        receiver.import_package(package, package)

    areas["b"].user(areas["care"], "pat")
    assert _cli(areas["b"].url, capsys, "admin", "user", "role", "pat", "practitioner")[0] == 0
    pat = Peer(areas["b"], "pat")
    body = {
        "package": base64.b64encode(package.read_bytes()).decode(),
        "from_key": json.loads((keys / "leeds.pub.json").read_text()),
    }
    refused = pat.client.post("/v1/transfer/import", headers=pat.headers, json=body)
    assert refused.status_code == 403 and "safeguarding lead" in refused.json()["detail"]
    oversized = pat.client.post("/v1/transfer/import", headers=pat.headers, json={**body, "package": "A" * (9 * 2**20)})
    assert oversized.status_code == 413
    pat.close()
    assert _count(areas["b"]) == before
