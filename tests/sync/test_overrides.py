"""Break-glass overrides against a real server under uvicorn, in an area whose default is closed (nothing but who
the child is and who is involved passes between organisations without an agreement): asked for with a reason,
granted at once or after the owning lead approves, the withheld kinds reaching the asker's devices only, and gone
from them at the next round once it expires or is ended; every override and every pull in the access log; bad
requests refused with a clear error and nothing stored."""

from __future__ import annotations

import csv
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from casedesk.domain import sharing
from casedesk.server.db import access_log, agreement_admin, overrides
from casedesk.store import repositories as repo
from casedesk.sync.transport import Refused, TokenRefused
from casedesk.sync.wire_audit import OverrideAsk, OverrideDecision
from tests.sync.harness import Device, Server, make_device

REASON = "Strategy discussion at 3pm today needs the youth justice history"


@pytest.fixture
def world(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast_kdf: Any, fast_passwords: None
) -> Iterator[dict[str, Any]]:
    """A school and children's social care (two users), a child the school recorded with a youth-justice entry,
    and every device synced over a real socket."""
    mode = getattr(request, "param", "approval")  # "postgres": the approval policy on PostgreSQL
    monkeypatch.setenv("CASEDESK_OVERRIDE_MODE", "approval" if mode == "postgres" else mode)
    monkeypatch.setenv("CASEDESK_OVERRIDE_HOURS", "2")
    url = request.getfixturevalue("pg_url") if mode == "postgres" else f"sqlite:///{tmp_path / 'server.db'}"
    server = Server(url)
    base = server.serve()
    school, care = server.org("Riverside Academy"), server.org("Children's Social Care")
    server.user(school, "ann")
    server.user(care, "cat")
    server.user(care, "cal")
    ann = make_device(tmp_path, "ann", None, "ann", base_url=base, org_server=server)
    cat = make_device(tmp_path, "cat", None, "cat", base_url=base, org_server=server)
    cal = make_device(tmp_path, "cal", None, "cal", base_url=base, org_server=server)
    child = ann.add_child("Ada", "Okafor", school, postcode="LS6 3AB")
    with ann.db.unit_of_work("ann") as uow:
        uow.insert(
            "involvements",
            {"child_id": child, "organisation_id": care, "role": "social_worker", "start_date": date(2025, 1, 6)},
        )
        now = datetime.now(UTC)
        uow.insert(
            "events",
            {
                "child_id": child,
                "kind": "note",
                "occurred_at": now,
                "recorded_at": now,
                "author": "ann",
                "summary": "Referral order",
                "category": "youth_justice",
            },
        )
    ann.sync()
    agreement_admin.set_default(server.store, sharing.CLOSED)
    for device in (cat, cal):
        device.sync()
        assert _held(device, child) == (set(), None)  # youth justice and contact details are withheld
    yield {"server": server, "school": school, "care": care, "ann": ann, "cat": cat, "cal": cal, "child": child}
    for device in (ann, cat, cal):
        device.close()
    server.close()


def _held(device: Device, child: str) -> tuple[set[str], str | None]:
    with device.db.session() as session:
        events = {e.summary for e in repo.events_for_child(session, child)}
        return events, repo.get_child(session, child).postcode


def _ask(device: Device, child: str, owner: str, **change: Any) -> Any:
    fields = {
        "child_id": child,
        "owner_org": owner,
        "categories": ["youth_justice", "contact"],
        "reason": "child_protection",
        "detail": REASON,
        **change,
    }
    return device.transport.ask_override(OverrideAsk(**fields))


def _count(server: Server, table: Any) -> int:
    with server.store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _log(server: Server) -> list[dict[str, Any]]:
    with server.store.read() as conn:
        return [dict(r._mapping) for r in conn.execute(select(access_log).order_by(access_log.c.id))]


@pytest.mark.parametrize("world", ["approval", pytest.param("postgres", marks=pytest.mark.slow)], indirect=True)
def test_an_approved_override_grants_the_asker_then_expires_and_purges(world: dict[str, Any]) -> None:
    server, ann, cat, cal, child = world["server"], world["ann"], world["cat"], world["cal"], world["child"]
    asked = _ask(cat, child, world["school"])
    assert (asked.state, asked.mode, asked.username, asked.owner) == (
        "pending",
        "approval",
        "cat",
        "Riverside Academy",
    )
    assert child not in cat.sync().purged  # nothing until the owning lead approves
    queue = ann.transport.overrides()
    assert [o.id for o in queue.to_decide] == [asked.id] and queue.to_decide[0].child == "Ada Okafor"
    assert "approves" in queue.policy and queue.hours == 2
    decided = ann.transport.decide_override(asked.id, OverrideDecision(approve=True, note="Agreed by phone"))
    assert decided.state == "granted" and decided.decided_by == "ann" and decided.expires_at
    report = cat.sync()
    assert child in report.purged and report.digest_ok and not report.resynced  # taken afresh as now allowed
    assert _held(cat, child) == ({"Referral order"}, "LS6 3AB")
    assert child not in cal.sync().purged  # the override is cat's, not the organisation's
    assert _held(cal, child) == (set(), None)
    granted_rows = [r for r in _log(server) if r["override_id"] == asked.id]
    assert granted_rows and all(r["device_id"] == cat.db.device_id for r in granted_rows)
    assert all(r["basis"] == f"involvement; no agreement (closed default); override {asked.id}" for r in granted_rows)

    with server.store.write() as conn:  # its two hours pass
        conn.execute(
            update(overrides)
            .where(overrides.c.id == asked.id)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    report = cat.sync()
    assert child in report.purged and report.digest_ok and not report.resynced  # taken afresh without it
    assert _held(cat, child) == (set(), None)  # what it brought is gone from the device
    (mine,) = cat.transport.overrides(child).mine
    assert mine.state == "expired" and mine.ended_at
    assert child not in cat.sync().purged  # once
    assert [r["basis"] for r in _log(server)][-1] == "involvement; no agreement (closed default)"


@pytest.mark.parametrize("world", ["immediate"], indirect=True)
def test_an_emergency_override_is_granted_at_once_and_the_owning_lead_is_told(world: dict[str, Any]) -> None:
    ann, cat, child = world["ann"], world["cat"], world["child"]
    asked = _ask(cat, child, world["school"], reason="immediate_risk")
    assert asked.state == "granted" and asked.mode == "immediate" and asked.decided_by == "policy: granted at once"
    assert child in cat.sync().purged
    (logged,) = ann.transport.access_log(child).overrides  # the owning organisation's Audit tab shows it
    assert (logged.id, logged.username, logged.reason) == (asked.id, "cat", "immediate_risk")
    told = ann.transport.overrides().to_decide
    assert [(o.id, o.state, o.reason, o.detail) for o in told] == [(asked.id, "granted", "immediate_risk", REASON)]
    assert _held(cat, child) == ({"Referral order"}, "LS6 3AB")
    ended = cat.transport.end_override(asked.id)  # the asker is done early
    assert ended.state == "ended"
    assert child in cat.sync().purged
    assert _held(cat, child) == (set(), None)


@pytest.mark.parametrize("world", ["immediate"], indirect=True)
def test_the_owning_organisation_gets_a_report_of_every_override(
    world: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from casedesk.server import cli

    server, cat, child = world["server"], world["cat"], world["child"]
    asked = _ask(cat, child, world["school"], reason="immediate_risk")
    cat.sync()
    capsys.readouterr()
    args = ["--database-url", server.url, "admin", "overrides", "--org", world["school"]]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert asked.id in out and "Ada Okafor" in out and "cat (Children's Social Care, device" in out
    assert f"immediate_risk: {REASON}" in out and "granted by policy: granted at once until" in out
    assert "1 override(s) (records of organisation" in out
    assert cli.main([*args[:-2], "--org", world["care"]]) == 0
    assert "0 override(s)" in capsys.readouterr().out  # care's records were not asked for
    pdf = tmp_path / "overrides.pdf"
    assert cli.main([*args, "--pdf", str(pdf)]) == 0
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Break-glass overrides" in text and "Ada Okafor" in text and "immediate risk" in text
    sheet = tmp_path / "overrides.csv"
    assert cli.main([*args, "--csv", str(sheet)]) == 0
    rows = list(csv.reader(sheet.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:3] == ["Asked (UTC)", "Override id", "Child"] and len(rows) == 2
    assert rows[1][1] == asked.id and rows[1][9] == "immediate_risk" and rows[1][10] == REASON
    assert cli.main([*args[:-2], "--org", "nobody"]) == 1
    assert "No organisation with id nobody" in capsys.readouterr().err


def test_only_the_owning_organisation_decides_and_only_once(world: dict[str, Any]) -> None:
    ann, cat, cal, child = world["ann"], world["cat"], world["cal"], world["child"]
    asked = _ask(cat, child, world["school"])
    for outsider in (cat, cal):  # the asker, and a colleague at the asking organisation
        with pytest.raises(Refused) as refused:
            outsider.transport.decide_override(asked.id, OverrideDecision(approve=True))
        assert refused.value.status == 403 and "safeguarding lead" in str(refused.value)
    ann.transport.decide_override(asked.id, OverrideDecision(approve=False, note="Not needed: ring the YOT"))
    with pytest.raises(Refused) as twice:
        ann.transport.decide_override(asked.id, OverrideDecision(approve=True))
    assert twice.value.status == 409
    assert child not in cat.sync().purged
    assert cat.transport.overrides(child).mine[0].decision_note == "Not needed: ring the YOT"


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"child_id": "0190a0a0-0000-7000-8000-000000000000"}, 404, "is shared with your organisation"),
        ({"reason": ""}, 422, "Choose a reason"),
        ({"reason": "curiosity"}, 422, "not one of the reasons"),
        ({"detail": "urgent"}, 422, "Say in a sentence why"),
        ({"categories": []}, 422, "at least one kind"),
        ({"categories": ["gossip"]}, 422, "Unknown kind of information"),
        ({"owner_org": "own"}, 422, "never withheld from you"),
        ({"owner_org": "0190a0a0-0000-7000-8000-000000000001"}, 422, "No organisation"),
    ],
)
def test_bad_requests_are_refused_clearly_and_store_nothing(
    world: dict[str, Any], change: dict[str, Any], status: int, words: str
) -> None:
    server, cat, child = world["server"], world["cat"], world["child"]
    if change.get("owner_org") == "own":
        change = {"owner_org": world["care"]}
    before = (_count(server, overrides), _log(server))
    with pytest.raises(Refused) as refused:
        _ask(cat, child, world["school"], **change)
    assert refused.value.status == status and words in str(refused.value)
    assert (_count(server, overrides), _log(server)) == before


def test_a_forged_token_and_a_second_open_request_are_refused(world: dict[str, Any]) -> None:
    server, cat, child = world["server"], world["cat"], world["child"]
    _ask(cat, child, world["school"])
    with pytest.raises(Refused) as again:
        _ask(cat, child, world["school"])
    assert again.value.status == 409 and "already have an open request" in str(again.value)
    token = cat.transport.token
    cat.transport.token = "forged"
    with pytest.raises(TokenRefused):
        _ask(cat, child, world["school"])
    cat.transport.token = token
    assert _count(server, overrides) == 1


def test_who_may_ask_and_decide_follows_the_role_where_the_server_keeps_roles() -> None:
    from casedesk.domain import overrides as model

    assert model.may_ask(None) and model.may_ask("practitioner") and not model.may_ask("auditor")
    assert model.may_decide(None) and model.may_decide("safeguarding_lead") and not model.may_decide("practitioner")


def test_an_override_grants_its_kinds_only_for_its_user_child_owner_and_time() -> None:
    from casedesk.domain.schema import Category

    now = datetime.now(UTC)
    grant = sharing.Grant(
        "c", "care", frozenset({Category.YOUTH_JUSTICE}), now + timedelta(hours=1), user="cat", source_org="school"
    )
    policy = sharing.Policy(default=sharing.CLOSED, grants=[grant], now=now)

    def gets(child: str, user: str, owner: str) -> bool:
        allowed = policy.allowed_for("care", child, source_org=owner, user=user)
        return allowed.permits("events", Category.YOUTH_JUSTICE)

    assert gets("c", "cat", "school")
    for other in (("c", "cal", "school"), ("d", "cat", "school"), ("c", "cat", "yot")):
        assert not gets(*other)
    later = sharing.Policy(default=sharing.CLOSED, grants=[grant], now=now + timedelta(hours=2))
    assert not later.allowed_for("care", "c", source_org="school", user="cat").permits("events", Category.YOUTH_JUSTICE)


@pytest.mark.parametrize("world", ["immediate"], indirect=True)
def test_an_override_sends_only_its_child_again_and_its_user_may_write_what_it_revealed(
    world: dict[str, Any],
) -> None:
    ann, cat, child = world["ann"], world["cat"], world["child"]
    other = ann.add_child("Ben", "Adeyemi", world["school"])
    with ann.db.unit_of_work("ann") as uow:
        uow.insert(
            "involvements",
            {
                "child_id": other,
                "organisation_id": world["care"],
                "role": "social_worker",
                "start_date": date(2025, 1, 6),
            },
        )
    ann.sync()
    cat.sync()
    asked = _ask(cat, child, world["school"], reason="immediate_risk")
    report = cat.sync()
    assert report.purged == [child] and report.digest_ok  # the other child cat sees is not sent again
    assert _held(cat, child) == ({"Referral order"}, "LS6 3AB")
    cat.edit("children", child, postcode="LS7 1AA")  # the contact details the override revealed, corrected
    report = cat.sync()
    assert report.pushed == 1 and report.set_aside == 0 and report.digest_ok
    ann.sync()
    assert _held(ann, child)[1] == "LS7 1AA"
    cat.transport.end_override(asked.id)
    assert cat.sync().purged == [child]
    cat.edit("children", child, town="Leeds")  # once it has ended, it may not: refused with the reason shown
    assert cat.sync().set_aside == 1
    (refused,) = cat.service.set_aside()
    assert refused.row_id == child and "not shared with your organisation" in refused.reason
