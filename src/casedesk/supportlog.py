"""The support log: what CaseDesk did, in a rotating file in the data folder, with nothing about any person.

Records are kept (mode 0600, `logs/casedesk.log`, 1 MB a file, three old files) for support to read when something
went wrong, so they must never hold a child's or a user's name, a UPN, an NHS number, an address, a free-text value
or a record id. Two rules keep it so:
- CaseDesk's own log calls say what happened in counts, kinds and error types, never values (this module's
  `session` helpers and the sync round summary are written that way);
- everything written passes `scrub`, which blanks what looks like an identifier all the same (NHS numbers, UPNs,
  email addresses, record ids, quoted values), and exceptions are written as their type and stack (file, line,
  function), never their message: SQLAlchemy and others put row values into messages.
Only the `casedesk` loggers write here (not httpx, whose lines carry URLs with cursors), at INFO and above.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import traceback
from pathlib import Path
from typing import Any

from casedesk.paths import data_dir

LOG_NAME = "casedesk.log"
MAX_BYTES = 1024 * 1024
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_PATTERNS = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE), "[id]"),
    (re.compile(r"\b[A-Z]\d{11}[0-9A-Z]\b"), "[upn]"),  # a UPN: a check letter, 11 digits, a digit or letter
    (re.compile(r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b"), "[number]"),  # NHS numbers and phone numbers alike
    # quoted values (the repr of a name, a field's value), but not an apostrophe inside a word ("child's")
    (re.compile(r"(?<!\w)'[^']*'(?!\w)|\"[^\"]*\"|“[^”]*”"), "[value]"),
)


def log_path() -> Path:
    return data_dir() / "logs" / LOG_NAME


def scrub(text: str) -> str:
    """`text` with anything that looks like an identifier or a quoted value blanked."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class _Scrubbed(logging.Formatter):
    """The usual line, scrubbed; an exception as its type and frames, without its message."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))

    def formatException(self, ei: Any) -> str:
        kind, _value, tb = ei
        frames = traceback.extract_tb(tb)
        lines = [f"{kind.__module__}.{kind.__qualname__}" if kind else "exception"]
        lines += [f"  at {Path(f.filename).name}:{f.lineno} in {f.name}" for f in frames]
        return "\n".join(lines)


class _PrivateRotatingFile(logging.handlers.RotatingFileHandler):
    """A rotating file only its owner can read."""

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return os.fdopen(fd, self.mode.replace("w", "a"), encoding=self.encoding)


_installed: logging.Handler | None = None


def configure(path: Path | None = None) -> Path:
    """Send the `casedesk` loggers (INFO and above) to the rotating support log; once per process."""
    global _installed
    target = path or log_path()
    root = logging.getLogger("casedesk")
    if _installed is not None:
        root.removeHandler(_installed)
        _installed.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    handler = _PrivateRotatingFile(target, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    handler.setFormatter(_Scrubbed(FORMAT))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    _installed = handler
    return target


def started(info_line: str) -> None:
    """The first line of a session: which CaseDesk, on what (no user, no path: a home folder names its owner)."""
    logging.getLogger("casedesk.session").info("started: %s", info_line)


def stop() -> None:
    """Close the support log (at exit): the last lines are on disk and the file is released."""
    global _installed
    if _installed is not None:
        logging.getLogger("casedesk").removeHandler(_installed)
        _installed.close()
        _installed = None
