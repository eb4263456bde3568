"""Version numbers of the app, compared as numbers: 0.10.0 is newer than 0.9.2.

The server publishes the oldest app it accepts and the newest there is (`casedesk-server admin client-versions`);
both sides compare with these functions, so a device and its server never disagree about which is older.
Versions are dotted numbers (`1`, `0.2`, `0.2.1`, up to four parts); anything after the numbers (a local build's
`+g1a2b3c`, a pre-release's `rc1`) is left out of the comparison.
"""

from __future__ import annotations

import re

_VERSION = re.compile(r"^\s*v?(\d{1,6}(?:\.\d{1,6}){0,3})(?:[-+._]?[0-9A-Za-z.+-]*)?\s*$")


class BadVersion(ValueError):
    """Not a version number CaseDesk can compare."""


def parse(text: str) -> tuple[int, ...]:
    """`"0.2.1"` → `(0, 2, 1, 0)`: padded to four parts, so `0.2` and `0.2.0` are equal."""
    found = _VERSION.match(text or "")
    if found is None:
        raise BadVersion(f"“{text}” is not a version number (e.g. 0.2.0).")
    parts = tuple(int(part) for part in found.group(1).split("."))
    return parts + (0,) * (4 - len(parts))


def older(version: str, than: str) -> bool:
    """Whether `version` comes before `than`."""
    return parse(version) < parse(than)


def check_range(minimum: str | None, latest: str | None) -> None:
    """Refuse a minimum newer than the latest (no app could sync), or a version that is not one."""
    for value in (minimum, latest):
        if value:
            parse(value)
    if minimum and latest and older(latest, minimum):
        raise BadVersion(f"The newest version ({latest}) cannot be older than the oldest accepted ({minimum}).")


def update_needed(app_version: str, minimum: str) -> str:
    """What an app older than the server accepts is told (by the server, and by the app's own check)."""
    shown = app_version or "an older version"
    return (
        f"This server accepts CaseDesk {minimum} or newer, and this is CaseDesk {shown}. Update CaseDesk to keep "
        "syncing: nothing on this computer is lost meanwhile, and the changes waiting are sent after the update."
    )


def needs_update(app_version: str, minimum: str | None) -> bool:
    """Whether an app of `app_version` is older than `minimum` (an app that names no version is older than any)."""
    if not minimum:
        return False
    try:
        return not app_version or older(app_version, minimum)
    except BadVersion:
        return True


def newer_exists(app_version: str, latest: str | None) -> bool:
    try:
        return bool(latest) and older(app_version, latest or "")
    except BadVersion:
        return False
