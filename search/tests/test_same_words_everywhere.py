"""A reader's search and a keyword alert find the same articles for the same words (issue
#13): accents, elisions, capitals and plurals read one way in both.

Both sides run for real: `search_articles` over the search index, and readers following
keywords, indexed and matched by mailing as a publication is (`match_article`).
"""

import pytest

from mailing.matching import index_subscriber, match_article
from mailing.models import Frequency, PendingMatch, Subscriber, Subscription
from newsroom.tests.factories import ArticlePageFactory
from search.services import search_articles

pytestmark = pytest.mark.django_db

ARTICLES = {
    "sanctions": ("De nouvelles sanctions contre Minsk", "Bruxelles durcit le ton."),
    "sanction": ("Une sanction symbolique pour le club", "La ligue a tranché."),
    "egypte": ("Le Caire : l'Égypte relève ses taux", "La banque centrale agit."),
    "egypte-capitales": ("EGYPTE : LE DOLLAR FLAMBE", "Les bureaux de change ferment."),
    "bielorussie": ("La Biélorussie ferme sa frontière", "Les camions attendent."),
    "bielorusse": ("Un opposant biélorusse arrêté", "Il rentrait de Vilnius."),
    "petrole": ("Le prix du pétrole recule", "Le baril perd deux dollars."),
}

# What a reader finds with each word, and so what an alert on it must bring.
FOUND = {
    "sanctions": {"sanctions", "sanction"},
    "sanction": {"sanctions", "sanction"},
    "l'Égypte": {"egypte", "egypte-capitales"},
    "egypte": {"egypte", "egypte-capitales"},
    "ÉGYPTE": {"egypte", "egypte-capitales"},
    "Biélorussie": {"bielorussie", "bielorusse"},
    "bielorussie": {"bielorussie", "bielorusse"},
    "biélorusse": {"bielorussie", "bielorusse"},
}


@pytest.fixture
def articles(site_tree):
    return {
        name: ArticlePageFactory(
            parent=site_tree.maghreb,
            title=title,
            standfirst=standfirst,
            body__0__paragraph__value=f"<p>{standfirst}</p>",
        )
        for name, (title, standfirst) in ARTICLES.items()
    }


def searched(articles, word):
    names = {article.pk: name for name, article in articles.items()}
    return {names[item.article_id] for item in search_articles(word).ranked}


def alerted(articles, word):
    """The articles a reader following `word` hears about, matched as publishing does (an
    instant alert: its recipients are written at publication; a digest decides later)."""
    reader = Subscriber.objects.create(
        email=f"lectrice{Subscriber.objects.count()}@example.org",
        status=Subscriber.Status.ACTIVE,
    )
    Subscription.objects.create(
        subscriber=reader, kind="keywords", value=word, frequency=Frequency.INSTANT
    )
    index_subscriber(reader)
    for article in articles.values():
        match_article(article)
    matched = set(PendingMatch.objects.filter(subscriber=reader).values_list("article_id"))
    return {name for name, article in articles.items() if (article.pk,) in matched}


@pytest.mark.parametrize("word", FOUND)
def test_a_keyword_alert_brings_what_a_search_finds(articles, word):
    assert searched(articles, word) == FOUND[word]
    assert alerted(articles, word) == FOUND[word]
