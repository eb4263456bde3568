"""`casedesk selftest`: prove an install works offline, end to end, without touching the user's data."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from casedesk import __version__, site_profile
from casedesk.paths import migrations_dir, resource_path
from casedesk.reports.selftest import render_selftest_pdf
from casedesk.store import repositories as repo
from casedesk.store.audit import verify_chain
from casedesk.store.database import Database
from casedesk.store.keyfile import KdfParams

_PASSPHRASE = "selftest passphrase"


def run_selftest(say: Callable[[str], None]) -> bool:
    """Run every check, telling `say` about each; return True when all passed."""
    say(f"CaseDesk {__version__} self-test")
    checks: list[tuple[str, Callable[[Path], str]]] = [
        ("bundled resources", _check_resources),
        ("encrypted database: create, migrate, write, read", _check_database),
        ("PDF with the bundled DejaVu font", _check_pdf),
        ("site profile", _check_site_profile),
    ]
    ok = True
    with tempfile.TemporaryDirectory(prefix="casedesk-selftest-") as tmp:
        for name, check in checks:
            try:
                detail = check(Path(tmp))
                say(f"  ok    {name}: {detail}")
            except Exception as exc:
                ok = False
                say(f"  FAIL  {name}: {type(exc).__name__}: {exc}")
    say("All checks passed." if ok else "Some checks FAILED.")
    return ok


def _check_resources(_: Path) -> str:
    needed = [resource_path("fonts", "DejaVuSans.ttf"), migrations_dir("local") / "env.py"]
    missing = [str(p) for p in needed if not p.exists()]
    if missing:
        raise FileNotFoundError(", ".join(missing))
    return f"fonts and migrations found under {resource_path().parent}"


def _check_database(tmp: Path) -> str:
    path = tmp / "selftest.db"
    with Database.create(path, _PASSPHRASE, kdf=KdfParams(1, 8192, 1)) as db, db.unit_of_work("selftest") as uow:
        child_id = uow.insert(
            "children", {"given_name": "Selftest-Zed", "family_name": "Test", "date_of_birth": date(2015, 1, 1)}
        )
        uow.insert(
            "events",
            {
                "child_id": child_id,
                "kind": "note",
                "occurred_at": datetime.now(UTC),
                "recorded_at": datetime.now(UTC),
                "author": "selftest",
                "summary": "check",
            },
        )
    with Database.open(path, _PASSPHRASE) as db, db.session() as session:
        child = repo.get_child(session, child_id)
        events = repo.events_for_child(session, child_id)
        chain = verify_chain(session)
        if child.family_name != "Test" or len(events) != 1 or not chain.ok:
            raise AssertionError("what was written did not read back")
    if b"Selftest-Zed" in path.read_bytes():
        raise AssertionError("plaintext found in the database file")
    return f"SQLCipher file written and read back; audit chain of {chain.entries} entries verified"


def _check_site_profile(_: Path) -> str:
    """Which site profile is in force and what it sets (a bad one never gets here: every command refuses first)."""
    profile = site_profile.load()
    if profile.source is None:
        return "none found, every setting at CaseDesk's default"
    server = profile.server.url if profile.server else "no server set"
    policy = ", ".join(f"{k}={v}" for k, v in profile.policy.to_document().items()) or "no policy set"
    return f"{profile.source} ({server}; {policy})"


def _check_pdf(tmp: Path) -> str:
    out = tmp / "selftest.pdf"
    render_selftest_pdf(out)
    data = out.read_bytes()
    if not data.startswith(b"%PDF") or b"DejaVu" not in data:
        raise AssertionError("the PDF is not valid or does not embed DejaVu")
    return f"{len(data):,} bytes rendered"
