"""Every pull is in the server's access log: one row per device, child and round, with its basis; a child's log is
read only by devices whose organisation sees the child (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from casedesk.server.db import access, access_log, agreement_admin, user_roles
from casedesk.sync.transport import Refused, TokenRefused
from tests.sync.harness import Device, Server, make_device


def _log(server: Server) -> list[dict[str, Any]]:
    with server.store.read() as conn:
        return [dict(r._mapping) for r in conn.execute(select(access_log).order_by(access_log.c.id))]


def _involve(device: Device, child_id: str, org_id: str) -> None:
    with device.db.unit_of_work(device.username) as uow:
        uow.insert(
            "involvements",
            {"child_id": child_id, "organisation_id": org_id, "role": "social_worker", "start_date": date(2025, 1, 6)},
        )


@pytest.fixture
def two_orgs(any_server: Server, tmp_path: Path) -> tuple[Server, Device, Device, str, str]:
    school, care = any_server.org("Riverside Academy"), any_server.org("Children's Social Care")
    any_server.user(school, "ann")
    any_server.user(care, "cat")
    ann, cat = make_device(tmp_path, "ann", any_server, "ann"), make_device(tmp_path, "cat", any_server, "cat")
    yield any_server, ann, cat, school, care
    ann.close()
    cat.close()


def test_every_pull_of_a_child_is_logged_once_per_round_with_its_basis(two_orgs) -> None:
    server, ann, cat, school, care = two_orgs
    child = ann.add_child("Ada", "Okafor", school)
    _involve(ann, child, care)
    ann.note(child, "Seen at school")
    ann.sync()
    assert _log(server) == []  # the recording device receives nothing back: nothing was disclosed to it
    cat.sync()
    rows = _log(server)
    assert len(rows) == 1
    row = rows[0]
    assert (row["child_id"], row["org_id"], row["device_id"], row["kind"]) == (child, care, cat.db.device_id, "pull")
    assert (
        row["basis"] == "involvement; no agreement (open default)" and row["items"] >= 4
    )  # child, 2 involvements, note
    cat.sync()  # an idle round writes nothing
    assert len(_log(server)) == 1
    ann.note(child, "Home visit")
    ann.sync()
    cat.sync()
    rows = _log(server)
    assert len(rows) == 2 and rows[1]["items"] == 1 and rows[1]["round_id"] != rows[0]["round_id"]


def test_the_pages_of_one_round_add_to_one_row_per_child(two_orgs) -> None:
    server, ann, cat, school, care = two_orgs
    children = [ann.add_child(f"Child{i}", "Example", school) for i in range(3)]
    for child in children:
        _involve(ann, child, care)
    ann.sync()
    for k in range(3):
        for child in children:  # after the children entered care's view: each note is a feed item of its own
            ann.note(child, f"note {k}")
    ann.sync()
    remote = cat.transport
    remote.state()  # a round begins
    cursor, pages, delivered = 0, 0, 0
    while True:
        page = remote.pull(cursor, 2)
        pages += 1
        delivered += sum(1 for i in page.items if i.entity != "organisations")  # the directory is nobody's
        cursor = page.cursor
        if not page.has_more:
            break
    rows = _log(server)
    assert pages > 6
    assert sorted(r["child_id"] for r in rows) == sorted(children)  # one row each, however many pages
    assert sum(r["items"] for r in rows) == delivered
    assert len({r["round_id"] for r in rows}) == 1


def test_the_basis_names_the_agreement_that_let_the_records_through(two_orgs) -> None:
    server, ann, cat, school, care = two_orgs
    agreement_admin.add(
        server.store,
        title="Riverside and children's social care",
        party_a=f"org:{school}",
        party_b=f"org:{care}",
        a_to_b="education",
        b_to_a="social_care",
        article_6="public_task",
        start="2025-01-01",
        review="2026-12-31",
        signed_by=["Head of Riverside Academy"],
    )
    child = ann.add_child("Ada", "Okafor", school)
    _involve(ann, child, care)
    ann.sync()
    cat.sync()
    (row,) = _log(server)
    assert row["basis"] == "involvement; agreement Riverside and children's social care"
    assert row["override_id"] is None


def test_a_child_sent_again_is_logged(two_orgs) -> None:
    """After a change of role (`start_over`) and when a device asks for a child again (`resend`)."""
    server, ann, cat, school, care = two_orgs
    child = ann.add_child("Ada", "Okafor", school)
    _involve(ann, child, care)
    ann.sync()
    cat.sync()
    user_roles.set_role(server.store, "cat", "manager")
    cat.sync()
    assert [(r["kind"], r["child_id"]) for r in _log(server)] == [("pull", child)] * 2
    cat.transport.state()
    cat.transport.resend([child])
    rows = _log(server)
    assert len(rows) == 3 and rows[-1]["items"] >= 3 and rows[-1]["device_id"] == cat.db.device_id


def test_a_targeted_resync_is_logged_as_such(two_orgs) -> None:
    server, ann, cat, school, care = two_orgs
    child = ann.add_child("Ada", "Okafor", school)
    _involve(ann, child, care)
    ann.sync()
    cat.transport.state()
    answer = cat.transport.snapshot("events", None, 500)
    assert answer.items == []
    assert _log(server) == []  # nothing delivered, nothing logged
    cat.transport.snapshot("involvements", None, 500)
    (row,) = _log(server)
    assert (row["kind"], row["child_id"], row["items"]) == ("resync", child, 2)


def test_a_device_reads_the_log_of_a_child_its_organisation_sees(two_orgs, any_server: Server) -> None:
    server, ann, cat, school, care = two_orgs
    child = ann.add_child("Ada", "Okafor", school)
    _involve(ann, child, care)
    ann.sync()
    cat.sync()
    answer = ann.transport.access_log(child)
    assert [(e.username, e.organisation, e.basis, e.kind) for e in answer.entries] == [
        ("cat", "Children's Social Care", "involvement; no agreement (open default)", "pull")
    ]
    assert answer.entries[0].device_name == cat.db.device_id
    other = any_server.org("Oakwood Primary School")
    any_server.user(other, "olu")
    olu = make_device(ann.db.path.parent, "olu", any_server, "olu")
    before = _log(server)
    with pytest.raises(Refused) as refused:
        olu.transport.access_log(child)  # not involved: the same answer as for a child that does not exist
    unknown = "0190a0a0-0000-7000-8000-000000000000"
    with pytest.raises(Refused) as missing:
        olu.transport.access_log(unknown)
    assert refused.value.status == missing.value.status == 404
    assert str(refused.value).replace(child, "X") == str(missing.value).replace(unknown, "X")
    assert "is shared with your organisation" in str(refused.value)
    assert _log(server) == before
    olu.close()


def test_bad_requests_for_a_log_are_refused_and_change_nothing(two_orgs) -> None:
    server, ann, _cat, school, _care = two_orgs
    child = ann.add_child("Ada", "Okafor", school)
    ann.sync()
    client = server.client()
    headers = {"Authorization": f"Bearer {ann.transport.token}", "X-CaseDesk-Device": ann.db.device_id}
    forged = client.get("/v1/access-log", params={"child_id": child}, headers={**headers, "Authorization": "Bearer x"})
    assert forged.status_code == 401 and forged.json()["error"] == "invalid_token"
    malformed = client.get("/v1/access-log", params={"child_id": "../../etc"}, headers=headers)
    assert malformed.status_code == 422 and malformed.json()["error"] == "invalid_request"
    assert client.get("/v1/access-log", headers=headers).status_code == 422  # no child named
    ann.transport.token = "forged"
    with pytest.raises(TokenRefused):
        ann.transport.access_log(child)
    with server.store.read() as conn:
        assert conn.execute(select(func.count()).select_from(access_log)).scalar_one() == 0


def test_a_malformed_round_header_starts_a_round_of_its_own() -> None:
    assert access.round_of("0190a0a0-0000-7000-8000-000000000000") == "0190a0a0-0000-7000-8000-000000000000"
    made = access.round_of("'; drop table access_log; --")
    assert made != access.round_of("'; drop table access_log; --") and len(made) == 36


def _admin(server: Server, *args: str) -> None:
    from casedesk.server import cli

    assert cli.main(["--database-url", server.url, "admin", "access-log", *args]) == 0


def test_an_administrator_filters_the_log_across_children_and_exports_it(two_orgs, tmp_path: Path, capsys) -> None:
    server, ann, cat, school, care = two_orgs
    ada, ben = ann.add_child("Ada", "Okafor", school), ann.add_child("=HYPERLINK(1)", "Ben", school)
    _involve(ann, ada, care)
    _involve(ann, ben, care)
    ann.sync()
    cat.sync()
    capsys.readouterr()
    _admin(server, "--child", ada)
    out = capsys.readouterr().out
    assert "Ada Okafor" in out and "HYPERLINK" not in out and "1 entry (child " in out
    _admin(server, "--org", care, "--user", "cat", "--since", "2020-01-01", "--basis", "involvement")
    assert "2 entries" in capsys.readouterr().out
    _admin(server, "--org", school)
    assert "0 entries" in capsys.readouterr().out
    _admin(server, "--until", "2020-01-01")
    assert "0 entries" in capsys.readouterr().out
    sheet = tmp_path / "log.csv"
    _admin(server, "--org", care, "--csv", str(sheet))
    rows = list(csv.reader(sheet.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:4] == ["When (UTC)", "Last (UTC)", "Child", "Child id"] and len(rows) == 3
    assert {r[2] for r in rows[1:]} == {"Ada Okafor", "'=HYPERLINK(1) Ben"}  # shown as text, never run
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    assert "Wrote 2 entries" in capsys.readouterr().out
    pdf = tmp_path / "log.pdf"
    _admin(server, "--org", care, "--pdf", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF") and "Wrote 2 entries" in capsys.readouterr().out
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Access log" in text and "Ada Okafor" in text and "Children's Social Care" in text
        assert f"organisation {care}" in text


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--since", "yesterday"], "--since must be a date as YYYY-MM-DD"),
        (["--since", "2026-02-01", "--until", "2026-01-01"], "--until is before --since"),
        (["--org", "no-such-org"], "No organisation with id no-such-org"),
        (["--user", "nobody"], "No user called 'nobody'"),
        (["--limit", "0"], "--limit must be at least 1"),
    ],
)
def test_bad_filters_get_a_clear_error(server: Server, capsys, args: list[str], error: str) -> None:
    from casedesk.server import cli

    assert cli.main(["--database-url", server.url, "admin", "access-log", *args]) == 1
    assert error in capsys.readouterr().err
