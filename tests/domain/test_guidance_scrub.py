"""Questions are kept only after names on the caseload, identifiers, dates, postcodes and addresses are taken out."""

from __future__ import annotations

import pytest

from casedesk.domain.guidance.scrub import scrub

NAMES = ["Aisha", "Khan", "Jayden-Lee", "O'Brien", "Mr Tom Price"]


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("Can I share Aisha Khan's file with CAMHS?", "Can I share [name] [name] file with CAMHS?"),
        ("aisha KHAN missed school", "[name] [name] missed school"),
        ("Jayden-Lee O'Brien keeps running off", "[name]-[name] [name] keeps running off"),
        ("UPN B801200005001 is flagged", "UPN [UPN] is flagged"),
        ("temporary upn A80120000500X here", "temporary upn [UPN] here"),
        ("NHS 943 476 5870 and 9434765870", "NHS [NHS number] and [NHS number]"),
        ("born 12/03/2015, seen 2026-11-01", "born [date], seen [date]"),
        ("dob 3rd March 2014", "dob [date]"),
        ("DOB March 3, 2014", "DOB [date]"),
        ("lives at LS6 3AB near ls63ab", "lives at [postcode] near [postcode]"),
        ("family at 14 Acacia Avenue need help", "family at [address] need help"),
        ("flat 2b, 7 Mill Lane", "flat 2b, [address]"),
        ("email tom.price@school.example.org or 0113 496 0000", "email [email] or [phone]"),
        ("ref 12345678 on the form", "ref [number] on the form"),
        ("how do I chase a referral", "how do I chase a referral"),
    ],
)
def test_personal_data_is_replaced(question: str, kept: str) -> None:
    assert scrub(question, NAMES) == kept


def test_the_worker_names_are_scrubbed_by_part() -> None:
    assert scrub("Tom said to ask Price about it", NAMES) == "[name] said to ask [name] about it"


def test_a_name_inside_a_longer_word_stays() -> None:
    assert scrub("Khanage and Aishaw are not names here", NAMES) == "Khanage and Aishaw are not names here"
