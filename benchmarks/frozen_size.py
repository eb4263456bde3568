"""Size of the frozen app (`make dist`) and of its Debian package: the total, and the largest parts.

    python benchmarks/frozen_size.py [--app dist/casedesk] [--deb dist/site/casedesk_0.1.0_amd64.deb]

Sizes are apparent file sizes in MiB (2^20 bytes), symlinks not followed, as `du -sb` counts them. The parts are the
folder's top-level entries and, inside PySide6/Qt, its libraries, plugins and translations, so a change to build.spec
shows where its megabytes went. Not part of `make bench` (it needs a build, which takes minutes).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record

ROOT = Path(__file__).resolve().parent.parent


def size(path: Path) -> int:
    if path.is_symlink() or path.is_file():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_symlink() or p.is_file())


def parts(app: Path) -> dict[str, int]:
    internal = app / "_internal"
    found = {f"{p.relative_to(app)}": size(p) for p in app.iterdir() if p != internal}
    if internal.is_dir():
        found.update({f"_internal/{p.name}": size(p) for p in internal.iterdir()})
        qt = internal / "PySide6" / "Qt"
        for sub in ("lib", "plugins", "translations"):
            for p in (qt / sub).glob("*") if (qt / sub).is_dir() else []:
                found[f"Qt/{sub}/{p.name}"] = size(p)
        found.pop("_internal/PySide6", None)
        found["_internal/PySide6 (bindings)"] = sum(size(p) for p in (internal / "PySide6").glob("*.so*"))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", type=Path, default=ROOT / "dist" / "casedesk")
    parser.add_argument("--deb", type=Path, help="the .deb made from it (make package)")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    if not (args.app / "_internal").is_dir():
        print(f"No built app at {args.app}: run make dist first.", file=sys.stderr)
        return 1
    total = size(args.app)
    biggest = sorted(parts(args.app).items(), key=lambda kv: -kv[1])[: args.top]
    print(f"{args.app}: {total / 2**20:.1f} MiB")
    for name, bytes_ in biggest:
        print(f"  {bytes_ / 2**20:7.1f} MiB  {name}")
    results: dict[str, object] = {
        "app_mib": round(total / 2**20, 1),
        "largest": {k: round(v / 2**20, 1) for k, v in biggest},
    }
    if args.deb:
        results["deb_mib"] = round(args.deb.stat().st_size / 2**20, 1)
        print(f"{args.deb}: {results['deb_mib']} MiB")
    record("frozen_size", results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
