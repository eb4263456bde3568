"""Where backups and restores stage their temporary copies, so that nothing a killed process leaves is lost track of.

Every temporary copy of a database (an encrypted export on its way into a backup archive, a backup being
unpacked and checked before a restore) lives in one folder beside the database, `NAME.staging/`, in a sub-folder
named after the process that made it. A copy that has to be written elsewhere (a backup archive on another disk)
is recorded there first. So the next backup, restore or unlock removes whatever a killed process left (its
process is gone), and `wipe` removes the whole folder with the database.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_PENDING = "pending-outside"


def staging_root(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".staging")


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs (this one always does)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _remove_area(area: Path) -> None:
    pending = area / _PENDING
    if pending.is_file():
        for line in pending.read_text(encoding="utf-8").splitlines():
            if line.strip():
                Path(line.strip()).unlink(missing_ok=True)
    shutil.rmtree(area, ignore_errors=True)


def clean_stale(db_path: Path) -> int:
    """Remove the staging areas (and the files they recorded elsewhere) of processes that no longer run."""
    root = staging_root(db_path)
    if not root.is_dir():
        return 0
    removed = 0
    for area in root.iterdir():
        pid_text = area.name.split("-", 1)[0]
        if pid_text.isdigit() and process_alive(int(pid_text)):
            continue
        _remove_area(area)
        removed += 1
    with contextlib.suppress(OSError):
        root.rmdir()  # only when empty
    return removed


def remove_all(db_path: Path) -> bool:
    """For `wipe`: every staging area and what it recorded, whoever made it. True if there was anything."""
    root = staging_root(db_path)
    if not root.exists():
        return False
    for area in root.iterdir():
        if area.is_dir():
            _remove_area(area)
        else:
            area.unlink(missing_ok=True)
    shutil.rmtree(root, ignore_errors=True)
    return True


class StagingArea:
    """One process's private folder (mode 0700) for one operation."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def record_outside(self, file: Path) -> None:
        """Note a temporary file written outside the area, so a clean-up after a kill removes it too."""
        with open(self.path / _PENDING, "a", encoding="utf-8") as handle:
            handle.write(f"{file.resolve()}\n")
            handle.flush()
            os.fsync(handle.fileno())


@contextmanager
def staging_area(db_path: Path) -> Iterator[StagingArea]:
    """A fresh area under `NAME.staging/`, removed with everything it recorded when the block ends."""
    clean_stale(db_path)
    root = staging_root(db_path)
    root.mkdir(mode=0o700, exist_ok=True)
    area = root / f"{os.getpid()}-{secrets.token_hex(4)}"
    area.mkdir(mode=0o700)
    try:
        yield StagingArea(area)
    finally:
        _remove_area(area)
        with contextlib.suppress(OSError):
            root.rmdir()
