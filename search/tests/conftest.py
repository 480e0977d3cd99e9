"""A small newsroom to search: articles in two sections, tagged with topics, countries and
entities, plus a draft and a private article that must never show."""

import datetime
from dataclasses import dataclass

import pytest
from wagtail.models import PageViewRestriction

from enrichment import services as enrichment_services
from enrichment.models import ArticleEntity, Entity, EntityAlias, Status
from newsroom.tests.factories import ArticlePageFactory, TopicFactory

NOW = datetime.datetime(2024, 5, 10, 12, 0, tzinfo=datetime.UTC)


def days_ago(days):
    return NOW - datetime.timedelta(days=days)


def body(*paragraphs):
    return {
        f"body__{number}__paragraph__value": f"<p>{text}</p>"
        for number, text in enumerate(paragraphs)
    }


@dataclass
class Newsroom:
    site_tree: object
    articles: dict
    poutine: Entity
    energy: object
    diplomacy: object

    def __getitem__(self, name):
        return self.articles[name]


def tag(article, entity, *, with_callbacks):
    """An editor accepts `entity` on `article` (the search index follows after commit)."""
    row = ArticleEntity.objects.create(article=article, entity=entity, score=0.9)
    with with_callbacks(execute=True):
        enrichment_services.decide(row, Status.ACCEPTED)
    return row


@pytest.fixture
def newsroom(site_tree, django_capture_on_commit_callbacks):
    """Six published articles (Maghreb and Golfe, 1 to 6 days old), a draft, a private one."""
    energy = TopicFactory(name="Énergie", slug="energie")
    diplomacy = TopicFactory(name="Diplomatie", slug="diplomatie")
    maghreb, golfe = site_tree.maghreb, site_tree.golfe
    articles = {
        "minsk": ArticlePageFactory(
            parent=maghreb,
            title="Alger et Minsk signent un accord gazier",
            standfirst="La Biélorussie achètera du gaz algérien dès l'an prochain.",
            first_published_at=days_ago(1),
            countries=["DZ", "BY"],
            topics=[energy],
            **body("Le ministre a salué un partenariat « historique » avec Minsk."),
        ),
        "cairo": ArticlePageFactory(
            parent=golfe,
            title="Le Qatar finance une centrale en Égypte",
            standfirst="Doha investit dans l'électricité égyptienne.",
            first_published_at=days_ago(2),
            countries=["QA", "EG"],
            topics=[energy],
            **body("La centrale sera construite près du Caire, en Égypte, d'ici 2026."),
        ),
        "kremlin": ArticlePageFactory(
            parent=golfe,
            title="Le président russe reçu à Riyad",
            standfirst="Vladimir Poutine a rencontré le prince héritier saoudien.",
            first_published_at=days_ago(3),
            countries=["SA"],
            topics=[diplomacy],
            **body("Les deux dirigeants ont parlé de pétrole et de la guerre en Ukraine."),
        ),
        "tunis": ArticlePageFactory(
            parent=maghreb,
            title="Élections municipales à Tunis",
            standfirst="L'électorat biélorusse de Tunis ne vote pas : reportage.",
            first_published_at=days_ago(4),
            countries=["TN"],
            topics=[diplomacy],
            **body("Le scrutin s'est tenu dans le calme, selon les observateurs."),
        ),
        "oil": ArticlePageFactory(
            parent=golfe,
            title="Le prix du pétrole recule",
            standfirst="Les cours du brut baissent à Dubaï.",
            first_published_at=days_ago(5),
            countries=["AE"],
            **body("Le baril perd deux dollars, le gaz reste stable."),
        ),
        "rabat": ArticlePageFactory(
            parent=maghreb,
            title="Rabat accueille une conférence sur l'eau",
            standfirst="Les ministres du Maghreb débattent de la sécheresse.",
            first_published_at=days_ago(6),
            countries=["MA"],
            **body("La Biélorussie était représentée par son ambassadeur."),
        ),
    }
    articles["draft"] = ArticlePageFactory(
        parent=maghreb,
        title="Brouillon sur la Biélorussie et l'Égypte",
        standfirst="Biélorussie, Égypte, Poutine, pétrole : pas encore publié.",
        publish=False,
    )
    articles["private"] = ArticlePageFactory(
        parent=golfe,
        title="Note privée sur la Biélorussie et l'Égypte",
        standfirst="Biélorussie, Égypte, Poutine, pétrole : réservé à la rédaction.",
        first_published_at=days_ago(1),
    )
    PageViewRestriction.objects.create(
        page=articles["private"], restriction_type=PageViewRestriction.LOGIN
    )
    poutine = Entity.objects.create(kind="PER", name="Vladimir Poutine", slug="vladimir-poutine")
    for alias in ("Poutine", "Putin", "Vladimir Putin", "بوتين"):
        EntityAlias.objects.create(entity=poutine, name=alias)
    tag(articles["kremlin"], poutine, with_callbacks=django_capture_on_commit_callbacks)
    for name in ("draft", "private"):
        ArticleEntity.objects.create(article=articles[name], entity=poutine, status=Status.ACCEPTED)
    return Newsroom(site_tree, articles, poutine, energy, diplomacy)
