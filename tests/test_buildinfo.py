"""Which CaseDesk this is: the commit from git when run from source, the one baked in at build time when frozen,
and "unknown" when neither can be known."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from casedesk import __version__, buildinfo
from casedesk.buildinfo import BUILD_INFO_FILE, BuildInfo, build_info, write_build_info

ROOT = Path(__file__).resolve().parent.parent


def _head() -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_run_from_source_the_commit_comes_from_git() -> None:
    info = build_info()
    assert info.version == __version__ and info.build == "run from source"
    assert info.commit.split(" ")[0] == _head()


def test_a_frozen_build_reads_the_commit_baked_in_at_build_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = write_build_info(tmp_path / "bundle" / BUILD_INFO_FILE)  # what build.spec does
    baked = json.loads(written.read_text(encoding="utf-8"))
    assert baked["commit"].split(" ")[0] == _head() and baked["version"] == __version__ and "UTC" in baked["build"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "bundle"), raising=False)
    monkeypatch.setattr(buildinfo, "_source_root", lambda: tmp_path)  # no git to ask inside a bundle
    assert build_info() == BuildInfo(__version__, baked["build"], baked["commit"])
    written.unlink()
    assert build_info() == BuildInfo(__version__, "unknown", "unknown")


def test_without_git_or_a_baked_file_it_says_unknown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(buildinfo, "_source_root", lambda: tmp_path)
    assert build_info() == BuildInfo(__version__, "unknown", "unknown")
    monkeypatch.delenv(buildinfo.COMMIT_ENV, raising=False)
    assert json.loads(write_build_info(tmp_path / "a.json", root=tmp_path).read_text())["commit"] == "unknown"
    monkeypatch.setenv(buildinfo.COMMIT_ENV, "0123456789ab")  # a build from a source archive is told its commit
    assert json.loads(write_build_info(tmp_path / "b.json", root=tmp_path).read_text())["commit"] == "0123456789ab"
