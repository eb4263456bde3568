""" "Copy diagnostics": what support needs to know about this install, without anything personal.

Versions (app, build, commit, Python, Qt, system), where things are (with the home folder shown as `~`, since a
home folder is often named after its owner), the database's size and whether every page authenticates, and how
sync stands: the server, the last success and the last error (scrubbed like the support log), what is waiting.
No user name, no child, no record id.
"""

from __future__ import annotations

import platform
from pathlib import Path

from casedesk import config, errorlog, supportlog
from casedesk.buildinfo import BuildInfo, build_info
from casedesk.paths import data_dir
from casedesk.services.sync import SyncService, SyncStatus
from casedesk.store import health
from casedesk.store.database import Database


def _home(path: Path) -> str:
    text, home = str(path), str(Path.home())
    return "~" + text[len(home) :] if home and text.startswith(home) else text


def _size(path: Path) -> str:
    if not path.exists():
        return "absent"
    size = float(path.stat().st_size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"


def about_lines(info: BuildInfo, qt_version: str = "") -> list[str]:
    """Versions and paths: what can be said even while CaseDesk is locked."""
    qt = f" · Qt {qt_version}" if qt_version else ""
    return [
        "CaseDesk diagnostics (no personal data)",
        f"Version {info.version} · build {info.build} · commit {info.commit}",
        f"Python {platform.python_version()}{qt} · {platform.system()} {platform.release()} {platform.machine()}",
        f"Data folder: {_home(data_dir())}",
        f"Support log: {_home(supportlog.log_path())} ({_size(supportlog.log_path())})",
        f"Error log: {_home(errorlog.log_path())} ({_size(errorlog.log_path())})",
    ]


def database_lines(db: Database, status: SyncStatus) -> list[str]:
    """The open database's size and health, and how sync stands."""
    wal = db.path.with_name(db.path.name + "-wal")
    problems = health.quick_check(db.engine)
    state = "every page authenticates" if not problems else f"DAMAGED ({len(problems)} problem(s))"
    lines = [
        f"Database: {_home(db.path)} ({_size(db.path)}, write-ahead log {_size(wal)}, "
        f"key file {'present' if db.key_file_present() else 'MISSING'})",
        f"Database health: {state}",
    ]
    if status.enrolled:
        versions = f"server accepts {status.minimum_version or 'any version'}"
        if status.latest_version:
            versions += f", newest {status.latest_version}"
        lines.append(f"Sync: enrolled with {status.server_url} ({versions})")
    else:
        lines.append("Sync: not enrolled")
    lines += [
        f"Last sync: {status.last_success or 'never'}",
        f"Last sync error: {supportlog.scrub(status.last_error) if status.last_error else 'none'}",
        f"Waiting: {status.pending} change(s) · set aside {status.set_aside} · received set aside {status.unapplied} "
        f"· conflicts {status.open_conflicts}",
    ]
    last_backup = db.get(config.LAST_BACKUP)
    lines.append(f"Last backup: {last_backup.get('at') or 'never'}" if last_backup else "Last backup: never")
    return lines


class Diagnostics:
    """The report for the open database (call off the UI thread: it reads every page once)."""

    def __init__(self, db: Database, sync: SyncService) -> None:
        self.db = db
        self.sync = sync

    def report(self, qt_version: str = "") -> str:
        lines = about_lines(build_info(), qt_version) + database_lines(self.db, self.sync.status())
        return "\n".join(lines)


def locked_report(qt_version: str = "") -> str:
    """The report while CaseDesk is locked: versions and paths only."""
    return "\n".join([*about_lines(build_info(), qt_version), "Database: locked (unlock for its size and health)"])
