"""The directory model and matching: every rule is a row in a table, with the words staff will read."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest

from casedesk.domain.directory.match import judge, match_services
from casedesk.domain.directory.model import (
    Service,
    ServiceArea,
    format_ages,
    format_levels,
    normalise_district,
    postcode_districts_in,
)

BASE = Service(
    id="s",
    name="Base",
    levels=(2, 3),
    need_domains=("semh", "family"),
    minimum_age=5,
    maximum_age=16,
    service_areas=(ServiceArea("a", "LS6, LS7"),),
)


@pytest.mark.parametrize(
    ("levels", "text"),
    [
        ((3, 4), "levels 3–4"),
        ((2,), "level 2"),
        ((1, 3), "levels 1, 3"),
        ((4, 1, 2, 3), "levels 1–4"),
        ((), "no stated levels"),
    ],
)
def test_format_levels(levels: tuple[int, ...], text: str) -> None:
    assert format_levels(levels) == text


@pytest.mark.parametrize(
    ("low", "high", "text"),
    [(11, 18, "ages 11–18"), (5, None, "ages 5 and over"), (None, 11, "ages up to 11"), (None, None, "any age")],
)
def test_format_ages(low: int | None, high: int | None, text: str) -> None:
    assert format_ages(low, high) == text


@pytest.mark.parametrize(
    ("text", "district"),
    [("ls6", "LS6"), ("LS6 3AB", "LS6"), (" LS12 ", "LS12"), ("Leeds", None), ("", None), (None, None)],
)
def test_normalise_district(text: str | None, district: str | None) -> None:
    assert normalise_district(text) == district


@pytest.mark.parametrize(
    ("text", "districts"),
    [
        ("LS6, LS7", {"LS6", "LS7"}),
        ("Leeds: LS1–LS4", {"LS1", "LS2", "LS3", "LS4"}),
        ("LS10-12 and BD1", {"LS10", "LS11", "LS12", "BD1"}),
        ("All of the city", set()),
    ],
)
def test_postcode_districts_in(text: str, districts: set[str]) -> None:
    assert postcode_districts_in(text) == districts


# Each row: changes to BASE, then the child (level, domains, age, district), then fits and the words expected.
CASES = [
    ({}, (2, {"semh": 3}, 10, "LS6"), True, "serves levels 2–3; this child is level 2"),
    ({"levels": (3, 4)}, (2, {"semh": 3}, 10, "LS6"), False, "serves levels 3–4; this child is level 2"),
    ({"levels": (1,)}, (3, {"semh": 3}, 10, "LS6"), False, "serves level 1; this child is level 3"),
    ({"minimum_age": 11, "maximum_age": 18}, (2, {"semh": 3}, 8, "LS6"), False, "ages 11–18; this child is 8"),
    ({"minimum_age": 11, "maximum_age": 18}, (2, {"semh": 3}, 18, "LS6"), True, "ages 11–18; this child is 18"),
    ({}, (2, {"semh": 3}, None, "LS6"), True, "ages 5–16; this child's age is not known"),
    ({}, (2, {"semh": 3}, 10, "LS12"), False, "covers LS6, LS7; this child lives in LS12"),
    ({}, (2, {"semh": 3}, 10, "ls7 2ab"), True, "covers LS7, where this child lives"),
    ({}, (2, {"semh": 3}, 10, None), True, "covers LS6, LS7; this child's district is not known"),
    ({"service_areas": ()}, (2, {"semh": 3}, 10, "LS12"), True, "area covered is not stated"),
    ({"levels": ()}, (4, {"semh": 3}, 10, "LS6"), True, "levels of need served are not stated"),
    ({}, (2, {"attendance": 2, "behaviour": 1}, 10, "LS6"), False, "does not work on Attendance and Behaviour"),
    ({}, (2, {"attendance": 0, "family": 2}, 10, "LS6"), True, "works on Family"),
    ({}, (2, {}, 10, "LS6"), True, "serves levels 2–3"),
    ({"status": "temporarily closed"}, (2, {"semh": 3}, 10, "LS6"), False, "the service is temporarily closed"),
]


@pytest.mark.parametrize(("changes", "child", "fits", "words"), CASES)
def test_matching_rules(changes: dict, child: tuple, fits: bool, words: str) -> None:
    level, domains, age, district = child
    match = judge(replace(BASE, **changes), level, domains, age, district)
    assert match.fits is fits
    assert any(words in text for text in match.reasons + match.problems), (match.reasons, match.problems)
    assert (words in match.explanation) or fits


def test_non_fit_lists_every_reason() -> None:
    match = judge(replace(BASE, levels=(3, 4), minimum_age=11, maximum_age=18), 2, {"semh": 1}, 8, "LS12")
    assert match.problems == (
        "serves levels 3–4; this child is level 2",
        "ages 11–18; this child is 8",
        "covers LS6, LS7; this child lives in LS12",
    )


def test_ranking_fits_first_then_cover_then_wait() -> None:
    services = [
        replace(BASE, id="wrong-level", name="A wrong level", levels=(4,)),
        replace(BASE, id="semh-only", name="B semh only", need_domains=("semh",)),
        replace(BASE, id="both-slow", name="C both slow", typical_wait_days=120),
        replace(BASE, id="both-fast", name="D both fast", typical_wait_days=7),
        replace(BASE, id="two-problems", name="E two problems", levels=(4,), maximum_age=9),
    ]
    ranked = match_services(services, 2, {"semh": 3, "family": 2}, 12, "LS6")
    assert [m.service.id for m in ranked] == ["both-fast", "both-slow", "semh-only", "wrong-level", "two-problems"]
    assert [m.fits for m in ranked] == [True, True, True, False, False]
    assert ranked[0].reasons[0] == "works on Social, emotional and mental health and Family"


def test_sample_directory_matching() -> None:
    from casedesk.domain.directory.oruk import sample_services

    ranked = match_services(sample_services(), 2, {"semh": 3}, 13, "LS6")
    fits = [m for m in ranked if m.fits]
    assert fits and all("semh" in m.service.need_domains and 2 in m.service.levels for m in fits)
    assert len(ranked) == len(sample_services())
    camhs = next(m for m in ranked if m.service.name.startswith("Children and Young People's Mental Health"))
    assert not camhs.fits and "serves levels 3–4; this child is level 2" in camhs.problems


def test_domain_stays_free_of_qt_and_the_database() -> None:
    code = (
        "import sys, casedesk.domain.directory.model, casedesk.domain.directory.match, casedesk.domain.directory.oruk, "
        "casedesk.domain.directory.oruk_csv, casedesk.domain.directory.oruk_export\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in {'sqlalchemy', 'PySide6'}"
        " or m.startswith('casedesk.store')]\n"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_directory_and_triage_speak_the_same_need_domains() -> None:
    from casedesk.domain.directory.model import NeedDomain
    from casedesk.domain.triage.model import NEED_DOMAINS

    assert {d.value for d in NeedDomain} == set(NEED_DOMAINS)
