"""The error log for failures nobody foresaw: what failed and where, never what it was working on.

An exception's message can carry personal data (SQLAlchemy puts the row's values in it, a path can name a child),
so the log keeps only the operation, the exception's type, its errno if any, and the stack's file, line and
function names. The user is told the operation, the type, the innermost CaseDesk line and the log's path, which
is enough to report the problem without sending anything about a child.
"""

from __future__ import annotations

import logging
import os
import traceback
from datetime import UTC, datetime
from pathlib import Path

from casedesk.paths import data_dir

_MAX_BYTES = 1024 * 1024


def log_path() -> Path:
    return data_dir() / "logs" / "errors.log"


def _frames(exc: BaseException) -> list[traceback.FrameSummary]:
    return list(traceback.extract_tb(exc.__traceback__))


def where_it_failed(exc: BaseException) -> str:
    """The innermost frame inside CaseDesk, as `module.py:line`, else the innermost frame at all."""
    frames = _frames(exc)
    ours = [f for f in frames if f"{os.sep}casedesk{os.sep}" in f.filename]
    candidates = ours or frames
    if not candidates:
        return "an unknown place"
    frame = candidates[-1]
    parts = Path(frame.filename).parts
    module = "/".join(parts[parts.index("casedesk") :]) if "casedesk" in parts else Path(frame.filename).name
    return f"{module}:{frame.lineno}"


def record_unexpected(exc: BaseException, operation: str) -> Path | None:
    """Append the failure (no messages, no values) to the log, mode 0600; None when it cannot be written."""
    path = log_path()
    lines = [
        f"{datetime.now(UTC).isoformat(timespec='seconds')} {operation}: {type(exc).__module__}.{type(exc).__name__}"
    ]
    code = getattr(exc, "errno", None)
    if isinstance(code, int):
        lines.append(f"  errno {code}")
    lines += [f"  at {f.filename}:{f.lineno} in {f.name}" for f in _frames(exc)]
    logging.getLogger("casedesk.errors").error("unexpected error in %s: %s", operation, lines[0].split(": ", 1)[-1])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > _MAX_BYTES:
            path.replace(path.with_name(path.name + ".1"))
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
    except OSError:
        return None
    return path


def describe_unexpected(exc: BaseException, operation: str) -> str:
    """One line for the user: what failed, where, and where the details were logged."""
    logged = record_unexpected(exc, operation)
    where = f"details (no personal data) logged in {logged}" if logged else "the error log could not be written"
    return f"unexpected error in {operation}: {type(exc).__name__} at {where_it_failed(exc)}; {where}"
