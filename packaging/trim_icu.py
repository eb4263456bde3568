"""Build a smaller ICU data library for the frozen app: English locales only (build.spec calls it on Linux).

Qt Core links ICU, whose data library (libicudata, 31 MB) holds every locale's collation, names, units, time zone
names and dictionaries, plus 190 legacy code-page tables. CaseDesk's interface is English and reads files through
Python, so Qt only needs ICU's root and English data (for file-dialog sorting, say). This keeps root, en, en_001,
en_GB, en_US and en_US_POSIX in every tree, every non-locale table (time zones, likely subtags, plural rules,
normalisation, the break rules without their Asian dictionaries) and the Windows-1252 converter; about 5 MB.

It needs binutils (objcopy, as, ld) and ICU's tools (icupkg, genccode: Debian's icu-devtools); without them it says so
and the build keeps the full library. The result keeps the library's soname and data symbol, so Qt loads it as is.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

KEEP_LOCALES = {"root", "en", "en_001", "en_GB", "en_US", "en_US_POSIX"}
KEEP_CONVERTERS = {"ibm-5348_P100-1997.cnv"}  # Windows-1252; UTF-* and ISO-8859-1 are built into ICU
LOCALE = re.compile(r"^[a-z]{2,3}(_\w*)?$")  # a locale's bundle (de, sr_Latn_BA, es_419, de_ for variants)
TOOLS = ("objcopy", "objdump", "as", "ld", "nm", "icupkg", "genccode")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def unwanted(item: str) -> bool:
    """Whether an item of the ICU data package can go (see the module's note for what stays)."""
    name = item.rsplit("/", 1)[-1]
    stem, _, kind = name.rpartition(".")
    if kind == "dict":
        return True  # word-break dictionaries for Chinese, Japanese, Thai, Lao, Khmer and Burmese
    if kind == "cnv":
        return name not in KEEP_CONVERTERS
    return kind == "res" and LOCALE.match(stem) is not None and stem not in KEEP_LOCALES


def trim(library: Path, work: Path) -> Path:
    """A trimmed copy of `library` (libicudataNN) in `work`; raises CalledProcessError if a tool fails."""
    work.mkdir(parents=True, exist_ok=True)
    symbols = subprocess.run(["nm", "-D", "--defined-only", str(library)], capture_output=True, text=True, check=True)
    entry = re.search(r"\b(icudt\d+)_dat\b", symbols.stdout)
    if entry is None:
        raise ValueError(f"{library} has no icudtNN_dat symbol: not an ICU data library")
    name = entry[1]  # e.g. icudt73
    package = work / f"{name}l.dat"
    subprocess.run(["objcopy", "-O", "binary", "--only-section=.rodata", str(library), str(package)], check=True)
    items = subprocess.run(["icupkg", "-l", str(package)], capture_output=True, text=True, check=True).stdout.split()
    removals = work / "remove.txt"
    removals.write_text("\n".join(i for i in items if unwanted(i)) + "\n")
    trimmed = work / "trimmed" / package.name  # the package's own name: ICU finds items under it
    trimmed.parent.mkdir(exist_ok=True)
    # --ignore-deps: root's break rules name the dictionaries; without one ICU breaks that script by characters.
    icupkg = ["icupkg", "--ignore-deps", "-r", str(removals), str(package), str(trimmed)]
    subprocess.run(icupkg, check=True, capture_output=True)
    # As assembly (genccode's own object writer is unreliable), without the line that would hide the data symbol.
    genccode = ["genccode", "-a", "gcc", "-e", name, "-d", str(work), str(trimmed)]
    subprocess.run(genccode, check=True, capture_output=True)
    source = next(work.glob("*.S"))
    kept = [line for line in source.read_text().splitlines() if not line.strip().startswith(".hidden")]
    source.write_text("\n".join(kept) + "\n")
    subprocess.run(["as", "-o", str(work / "data.o"), str(source)], check=True)
    dynamic = subprocess.run(["objdump", "-p", str(library)], capture_output=True, text=True, check=True).stdout
    soname = re.search(r"SONAME\s+(\S+)", dynamic)
    out = work / library.name
    ld = ["ld", "-shared", "-soname", soname[1] if soname else library.name, "-o", str(out), str(work / "data.o")]
    subprocess.run(ld, check=True)
    return out
