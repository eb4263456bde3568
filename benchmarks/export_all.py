"""`casedesk export --all` of a large caseload: wall time and the exporting process's peak memory.

The export streams child by child into its file, reading children's ids a page at a time, so memory should stay
flat as the caseload grows. The demo children are written straight through the unit of work (no needs checks or
referrals); the export is a real `casedesk export --all` in its own process, whose peak resident memory is read
from the operating system. `--database PATH` keeps the demo database there (built on first use) so a second run,
or one at another size, does not spend minutes seeding it again.

    python benchmarks/export_all.py [--children 10000] [--database /var/tmp/export-10000.db]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record, scratch

from casedesk.services.demo.data import generate_demo
from casedesk.services.demo.load import write_demo_data
from casedesk.store import keyfile
from casedesk.store.database import Database

PASSPHRASE = "benchmark passphrase"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--database", type=Path, help="keep (and reuse) the demo database at this path")
    args = parser.parse_args()
    with scratch() as tmp:
        path = args.database or tmp / "bench.db"
        if not path.exists():
            with Database.create(path, PASSPHRASE, kdf=keyfile.KdfParams(1, 8192, 1)) as db:
                write_demo_data(db, generate_demo(args.children, seed=1))
        out = tmp / "all.json"
        env = dict(os.environ, CASEDESK_PASSPHRASE=PASSPHRASE)
        env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent / "src")
        started = time.perf_counter()
        said = subprocess.run(
            [sys.executable, "-m", "casedesk", "export", "--all", "--db", str(path), "--out", str(out)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        elapsed = time.perf_counter() - started
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # Linux: KiB
        record(
            "export_all",
            {
                "children": said.split()[1] if said.startswith("Exported") else args.children,
                "export --all wall time": f"{elapsed:.1f} s",
                "peak resident memory of the export process": f"{peak_kib / 1024:.0f} MiB",
                "file size": f"{out.stat().st_size / 1024 / 1024:.0f} MiB",
                "database size": f"{path.stat().st_size / 1024 / 1024:.0f} MiB",
            },
        )


if __name__ == "__main__":
    main()
