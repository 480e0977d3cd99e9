"""Datelines as French newsrooms print them, and sentences that only look like them."""

from datetime import date

import pytest

from ingest.dateline import parse_french_date, split_dateline


@pytest.mark.parametrize(
    ("text", "places", "when", "agency", "rest"),
    [
        (
            "(Rome, Paris, 19 décembre 2022). Le président russe rencontre",
            ("Rome", "Paris"),
            date(2022, 12, 19),
            "",
            "Le président russe rencontre",
        ),
        ("TUNIS – Le gouvernement a annoncé", ("Tunis",), None, "", "Le gouvernement a annoncé"),
        ("Le Caire (AFP) – Les autorités ont", ("Le Caire",), None, "AFP", "Les autorités ont"),
        (
            "BEYROUTH, 12 mars (Reuters) - Le port",
            ("Beyrouth",),
            date(2023, 3, 12),
            "Reuters",
            "Le port",
        ),
        ("Paris, le 3 mai 2023 — Le texte", ("Paris",), date(2023, 5, 3), "", "Le texte"),
        ("RABAT, 1er juin 2021 - Le roi", ("Rabat",), date(2021, 6, 1), "", "Le roi"),
        ("(Tunis). Le texte", ("Tunis",), None, "", "Le texte"),
        ("LE CAIRE – Texte", ("Le Caire",), None, "", "Texte"),
    ],
)
def test_french_press_datelines_are_split_from_the_text(text, places, when, agency, rest):
    dateline, remainder = split_dateline(text, default_year=2023)
    assert dateline is not None
    assert dateline.places == places
    assert dateline.date == when
    assert dateline.agency == agency
    assert remainder == rest


@pytest.mark.parametrize(
    "text",
    [
        "Le président a dit - non sans humour - que",
        "Emmanuel Macron - le chef de l'État - a déclaré",
        "(voir plus bas). Texte",
        "(selon nos informations, mardi). Texte",
        "Le Caire – une ville",  # mixed case, no agency, no date: could be a sentence
        "Une phrase ordinaire sans lieu.",
    ],
)
def test_sentences_are_not_taken_for_datelines(text):
    dateline, remainder = split_dateline(text, default_year=2023)
    assert dateline is None
    assert remainder == text


def test_a_date_without_year_needs_a_default_year():
    assert parse_french_date("12 mars") is None
    assert parse_french_date("12 mars", default_year=2024) == date(2024, 3, 12)
    assert parse_french_date("lundi 1er février 2021") == date(2021, 2, 1)
    assert parse_french_date("31 février 2021") is None
