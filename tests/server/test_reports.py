"""The dashboards against hand-counted records: each figure counted by hand below, every table protected (no
withheld count can be solved for from what is shown), scoped to who asks, and bad requests refused clearly."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from casedesk.domain.disclosure import MARK
from casedesk.server.db import ServerDB, migrate
from casedesk.server.reports import REPORTS, ReportError, audience_of, facts, run
from casedesk.server.reports.model import AREA, SCHOOL, Audience, Dashboard, Period
from tests.disclosure_check import solvable
from tests.server.report_rows import Rows

PERIOD = Period(date(2026, 1, 1), date(2026, 2, 28))
AREA_ALL = Audience(AREA)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.slow)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerDB]:
    """The same figures from both backends."""
    url = f"sqlite:///{tmp_path / 'server.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    db = ServerDB(url)
    migrate(db.engine)
    yield db
    db.dispose()


def _check(level: int, domains: list[str], day: str) -> dict:
    return {
        "state": "complete",
        "level": level,
        "completed_at": f"{day}T10:00:00+00:00",
        "outcome": {"domains": [{"id": d, "score": 2} for d in domains] + [{"id": "health", "score": 0}]},
    }


@pytest.fixture
def area(store: ServerDB) -> dict[str, str]:
    """Two schools and the local authority's early help service.

    Oak: 12 children (6 boys); needs checks in January: 6 at level 2 (attendance), 5 at level 3 (behaviour and
    semh); in February 5 at level 4 (safeguarding). Elm: 3 children; 2 checks at level 3 in January.
    A check in December 2025 and a draft are outside the counts."""
    rows = Rows(store)
    oak, elm = rows.org("Oak Academy", "school"), rows.org("Elm Primary", "school")
    la = rows.org("Early Help Hub", "early_help")
    oak_children = [
        rows.add(
            "children",
            {
                "current_school_id": oak,
                "date_of_birth": "2012-10-01",
                "sex": "M" if i < 6 else "F",
                "postcode": "LS6 1AA",
            },
            org=oak,
        )
        for i in range(12)
    ]
    elm_children = [
        rows.add(
            "children",
            {"current_school_id": elm, "date_of_birth": "2016-03-01", "sex": "F", "postcode": "LS7 2BB"},
            org=elm,
        )
        for _ in range(3)
    ]
    for i in range(6):
        rows.add("triage_results", _check(2, ["attendance"], "2026-01-10"), child=oak_children[i], org=oak)
    for i in range(5):
        rows.add("triage_results", _check(3, ["behaviour", "semh"], "2026-01-20"), child=oak_children[6 + i], org=oak)
    for i in range(5):
        rows.add("triage_results", _check(4, ["safeguarding"], "2026-02-03"), child=oak_children[i], org=oak)
    for i in range(2):
        rows.add("triage_results", _check(3, ["semh"], "2026-01-15"), child=elm_children[i], org=elm)
    rows.add("triage_results", _check(4, ["semh"], "2025-12-15"), child=elm_children[2], org=elm)
    rows.add("triage_results", {**_check(1, [], "2026-01-15"), "state": "draft"}, child=elm_children[2], org=elm)
    # Referrals sent in January from Oak: 7 to Family Support (4 declined as inappropriate, 3 accepted), 5 to CAMHS
    # (acknowledged the next day, 5 accepted); from Elm 1 to CAMHS, declined, not inappropriate. A draft never sent.
    for i in range(7):
        rows.add(
            "referrals",
            {
                "sent_at": "2026-01-05T09:00:00+00:00",
                "service_name": "Family Support",
                "status": "declined" if i < 4 else "accepted",
                "inappropriate": i < 4,
            },
            child=oak_children[i],
            org=oak,
        )
    for i in range(5):
        rows.add(
            "referrals",
            {
                "sent_at": "2026-01-06T09:00:00+00:00",
                "acknowledged_at": "2026-01-07T09:00:00+00:00",
                "service_name": "CAMHS",
                "status": "accepted",
                "inappropriate": False,
            },
            child=oak_children[i],
            org=oak,
        )
    rows.add(
        "referrals",
        {"sent_at": "2026-01-08T09:00:00+00:00", "service_name": "CAMHS", "status": "declined", "inappropriate": False},
        child=elm_children[0],
        org=elm,
    )
    rows.add("referrals", {"service_name": "CAMHS", "status": "draft"}, child=elm_children[1], org=elm)
    # Suspensions at Oak: 6 (children 0–5, boys), one permanent exclusion (child 6); at Elm one suspension.
    for i in range(6):
        rows.add(
            "exclusions",
            {"school_id": oak, "kind": "suspension", "first_day": "2026-01-12", "sessions": 2},
            child=oak_children[i],
            org=oak,
        )
    rows.add(
        "exclusions", {"school_id": oak, "kind": "permanent", "first_day": "2026-02-12"}, child=oak_children[6], org=oak
    )
    rows.add(
        "exclusions",
        {"school_id": elm, "kind": "suspension", "first_day": "2026-02-02", "sessions": 1},
        child=elm_children[0],
        org=elm,
    )
    # The cliff edge: Oak's children 0–4 get free school meals and SEN support (with their January suspension,
    # three indicators, and from 3 February a level-4 check, four); child 5 has free school meals and is a child
    # in need (statutory support) besides the suspension: as many indicators, supported.
    for i in range(5):
        rows.add("status_periods", {"kind": "free_school_meals", "start_date": "2025-01-01"}, child=oak_children[i])
        rows.add(
            "status_periods",
            {"kind": "sen_support", "start_date": "2025-06-01", "detail": "SLCN"},
            child=oak_children[i],
        )
    rows.add("status_periods", {"kind": "free_school_meals", "start_date": "2025-01-01"}, child=oak_children[5])
    rows.add("status_periods", {"kind": "child_in_need", "start_date": "2025-09-01"}, child=oak_children[5])

    # Attendance in January at Oak: children 0–4 miss 6 of 20 sessions (30%: persistent), child 5 misses 6 of 10
    # (severe), children 6–11 miss 1 of 20.
    def week(child: str, monday: str, missed: int, present: int) -> str:
        marks = ["N|" + oak + "|import"] * missed + ["/|" + oak + "|import"] * present
        sessions = [f"{d}_{h}" for d in ("mon", "tue", "wed", "thu", "fri") for h in ("am", "pm")]
        return rows.add(
            "attendance_weeks", {"week_start": monday, **dict(zip(sessions, marks, strict=False))}, child=child
        )

    for i in range(12):
        if i < 5:
            week(oak_children[i], "2026-01-05", 3, 7)
            week(oak_children[i], "2026-01-12", 3, 7)
        elif i == 5:
            severe_week = week(oak_children[i], "2026-01-05", 6, 4)
        else:
            week(oak_children[i], "2026-01-05", 1, 9)
            week(oak_children[i], "2026-01-12", 0, 10)
    # Directory searches: six from the directory page for SEMH at level 3 in LS6 (January), two from needs checks
    # flagging SEMH and family at level 4 in LS7 (February); one service, for SEMH at levels 2–3 in LS6 only.
    for _ in range(6):
        rows.add(
            "directory_searches",
            {
                "searched_on": "2026-01-20",
                "criteria": {"source": "directory", "need": "semh", "level": 3, "district": "LS6"},
            },
            org=oak,
        )
    for _ in range(2):
        rows.add(
            "directory_searches",
            {
                "searched_on": "2026-02-20",
                "criteria": {"source": "needs_check", "domains": ["family", "semh"], "level": 4, "district": "LS7"},
            },
            org=elm,
        )
    rows.add(
        "services",
        {
            "name": "Calm Minds",
            "document": {
                "id": "svc-1",
                "name": "Calm Minds",
                "status": "active",
                "service_areas": [{"id": "a1", "name": "LS6"}],
                "x_casedesk": {"levels": [2, 3], "need_domains": ["semh"]},
            },
        },
    )
    rows.flush()
    return {"oak": oak, "elm": elm, "la": la, "severe_week": severe_week}


def _section(dashboard: Dashboard, key: str):
    return next(s for s in dashboard.sections if s.key == key)


def _assert_protected(dashboard: Dashboard) -> None:
    """No withheld cell of any table can be solved for from the table's shown cells and totals."""
    for s in (s for s in dashboard.sections if s.people):
        t = s.table
        shape = (len(t.row_labels), len(t.column_labels))
        assert solvable(shape, set(t.suppressed), s.total_column, s.total_row) == set(), s.key
        assert all(
            t.values[r][c] == 0 or not 0 < t.values[r][c] < 5 or (r, c) in t.suppressed
            for r in range(shape[0])
            for c in range(shape[1])
        ), s.key


def test_needs_checks_are_counted_by_month_school_and_domain(store: ServerDB, area: dict[str, str]) -> None:
    dashboard = run(store, "needs", PERIOD, AREA_ALL)
    by_month = _section(dashboard, "levels_by_month").table
    assert by_month.row_labels == ("Jan 2026", "Feb 2026", "Total")
    assert by_month.values == ((0, 6, 7, 0, 13), (0, 0, 0, 5, 5), (0, 6, 7, 5, 18))
    by_school = _section(dashboard, "levels_by_school").table
    assert by_school.row_labels == ("Elm Primary", "Oak Academy", "Total")
    assert by_school.values == ((0, 0, 2, 0, 2), (0, 6, 5, 5, 16), (0, 6, 7, 5, 18))
    assert {(0, 2), (0, 4)} <= by_school.suppressed  # Elm's 2 checks, and its total
    assert (1, 2) in by_school.suppressed  # Oak's 5 at level 3 would give Elm's 2 back from the total of 7
    by_area = _section(dashboard, "levels_by_area").table
    assert by_area.row_labels == ("LS6", "LS7", "Total")
    domains = _section(dashboard, "domains_by_month").table
    assert domains.column_labels == ("Attendance", "Behaviour", "Safeguarding", "Social, emotional and mental health")
    assert domains.values[:2] == ((6, 5, 0, 7), (0, 0, 5, 0))
    _assert_protected(dashboard)
    shown = dashboard.to_json()["sections"][1]["rows"][0]["cells"]
    assert shown == [0, 0, None, 0, None]  # what leaves the server: a withheld count is None, never the count


def test_referrals_flows_rate_and_acknowledgement(store: ServerDB, area: dict[str, str]) -> None:
    dashboard = run(store, "referrals", PERIOD, AREA_ALL)
    flows = _section(dashboard, "flows").table
    assert flows.row_labels == ("Elm Primary", "Oak Academy", "Total")
    assert flows.column_labels == ("Family Support", "CAMHS", "Total")
    assert flows.values == ((0, 1, 1), (7, 5, 12), (7, 6, 13))
    rate = _section(dashboard, "inappropriate_by_month")
    assert rate.table.values[0] == (4, 9, 13)  # 13 decided in January, 4 inappropriate
    assert rate.rows()[0][-1] == MARK  # 4 is a small count: the rate would give it away
    ack = _section(dashboard, "acknowledgement").table
    assert dict(zip(ack.row_labels, (v[0] for v in ack.values), strict=False))["1–2 days"] == 5
    assert dict(zip(ack.row_labels, (v[0] for v in ack.values), strict=False))["Not acknowledged"] == 8
    _assert_protected(dashboard)


def test_exclusions_by_school_year_and_characteristic_beside_national_rates(
    store: ServerDB, area: dict[str, str]
) -> None:
    dashboard = run(store, "education", PERIOD, AREA_ALL)
    by_school = _section(dashboard, "exclusions_by_school").table
    assert by_school.row_labels == ("Elm Primary", "Oak Academy", "Total")
    assert by_school.values == ((1, 0, 0, 1), (6, 0, 1, 7), (7, 0, 1, 8))
    by_year = _section(dashboard, "exclusions_by_year").table
    assert by_year.row_labels == ("Year 5", "Year 8", "Total")  # born Mar 2016 / Oct 2012: in 2025/26
    characteristic = _section(dashboard, "exclusions_by_characteristic")
    rows = {row[0]: row for row in characteristic.rows()}
    assert characteristic.table.values[0] == (8, 7, 15)  # 8 of the 15 children held were suspended or excluded
    assert rows["Boys"][1:4] == ["6", "0", "6"]
    assert rows["Boys"][-1] == "3.3%" and "2016/17" in characteristic.extra_columns[-1]  # the national rate, its year
    absence = _section(dashboard, "absence_by_school").table
    assert absence.row_labels == ("Oak Academy", "Total")
    assert absence.values[0] == (1, 5, 6, 12)  # severe, persistent, under 10%, children with marks
    persistent = {row[0]: row for row in _section(dashboard, "absence_by_characteristic").rows()}
    assert persistent["All children"][1:4] == ["6", "6", "12"]  # 6 of the 12 children with marks
    assert persistent["All children"][-2:] == ["50.0%", "10.8%"]  # local rate, national rate (2016/17)
    _assert_protected(dashboard)


def test_a_school_sees_only_its_own_figures(store: ServerDB, area: dict[str, str]) -> None:
    oak = audience_of(store, area["oak"], "manager")
    assert oak == Audience(SCHOOL, area["oak"], "Oak Academy")
    needs = run(store, "needs", PERIOD, oak)
    assert _section(needs, "levels_by_school").table.row_labels == ("Oak Academy", "Total")
    assert _section(needs, "levels_by_month").table.values[-1] == (0, 6, 5, 5, 16)
    referrals = run(store, "referrals", PERIOD, oak)
    assert _section(referrals, "flows").table.row_labels == ("Oak Academy", "Total")
    education = run(store, "education", PERIOD, oak)
    assert _section(education, "exclusions_by_characteristic").table.values[0] == (7, 5, 12)
    for name in REPORTS:
        text = str(run(store, name, PERIOD, oak).to_json())
        assert "Elm Primary" not in text
    assert audience_of(store, area["la"], "manager").scope == AREA


def test_roles_without_reports_and_bad_requests_are_refused(store: ServerDB, area: dict[str, str]) -> None:
    with pytest.raises(ReportError, match="role"):
        audience_of(store, area["oak"], "practitioner")
    with pytest.raises(ReportError, match="no report 'nope'"):
        run(store, "nope", PERIOD, AREA_ALL)
    with pytest.raises(ReportError, match="YYYY-MM-DD, not '2026-13-01'"):
        Period.parse("2026-13-01", None, date(2026, 3, 1))
    with pytest.raises(ReportError, match="after it ends"):
        Period.parse("2026-03-01", "2026-01-01", date(2026, 3, 1))


def test_facts_follow_later_changes_and_deletions(store: ServerDB, area: dict[str, str]) -> None:
    run(store, "referrals", PERIOD, AREA_ALL)
    rows = Rows(store)
    extra = rows.add(
        "referrals",
        {"sent_at": "2026-02-01T09:00:00+00:00", "service_name": "CAMHS", "status": "sent"},
        org=area["elm"],
    )
    rows.flush()
    assert _section(run(store, "referrals", PERIOD, AREA_ALL), "flows").table.values[-1][-1] == 14
    rows.change("referrals", extra, {}, deleted=True)
    assert _section(run(store, "referrals", PERIOD, AREA_ALL), "flows").table.values[-1][-1] == 13
    assert facts.catch_up(store) == 0  # nothing new: nothing read again
    severe = _section(run(store, "education", PERIOD, AREA_ALL), "absence_by_school").table.values[0]
    assert severe == (1, 5, 6, 12)
    rows.change("attendance_weeks", area["severe_week"], {}, deleted=True)  # child 5's only week: 6 of 10 missed
    after = _section(run(store, "education", PERIOD, AREA_ALL), "absence_by_school").table.values[0]
    assert after == (0, 5, 6, 11)  # the month facts follow a deleted week


def test_the_command_writes_csv_and_a_pdf_pack_and_refuses_bad_input(
    store: ServerDB, area: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import subprocess

    from casedesk.server.cli import main

    url = store.url
    span = ["--from", "2026-01-01", "--to", "2026-02-28"]
    assert main(["--database-url", url, "report", "needs", *span, "--format", "csv"]) == 0
    text = capsys.readouterr().out
    assert "Levels of need by the child's school" in text and "Elm Primary,0,0,c,0,c" in text
    out = tmp_path / "pack.pdf"
    assert main(["--database-url", url, "report", "all", *span, "--format", "pdf", "--out", str(out)]) == 0
    pdf = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    for title in ("Needs checks", "Referrals", "The cliff-edge cohort over time", "2016/17"):
        assert title in pdf
    oak = tmp_path / "oak.csv"
    assert main(["--database-url", url, "report", "referrals", *span, "--org", area["oak"], "--out", str(oak)]) == 0
    assert "Elm Primary" not in oak.read_text(encoding="utf-8-sig")
    capsys.readouterr()
    assert main(["--database-url", url, "report", "nope"]) == 2
    assert "no report 'nope'" in capsys.readouterr().err
    assert main(["--database-url", url, "report", "needs", "--from", "01/02/2026"]) == 2
    assert "--from must be a date written YYYY-MM-DD" in capsys.readouterr().err
    assert main(["--database-url", url, "report", "needs", "--format", "pdf"]) == 2
    assert "needs --out" in capsys.readouterr().err


def test_the_cliff_edge_cohort_month_by_month(store: ServerDB, area: dict[str, str]) -> None:
    dashboard = run(store, "cliff_edge", PERIOD, AREA_ALL)
    by_month = _section(dashboard, "cohort_by_month").table
    assert by_month.row_labels == ("Jan 2026", "Feb 2026")
    assert by_month.values == ((5, 1, 6), (5, 1, 6))  # five on the edge, one supported (a child in need)
    assert by_month.display()[0][1:] == [MARK, MARK, "6"]  # 6 − 5 would give the 1 back
    by_school = _section(dashboard, "cohort_by_school").table
    assert by_school.row_labels == ("Oak Academy", "Total") and by_school.values[0] == (5,)
    assert _section(dashboard, "cohort_by_year").table.row_labels == ("Year 8", "Total")
    before = run(store, "cliff_edge", Period(date(2025, 12, 1), date(2025, 12, 31)), AREA_ALL)
    assert _section(before, "cohort_by_month").table.values == ((0, 0, 0),)  # no suspension yet
    _assert_protected(dashboard)


def test_directory_searches_and_gaps(store: ServerDB, area: dict[str, str]) -> None:
    dashboard = run(store, "directory", PERIOD, AREA_ALL)
    by_month = _section(dashboard, "searches_by_month").table
    assert by_month.values == ((6, 0, 6), (0, 2, 2), (6, 2, 8))
    assert _section(dashboard, "searches_by_level").table.row_labels == ("Level 3", "Level 4", "Total")
    need = _section(dashboard, "searches_by_need").table
    assert dict(zip(need.row_labels, need.values, strict=True)) == {
        "Family": (0, 2, 2),
        "Social, emotional and mental health": (6, 2, 8),
    }
    gaps = _section(dashboard, "gaps_by_level").table
    semh = gaps.row_labels.index("Social, emotional and mental health")
    assert gaps.values[semh] == (0, 1, 1, 0) and not gaps.suppressed
    by_area = {row[0]: row[-1] for row in _section(dashboard, "gaps_by_area").rows()}
    assert by_area == {"LS6": "none", "LS7": "Family, Social, emotional and mental health"}
    _assert_protected(dashboard)
