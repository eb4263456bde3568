"""Run every benchmark in turn (`make bench`); each prints its table and keeps JSON in benchmarks/out/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    "unlock.py",
    "guidance_retrieval.py",
    "demo_insert.py",
    "caseload.py",
    "export_all.py",
    "sync_bench.py",
    "sync_deep.py",
    "server_load.py",
    "dashboards.py",
    "attendance_import.py",
    "attendance_sync.py",
    "attendance_caseload.py",
    "feed_import.py",
    "referrals_page.py",
]


def main() -> int:
    failed = []
    for script in SCRIPTS:
        print(f"\n== {script}", flush=True)
        if subprocess.run([sys.executable, str(HERE / script)], check=False).returncode:
            failed.append(script)
    if failed:
        print(f"\nFailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
