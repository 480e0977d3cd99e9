"""Plain text pasted from a partner page: the seed page and French press conventions."""

from datetime import date

import pytest

from ingest.exceptions import EmptyArticle
from ingest.formats import RawDocument, detect_adapter
from ingest.formats.plaintext import PlainTextAdapter

from .helpers import SEED

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="../shared/seed is not present")


@pytest.fixture
def seed_article():
    return PlainTextAdapter().extract(RawDocument(SEED.read_bytes()))[0]


def test_the_seed_page_is_detected_as_plain_text():
    assert detect_adapter(RawDocument(SEED.read_bytes())).name == "plaintext"


def test_seed_headline_is_found_under_the_site_tagline(seed_article):
    assert seed_article.title == (
        "Vladimir Poutine en pèlerinage chez Loukachenko. Ce que cela signifie pour le conflit"
    )
    assert "actualité du Proche" not in seed_article.text()


def test_seed_dateline_opens_the_standfirst(seed_article):
    assert seed_article.dateline.places == ("Rome", "Paris")
    assert seed_article.dateline.date == date(2022, 12, 19)
    assert seed_article.standfirst.startswith("Le président russe rencontre aujourd’hui")
    assert not seed_article.standfirst.startswith("(")


def test_seed_read_also_line_becomes_a_link_not_body_text(seed_article):
    assert [link.title for link in seed_article.read_also] == [
        "L’Union européenne s’accorde sur un plafonnement du prix du gaz"
    ]
    # It stood after the fourth body paragraph.
    assert seed_article.read_also[0].position == 4
    assert not any("A lire" in paragraph for paragraph in seed_article.body)


def test_seed_partner_credit_is_found(seed_article):
    assert seed_article.source.outlet == "Formiche"
    assert seed_article.source.author == "Matteo Turato"


def test_seed_chrome_is_not_body(seed_article):
    assert len(seed_article.body) == 5
    assert seed_article.body[-1].startswith("En février, Moscou")
    assert not any("newsletter" in paragraph for paragraph in seed_article.body)
    assert seed_article.language == "fr"


def test_agency_dateline_and_kicker_in_a_pasted_dispatch():
    text = (
        "Mena News\n\nÉCONOMIE\n\nLa banque centrale relève son taux directeur\n\n"
        "TUNIS (TAP) – La banque centrale a relevé mercredi son taux directeur de 50 points de "
        "base, pour contenir une inflation qui reste élevée selon ses services.\n\n"
        "La décision a été prise à l'issue de la réunion mensuelle du conseil, qui a examiné "
        "l'évolution des prix et du crédit au cours du trimestre écoulé.\n\n"
        "Lire aussi : Le dinar face à l'euro\n\nSuivez-nous sur les réseaux sociaux\n"
    )
    article = PlainTextAdapter().extract_text(text)
    assert article.kicker == "ÉCONOMIE"
    assert article.title == "La banque centrale relève son taux directeur"
    assert article.dateline.places == ("Tunis",)
    assert article.standfirst.startswith("La banque centrale a relevé")
    assert [link.title for link in article.read_also] == ["Le dinar face à l'euro"]
    assert all("Suivez-nous" not in paragraph for paragraph in article.body)


def test_text_without_any_paragraph_is_refused():
    with pytest.raises(EmptyArticle):
        PlainTextAdapter().extract_text("Un titre\n\nUn autre titre court")
