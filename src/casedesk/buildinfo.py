"""Which CaseDesk this is: its version, how it was built and from which commit, for the About dialog and support.

- A frozen build (PyInstaller) reads `build-info.json`, written into the bundle at build time by `build.spec`
  (`write_build_info`), because the installed app has no git to ask.
- Run from a source checkout, the commit comes from git (marked "with local changes" when files differ from it).
- Anything else (an installed wheel, a checkout without git) says "unknown" rather than guess.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from casedesk import __version__

BUILD_INFO_FILE = "build-info.json"
UNKNOWN = "unknown"
COMMIT_ENV = "CASEDESK_BUILD_COMMIT"  # a build from a source archive (no .git) is told its commit this way


@dataclass(frozen=True, slots=True)
class BuildInfo:
    version: str
    build: str
    commit: str


def _source_root() -> Path:
    return Path(__file__).resolve().parent.parent.parent  # src/casedesk/buildinfo.py -> the checkout


def git_commit(root: Path) -> str | None:
    """The checkout's commit (12 hex digits), with " (with local changes)" if tracked files differ; None without
    git or outside a checkout."""
    if not (root / ".git").exists():  # a worktree's .git is a file: exists() covers both
        return None
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    if not head:
        return None
    return f"{head} (with local changes)" if dirty else head


def build_info() -> BuildInfo:
    """This running CaseDesk's version, build and commit."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        try:
            baked = json.loads((Path(bundle) / BUILD_INFO_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            baked = {}
        return BuildInfo(__version__, str(baked.get("build") or UNKNOWN), str(baked.get("commit") or UNKNOWN))
    commit = git_commit(_source_root())
    if commit is None:
        return BuildInfo(__version__, UNKNOWN, UNKNOWN)
    return BuildInfo(__version__, "run from source", commit)


def write_build_info(path: Path, root: Path | None = None) -> Path:
    """Write `build-info.json` for a frozen build (called by build.spec): the commit from git, else from
    $CASEDESK_BUILD_COMMIT, else "unknown"; the build as its date, time and platform."""
    commit = git_commit(root or _source_root()) or os.environ.get(COMMIT_ENV) or UNKNOWN
    built = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.system()} {platform.machine()}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(BuildInfo(__version__, built, commit)), indent=2) + "\n", encoding="utf-8")
    return path
