"""Fresh planner statistics on PostgreSQL while pushes fill the tables, so a new device's first sync is not read
through a plan made for a table a fraction of its size.

PostgreSQL chooses how to read a pull's pages from statistics that autovacuum takes only once the changes pass a
share of the table, and its launcher looks once a minute. When an area's caseload arrives in one go (the first
devices pushing everything they hold), the statistics still describe the table as it was at the start: a first
sync straight after a push of 1,000 deep children cost PostgreSQL 3.4 s of CPU, against 0.6 s once the tables
were analysed (an `ANALYZE` of those tables took 0.3 s; `benchmarks/sync_deep.py`).

So each server process counts the changes its pushes applied and, once they pass half of the records table as it
was last analysed (and at least `MIN_CHANGES`), analyses the tables pushes grow, after the push has answered
(`GrowthWatch.due` then `analyse`, run as a background task). The number of analyses grows with the logarithm of
the caseload; each samples a fixed number of rows, so its cost stays flat as the tables grow. SQLite plans
without such statistics: nothing to do there.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from sqlalchemy import text

from casedesk.server.db import ServerDB
from casedesk.sync.wire import ChangeResult

log = logging.getLogger(__name__)

MIN_CHANGES = 5_000
SHARE = 0.5  # of the records table's rows at the last analysis
GROWN_BY_PUSHES = ("records", "feed", "applied_changes", "recorded_changes", "org_scope", "scope_tallies")


class GrowthWatch:
    """One server process's count of applied changes since its last analysis (see the module docstring)."""

    def __init__(self, store: ServerDB, *, min_changes: int = MIN_CHANGES) -> None:
        self.store = store
        self.min_changes = min_changes
        self._lock = threading.Lock()
        self._applied = 0
        self._rows_at_last = 0.0
        self._analysing = False

    def due(self, results: Sequence[ChangeResult]) -> bool:
        """Count a committed push's applied changes; True when the tables should be analysed now (the caller
        then runs `analyse`, once: no other push is told so until it has finished)."""
        if self.store.is_sqlite:
            return False
        with self._lock:
            self._applied += sum(1 for result in results if result.status == "applied")
            if self._analysing or self._applied < max(self.min_changes, SHARE * self._rows_at_last):
                return False
            self._analysing = True
            return True

    def analyse(self) -> None:
        """`ANALYZE` the tables pushes grow (it takes no lock that pushes or pulls wait on), and note the records
        table's size for the next threshold. A failure is logged, never raised: the statistics stay as they were
        and autovacuum still comes round."""
        rows = self._rows_at_last
        try:
            with self.store.engine.connect() as conn:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                conn.exec_driver_sql(f"ANALYZE {', '.join(GROWN_BY_PUSHES)}")
                rows = float(
                    conn.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'records'")).scalar_one()
                )
        except Exception:
            log.exception("analysing the tables after pushes failed; autovacuum will analyse them in time")
        finally:
            with self._lock:
                self._rows_at_last = max(rows, 0.0)
                self._applied = 0
                self._analysing = False
