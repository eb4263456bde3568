"""`casedesk-server admin agreement …` and `admin user role`: agreements recorded, listed, shown and ended; every
problem with bad input named on one line, with a non-zero exit and nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from casedesk.server.cli import main


def _run(url: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--database-url", url, "admin", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _setup(url: str, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    _, school, _ = _run(url, capsys, "create-org", "Oakwood Primary School")
    _, yot, _ = _run(url, capsys, "create-org", "Youth Justice Service", "--kind", "youth_justice")
    return school.strip(), yot.strip()


AGREEMENT = [
    "--title",
    "Youth justice and schools",
    "--a-to-b",
    "identity,education",
    "--b-to-a",
    "education,attendance,behaviour",
    "--article-6",
    "public_task",
    "--article-10",
    "safeguarding",
    "--start",
    "2025-09-01",
    "--review",
    "2026-08-31",
    "--signed-by",
    "Head of Youth Justice",
    "--signed-by",
    "Head teacher, Oakwood",
]


def test_an_agreement_is_recorded_listed_shown_and_ended(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    _school, yot = _setup(url, capsys)
    code, out, _ = _run(
        url, capsys, "agreement", "add", "--party-a", f"org:{yot}", "--party-b", "kind:school", *AGREEMENT
    )
    assert code == 0
    agreement_id = out.splitlines()[0]
    code, out, _ = _run(url, capsys, "agreement", "list")
    assert agreement_id in out and "in force" in out and "Youth justice and schools" in out
    code, out, _ = _run(url, capsys, "agreement", "show", agreement_id)
    assert "A shares with B: education, identity" in out and "Sch. 1 para. 18" in out and "Head teacher, Oakwood" in out
    code, out, _ = _run(url, capsys, "agreement", "end", agreement_id, "--reason", "replaced by the 2026 agreement")
    assert code == 0 and "Ended" in out
    code, out, _ = _run(url, capsys, "agreement", "show", agreement_id)
    assert "ended" in out and "replaced by the 2026 agreement" in out
    code, _, err = _run(url, capsys, "agreement", "end", agreement_id, "--reason", "again")
    assert code == 1 and "already ended" in err
    assert _run(url, capsys, "agreement", "default")[1].strip() == "open"
    assert _run(url, capsys, "agreement", "default", "closed")[0] == 0
    assert _run(url, capsys, "agreement", "default")[1].strip() == "closed"


def test_a_bad_agreement_names_every_problem_and_records_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    school, _ = _setup(url, capsys)
    bad = [a if a != "2026-08-31" else "31/08/2026" for a in AGREEMENT]
    bad = [a if a != "identity,education" else "identity,secrets" for a in bad]
    code, out, err = _run(
        url, capsys, "agreement", "add", "--party-a", f"org:{school}", "--party-b", "kind:castle", *bad
    )
    assert code == 1 and out == ""
    [line] = err.splitlines()
    assert line.startswith("casedesk-server: Agreement not recorded:")
    for problem in ("kind:castle", "'secrets'", "review date: '31/08/2026' is not a date"):
        assert problem in line
    assert _run(url, capsys, "agreement", "list")[1] == ""


def test_user_roles_are_set_listed_and_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    school, _ = _setup(url, capsys)
    monkeypatch.setenv("CASEDESK_USER_PASSWORD", "a long enough password")
    assert _run(url, capsys, "create-user", "ann", "--org", school, "--role", "practitioner")[0] == 0
    assert _run(url, capsys, "create-user", "bob", "--org", school)[0] == 0
    code, _, err = _run(url, capsys, "create-user", "cat", "--org", school, "--role", "janitor")
    assert code == 1 and "unknown role 'janitor'" in err
    code, out, _ = _run(url, capsys, "user", "role", "ann", "administrator")
    assert code == 0 and "Practitioner → Administrator" in out
    code, _, err = _run(url, capsys, "user", "role", "ann", "boss")
    assert code == 1 and "unknown role 'boss'" in err
    listed = _run(url, capsys, "user", "list")[1].splitlines()
    assert [line.split()[:2] for line in listed] == [["ann", "administrator"], ["bob", "safeguarding_lead"]]
