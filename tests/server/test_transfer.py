"""Case transfer between two servers: what the agreements allow is sealed for the receiving area, opened there as
a new child (or merged into the one it holds) with the chronology marked as received and from whom, and reaches
that area's devices; altered, wrongly signed and wrongly addressed packages are refused with nothing changed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casedesk.domain.transfer.package import AreaKeys, PackageRefused, open_package, seal
from casedesk.server.db import records
from casedesk.services.attendance.service import AttendanceService
from casedesk.store import repositories as repo
from tests.server.transfer_areas import AGREEMENT, UPN, _cli, _count
from tests.sync.harness import make_device


def _export(areas: dict, capsys: pytest.CaptureFixture[str], out: Path) -> None:  # type: ignore[type-arg]
    keys = areas["keys"]
    code, _, err = _cli(
        areas["a"].url, capsys, "transfer", "export", areas["child"], "--to-org", areas["to_org"],
        "--to-key", str(keys / "northshire.pub.json"), "--key", str(keys / "leeds.key.json"), "--out", str(out),
    )  # fmt: skip
    assert code == 0, err


def _import(areas: dict, capsys: pytest.CaptureFixture[str], package: Path, *more: str,  # type: ignore[type-arg]
            key: str = "northshire.key.json", sender: str = "leeds.pub.json") -> tuple[int, str, str]:  # fmt: skip
    keys = areas["keys"]
    return _cli(
        areas["b"].url, capsys, "transfer", "import", str(package), "--org", areas["care"],
        "--key", str(keys / key), "--from-key", str(keys / sender), *more,
    )  # fmt: skip


def test_a_child_moves_area_as_the_agreements_allow(areas: dict, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def, type-arg]
    package = tmp_path / "ada.transfer"
    _export(areas, capsys, package)
    assert b"Okafor" not in package.read_bytes() and b"Settled" not in package.read_bytes()  # sealed
    code, said, err = _import(areas, capsys, package)
    assert code == 0, err
    new_child = said.split(":")[0]
    assert "new child" in said

    bob = make_device(tmp_path, "bob", areas["b"], "bob")
    assert bob.sync().digest_ok
    with bob.db.session() as session:
        [child] = repo.list_children(session)
        summaries = [e.summary for e in repo.events_for_child(session, child.id)]
        bodies = [e.body or "" for e in repo.events_for_child(session, child.id)]
        statuses = [s.kind for s in repo.statuses_for_child(session, child.id)]
    assert child.id == new_child and (child.given_name, child.upn) == ("Ada", UPN)
    assert "Received from Leeds: Settled well after half term" in summaries
    assert any("Recorded by Oakwood Primary School in Leeds" in b for b in bodies)
    assert not any("Stopped and searched" in s for s in summaries)  # youth justice: not under the agreement
    assert statuses == ["child_in_need"]
    [transfer] = [s for s in summaries if s.startswith("Case transfer received from Leeds")]
    assert any("youth_justice" in b and "Not shared under the agreements" in b for b in bodies), transfer

    before = _count(areas["b"])
    code, said, _ = _import(areas, capsys, package, "--into", new_child)
    assert code == 0 and "imported before" in said and _count(areas["b"]) == before


def test_a_matched_child_is_merged_into(areas: dict, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def, type-arg]
    bob = make_device(tmp_path, "bob", areas["b"], "bob")
    held = bob.add_child("Ada", "Okafor", areas["care"], upn=UPN, date_of_birth=date(2012, 5, 1))
    assert bob.sync().digest_ok
    package = tmp_path / "ada.transfer"
    _export(areas, capsys, package)
    code, said, err = _import(areas, capsys, package)
    assert code == 0 and said.startswith(f"{held}: merged into"), err
    assert bob.sync().digest_ok
    with bob.db.session() as session:
        assert [c.id for c in repo.list_children(session)] == [held]
        summaries = [e.summary for e in repo.events_for_child(session, held)]
    assert "Received from Leeds: Settled well after half term" in summaries


def test_altered_misaddressed_and_missigned_packages_change_nothing(areas: dict, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def, type-arg]
    package = tmp_path / "ada.transfer"
    _export(areas, capsys, package)
    document = json.loads(package.read_bytes())
    before = _count(areas["b"])

    altered = tmp_path / "altered.transfer"
    cipher = bytearray(document["ciphertext"].encode())
    cipher[40] = ord("A") if cipher[40] != ord("A") else ord("B")
    altered.write_text(json.dumps({**document, "ciphertext": cipher.decode()}))
    code, _, err = _import(areas, capsys, altered)
    assert code == 1 and "altered" in err and "Nothing was changed" in err

    retitled = tmp_path / "retitled.transfer"
    retitled.write_text(json.dumps({**document, "header": {**document["header"], "created_at": "2020-01-01"}}))
    assert _import(areas, capsys, retitled)[0] == 1

    code, _, err = _import(areas, capsys, package, sender="northshire.pub.json")  # not who sent it
    assert code == 1 and "not signed by" in err
    code, _, err = _import(areas, capsys, package, key="leeds.key.json")  # not addressed to this key
    assert code == 1 and "addressed to" in err
    (tmp_path / "junk.transfer").write_text("not a package")
    assert _import(areas, capsys, tmp_path / "junk.transfer")[0] == 1
    assert _count(areas["b"]) == before


def test_a_package_sealed_for_another_key_of_the_same_name_cannot_be_opened() -> None:
    leeds, northshire, impostor = (AreaKeys.generate(n) for n in ("Leeds", "Northshire", "Northshire"))
    sealed = seal({"rows": []}, leeds, northshire.public)
    assert open_package(sealed, northshire, leeds.public).payload == {"rows": []}
    with pytest.raises(PackageRefused, match="another"):
        open_package(sealed, impostor, leeds.public)


def test_the_server_lists_possible_duplicates_over_every_child(areas: dict, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def, type-arg]
    bob = make_device(tmp_path, "bob", areas["b"], "bob")
    first = bob.add_child("Ada", "Okafor", areas["care"], upn=UPN)
    second = bob.add_child("Adaa", "Okafor", areas["care"])
    bob.add_child("Zara", "Okafor", areas["care"])  # a twin: same surname and birthday, another first name
    assert bob.sync().digest_ok
    code, said, _ = _cli(areas["b"].url, capsys, "duplicates")
    assert code == 0 and said.endswith("1 possible duplicate pair(s)")
    assert f"{min(first, second)}  {max(first, second)}" in said and "Same date of birth" in said


def test_the_package_carries_school_history_meetings_plans_and_attendance(areas: dict, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def, type-arg]
    school, child, ann = areas["school"], areas["child"], areas["ann"]
    more = ["admin", "agreement", "add", "--party-a", f"org:{school}", "--party-b", f"org:{areas['to_org']}"]
    terms = [*AGREEMENT[:2], "--a-to-b", "education,attendance,plan", *AGREEMENT[4:]]
    assert _cli(areas["a"].url, capsys, *more, *terms)[0] == 0
    with ann.db.unit_of_work("ann") as uow:
        uow.insert("enrolments", {"child_id": child, "school_id": school, "start_date": date(2024, 9, 2)})
        meeting = uow.insert(
            "meetings", {"kind": "team_around_child", "held_on": date(2025, 10, 1), "chair": "Ms Reed"}
        )
        uow.insert(
            "meeting_items",
            {"meeting_id": meeting, "child_id": child, "question": "Support at home", "decision": "plan_agreed",
             "decision_text": "An early help plan with the family", "decided_on": date(2025, 10, 1)},
        )  # fmt: skip
        plan = uow.insert(
            "plans", {"child_id": child, "kind": "early_help", "lead_name": "Ms Reed", "started_on": date(2025, 10, 1)}
        )
        uow.insert(
            "plan_actions",
            {"plan_id": plan, "child_id": child, "what": "Weekly check-in", "owner_name": "Ms Reed",
             "due_on": date(2025, 11, 3)},
        )  # fmt: skip
    marks = AttendanceService(ann.db, "ann")
    marks.record_mark(child, date(2025, 10, 6), "AM", "/", school_id=school, today=date(2025, 10, 10))
    marks.record_mark(child, date(2025, 10, 6), "PM", "O", school_id=school, today=date(2025, 10, 10))
    assert ann.sync().digest_ok
    package = tmp_path / "ada.transfer"
    _export(areas, capsys, package)
    code, said, err = _import(areas, capsys, package)
    assert code == 0, err
    new_child = said.split(":")[0]
    with areas["b"].store.read() as conn:
        held = conn.execute(
            select(records.c.entity, func.count()).where(records.c.child_id == new_child).group_by(records.c.entity)
        ).all()
        bodies = [
            str(data.get("body") or "")
            for (data,) in conn.execute(
                select(records.c.data).where(records.c.entity == "events", records.c.child_id == new_child)
            )
        ]
    assert dict(held)["plans"] == 1 and dict(held)["plan_actions"] == 1  # plans travel as records
    [body] = [b for b in bodies if b.startswith("Package ")]
    assert "School history in Leeds: Oakwood Primary School from 2024-09-02 (current)." in body
    assert "Meetings in Leeds: team around child on 2025-10-01, decision: plan agreed" in body
    assert "An early help plan with the family" in body
    assert "Attendance in Leeds: 2025/26: 50.0% of 2 possible sessions (0 authorised, 1 unauthorised absences)." in body
    assert "Involved in Leeds: Oakwood Primary School" in body
