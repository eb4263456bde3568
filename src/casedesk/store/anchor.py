"""The audit chain's anchor: its latest sequence number and hash, kept outside the database file.

The hash chain proves that no entry inside the chain was changed, removed or inserted, but not that the newest
entries are still there: delete the `-wal` file after a crash and the last commits vanish with their audit
entries, leaving a shorter chain that verifies. So after every commit that adds audit entries the tip is written
beside the database (`NAME.anchor`, mode 0600), authenticated with a key derived from the database key so it
cannot be forged or moved to another database. `check` compares the chain with it: a chain shorter than its
anchor lost its tail, and a chain whose entry at the anchored number has another hash was rewritten.

A database without an anchor (created before it existed, or restored from a backup) is reported as not anchored,
not as damaged; the next commit anchors it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_LABEL = b"casedesk audit anchor v1"


def anchor_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".anchor")


def _mac(key: bytes, database_id: str, seq: int, digest: str) -> str:
    anchor_key = hmac.new(key, _LABEL, hashlib.sha256).digest()
    return hmac.new(anchor_key, f"{database_id}|{seq}|{digest}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Anchor:
    seq: int
    hash: str


def write_anchor(db_path: Path, key: bytes, database_id: str, seq: int, digest: str) -> None:
    """Replace the anchor atomically (a private temp file per process, fsync, rename)."""
    path = anchor_path(db_path)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    content = {"seq": seq, "hash": digest, "mac": _mac(key, database_id, seq, digest)}
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, json.dumps(content).encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def temp_files(db_path: Path) -> list[tuple[Path, int]]:
    """The anchor's temporary files beside the database, each with the process id that wrote it."""
    path = anchor_path(db_path)
    found = []
    for candidate in path.parent.glob(f"{path.name}.*.tmp"):
        pid_text = candidate.name[len(path.name) + 1 : -len(".tmp")]
        if pid_text.isdigit():
            found.append((candidate, int(pid_text)))
    return found


def remove_stale_temps(db_path: Path, alive: Callable[[int], bool]) -> int:
    """Remove the temporary anchors of processes that no longer run (killed between write and rename).

    A running process's temp file is left alone: removing it would make its rename fail."""
    removed = 0
    for candidate, pid in temp_files(db_path):
        if not alive(pid):
            candidate.unlink(missing_ok=True)
            removed += 1
    return removed


class AnchorInvalid(Exception):
    """The anchor file exists but is unreadable, or was not written with this database's key."""


def read_anchor(db_path: Path, key: bytes, database_id: str) -> Anchor | None:
    """The authenticated anchor, None when there is none, or `AnchorInvalid`."""
    path = anchor_path(db_path)
    if not path.exists():
        return None
    try:
        content = json.loads(path.read_text(encoding="ascii"))
        seq, digest, mac = int(content["seq"]), str(content["hash"]), str(content["mac"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AnchorInvalid("the audit anchor file is unreadable") from exc
    if not hmac.compare_digest(mac, _mac(key, database_id, seq, digest)):
        raise AnchorInvalid("the audit anchor file was not written for this database")
    return Anchor(seq, digest)


def compare(anchor: Anchor, entries: int, hash_at_anchor: str | None) -> str | None:
    """What is wrong with a verified chain of `entries` given its anchor, or None."""
    if entries < anchor.seq:
        missing = anchor.seq - entries
        return (
            f"the last {missing} audit entr{'y is' if missing == 1 else 'ies are'} missing (the chain ends at "
            f"{entries}, its anchor at {anchor.seq}): the database lost its latest changes, for example after a "
            "crash or a deleted -wal file."
        )
    if hash_at_anchor != anchor.hash:
        return f"audit entry {anchor.seq} is not the one anchored: the chain was rewritten from there."
    return None
