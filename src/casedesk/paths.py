"""Where CaseDesk finds its bundled files and keeps its data.

`resource_path()` and `migrations_dir()` work both from a source checkout and inside a PyInstaller bundle
(where files live under `sys._MEIPASS`), so the frozen app never depends on the current directory.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _bundle_root() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    # src/casedesk/paths.py -> the repository root
    return Path(__file__).resolve().parent.parent.parent


def resource_path(*parts: str) -> Path:
    """A file under `resources/` (triage questionnaires, fonts, reference data…)."""
    return _bundle_root().joinpath("resources", *parts)


def migrations_dir(environment: str = "local") -> Path:
    """The Alembic environment folder for the device (`local`) or the server (`server`)."""
    return _bundle_root().joinpath("migrations", environment)


def data_dir() -> Path:
    """The per-user folder for the default database: `$CASEDESK_HOME`, else the platform's data folder."""
    override = os.environ.get("CASEDESK_HOME")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "CaseDesk"


def default_database_path() -> Path:
    return data_dir() / "casedesk.db"
