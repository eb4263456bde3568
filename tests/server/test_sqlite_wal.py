"""An SQLite server's write-ahead log is folded into the file every few megabytes and cut back once folded
(issue 14: server size): it used to keep the size of the largest push since the server started."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from casedesk.server.db import WAL_BYTES, ServerDB, meta, migrate


def test_the_write_ahead_log_is_cut_back_after_a_large_write(tmp_path: Path) -> None:
    store = ServerDB(f"sqlite:///{tmp_path / 'server.db'}")
    migrate(store.engine)
    wal = tmp_path / "server.db-wal"
    with store.write() as conn:  # one transaction of about 24 MB, as a large push writes
        conn.execute(sa.insert(meta), [{"key": f"bulk-{i}", "value": "x" * 100_000} for i in range(240)])
    assert wal.stat().st_size > 4 * WAL_BYTES  # the whole transaction went through the log
    with store.write() as conn:
        conn.execute(sa.delete(meta).where(meta.c.key.like("bulk-%")))
    for n in range(3):  # later small writes start the log again from its beginning, cut back to the limit
        with store.write() as conn:
            conn.execute(sa.insert(meta).values(key=f"small-{n}", value="y"))
    assert wal.stat().st_size <= WAL_BYTES
    with store.read() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(meta).where(meta.c.key.like("small-%"))).scalar() == 3
        )
    store.dispose()
