"""`casedesk-server data-quality`: the local authority's report holds every problem, an organisation's only those
about children it sees (and its own returns); each names the record to open. Statuses the school and the
council's return disagree on, identifiers that fail their check, children not changed for long, children with no
school, returns' children not matched and DfE queries all appear."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casedesk.domain.feed.quality import Kind
from casedesk.domain.feed.records import FeedChild, FeedReturn, FeedStatus, RuleFailure, Severity, Source
from casedesk.domain.ids import new_id
from casedesk.server.cli import main
from casedesk.server.db import accounts
from casedesk.server.feed import imports, publish, quality
from tests.server.feed_files import upn
from tests.sync.harness import Server


def _setup(server: Server) -> dict[str, str]:
    school = accounts.create_org(server.store, "Riverside Academy", "school", "383")
    other = accounts.create_org(server.store, "Oakwood Primary", "school", "383")
    care = accounts.create_org(server.store, "Children's Social Care", "childrens_social_care", "383")
    ada, bo, again = new_id(), new_id(), new_id()
    with server.store.write(ordered=True) as conn:
        publish.insert_rows(
            conn,
            school,
            [
                (
                    "children",
                    ada,
                    {
                        "given_name": "Ada",
                        "family_name": "Okafor",
                        "date_of_birth": "2012-05-01",
                        "upn": upn(1),
                        "nhs_number": "9434765871",
                    },
                ),  # a wrong NHS check digit
                (
                    "involvements",
                    new_id(),
                    {"child_id": ada, "organisation_id": school, "role": "senco", "start_date": "2024-09-01"},
                ),
                ("status_periods", new_id(), {"child_id": ada, "kind": "looked_after", "start_date": "2023-09-10"}),
            ],
            actor="ann",
        )
        publish.insert_rows(
            conn,
            other,
            [
                ("children", bo, {"given_name": "Bo", "family_name": "Lee", "date_of_birth": "2013-02-02"}),
                ("children", again, {"given_name": "Ada", "family_name": "Okafur", "date_of_birth": "2012-05-01"}),
            ],
            actor="olu",
        )
    census = FeedReturn(
        Source.SSDA903,
        "383",
        2024,
        (
            FeedChild(
                Source.SSDA903,
                "L1",
                date(2012, 5, 1),
                upn=upn(1),
                statuses=(FeedStatus("lac:2023-09-10", "looked_after", date(2023, 9, 10), date(2024, 3, 1)),),
            ),
            FeedChild(Source.SSDA903, "L2", date(2011, 1, 1), given_name="Cy", family_name="Ray"),
        ),
        (RuleFailure("1000Q", "Check the placement", Severity.QUERY, "L1", "Episodes", "PLACE", "U1"),),
    )
    imports.import_return(server.store, census, data_hash="0" * 64, actor="LA data team")
    return {"school": school, "other": other, "care": care, "ada": ada, "bo": bo, "again": again}


def test_the_local_authority_report_holds_every_kind_of_problem_each_naming_its_record(server: Server) -> None:
    ids = _setup(server)
    later = date.today() + timedelta(days=400)
    found = quality.report(server.store, today=later, stale_days=180)
    kinds = {(p.kind, p.child_id or p.reference) for p in found.problems}
    assert (Kind.IDENTIFIER, ids["ada"]) in kinds  # the NHS number's check digit
    assert (Kind.IDENTIFIER, ids["bo"]) in kinds  # no UPN, no reason
    assert (Kind.STATUS_CONFLICT, ids["ada"]) in kinds  # the school says looked after; the return ended it
    assert (Kind.STALE, ids["ada"]) in kinds and (Kind.STALE, ids["bo"]) in kinds
    assert (Kind.NO_SCHOOL, ids["bo"]) in kinds and (Kind.NO_SCHOOL, ids["ada"]) not in kinds
    assert (Kind.UNMATCHED, "ssda903 L2") in kinds
    assert (Kind.DFE_RULE, ids["ada"]) in kinds  # the query on L1, linked to the child it was matched to
    assert (Kind.DUPLICATE, ids["ada"]) in kinds and (Kind.DUPLICATE, ids["again"]) in kinds
    conflict = [p for p in found.problems if p.kind is Kind.STATUS_CONFLICT]
    assert {p.org_id for p in conflict} == {ids["school"], ids["care"]}


def test_an_organisation_sees_only_problems_about_its_children(server: Server) -> None:
    ids = _setup(server)
    school = quality.report(server.store, ids["school"])
    assert {p.child_id for p in school.problems} == {ids["ada"]}
    assert not [p for p in school.problems if p.kind is Kind.UNMATCHED]
    care = quality.report(server.store, ids["care"])
    assert any(p.reference == "ssda903 L2" for p in care.problems)
    assert ids["bo"] not in {p.child_id for p in care.problems}


def test_the_command_prints_the_report_and_refuses_an_unknown_organisation(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _setup(server)
    assert main(["--database-url", server.url, "data-quality"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Data quality for the local authority")
    assert f"child {ids['ada']} (Ada Okafor): NHS number 9434765871" in out
    assert "ssda903 L2: Cy Ray: no similar child found" in out
    assert "query 1000Q (" in out and "import): Check the placement (Episodes.PLACE = 'U1')" in out
    assert "Looked after: open today for Riverside Academy, ended for Children's Social Care" in out
    assert main(["--database-url", server.url, "data-quality", "--org", ids["school"]]) == 0
    assert "Bo Lee" not in capsys.readouterr().out
    assert main(["--database-url", server.url, "data-quality", "--org", "nope"]) == 1
    assert "No organisation with id nope" in capsys.readouterr().out
