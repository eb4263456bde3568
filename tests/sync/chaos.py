"""The chaos run: a real server process and three devices in two organisations, under random offline edits,
conflicting edits of critical and ordinary fields, involvements that start and end, and kill -9 of the server
and of device sync processes at random moments; then every device settles and the run checks that

- every change a device made is applied, in conflict, or set aside with a reason (nothing pending, nothing lost);
- every device holds exactly the rows its organisation may see, each byte-identical to the server's (so the
  devices of one organisation agree, and no device holds a child outside its scope), and a full digest matches;
- every change the server answered "applied" is held by the server.

Bounded and seeded: `rounds` rounds, every choice drawn from `random.Random(seed)` (the moments a kill lands at
are real time, so a seed repeats the plan, not the exact interleaving). The suite runs a short run
(tests/sync/test_chaos.py); `make chaos ROUNDS=…` runs a long one and prints its figures (benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from casedesk import config
from casedesk.errors import CaseDeskError
from casedesk.server import policy
from casedesk.server.db import org_scope, records
from casedesk.server.db.pulls import _seen_by
from casedesk.store.database import Database
from casedesk.store.journal import digest as sync_digest
from casedesk.store.journal import outbox as sync_outbox
from casedesk.sync.entities import ENTITIES, row_digest
from tests.sync.harness import PASSPHRASE, SRC, Device, Server, UvicornProcess, make_device

TODAY = datetime.now(UTC).date()
ORDINARY = ("preferred_name", "gender", "uln")
CRITICAL = ("town", "postcode")  # address: never decided by the clock


@dataclass
class Figures:
    rounds: int = 0
    edits: int = 0
    clashes: int = 0  # the same field edited on two devices from one base
    involvements_started: int = 0
    involvements_ended: int = 0
    syncs: int = 0
    process_syncs: int = 0  # `casedesk sync` processes that ran to the end (others were killed)
    server_kills: int = 0
    device_kills: int = 0
    applied: int = 0
    in_conflict: int = 0
    set_aside: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def table(self) -> str:
        rows = [(k, v) for k, v in self.__dict__.items() if k != "problems"]
        return "\n".join(f"{k:<22} {v:.1f}" if isinstance(v, float) else f"{k:<22} {v}" for k, v in rows)


class Chaos:
    def __init__(self, folder: Path, seed: int, url: str | None = None) -> None:
        self.rng = random.Random(seed)
        self.folder = folder
        self.server = Server(url or f"sqlite:///{folder / 'server.db'}")
        self.proc = UvicornProcess(self.server.url).start()
        self.figures = Figures()
        self.school = self.server.org("Riverside Academy")
        self.care = self.server.org("Children's Services")
        for name, org in (("ann", self.school), ("ben", self.school), ("sam", self.care)):
            self.server.user(org, name)
        self.devices = [
            make_device(folder / name, name, None, name, base_url=self.proc.base_url, org_server=self.server)
            for name in ("ann", "ben", "sam")
        ]
        self.org_of = {"ann": self.school, "ben": self.school, "sam": self.care}

    # -- what people do offline ----------------------------------------------------------------------------
    def _held(self, device: Device) -> list[str]:
        return sorted(c["child"]["id"] for c in device.export()["children"])

    def _edit(self, device: Device) -> None:
        held = self._held(device)
        roll = self.rng.random()
        if not held or roll < 0.2:
            org = self.org_of[device.name]
            device.add_child(f"Child{self.figures.edits}", self.rng.choice(["Okafor", "Mensah", "Novak"]), org)
        elif roll < 0.5:
            device.note(self.rng.choice(held), f"note {self.figures.edits} by {device.name}")
        else:
            name = self.rng.choice(ORDINARY + CRITICAL)
            device.edit("children", self.rng.choice(held), **{name: f"{name[:4]}{self.rng.randint(10, 99)}"})
        self.figures.edits += 1

    def _clash(self) -> None:
        """Both school devices edit one field of one child from the same base."""
        a, b = self.devices[0], self.devices[1]
        shared = sorted(set(self._held(a)) & set(self._held(b)))
        if shared:
            child, name = self.rng.choice(shared), self.rng.choice(ORDINARY + CRITICAL)
            a.edit("children", child, **{name: f"A{self.rng.randint(100, 999)}"})
            b.edit("children", child, **{name: f"B{self.rng.randint(100, 999)}"})
            self.figures.clashes += 1

    def _involvement(self) -> None:
        """Social care becomes involved with a school child, or an involvement of social care ends."""
        device = self.rng.choice(self.devices)
        for child in self.rng.sample(self._held(device), k=min(3, len(self._held(device)))):
            open_care = [
                i["id"]
                for c in device.export()["children"]
                if c["child"]["id"] == child
                for i in c["involvements"]
                if i["organisation_id"] == self.care and not i.get("end_date")
            ]
            if open_care and self.rng.random() < 0.5:
                ended = TODAY - timedelta(days=self.rng.choice([0, 1, 30]))  # today: still in view until tomorrow
                device.edit("involvements", open_care[0], end_date=ended)
                self.figures.involvements_ended += 1
                return
            if not open_care and device.name != "sam":
                with device.db.unit_of_work(device.username) as uow:
                    uow.insert(
                        "involvements",
                        {"child_id": child, "organisation_id": self.care, "role": "social_worker", "start_date": TODAY},
                    )
                self.figures.involvements_started += 1
                return

    # -- syncing under fire --------------------------------------------------------------------------------
    def _killer(self, delay: float, down: float) -> threading.Thread:
        def run() -> None:
            time.sleep(delay)
            self.proc.kill()
            self.figures.server_kills += 1
            time.sleep(down)
            self._restart()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    def _restart(self) -> None:
        """Start the server again; a loaded machine may take longer than one start allows."""
        for attempt in range(4):
            try:
                self.proc.start()
                return
            except RuntimeError:
                if attempt == 3:
                    raise

    def _sync_in_process(self, device: Device) -> None:
        with contextlib.suppress(CaseDeskError):  # offline (the server is down) or refused: the next round
            device.sync()

    def _sync_process(self, device: Device, kill_after: float | None) -> None:
        """`casedesk sync` in its own process, killed with SIGKILL after `kill_after` seconds if given."""
        key, path = device.db._key, device.db.path
        device.db.close()  # the process owns the file meanwhile; reopened afterwards (its clock moved on)
        env = {**os.environ, "PYTHONPATH": str(SRC), "CASEDESK_PASSPHRASE": PASSPHRASE}
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from casedesk.cli.main import main; raise SystemExit(main())",
                "sync",
                "--db",
                str(path),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _out, err = proc.communicate(timeout=kill_after if kill_after is not None else 120)
            self.figures.process_syncs += 1
            if b"Traceback" in err or b"unexpected error" in err:
                self.figures.problems.append(f"{device.name}: sync crashed: {err.decode()[-500:]}")
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            self.figures.device_kills += 1
        device.db = Database.open_with_key(path, key)

    def round(self) -> None:
        for device in self.devices:
            for _ in range(self.rng.randint(1, 4)):
                self._edit(device)
        if self.rng.random() < 0.7:
            self._clash()
        if self.rng.random() < 0.6:
            self._involvement()
        killer = (
            self._killer(self.rng.uniform(0.0, 3.0), self.rng.uniform(0.2, 1.0)) if self.rng.random() < 0.5 else None
        )
        for device in self.rng.sample(self.devices, k=3):
            if self.rng.random() < 0.35:
                self._sync_process(device, self.rng.uniform(0.3, 3.0) if self.rng.random() < 0.6 else None)
            else:
                self._sync_in_process(device)
            self.figures.syncs += 1
        if killer is not None:
            killer.join()
        self.figures.rounds += 1

    # -- the end -----------------------------------------------------------------------------------------------
    def settle(self) -> None:
        if self.proc.proc is None:
            self._restart()
        for _ in range(3):
            for device in self.devices:
                device.sync()

    def check(self) -> Figures:
        problems = self.figures.problems
        applied_rows: set[str] = set()
        for device in self.devices:
            states = sync_outbox.count_by_state(device.db)
            self.figures.applied += states.get("applied", 0)
            self.figures.in_conflict += states.get("conflict", 0)
            self.figures.set_aside += states.get("rejected", 0)
            if set(states) - {"applied", "conflict", "rejected"}:
                problems.append(f"{device.name}: changes left unaccounted for: {states}")
            problems += [
                f"{device.name}: set aside without a reason" for s in device.service.set_aside() if not s.reason
            ]
            with device.db.engine.connect() as conn:
                applied_rows |= set(
                    conn.exec_driver_sql(
                        "select row_id from outbox where state = 'applied' and op in ('insert', 'append') "
                        "and entity != 'conflicts'"
                    ).scalars()
                )
            held_back = sync_outbox.held_back_row_ids(device.db)
            mine, theirs = (
                self._device_lines(device, held_back),
                self._server_lines(self.org_of[device.name], held_back),
            )
            for entity in ENTITIES:
                if mine[entity] != theirs[entity]:
                    problems.append(
                        f"{device.name}: {entity} differ from the server "
                        f"({len(mine[entity] - theirs[entity])} only on the device, "
                        f"{len(theirs[entity] - mine[entity])} only on the server)"
                    )
            device.db.put(config.LAST_FULL_DIGEST, "2000-01-01T00:00:00+00:00")
            report = device.sync()
            if not report.digest_ok or report.resynced:
                problems.append(f"{device.name}: full digest: {report.describe()}")
        with self.server.store.read() as conn:
            on_server = set(conn.execute(select(records.c.row_id)).scalars())
            problems += self._scope_problems(conn)
        lost = applied_rows - on_server
        if lost:
            problems.append(f"{len(lost)} row(s) answered 'applied' are not on the server")
        return self.figures

    def _scope_problems(self, conn: Any) -> list[str]:
        """The server's scope table against the sharing rule worked out afresh from the records."""
        involvements: dict[str, list[dict[str, Any]]] = {}
        for r in conn.execute(select(records).where(records.c.entity == "involvements")):
            involvements.setdefault(r.child_id, []).append({"data": r.data, "deleted": r.deleted})
        seen: dict[str, set[str]] = {}
        for r in conn.execute(select(org_scope).where(org_scope.c.visible)):
            seen.setdefault(r.child_id, set()).add(r.org_id)
        problems = []
        for child in conn.execute(select(records).where(records.c.entity == "children")):
            should = policy.visible_orgs(child.created_by_org, involvements.get(child.row_id, []))
            if should != seen.get(child.row_id, set()):
                problems.append(f"child {child.row_id}: seen by {seen.get(child.row_id)}, should be {should}")
        return problems

    def _server_lines(self, org_id: str, skip: set[str]) -> dict[str, set[str]]:
        lines: dict[str, set[str]] = {entity: set() for entity in ENTITIES}
        columns = (records.c.entity, records.c.row_id, records.c.data, records.c.deleted)
        with self.server.store.read() as conn:
            for r in conn.execute(_seen_by(org_id, *columns)):
                if r.row_id not in skip:
                    lines[r.entity].add(row_digest(r.row_id, r.data, r.deleted, ENTITIES[r.entity]))
        return lines

    def _device_lines(self, device: Device, skip: set[str]) -> dict[str, set[str]]:
        return {
            entity: {
                row_digest(row_id, values, deleted, spec)
                for row_id, deleted, values in sync_digest.digest_rows(device.db, entity)
                if row_id not in skip
            }
            for entity, spec in ENTITIES.items()
        }

    def close(self) -> None:
        for device in self.devices:
            device.close()
        self.proc.kill()
        self.server.close()


def run(rounds: int, seed: int, folder: Path, url: str | None = None) -> Figures:
    started = time.monotonic()
    chaos = Chaos(folder, seed, url)
    try:
        for _ in range(rounds):
            chaos.round()
        chaos.settle()
        figures = chaos.check()
    finally:
        chaos.close()
    figures.seconds = time.monotonic() - started
    return figures


def _cheap_secrets() -> None:
    """The suite's cheap Argon2 costs (same code paths): the run is about sync, not key stretching."""
    from argon2 import PasswordHasher

    from casedesk.server import auth
    from casedesk.store import keyfile

    keyfile.DEFAULT_KDF = keyfile.KdfParams(time_cost=1, memory_cost_kib=8192, parallelism=1)
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=int(date.today().strftime("%Y%m%d")))
    parser.add_argument("--database-url", help="server database (default: an SQLite file in a temporary folder)")
    args = parser.parse_args(argv)
    _cheap_secrets()
    with tempfile.TemporaryDirectory(prefix="casedesk-chaos-") as tmp:
        os.environ["CASEDESK_HOME"] = str(Path(tmp) / "home")
        figures = run(args.rounds, args.seed, Path(tmp), args.database_url)
    print(f"chaos run, seed {args.seed}")
    print(figures.table())
    for problem in figures.problems:
        print(f"PROBLEM: {problem}")
    return 1 if figures.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
