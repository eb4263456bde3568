"""Attendance rules against registers worked out by hand (DfE methodology: possible sessions exclude the
not-counted codes; persistent absence at 10%, severe at 50%)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casedesk.domain.attendance import national
from casedesk.domain.attendance.codes import Category, lookup
from casedesk.domain.attendance.summary import easter_sunday, summaries, summarise, terms, year_counts
from casedesk.domain.attendance.week import Mark, decode, session_field, week_id, week_start


def _week(monday: date, codes: list[str]) -> list[Mark]:
    """Ten codes, Monday AM to Friday PM ('' for no mark)."""
    out = []
    for index, code in enumerate(codes):
        if code:
            out.append(Mark(monday + timedelta(days=index // 2), "AM" if index % 2 == 0 else "PM", code))
    return out


MONDAY = date(2024, 10, 7)


def test_a_hand_worked_week() -> None:
    # Mon present both; Tue late then ill; Wed unauthorised both; Thu dual-registered and transport (not counted);
    # Fri a trip, then H (withdrawn holiday, authorised when in force).
    marks = _week(MONDAY, ["/", "\\", "L", "I", "O", "O", "D", "Y1", "V", "H"])
    s = summarise(marks, "week", MONDAY, MONDAY + timedelta(days=4))
    assert (s.present, s.approved, s.authorised, s.unauthorised, s.not_counted) == (3, 1, 2, 2, 2)
    assert s.possible == 8 and s.attended == 4 and s.absent == 4
    assert s.absence_rate == 50.0 and s.attendance_rate == 50.0
    assert s.unauthorised_rate == 25.0
    assert s.persistent and s.severe
    assert s.withdrawn == {"H": 1}


def test_thresholds_are_exact_in_whole_sessions() -> None:
    start = date(2024, 9, 2)
    days = [start + timedelta(days=i) for i in range(400) if (start + timedelta(days=i)).weekday() < 5][:190]

    def register(absent: int) -> list[Mark]:
        slots = [(d, h) for d in days for h in ("AM", "PM")]
        return [Mark(d, h, "O" if i < absent else "/") for i, (d, h) in enumerate(slots)]

    year_end = date(2025, 8, 31)
    assert summarise(register(38), "y", start, year_end).persistent  # 38 / 380 = 10%
    assert not summarise(register(37), "y", start, year_end).persistent
    assert summarise(register(190), "y", start, year_end).severe  # 190 / 380 = 50%
    assert not summarise(register(189), "y", start, year_end).severe
    assert summarise([], "y", start, year_end).absence_rate is None


def test_a_pupil_who_joins_mid_term_counts_only_sessions_on_roll() -> None:
    # Two weeks as a prospective pupil (Z, not counted), then a week on roll with one unauthorised day.
    marks = _week(MONDAY, ["Z"] * 10) + _week(MONDAY + timedelta(7), ["Z"] * 10)
    marks += _week(MONDAY + timedelta(14), ["/", "\\", "/", "\\", "N", "N", "/", "\\", "/", "\\"])
    autumn = summaries(marks, today=date(2025, 1, 1)).terms[0]
    assert autumn.possible == 10 and autumn.absent == 2 and autumn.not_counted == 20
    assert autumn.absence_rate == 20.0 and autumn.persistent and not autumn.severe


def test_year_terms_and_last_four_weeks() -> None:
    marks = _week(date(2024, 10, 7), ["/"] * 10)  # autumn
    marks += _week(date(2025, 4, 14), ["I"] * 10)  # the week before Easter Sunday 20 April: spring
    marks += _week(date(2025, 4, 21), ["/"] * 8 + ["G", "G"])  # the week after: summer
    result = summaries(marks, today=date(2025, 6, 1))
    assert result.year.label == "2024/25" and result.year.possible == 30 and result.year.absent == 12
    assert [(t.label, t.possible, t.absent) for t in result.terms] == [
        ("Autumn", 10, 0),
        ("Spring", 10, 10),
        ("Summer", 10, 2),
    ]
    assert result.latest == date(2025, 4, 25)
    recent = result.last_four_weeks
    assert recent is not None and recent.start == date(2025, 3, 29)
    assert (recent.possible, recent.authorised, recent.unauthorised) == (20, 10, 2)


def test_the_caseload_counts_agree_with_the_full_summary() -> None:
    marks = _week(date(2025, 6, 2), ["/", "\\", "O", "O", "D", "#", "I", "M", "H", "J"])  # 2024/25
    marks += _week(MONDAY + timedelta(days=364), ["/", "\\", "L", "N", "Y2", "Z", "C2", "K", "", ""])  # 2025/26
    counts = year_counts([(m.day, m.code) for m in marks])
    full = summaries(marks, today=date(2026, 1, 1)).year
    assert counts is not None and counts.start_year == 2025 and counts.latest == date(2025, 10, 9)
    assert (counts.possible, counts.absent) == (full.possible, full.absent) == (6, 2)
    assert year_counts([]) is None


def test_marks_after_today_are_not_counted() -> None:
    marks = _week(date(2024, 10, 7), ["/"] * 10)
    assert summaries(marks, today=date(2024, 10, 8)).year.possible == 4


def test_easter_and_terms() -> None:
    assert [easter_sunday(y) for y in (2024, 2025, 2026)] == [date(2024, 3, 31), date(2025, 4, 20), date(2026, 4, 5)]
    spring = terms(2025)[1]
    assert spring.start == date(2026, 1, 1) and spring.end == date(2026, 4, 4)


def test_codes_current_and_withdrawn() -> None:
    assert lookup("/") and lookup("/").category is Category.PRESENT  # type: ignore[union-attr]
    assert lookup("k").category is Category.APPROVED  # type: ignore[union-attr]
    assert lookup("Y3").category is Category.NOT_COUNTED  # type: ignore[union-attr]
    assert lookup("#").category is Category.ADMINISTRATIVE  # type: ignore[union-attr]
    for code in ("H", "J", "Y"):
        found = lookup(code)
        assert found is not None and found.withdrawn
    assert lookup("QQ") is None and lookup("") is None


def test_week_rows_and_session_values() -> None:
    assert week_start(date(2024, 10, 10)) == MONDAY
    assert week_id("c1", MONDAY) == week_id("c1", MONDAY) != week_id("c2", MONDAY)
    assert session_field(date(2024, 10, 11), "pm") == "fri_pm"
    with pytest.raises(ValueError, match="Saturday"):
        session_field(date(2024, 10, 12), "AM")
    mark = Mark(MONDAY, "AM", "C1", "school-1", "typed")
    assert decode(MONDAY, "AM", mark.encode()) == mark


def test_national_figures_match_the_published_totals() -> None:
    figures = national.figures_for(date(2010, 10, 1), date(2024, 10, 1), "F", free_school_meals=True)
    by_label = {f.label: f for f in figures}
    # England 2016/17: 113,475,287 of 2,440,216,810 possible sessions missed (4.7%); 10.8% persistent absentees
    assert by_label["All pupils"].absence_rate == 4.7 and by_label["All pupils"].persistent_rate == 10.8
    assert by_label["All pupils"].year == "2016/17"
    assert "Year 9" in by_label and "Girls" in by_label and "Eligible for free school meals" in by_label
    assert national.curriculum_year(date(2019, 9, 1), date(2024, 9, 2)) == 0  # Reception
    assert national.curriculum_year(date(2019, 8, 31), date(2024, 9, 2)) == 1
