"""Is this encrypted file still whole? The quick check run at every unlock and the full one behind `casedesk check`.

An encrypted page whose bytes were flipped (a failing disk, a bad copy) fails its HMAC, but SQLite only notices
when a query happens to read that page: imports and exports that never touch it go on working, and writes land
in a damaged file. So every unlock reads every page once (`PRAGMA cipher_integrity_check`, about 40 ms for 16 MB,
under a second for the largest caseloads measured), and the full check adds SQLite's structural check, foreign
keys, the audit chain (with its anchor) and the search index. A database that fails is marked damaged, and
`Database` refuses every write from then on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlcipher3
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from casedesk.store.migrate import SEARCH_INDEX

_READ_ERRORS = (sqlcipher3.dbapi2.DatabaseError, DBAPIError)
RESTORE_ADVICE = (
    "CaseDesk has stopped writing to it. Restore your last backup (in the app: Restore from a backup…, on this "
    "notice or the Sync page; or `casedesk restore --from BACKUP --db NEWPATH`), then sync to fetch from the "
    "server what the backup lacks."
)


@dataclass
class CheckReport:
    """Every problem found, each a sentence without personal data; `ok` when there are none."""

    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        if self.ok:
            return f"Database check passed: {', '.join(self.checked)}."
        lines = [f"Database check FAILED ({len(self.problems)} problem(s)):"]
        lines += [f"  {problem}" for problem in self.problems[:20]]
        if len(self.problems) > 20:
            lines.append(f"  … and {len(self.problems) - 20} more")
        lines.append(RESTORE_ADVICE)
        return "\n".join(lines)


def _rows(conn: Connection, sql: str) -> list[str]:
    return [" ".join(str(v) for v in row) for row in conn.exec_driver_sql(sql).fetchall()]


def page_check(conn: Connection) -> list[str]:
    """Pages whose HMAC fails (SQLCipher reads and authenticates every page of the file)."""
    return _rows(conn, "PRAGMA cipher_integrity_check")


def quick_check(engine: Engine) -> list[str]:
    """The check run at unlock: every page authenticated. Returns the problems found."""
    try:
        with engine.connect() as conn:
            return page_check(conn)
    except _READ_ERRORS as exc:
        return [f"the file cannot be read ({exc})"]


def _attempt(conn: Connection, label: str, run: Callable[[], list[str]]) -> list[str]:
    """Run one check; a page too damaged to read is itself the finding (and the other checks still run)."""
    try:
        return run()
    except _READ_ERRORS as exc:
        conn.rollback()
        return [f"{label}: cannot be read ({getattr(exc, 'orig', None) or exc})"]


def structure_check(conn: Connection) -> list[str]:
    def integrity() -> list[str]:
        result = _rows(conn, "PRAGMA integrity_check")
        return [] if result == ["ok"] else [f"structure: {line}" for line in result[:50]]

    def foreign_keys() -> list[str]:
        rows = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        return [f"foreign key: a row in {row[0]} refers to a missing row in {row[2]}" for row in rows]

    def search_index() -> list[str]:
        conn.exec_driver_sql(f"INSERT INTO {SEARCH_INDEX}({SEARCH_INDEX}) VALUES ('integrity-check')")
        conn.rollback()
        return []

    problems = _attempt(conn, "structure", integrity)
    problems += _attempt(conn, "foreign keys", foreign_keys)
    problems += _attempt(conn, "search index", search_index)
    return problems


def full_check(engine: Engine) -> CheckReport:
    """`casedesk check`: pages, structure, foreign keys, search index and the audit chain, reporting all."""
    from sqlalchemy.orm import Session

    from casedesk.store.audit import verify_chain

    report = CheckReport()
    try:
        with engine.connect() as conn:
            report.problems += [
                f"encryption: {line}" for line in _attempt(conn, "encryption", lambda: page_check(conn))
            ]
            report.checked.append("every page authenticated")
            report.problems += structure_check(conn)
            report.checked += ["structure", "foreign keys", "search index"]
            conn.rollback()

            def audit() -> list[str]:
                with Session(bind=conn) as session:
                    chain = verify_chain(session)
                report.checked.append(f"audit chain ({chain.entries} entries)")
                return [] if chain.ok else [f"audit: {chain.describe()}"]

            report.problems += _attempt(conn, "audit", audit)
    except _READ_ERRORS as exc:
        report.problems.append(f"the file cannot be read ({getattr(exc, 'orig', None) or exc})")
    return report
