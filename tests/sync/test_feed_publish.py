"""What a school's device receives of the council's feed, through a real server on a socket: nothing before the
return is imported; after it, the child's CIN and child protection statuses (with the category of abuse), their
start dates, the allocated social worker and children's social care's involvement, as the agreement between the
school and children's social care allows; a later return that ends a plan ends it on the device, and so does one
that no longer names the child."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from casedesk.server.db import accounts, agreement_admin
from casedesk.server.feed import imports
from casedesk.server.feed.cin import read_cin
from casedesk.server.feed.identities import read_identities
from casedesk.store import repositories as repo
from tests.server.feed_files import CinChild, cin_xml, identities_csv, upn
from tests.sync.harness import Device, Server, make_device


def _agree(server: Server, school: str, care: str, shared: str) -> None:
    agreement_admin.add(
        server.store,
        title="Children's social care and the school",
        party_a=f"org:{care}",
        party_b=f"org:{school}",
        a_to_b=shared,
        b_to_a="identity,education,attendance",
        article_6="public_task",
        article_9="safeguarding",
        article_10="safeguarding",
        start="2023-01-01",
        review="2027-01-01",
        signed_by=["Director of Children's Services", "Headteacher"],
    )


def _import(server: Server, children: list[CinChild]) -> imports.ImportSummary:
    people = read_identities(
        identities_csv([{"la_child_id": "C001", "social_worker_id": "SW7", "social_worker_name": "Sam Patel"}])
    )
    census = read_cin(cin_xml(children), people)
    return imports.import_return(server.store, census, data_hash="0" * 64, actor="LA data team")


def _statuses(device: Device, child: str) -> dict[str, tuple[str, str | None, str | None]]:
    with device.db.session() as session:
        return {
            s.kind: (s.start_date.isoformat(), s.end_date.isoformat() if s.end_date else None, s.detail)
            for s in repo.statuses_for_child(session, child)
        }


def test_a_school_receives_the_feed_as_its_agreement_allows(any_server: Server, tmp_path: Path) -> None:
    server = any_server  # SQLite, and PostgreSQL among the slow tests
    url = server.serve()
    riverside = accounts.create_org(server.store, "Riverside Academy", "school", "383")
    oakwood = accounts.create_org(server.store, "Oakwood Primary", "school", "383")
    care = accounts.create_org(server.store, "Children's Social Care", "childrens_social_care", "383")
    server.user(riverside, "ann")
    server.user(oakwood, "olu")
    _agree(server, riverside, care, "identity,social_care,safeguarding,involvement")
    _agree(server, oakwood, care, "identity,social_care")  # no safeguarding: child protection stays with care
    ann = make_device(tmp_path, "ann", None, "ann", base_url=url, org_server=server)
    olu = make_device(tmp_path, "olu", None, "olu", base_url=url, org_server=server)
    child = ann.add_child("Ada", "Okafor", riverside, upn=upn(1))
    with ann.db.unit_of_work("ann") as uow:  # dual registration: Oakwood is involved too
        uow.insert(
            "involvements",
            {"child_id": child, "organisation_id": oakwood, "role": "senco", "start_date": date(2024, 9, 1)},
        )
    ann.sync()
    olu.sync()
    assert _statuses(ann, child) == {} and _statuses(olu, child) == {}

    plan = CinChild("C001", upn(1), plan=("2023-07-03", None, "NEG"), cin_plan=None)
    summary = _import(server, [plan])
    assert summary.matched == 1
    ann.sync()
    olu.sync()
    assert _statuses(ann, child) == {
        "child_in_need": ("2023-06-05", None, "N1"),
        "child_protection_plan": ("2023-07-03", None, "NEG"),
    }
    with ann.db.session() as session:
        involved = {i.organisation_id: i for i in repo.involvements_for_child(session, child)}
        worker = repo.workers(session, [involved[care].worker_id or ""]).get(involved[care].worker_id or "")
    assert involved[care].role == "social_worker" and involved[care].start_date.isoformat() == "2023-06-05"
    assert worker is not None and worker.name == "Sam Patel"
    assert _statuses(olu, child) == {"child_in_need": ("2023-06-05", None, "N1")}

    ended = CinChild("C001", upn(1), plan=("2023-07-03", "2024-03-01", "NEG"), cin_plan=None)
    _import(server, [ended])
    report = ann.sync()
    assert _statuses(ann, child)["child_protection_plan"] == ("2023-07-03", "2024-03-01", "NEG")
    assert report.digest_ok and not report.resynced
    olu.sync()
    assert "child_protection_plan" not in _statuses(olu, child)

    # the council's corrected census no longer names the child at all: what it said ends on every school's device
    _import(server, [CinChild("C002", upn(2), born="2011-01-09")])
    ann.sync()
    olu.sync()
    assert _statuses(ann, child)["child_in_need"] == ("2023-06-05", "2023-06-05", "N1")
    assert _statuses(olu, child) == {"child_in_need": ("2023-06-05", "2023-06-05", "N1")}
    with ann.db.session() as session:
        involved = {i.organisation_id: i for i in repo.involvements_for_child(session, child)}
    assert involved[care].end_date is not None
    ann.close()
    olu.close()
