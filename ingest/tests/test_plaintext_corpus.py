"""Real-shaped plain texts, as editors paste them: every article read, every field right.

Issue #14: about one in six real articles was refused (“No headline before the first
paragraph”) because a long question, a quote or a date line under the headline looked like
a paragraph. The corpus (`plaintext_cases`) holds every style seen — questions, quotes,
“X - Y : Z”, kickers, bylines, stamps, date lines, credits, CRLF, BOM, cp1252 — and the
texts that are not articles, each refused with its own reason.
"""

import pytest
from django.utils import translation

from ingest.exceptions import ArticleWithoutBody, EmptyArticle, OneLineText
from ingest.formats import RawDocument, detect_adapter
from ingest.formats.plaintext import PlainTextAdapter

from .plaintext_cases import differences, load_cases

CASES = load_cases()
ARTICLES = [case for case in CASES if not case.refused]
REFUSED = [case for case in CASES if case.refused]


def test_the_corpus_covers_many_styles_and_refusals():
    assert len(ARTICLES) >= 60
    assert {case.expected["error"] for case in REFUSED} == {
        "empty_article",
        "one_line_text",
        "no_article_body",
    }


@pytest.mark.parametrize("case", ARTICLES, ids=lambda case: case.name)
def test_each_article_is_read_with_every_expected_field(case):
    article = PlainTextAdapter().extract(RawDocument(case.content))[0]
    assert differences(article, case.expected) == []


@pytest.mark.parametrize("case", ARTICLES, ids=lambda case: case.name)
def test_each_article_is_detected_as_plain_text(case):
    assert detect_adapter(RawDocument(case.content)).name == "plaintext"


@pytest.mark.parametrize("case", REFUSED, ids=lambda case: case.name)
def test_what_is_not_an_article_is_refused_with_its_reason(case):
    with pytest.raises(EmptyArticle) as refusal:
        PlainTextAdapter().extract(RawDocument(case.content))
    assert refusal.value.code == case.expected["error"]


def test_the_issue_examples_are_read_with_their_headline():
    examples = {
        "Le port de Tanger est-il en train de devenir la première plateforme logistique de la "
        "Méditerranée ?": "",
        'Une infirmière de Gaza : "Nous n\'avons plus rien pour soigner les enfants"': "",
        "Liban - Énergie : pourquoi les coupures d'électricité reviennent-elles chaque été ?": "",
        "Papouasie : un séisme de magnitude 6,8 frappe la côte nord, pas d'alerte au "
        "tsunami": "\n12 avril 2024 . –",
    }
    body = (
        "Les autorités ont réuni les responsables des services concernés mardi matin.\n\n"
        "Un responsable du port a indiqué que les travaux se poursuivraient tout l'été."
    )
    for headline, under in examples.items():
        article = PlainTextAdapter().extract_text(f"{headline}{under}\n\n{body}")
        assert article.title == headline
        assert article.standfirst.startswith("Les autorités ont réuni")


def test_a_headline_without_body_names_the_headline_in_the_reason():
    with pytest.raises(ArticleWithoutBody) as refusal:
        PlainTextAdapter().extract_text("Les barrages au plus bas\n\nPar Claire Mercier\n")
    assert refusal.value.params == {"headline": "Les barrages au plus bas"}
    assert "Les barrages au plus bas" in refusal.value.message


@pytest.mark.parametrize(
    ("language", "one_line", "no_body"),
    [
        ("en", "The text is a single line", "Only a headline was found (“Un titre”)"),
        ("fr", "Le texte tient en une seule ligne", "Seul un titre a été trouvé (« Un titre »)"),
    ],
)
def test_refusals_say_why_in_french_and_english(language, one_line, no_body):
    with translation.override(language):
        with pytest.raises(OneLineText) as single:
            PlainTextAdapter().extract_text("Un titre\n")
        with pytest.raises(ArticleWithoutBody) as headline_only:
            PlainTextAdapter().extract_text("Un titre\n\nUn fragment\n")
    assert single.value.message.startswith(one_line)
    assert headline_only.value.message.startswith(no_body)


def test_a_kicker_above_a_story_that_opens_with_its_dateline_stays_the_only_headline():
    text = (
        "ÉCONOMIE\n\nTUNIS (TAP) – La banque centrale relève encore son taux directeur, pour la "
        "troisième fois de l'année !\n\n"
        "La décision a été prise à l'issue de la réunion mensuelle du conseil."
    )
    article = PlainTextAdapter().extract_text(text)
    assert article.title == "ÉCONOMIE"
    assert article.dateline.places == ("Tunis",)
    assert article.standfirst.startswith("La banque centrale relève")
