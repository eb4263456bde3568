"""The shared CSV writer: cells that a spreadsheet would run as a formula are written as text."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from casedesk.domain.spreadsheet import csv_text, safe_cell, write_csv


@pytest.mark.parametrize(
    "typed",
    ['=HYPERLINK("http://x.example","click")', "+44 113", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "＝1+1"],
)
def test_text_that_starts_a_formula_is_neutralised(typed: str) -> None:
    assert safe_cell(typed) == "'" + typed


def test_ordinary_values_are_written_as_they_are() -> None:
    assert safe_cell("Amelia O'Brien") == "Amelia O'Brien"
    assert safe_cell(-3) == -3 and safe_cell(2.5) == 2.5  # numbers are numbers, not text
    assert safe_cell(None) == "" and safe_cell(True) == "Yes" and safe_cell(date(2026, 3, 1)) == "2026-03-01"


def test_the_file_round_trips_with_the_apostrophe_and_a_bom(tmp_path: Path) -> None:
    out = tmp_path / "cohort.csv"
    write_csv(out, ["Name", "Indicators"], [["=cmd|' /C calc'!A0", 3], ["Zoë, Smith", 2]])
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows == [["Name", "Indicators"], ["'=cmd|' /C calc'!A0", "3"], ["Zoë, Smith", "2"]]
    assert not list(tmp_path.glob("*.partial"))
    assert csv_text(["a"], [["@x"]]) == "a\r\n'@x\r\n"
