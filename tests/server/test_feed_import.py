"""`casedesk-server import cin-census` and `import ssda903`: a return is checked against its schema and every
DfE rule; one that breaks an error rule is refused with each failure (rule, child, table and field; its errors
and, apart, its queries), the refusal kept for the data-quality report and nothing else changed; a good one is
imported whole, its children matched, and a later return updates what the first one said and ends the statuses
it no longer lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from casedesk.domain.ids import new_id
from casedesk.server.cli import main
from casedesk.server.db import accounts, admin_audit, records
from casedesk.server.feed import publish
from casedesk.server.feed.tables import feed_children, feed_failures, feed_imports, feed_match_log, feed_refusals
from tests.server.feed_files import (
    LA,
    LA_ONS,
    CinChild,
    cin_xml,
    episode,
    identities_csv,
    looked_after,
    social_worker,
    upn,
    write_ssda903,
)
from tests.sync.harness import Server


def _run(server: Server, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--database-url", server.url, *args])
    out, err = capsys.readouterr()
    return code, out + err


def _area(server: Server) -> tuple[str, str, str]:
    """A school holding one child (with a UPN), and the LA's children's social care."""
    school = accounts.create_org(server.store, "Riverside Academy", "school", LA)
    care = accounts.create_org(server.store, "Children's Social Care", "childrens_social_care", LA)
    child = new_id()
    fields = {"given_name": "Ada", "family_name": "Okafor", "date_of_birth": "2012-05-01", "upn": upn(1)}
    with server.store.write(ordered=True) as conn:
        publish.insert_rows(conn, school, [("children", child, fields)], actor="ann")
    return school, care, child


def _counts(server: Server) -> dict[str, int]:
    with server.store.read() as conn:
        return {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (feed_imports, feed_children, feed_failures, feed_match_log, records, admin_audit, feed_refusals)
        }


def _data(counts: dict[str, int]) -> dict[str, int]:
    """What an import changes (a refusal changes none of it: only the refusal, its failures and the audit)."""
    return {k: v for k, v in counts.items() if k in ("feed_imports", "feed_children", "feed_match_log", "records")}


def _statuses(server: Server, child: str) -> dict[str, dict[str, Any]]:
    with server.store.read() as conn:
        rows = conn.execute(
            select(records.c.data, records.c.created_by_org).where(
                records.c.entity == "status_periods", records.c.child_id == child
            )
        ).all()
    return {r.data["kind"]: {**r.data, "owner": r.created_by_org} for r in rows}


CENSUS = [
    CinChild("C001", upn(1), plan=("2023-07-03", None, "NEG"), cin_plan=None),
    CinChild("C002", upn(2), born="2011-01-09"),
]


def test_a_good_census_is_imported_and_a_later_one_updates_it(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, care, child = _area(server)
    census = tmp_path / "cin.xml"
    census.write_bytes(cin_xml(CENSUS))
    code, out = _run(server, capsys, "import", "cin-census", str(census))
    assert code == 0, out
    assert "Imported 2 children: 1 matched, 1 waiting for review" in out
    assert "query 2887Q" in out  # a DfE query is imported and shown, not refused
    held = _statuses(server, child)
    assert held["child_in_need"]["start_date"] == "2023-06-05" and held["child_in_need"]["end_date"] is None
    assert held["child_protection_plan"]["detail"] == "NEG" and held["child_in_need"]["owner"] == care
    with server.store.read() as conn:
        log = conn.execute(select(feed_match_log.c.la_child_id, feed_match_log.c.decision)).all()
        queries = conn.execute(select(feed_failures.c.rule)).scalars().all()
    assert sorted(log) == [("C001", "matched"), ("C002", "pending")] and queries == ["2887Q"]

    ended = [CinChild("C001", upn(1), plan=("2023-07-03", "2024-03-01", "EMO"), cin_plan=None), CENSUS[1]]
    census.write_bytes(cin_xml(ended))
    before = _counts(server)
    code, out = _run(server, capsys, "import", "cin-census", str(census))
    assert code == 0, out
    held = _statuses(server, child)
    assert (
        held["child_protection_plan"]["end_date"] == "2024-03-01" and held["child_protection_plan"]["detail"] == "EMO"
    )
    after = _counts(server)
    assert after["feed_children"] == before["feed_children"] == 2  # updated, not added
    assert after["feed_imports"] == 2 and after["feed_match_log"] == before["feed_match_log"]


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"not xml at all", "not well-formed XML"),
        (cin_xml([CinChild("C001", upn(1), sex="5")]), "does not follow the DfE's CIN schema"),
        (cin_xml([CinChild("C001", "12345")]), "does not follow the DfE's CIN schema"),
        (
            b'<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY x "y">]><Message><Children/></Message>',
            "document type declaration",
        ),
        (cin_xml([CinChild("C001", upn(1)), CinChild("C001", upn(2))]), "more than once"),
    ],
)
def test_a_malformed_census_is_refused_and_nothing_changes(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, said: str
) -> None:
    _area(server)
    before = _counts(server)
    census = tmp_path / "cin.xml"
    census.write_bytes(content)
    code, out = _run(server, capsys, "import", "cin-census", str(census))
    assert code == 1 and said in out
    assert _counts(server) == before


def test_dfe_rule_failures_refuse_the_census_naming_rule_child_and_field(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _area(server)
    before = _counts(server)
    census = tmp_path / "cin.xml"
    # a CIN plan still open when a child protection plan starts breaks DfE rule 4001
    census.write_bytes(cin_xml([CENSUS[1], CinChild("C009", upn(9), plan=("2023-07-10", None, "PHY"))]))
    code, out = _run(server, capsys, "import", "cin-census", str(census))
    assert code == 1 and "fails" in out and "nothing was imported" in out
    assert "error 4001 (child C009 CINplanDates.CINPlanEndDate)" in out
    assert "C002" not in out  # only the failing child is named
    # the errors refuse it; its queries are listed apart, as what alone would not have
    assert out.index("error 4001") < out.index("DfE queries (") < out.index("query ")
    assert "query" not in out[: out.index("DfE queries (")].replace("queries", "")
    after = _counts(server)
    assert _data(after) == _data(before) and after["feed_refusals"] == 1
    code, out = _run(server, capsys, "data-quality")
    assert code == 0
    line = next(x for x in out.splitlines() if "error 4001" in x)
    assert "cin C009" in line and str(census) in line and "refused" in line and "CINplanDates.CINPlanEndDate" in line


def test_the_identity_extract_adds_names_and_a_bad_one_is_refused(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _area(server)
    census, people = tmp_path / "cin.xml", tmp_path / "identities.csv"
    census.write_bytes(cin_xml([CENSUS[1]]))
    people.write_bytes(b"la_child_id,given_name,shoe_size\nC002,Bo,9\n")
    before = _counts(server)
    code, out = _run(server, capsys, "import", "cin-census", str(census), "--identities", str(people))
    assert code == 1 and "unknown column(s) shoe_size" in out and _counts(server) == before
    people.write_bytes(identities_csv([{"la_child_id": "C002", "given_name": "Bo", "family_name": "Lee"}]))
    code, out = _run(server, capsys, "import", "cin-census", str(census), "--identities", str(people))
    assert code == 0, out
    with server.store.read() as conn:
        data = conn.execute(select(feed_children.c.data)).scalar_one()
    assert (data["given_name"], data["family_name"]) == ("Bo", "Lee")


def _looked_after_return(folder: Path, ended: bool = False) -> Path:
    return write_ssda903(
        folder,
        [looked_after("L001", upn(1)), looked_after("L002", upn(12), born="03/02/2010", sex="1")],
        [
            episode("L001", "10/09/2023", "20/03/2024" if ended else "", "E4A" if ended else ""),
            episode("L002", "01/05/2023", "01/08/2023", "X1", legal="V2"),
            episode("L002", "01/08/2023", "10/01/2024", "E4A", new="L"),
        ],
        [
            social_worker("L001", "01/05/2012", "SW1", "10/09/2023"),
            social_worker("L002", "03/02/2010", "SW2", "01/05/2023"),
        ],
        [{"la_child_id": "L001", "social_worker_id": "SW1", "social_worker_name": "Sam Patel"}],
    )


def test_a_good_ssda903_return_is_imported_with_the_social_worker(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, care, child = _area(server)
    folder = _looked_after_return(tmp_path / "903")
    code, out = _run(server, capsys, "import", "ssda903", str(folder), "--la", LA)
    assert code == 0, out
    assert f"The council is {LA_ONS}" in out  # from the children's home postcodes: no --la-ons-code needed
    assert "Imported 2 children: 1 matched, 1 waiting for review" in out
    lac = _statuses(server, child)["looked_after"]
    assert (lac["start_date"], lac["end_date"], lac["detail"]) == ("2023-09-10", None, "C2")
    with server.store.read() as conn:
        worker = conn.execute(select(records.c.data).where(records.c.row_id == lac["worker_id"])).scalar_one()
        involvement = conn.execute(
            select(records.c.data).where(records.c.entity == "involvements", records.c.child_id == child)
        ).scalar_one()
    assert worker["name"] == "Sam Patel" and worker["organisation_id"] == care
    assert involvement["organisation_id"] == care and involvement["worker_id"] == lac["worker_id"]


@pytest.mark.parametrize(
    ("breakage", "said"),
    [
        (
            lambda f: (f / "episodes.csv").write_text(
                (f / "episodes.csv").read_text().replace("10/09/2023", "2023-09-10")
            ),
            "episodes.csv line 2 DECOM: '2023-09-10' is not a date written dd/mm/yyyy",
        ),
        (lambda f: (f / "notes.csv").write_text("CHILD,NOTE\nL001,hello\n"), "notes.csv: its header row"),
        (lambda f: (f / "header.csv").unlink(), "no Header file"),
        (
            lambda f: (f / "episodes.csv").write_text((f / "episodes.csv").read_text().replace(",S,C2,", ",Z,C2,", 1)),
            "episodes.csv line 2 RNE: 'Z' is not one of its codes",
        ),
    ],
)
def test_a_malformed_ssda903_return_is_refused_and_nothing_changes(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str], breakage: Any, said: str
) -> None:
    _area(server)
    folder = _looked_after_return(tmp_path / "903")
    breakage(folder)
    before = _counts(server)
    code, out = _run(server, capsys, "import", "ssda903", str(folder), "--la-ons-code", LA_ONS)
    assert code == 1 and said in out, out
    assert _counts(server) == before


def test_dfe_rule_failures_refuse_the_ssda903_return(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _area(server)
    folder = _looked_after_return(tmp_path / "903")
    header = (folder / "header.csv").read_text().replace(f"WBRI,{upn(1)},0", f"WBRI,{upn(1)},")
    (folder / "header.csv").write_text(header)  # a looked-after girl's MOTHER left blank: DfE rule 393
    before = _counts(server)
    code, out = _run(server, capsys, "import", "ssda903", str(folder), "--la-ons-code", LA_ONS)
    assert code == 1 and "error 393 (child L001 Header.MOTHER)" in out
    after = _counts(server)
    assert _data(after) == _data(before) and after["feed_refusals"] == 1
    _, report = _run(server, capsys, "data-quality")
    assert "error 393" in report and "ssda903 L001" in report and "Header.MOTHER" in report
    code, out = _run(server, capsys, "import", "ssda903", str(folder), "--la-ons-code", LA_ONS, "--accept-rule", "393")
    assert code == 0 and "query 393 (child L001 Header.MOTHER)" in out  # an administrator accepted it: audited
    with server.store.read() as conn:
        kept = conn.execute(select(feed_failures.c.rule, feed_failures.c.severity)).all()
        audited = conn.execute(
            select(admin_audit.c.target, admin_audit.c.outcome).where(admin_audit.c.action == "import_ssda903")
        ).all()
    assert ("393", "query") in kept and ("393", "error") not in kept  # the import replaced the refusal's errors
    assert [o for _, o in audited] == ["refused", "done"] and "accepting rule(s) 393" in audited[1].target
    _, report = _run(server, capsys, "data-quality")
    assert "error 393" not in report and "query 393" in report


def test_ssda903_queries_are_kept_and_do_not_refuse_the_return(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _area(server)
    folder = _looked_after_return(tmp_path / "903")
    episodes = (folder / "episodes.csv").read_text().replace("LS6 3AB", "")
    (folder / "episodes.csv").write_text(episodes)  # no home postcodes: rule 392b, which may be a false positive
    code, out = _run(server, capsys, "import", "ssda903", str(folder))
    assert code == 1 and "cannot be worked out from the return" in out and "--la-ons-code" in out
    code, out = _run(server, capsys, "import", "ssda903", str(folder), "--la-ons-code", LA_ONS)
    assert code == 0, out
    assert "query 392b (child L001 Episodes.HOME_POST)" in out and "error" not in out
    with server.store.read() as conn:
        kept = set(conn.execute(select(feed_failures.c.rule, feed_failures.c.severity)).all())
    assert kept == {("392b", "query")}


def test_a_later_return_ends_the_statuses_it_no_longer_lists(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, child = _area(server)
    census = tmp_path / "cin.xml"
    census.write_bytes(cin_xml([CENSUS[0]]))
    assert _run(server, capsys, "import", "cin-census", str(census))[0] == 0
    assert _statuses(server, child)["child_protection_plan"]["end_date"] is None
    # the council's corrected census of the same year no longer records the plan: it ends where it began
    census.write_bytes(cin_xml([CinChild("C001", upn(1)), CENSUS[1]]))
    code, out = _run(server, capsys, "import", "cin-census", str(census))
    assert code == 0, out
    held = _statuses(server, child)
    assert held["child_protection_plan"]["end_date"] == "2023-07-03" and held["child_in_need"]["end_date"] is None


def test_a_later_years_return_ends_the_care_of_a_child_it_no_longer_names(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, child = _area(server)
    first = _looked_after_return(tmp_path / "2024")
    assert _run(server, capsys, "import", "ssda903", str(first))[0] == 0
    assert _statuses(server, child)["looked_after"]["end_date"] is None
    # the 2025 return (April 2024 to March 2025) no longer names L001: its care ended before that year began
    later = write_ssda903(
        tmp_path / "2025",
        [looked_after("L002", upn(12), born="03/02/2010", sex="1")],
        [episode("L002", "01/06/2024", "10/01/2025", "E4A")],
        [social_worker("L002", "03/02/2010", "SW2", "01/06/2024")],
    )
    # (the 2024 column map's sex codes are the 2024 rules': the 2025 rules want others)
    code, out = _run(server, capsys, "import", "ssda903", str(later), "--ruleset", "lac2023_24")
    assert code == 0, out
    assert _statuses(server, child)["looked_after"]["end_date"] == "2024-03-31"
    with server.store.read() as conn:
        involvement = conn.execute(
            select(records.c.data).where(records.c.entity == "involvements", records.c.child_id == child)
        ).scalar_one()
    assert involvement["end_date"] == "2024-03-31"
    # an earlier year's return after a later one is refused: it would reopen what the later one ended
    before = _counts(server)
    code, out = _run(server, capsys, "import", "ssda903", str(first))
    assert code == 1 and "the 2025 return is already imported" in out and _counts(server) == before
