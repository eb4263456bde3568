"""`casedesk-server admin user directory-manager NAME [--off]`: gives or takes the permission to change the
directory and guidance; the user list shows who has it; an unknown user is refused and nothing changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from casedesk.server.cli import main


def _run(url: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--database-url", url, "admin", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_directory_manager_permission_is_given_listed_and_taken_away(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    monkeypatch.setenv("CASEDESK_USER_PASSWORD", "a long enough password")
    org = _run(url, capsys, "create-org", "Leeds City Council")[1].strip()
    assert _run(url, capsys, "create-user", "dirteam", "--org", org, "--role", "practitioner")[0] == 0
    assert _run(url, capsys, "create-user", "sam", "--org", org)[0] == 0
    code, out, _ = _run(url, capsys, "user", "directory-manager", "dirteam")
    assert code == 0 and "dirteam now edits and publishes the directory and guidance" in out
    listed = {line.split()[0]: line for line in _run(url, capsys, "user", "list")[1].splitlines()}
    assert listed["dirteam"].endswith("directory manager") and not listed["sam"].endswith("directory manager")
    code, _, err = _run(url, capsys, "user", "directory-manager", "nobody")
    assert code == 1 and "No user called 'nobody'" in err
    code, out, _ = _run(url, capsys, "user", "directory-manager", "dirteam", "--off")
    assert code == 0 and "no longer edits" in out
    assert not _run(url, capsys, "user", "list")[1].splitlines()[0].endswith("directory manager")
