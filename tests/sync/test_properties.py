"""Property: any interleaving of offline edits, syncs, lost answers and cut pulls converges, losing nothing.

Each example builds a fresh server and three fresh encrypted device databases, runs the steps hypothesis
chose, then lets every device sync twice; afterwards all exports are identical, every record and note that
any device made is present, every change was accounted for, and every device shows the same open conflicts.
Kept small (twenty examples) so the whole suite stays quick.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casedesk.store import keyfile
from casedesk.store.journal import outbox as sync_outbox
from casedesk.sync.transport import Offline
from tests.sync.harness import Server, make_device

pytestmark = pytest.mark.slow  # hypothesis runs many sync rounds per test

FIELDS = ("preferred_name", "gender", "uln", "town")  # town is critical (address)
step = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 2), st.sampled_from(FIELDS), st.sampled_from(["1111111111", "22"])),
    st.tuples(st.just("note"), st.integers(0, 2)),
    st.tuples(st.just("add"), st.integers(0, 2)),
    st.tuples(st.just("sync"), st.integers(0, 2)),
    st.tuples(st.just("lose_answer"), st.integers(0, 2)),
    st.tuples(st.just("cut_pull"), st.integers(0, 2)),
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_any_interleaving_converges(steps: list[tuple], fast_kdf: keyfile.KdfParams, fast_passwords: None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        server = Server(f"sqlite:///{folder / 'server.db'}")
        org = server.org("Riverside Academy")
        server.user(org, "ann")
        devices = [make_device(folder, f"d{i}", server, "ann") for i in range(3)]
        try:
            shared = devices[0].add_child("Ada", "Okafor", org)
            devices[0].sync()
            for device in devices[1:]:
                device.sync()
            made: set[str] = {shared}
            notes: set[str] = set()
            for kind, who, *rest in steps:
                device = devices[who]
                if kind == "edit":
                    device.edit("children", shared, **{rest[0]: f"{rest[1]}{who}"[:10]})
                elif kind == "note":
                    notes.add(device.note(shared, f"note by d{who}"))
                elif kind == "add":
                    made.add(device.add_child(f"New{len(made)}", "Pupil", org))
                else:
                    if kind == "lose_answer":
                        device.faults.push_lost_after = 0
                    elif kind == "cut_pull":
                        device.faults.pull_cut_after_pages = 0
                    with contextlib.suppress(Offline):
                        device.sync()
                    device.faults.push_lost_after = device.faults.pull_cut_after_pages = -1
            for _ in range(2):
                for device in devices:
                    device.sync()
            exports = [d.export() for d in devices]
            assert exports[0] == exports[1] == exports[2]
            children = {c["child"]["id"]: c for c in exports[0]["children"]}
            assert set(children) == made
            assert {e["id"] for e in children[shared]["events"]} == notes
            for device in devices:
                assert set(sync_outbox.count_by_state(device.db)) <= {"applied", "conflict"}
            open_conflicts = [sorted((c.conflict_id, c.kept) for c in d.service.conflicts()) for d in devices]
            assert open_conflicts[0] == open_conflicts[1] == open_conflicts[2]
        finally:
            for device in devices:
                device.close()
            server.close()
