"""Helpers shared by the benchmark scripts: a scratch folder, a timer, and a results table row."""

from __future__ import annotations

import json
import platform
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "out"


@contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="casedesk-bench-") as tmp:
        yield Path(tmp)


def timed(fn: Callable[[], object], repeat: int = 5) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def summary(times: list[float]) -> str:
    return f"median {statistics.median(times) * 1000:.0f} ms (min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})"


def record(name: str, results: dict[str, object]) -> None:
    """Print the results and keep them as JSON in benchmarks/out/ (not committed)."""
    results = {"machine": f"{platform.machine()} {platform.python_version()}", **results}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2))
    for key, value in results.items():
        print(f"{key:>40}: {value}")
