"""The council's feed on the server: a children in need census and an SSDA903 return of a large local authority
read, checked against every DfE rule, matched against the server's children and published.

    .venv/bin/python benchmarks/feed_import.py [--server-children 50000] [--cin 3000] [--looked-after 500]

Data (seeded): the server holds `--server-children` children of 40 schools (names from Faker en_GB, born 2008–2020,
a Leeds postcode, a valid UPN each and an NHS number for half), written straight into `records` as pushes leave
them. The census (the tests' synthetic writer: valid against the DfE's XSD and passing its error rules) names
`--cin` children: 85% of them the server's by UPN, 10% the server's without a UPN in the return (UN1) but named in
the identity extract (name, date of birth and postcode matching), 5% not on the server (waiting for review); each
with a CIN episode and a CIN plan, or for one in five a child protection plan instead. The SSDA903 return names
`--looked-after` children (80% of them on the server by UPN), each with one or two episodes and an allocated
social worker, with identities.csv beside it. Every import runs in one process on a SQLite server database.

Measured (wall and CPU seconds, one run each, with the load average beside them): reading and checking each
return (schema and every DfE rule through the sector's validators), importing it (matching every child,
publishing the matched children's statuses, involvements and workers through the push rules), and importing the
same census again (a later return that changes nothing).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' synthetic return writers

from _common import record, scratch
from faker import Faker
from sqlalchemy import insert
from tests.server.feed_files import (
    CinChild,
    cin_xml,
    episode,
    identities_csv,
    looked_after,
    social_worker,
    write_ssda903,
)

from casedesk.domain.identifiers import make_nhs_number, make_upn
from casedesk.server.db import ServerDB, accounts, feed, migrate, records
from casedesk.server.feed import imports
from casedesk.server.feed.cin import read_cin
from casedesk.server.feed.identities import read_identities
from casedesk.server.feed.ssda903 import read_ssda903

LA = "383"
POSTCODES = [f"LS{d} {n}{a}{b}" for d in range(1, 28) for n in range(1, 10) for a in "ABD" for b in "ABDEF"]


def server_children(n: int, rng: random.Random) -> list[dict[str, str]]:
    fake = Faker("en_GB")
    fake.seed_instance(19)
    given = [fake.first_name() for _ in range(400)]
    family = [fake.last_name() for _ in range(600)]
    out = []
    for i in range(n):
        nhs = make_nhs_number(f"{943000000 + i * 7 % 999999:09d}") if rng.random() < 0.5 else None
        out.append(
            {
                "id": str(uuid.uuid4()),
                "given_name": rng.choice(given),
                "family_name": rng.choice(family),
                "date_of_birth": (date(2008, 9, 1) + timedelta(days=rng.randint(0, 12 * 365))).isoformat(),
                "sex": rng.choice("MF"),
                "upn": make_upn(LA, f"{2000 + i // 1000}", 12, i % 1000),
                "nhs_number": nhs or "",
                "postcode": rng.choice(POSTCODES),
            }
        )
    return out


def write_server(store: ServerDB, school: str, children: list[dict[str, str]]) -> None:
    rows, entries = [], []
    for seq, c in enumerate(children, start=1):
        data = {k: v for k, v in c.items() if k != "id" and v}
        rows.append(
            {
                "entity": "children",
                "row_id": c["id"],
                "child_id": c["id"],
                "created_by_org": school,
                "created_seq": seq,
                "data": data,
                "versions": {},
                "hlcs": {},
                "authors": {},
                "deleted": False,
            }
        )
        entries.append(
            {
                "kind": "row",
                "entity": "children",
                "row_id": c["id"],
                "child_id": c["id"],
                "fields": {},
                "deleted": False,
                "hlc": f"{seq:013d}-000000-bench",
            }
        )
    with store.engine.begin() as conn:
        for start in range(0, len(rows), 5000):
            conn.execute(insert(records), rows[start : start + 5000])
            conn.execute(insert(feed), entries[start : start + 5000])


def _dmy(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def census(children: list[dict[str, str]], n: int, rng: random.Random) -> tuple[bytes, bytes]:
    chosen = rng.sample(children, n)
    out, people = [], []
    for i, c in enumerate(chosen):
        kind = i % 20
        la_id = f"C{i:05d}"
        if kind == 19:  # not on the server
            upn = make_upn(LA, f"{9000 + i // 1000}", 12, i % 1000)
            people.append({"la_child_id": la_id, "given_name": "Unknown", "family_name": f"Child{i}"})
        elif kind >= 17:  # on the server, no UPN in the return: matched by name, date of birth and postcode
            upn = None
            people.append(
                {
                    "la_child_id": la_id,
                    "given_name": c["given_name"],
                    "family_name": c["family_name"],
                    "postcode": c["postcode"],
                }
            )
        else:
            upn = c["upn"]
        protected = i % 5 == 0
        out.append(
            CinChild(
                la_id,
                upn,
                born=c["date_of_birth"],
                sex="1" if c["sex"] == "M" else "2",
                plan=("2023-07-03", None, rng.choice(["NEG", "PHY", "EMO", "SAB"])) if protected else None,
                cin_plan=None if protected else ("2023-07-03", None),
            )
        )
    return cin_xml(out), identities_csv(people)


def ssda903(folder: Path, children: list[dict[str, str]], n: int, rng: random.Random) -> None:
    header, episodes, workers, people = [], [], [], []
    for i, c in enumerate(rng.sample(children, n)):
        la_id = f"L{i:05d}"
        born = _dmy(c["date_of_birth"])
        on_server = i % 5 != 4
        upn = c["upn"] if on_server else make_upn(LA, f"{8000 + i // 1000}", 12, i % 1000)
        sex = "1" if c["sex"] == "M" else "2"
        header.append(looked_after(la_id, upn, born=born, sex=sex))
        if i % 3 == 0:
            episodes.append(episode(la_id, "01/05/2023", "01/08/2023", "X1", legal="V2"))
            episodes.append(episode(la_id, "01/08/2023", "", "", new="L"))
        else:
            episodes.append(episode(la_id, "10/09/2023"))
        workers.append(social_worker(la_id, born, f"SW{i % 60}", "10/09/2023" if i % 3 else "01/05/2023"))
        people.append(
            {"la_child_id": la_id, "social_worker_id": f"SW{i % 60}", "social_worker_name": f"Worker {i % 60}"}
        )
    write_ssda903(folder, header, episodes, workers, people)


class Clock:
    """Wall and CPU seconds of one step: on a shared machine the CPU time is the steadier figure."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    def __str__(self) -> str:
        return f"{self.wall:.1f} s wall, {self.cpu:.1f} s CPU"


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server-children", type=int, default=50_000)
    parser.add_argument("--cin", type=int, default=3_000)
    parser.add_argument("--looked-after", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(19)
    results: dict[str, object] = {
        "data shape": f"{args.server_children:,} server children; a census of {args.cin:,} children "
        f"(85% by UPN, 10% by name/date of birth/postcode, 5% not held), an SSDA903 return of "
        f"{args.looked_after:,} (80% held); SQLite server",
        "load average before (1, 5, 15 min)": load(),
    }
    with scratch() as tmp:
        store = ServerDB(f"sqlite:///{tmp / 'server.db'}")
        migrate(store.engine)
        school = accounts.create_org(store, "School 00", "school", LA)
        accounts.create_org(store, "Children's Social Care", "childrens_social_care", LA)
        children = server_children(args.server_children, rng)
        started = time.perf_counter()
        write_server(store, school, children)
        results["server children written (setup)"] = f"{time.perf_counter() - started:.1f} s"

        xml, people = census(children, args.cin, rng)
        with Clock() as reading:
            cin = read_cin(xml, read_identities(people))
        with Clock() as importing:
            summary = imports.import_return(store, cin, data_hash="0" * 64, actor="bench", file="census.xml")
        results[f"census of {args.cin:,}: read and checked (XSD + every DfE rule)"] = (
            f"{reading} ({len(xml) / 1e6:.1f} MB, {len(cin.failures)} failures)"
        )
        results[f"census of {args.cin:,}: imported (matched, published)"] = f"{importing} — {summary.describe()}"
        with Clock() as again:
            imports.import_return(store, cin, data_hash="1" * 64, actor="bench", file="census.xml")
        results["the same census imported again (nothing changes)"] = str(again)

        folder = tmp / "903"
        ssda903(folder, children, args.looked_after, rng)
        with Clock() as reading:
            lac = read_ssda903(folder, la_code=LA)
        with Clock() as importing:
            summary = imports.import_return(store, lac, data_hash="2" * 64, actor="bench", file="903")
        results[f"SSDA903 of {args.looked_after:,}: read and checked (column map + every DfE rule)"] = (
            f"{reading} ({len(lac.failures)} failures: {len(lac.errors)} errors)"
        )
        results[f"SSDA903 of {args.looked_after:,}: imported (matched, published)"] = (
            f"{importing} — {summary.describe()}"
        )
        results["load average after (1, 5, 15 min)"] = load()
        store.dispose()
    record("feed_import", results)


if __name__ == "__main__":
    main()
