"""Read an SSDA903 return (the looked-after children tables as CSV files in one folder): each file checked
against the return's column map (`ssda903_columns_2024.json`, from the sector's SSDA903 schema), then the
whole return against the DfE's rules, then read into `FeedChild`ren.

Each CSV is recognised by its header row (episodes, header, reviews, social worker episodes…). A file that is
none of them, a cell that is blank where the return requires a value, a date not written dd/mm/yyyy, a number
that is not one or a code outside its list refuses the whole return, every problem listed with file, line and
column. `identities.csv` beside the tables is the council's identity extract (see `identities`).
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from casedesk.domain.feed.records import FeedChild, FeedReturn, FeedWorker, Source
from casedesk.domain.feed.statuses import CareEpisode, care_periods
from casedesk.domain.identifiers import check_postcode, normalise_identifier
from casedesk.paths import resource_path
from casedesk.server.feed import dfe_rules
from casedesk.server.feed.identities import FeedRefused, Identity, read_identities

IDENTITIES = "identities.csv"
SEX = {"1": "M", "2": "F"}
MAX_BYTES = 100 * 1024 * 1024
MAX_PROBLEMS = 200


@cache
def column_map() -> dict[str, dict[str, dict[str, Any]]]:
    data = json.loads(resource_path("reference", "ssda903_columns_2024.json").read_text(encoding="utf-8"))
    tables: dict[str, dict[str, dict[str, Any]]] = data["tables"]
    return tables


def read_ssda903(
    folder: Path,
    *,
    la_ons_code: str | None = None,
    la_code: str | None = None,
    year: int | None = None,
    ruleset: str | None = None,
) -> FeedReturn:
    """The return in `folder`, with every DfE rule it fails (refused outright when a file breaks the map). The
    placement rules need the council's ONS code: without `la_ons_code` it is the council most of the children's
    home postcodes lie in (`dfe_rules.authority_of`), said in the return's notes."""
    if not folder.is_dir():
        raise FeedRefused(f"{folder} is not a folder of SSDA903 CSV files.")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv" and p.name != IDENTITIES)
    if not files:
        raise FeedRefused(f"{folder} holds no SSDA903 CSV files.")
    if sum(p.stat().st_size for p in files) > MAX_BYTES:
        raise FeedRefused(f"The return is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    identity_file = folder / IDENTITIES
    identities = read_identities(identity_file.read_bytes()) if identity_file.exists() else {}
    problems: list[str] = []
    tables: dict[str, list[dict[str, str]]] = {}
    raw: list[tuple[str, bytes]] = []
    for path in files:
        data = path.read_bytes()
        table, rows = _read_table(path.name, data, problems)
        if table is None:
            continue
        if table in tables:
            problems.append(f"{path.name}: a second {table} file")
            continue
        tables[table] = rows
        raw.append((path.name, data))
    for needed in ("Header", "Episodes"):
        if needed not in tables and not problems:
            problems.append(f"no {needed} file (its header row: {','.join(column_map()[needed])})")
    if problems:
        raise FeedRefused("The SSDA903 return does not follow the return's column map.", problems[:MAX_PROBLEMS])
    chosen_year = year or _collection_year(tables["Episodes"])
    chosen = ruleset or dfe_rules.ssda903_ruleset(chosen_year)
    notes: tuple[str, ...] = ()
    if not la_ons_code:
        la_ons_code, notes = _authority(tables["Episodes"])
    try:
        failures, _crashed = dfe_rules.check_ssda903(raw, chosen, chosen_year, la_ons_code)
    except dfe_rules.RulesetMissing as exc:
        raise FeedRefused(str(exc), [f"the return is for {chosen_year}; give another ruleset"]) from None
    children = _children(tables, identities)
    return FeedReturn(Source.SSDA903, la_code, chosen_year, children, tuple(failures), chosen, notes)


def _authority(episodes: list[dict[str, str]]) -> tuple[str, tuple[str, ...]]:
    code, there, found = dfe_rules.authority_of([row.get("HOME_POST", "") for row in episodes])
    if code is None:
        raise FeedRefused(
            "Give the council's ONS code (--la-ons-code, e.g. E08000035 for Leeds): the DfE's placement rules need "
            "it, and it cannot be worked out from the return, as "
            + ("no episode gives a home postcode." if not found else "none of its home postcodes is a known one.")
        )
    return code, (f"The council is {code}: {there} of the return's {found} home postcodes lie there.",)


def _read_table(name: str, data: bytes, problems: list[str]) -> tuple[str | None, list[dict[str, str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(f"{name}: not UTF-8 text")
        return None, []
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().upper() for h in next(reader, [])]
    table = next((t for t, cols in column_map().items() if set(cols) == set(header)), None)
    if table is None or len(header) != len(set(header)):
        problems.append(f"{name}: its header row ({','.join(header) or 'empty'}) is none of the SSDA903 tables")
        return None, []
    spec = column_map()[table]
    rows: list[dict[str, str]] = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(f"{name} line {line}: {len(cells)} values for {len(header)} columns")
            continue
        row = {col: cell.strip() for col, cell in zip(header, cells, strict=True)}
        for col, value in row.items():
            problem = _cell_problem(spec[col], value)
            if problem:
                problems.append(f"{name} line {line} {col}: {problem}")
        rows.append(row)
    return table, rows


def _cell_problem(spec: dict[str, Any], value: str) -> str | None:
    if value == "":
        return None if spec["blank"] else "must not be blank"
    if "date" in spec:
        try:
            datetime.strptime(value, spec["date"])
        except ValueError:
            return f"{value!r} is not a date written dd/mm/yyyy"
    elif spec.get("codes"):
        if value not in spec["codes"] and value not in spec.get("names", {}):
            return f"{value!r} is not one of its codes ({', '.join(spec['codes'][:12])}…)"
    elif "numeric" in spec and not value.lstrip("-").isdigit():
        return f"{value!r} is not a whole number"
    return None


def _day(value: str | None) -> date | None:
    return datetime.strptime(value, "%d/%m/%Y").date() if value else None


def _collection_year(episodes: list[dict[str, str]]) -> int:
    """The year whose 31 March ends the collection: that of the latest date the episodes give."""
    days = [d for row in episodes for d in (_day(row.get("DECOM")), _day(row.get("DEC"))) if d]
    latest = max(days) if days else date.today()
    return latest.year + (1 if latest.month >= 4 else 0)


def _children(tables: dict[str, list[dict[str, str]]], identities: dict[str, Identity]) -> tuple[FeedChild, ...]:
    episodes: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in tables["Episodes"]:
        episodes[row["CHILD"]].append(row)
    workers: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in tables.get("SocialWorker", []):
        workers[row["CHILD"]].append(row)
    names = {i.social_worker_id: i.social_worker_name for i in identities.values() if i.social_worker_id}
    seen: set[str] = set()
    out: list[FeedChild] = []
    for header in tables["Header"]:
        child = header["CHILD"]
        if child in seen:
            raise FeedRefused("The return's header names a child more than once.", [f"CHILD {child}"])
        seen.add(child)
        known = identities.get(child) or Identity(child)
        own = sorted(episodes.get(child, []), key=lambda r: _day(r["DECOM"]) or date.min)
        care = [
            CareEpisode(_day(r["DECOM"]) or date.min, _day(r["DEC"]), r["REC"] or None, r["LS"] or None) for r in own
        ]
        allocated = tuple(
            FeedWorker(r["SW_ID"], names.get(r["SW_ID"]), _day(r["SW_DECOM"]), _day(r["SW_DEC"]))
            for r in workers.get(child, [])
        )
        if not allocated and known.social_worker_id:
            allocated = (FeedWorker(known.social_worker_id, known.social_worker_name),)
        upn = header["UPN"] or None
        home = own[-1]["HOME_POST"] if own else ""
        postcode = known.postcode or (check_postcode(home).value if home and check_postcode(home).ok else None)
        out.append(
            FeedChild(
                source=Source.SSDA903,
                la_child_id=child,
                date_of_birth=_day(header["DOB"]),
                sex=SEX.get(header["SEX"], "U"),
                upn=normalise_identifier(upn) if upn and not upn.upper().startswith("UN") else None,
                upn_unknown_reason=upn.upper() if upn and upn.upper().startswith("UN") else None,
                nhs_number=known.nhs_number,
                given_name=known.given_name,
                family_name=known.family_name,
                postcode=postcode,
                statuses=tuple(care_periods(care)),
                workers=allocated,
            )
        )
    return tuple(out)
