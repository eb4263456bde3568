"""Writing 10,000 demo children through the unit of work, against raw `executemany` into the same kind of file.

The raw run is the ceiling: the same rows (bookkeeping columns included) into a SQLCipher file with the same key
setup, but with no change journal and no audit chain. The ratio is what journaling and auditing every write
costs. Also reports the database size per child.

    python benchmarks/demo_insert.py [--children 10000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record, scratch

from casedesk.services.demo.data import generate_demo
from casedesk.services.demo.load import write_demo_data
from casedesk.store import keyfile
from casedesk.store.database import Database
from casedesk.store.engine import connect_raw
from casedesk.store.journal.wire_values import to_json_value
from casedesk.store.models import Base

PASSPHRASE = "benchmark passphrase"
ORDER = ["organisations", "workers", "children", "status_periods", "involvements", "events"]


def _db_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if not p.name.endswith(".key"))


def _plain(value: object) -> object:
    """JSON columns (the schema v2 tables' answers, documents…) go in as text, like SQLAlchemy writes them."""
    return json.dumps(value) if isinstance(value, dict | list) else value


def raw_insert(path: Path, children: int) -> float:
    """Same rows, straight into the tables with executemany: no journal, no audit."""
    db = Database.create(path, PASSPHRASE)
    key = db._key  # the benchmark needs the raw key to open a plain DB-API connection
    db.close()
    data = generate_demo(children, seed=1)
    now = datetime.now(UTC).isoformat()
    # Parameters are prepared before the clock starts: the ceiling is the database's own write speed.
    statements = []
    for table_name in ORDER:
        rows = getattr(data, table_name)
        if not rows:
            continue
        columns = [c.name for c in Base.metadata.tables[table_name].columns]
        sql = f"INSERT INTO {table_name} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
        extra = {"created_at": now, "updated_at": now, "deleted": 0, "versions": "{}"}
        params = [[_plain(to_json_value({**extra, **r}).get(c)) for c in columns] for r in rows]
        statements.append((sql, params))
    conn = connect_raw(path, key)
    start = time.perf_counter()
    conn.execute("BEGIN")
    for sql, params in statements:
        conn.executemany(sql, params)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=10_000)
    args = parser.parse_args()
    with scratch() as tmp:
        start = time.perf_counter()
        data = generate_demo(args.children, seed=1)
        generate = time.perf_counter() - start
        rows = sum(len(getattr(data, t)) for t in ORDER)
        path = tmp / "uow.db"
        with Database.create(path, PASSPHRASE) as db:
            start = time.perf_counter()
            write_demo_data(db, data)  # the same generated rows the ceiling writes
            through_uow = time.perf_counter() - start
        size = _db_bytes(path)
        ceiling = raw_insert(tmp / "raw.db", args.children)
        raw_size = _db_bytes(tmp / "raw.db")
        record(
            "demo_insert",
            {
                "children": args.children,
                "rows (all tables)": rows,
                "argon2id": str(keyfile.DEFAULT_KDF),
                "generate demo data": f"{generate:.1f} s",
                "unit of work (journal + audit)": f"{through_uow:.1f} s ({rows / through_uow:,.0f} rows/s)",
                "raw executemany (ceiling)": f"{ceiling:.1f} s ({rows / ceiling:,.0f} rows/s)",
                "ratio unit of work / raw": f"{through_uow / ceiling:.1f}x",
                "database size per child (with journal + audit)": f"{size / args.children / 1024:.1f} KiB",
                "database size per child (raw rows only)": f"{raw_size / args.children / 1024:.1f} KiB",
            },
        )


if __name__ == "__main__":
    main()
