"""The support log's own guarantees: what looks like an identifier is blanked, an exception is written as its type
and stack without its message, the file is its owner's only, and it rotates."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from casedesk import supportlog


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    path = supportlog.configure(tmp_path / "logs" / "casedesk.log")
    yield path
    supportlog.stop()


def test_scrub_blanks_identifiers_and_quoted_values_but_keeps_the_words() -> None:
    line = (
        "the child's record 0193a1b2-1111-7222-8333-444455556666 for 'Ada Okafor' (UPN A123456789012, NHS "
        "943 476 5919, 9434765919) by ann.ahmed@riverside.example"
    )
    assert supportlog.scrub(line) == (
        "the child's record [id] for [value] (UPN [upn], NHS [number], [number]) by [email]"
    )


def test_an_exception_is_logged_without_its_message(log_file: Path) -> None:
    try:
        raise ValueError("UNIQUE constraint failed: children.upn ('A123456789012', 'Ada')")
    except ValueError:
        logging.getLogger("casedesk.test").exception("saving a child failed")
    supportlog.stop()
    written = log_file.read_text(encoding="utf-8")
    assert "saving a child failed" in written and "builtins.ValueError" in written
    assert "test_supportlog.py" in written and "in test_an_exception_is_logged_without_its_message" in written
    assert "UNIQUE" not in written and "Ada" not in written and "A123456789012" not in written


def test_the_log_is_private_and_rotates(log_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    logger = logging.getLogger("casedesk.test")
    for index in range(40_000):  # about 2.5 MB: past two rotations of 1 MB
        logger.info("line %d of a long session", index)
    supportlog.stop()
    files = sorted(log_file.parent.glob("casedesk.log*"))
    assert [f.name for f in files] == ["casedesk.log", "casedesk.log.1", "casedesk.log.2"]
    assert all(f.stat().st_size <= supportlog.MAX_BYTES for f in files)
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert logging.getLogger("httpx").handlers == []  # other libraries' lines (URLs, cursors) are not kept
