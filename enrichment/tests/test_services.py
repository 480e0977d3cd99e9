"""Suggestions stored, decided by editors, kept across re-runs, and shown to readers."""

import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.search.backends import get_search_backend

from enrichment import services
from enrichment.gazetteer import Gazetteer, load_gazetteer
from enrichment.gazetteer_data import gazetteer_entries
from enrichment.models import ArticleCountry, ArticleEntity, ArticleTopic, Entity, Quote, Status
from enrichment.pipeline import Enricher
from enrichment.results import (
    CountryFound,
    EnrichedArticle,
    EntityFound,
    Mention,
    QuoteFound,
    TopicFound,
)
from newsroom.models import ArticlePage
from newsroom.tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db

PARAGRAPHS = [
    "Le président russe Vladimir Poutine a reçu son homologue biélorusse à Minsk, où les deux "
    "délégations ont discuté de commerce, d'énergie et de coopération militaire.",
    "Selon le Kremlin, les entretiens ont duré plusieurs heures. La partie biélorusse a insisté "
    "sur le prix du gaz russe et sur les livraisons prévues pour l'hiver prochain.",
]


@pytest.fixture(scope="module")
def curated():
    return Gazetteer.from_entries(gazetteer_entries())


@pytest.fixture
def article(site_tree):
    body = {
        f"body__{index}__paragraph__value": f"<p>{text}</p>"
        for index, text in enumerate(PARAGRAPHS)
    }
    return ArticlePageFactory(
        parent=site_tree.maghreb,
        title="Vladimir Poutine à Minsk",
        standfirst="Une visite consacrée au commerce et à l'énergie.",
        **body,
    )


def found(**changes):
    article = EnrichedArticle(
        title="t",
        body=("x",),
        entities=(
            EntityFound(
                "Vladimir Poutine",
                "PER",
                canonical="Vladimir Poutine",
                entity_key="vladimir-poutine",
                country="RU",
                mentions=(Mention("Poutine", 0, 7),),
                salience=0.8,
            ),
            EntityFound("Hadrien Vasseur", "PER", mentions=(Mention("Hadrien Vasseur", 9, 24),)),
        ),
        quotes=(QuoteFound("nous parlerons d'intégration", speaker="Vladimir Poutine"),),
        topics=(TopicFound("medtop:11000000", "politique", 0.7),),
        countries=(CountryFound("RU", 1.0, True), CountryFound("FR", 0.2, False)),
    )
    return article.replace(**changes)


def test_suggestions_are_stored_with_their_scores(article):
    load_gazetteer()

    summary = services.store_suggestions(article, found())

    assert (summary.entities, summary.topics, summary.countries, summary.quotes) == (2, 1, 2, 1)
    poutine = ArticleEntity.objects.get(article=article, entity__key="vladimir-poutine")
    assert (poutine.status, poutine.score, poutine.mentions) == (Status.SUGGESTED, 0.8, 1)
    assert Quote.objects.get(article=article).speaker == poutine.entity
    assert ArticleTopic.objects.get(article=article).topic.iptc_qcode == "medtop:11000000"
    assert not ArticleCountry.objects.get(article=article, country="FR").about


def test_an_unknown_name_becomes_a_new_entity_an_editor_can_merge(article):
    services.store_suggestions(article, found())

    newcomer = Entity.objects.get(name="Hadrien Vasseur")
    assert newcomer.key == "" and newcomer.kind == "PER"
    assert newcomer.aliases.filter(name="Hadrien Vasseur").exists()


def test_new_entities_are_searchable_once_stored_without_a_task_each(
    article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.store_suggestions(article, found())

    newcomer = Entity.objects.get(name="Hadrien Vasseur")
    assert list(get_search_backend().search("Vasseur", Entity)) == [newcomer]
    # One job after commit for every new record, not two queued tasks per record.
    assert len([c for c in callbacks if "index_new_entities" in repr(c)]) == 1


def test_re_running_never_overrides_an_editors_decision(article, admin_user):
    services.store_suggestions(article, found())
    rejected = ArticleEntity.objects.get(article=article, entity__name="Hadrien Vasseur")
    services.decide(rejected, Status.REJECTED, admin_user)

    services.store_suggestions(article, found())
    services.store_suggestions(article, found(entities=found().entities[:1]))

    rejected.refresh_from_db()
    assert rejected.status == Status.REJECTED


def test_a_suggestion_no_longer_found_is_dropped_unless_decided(article, admin_user):
    services.store_suggestions(article, found())
    accepted = ArticleCountry.objects.get(article=article, country="RU")
    services.decide(accepted, Status.ACCEPTED, admin_user)

    services.store_suggestions(article, found(countries=()))

    assert set(
        ArticleCountry.objects.filter(article=article).values_list("country", flat=True)
    ) == {"RU"}


def test_accepting_a_topic_publishes_it_on_the_page_through_a_revision(article, admin_user):
    services.store_suggestions(article, found())
    suggestion = ArticleTopic.objects.get(article=article)

    services.decide(suggestion, Status.ACCEPTED, admin_user)

    page = ArticlePage.objects.get(pk=article.pk)
    assert list(page.topics.all()) == [suggestion.topic]
    assert page.latest_revision.user == admin_user
    assert not page.has_unpublished_changes

    services.decide(suggestion, Status.REJECTED, admin_user)
    assert ArticlePage.objects.get(pk=article.pk).topics.count() == 0


def test_topics_and_countries_the_editor_set_count_as_accepted(article):
    article.countries = ["TN"]
    article.save_revision().publish()

    services.store_suggestions(article, found())

    tunisia = ArticleCountry.objects.get(article=article, country="TN")
    assert tunisia.status == Status.ACCEPTED and tunisia.by_editor


def test_the_real_pipeline_on_a_stored_article(article, curated):
    load_gazetteer()

    services.enrich_article_page(article, Enricher(gazetteer=curated))

    linked = set(
        ArticleEntity.objects.filter(article=article).values_list("entity__name", flat=True)
    )
    assert {"Vladimir Poutine", "Minsk", "Kremlin"} <= linked
    assert "RU" in set(
        ArticleCountry.objects.filter(article=article).values_list("country", flat=True)
    )


def test_an_editor_reviews_suggestions_in_the_admin(article, admin_client):
    services.store_suggestions(article, found())
    row = ArticleEntity.objects.get(article=article, entity__name="Hadrien Vasseur")
    review_url = reverse("enrichment_review", args=[article.pk])

    page = admin_client.get(review_url)
    decided = admin_client.post(
        reverse("enrichment_decide", args=[article.pk]),
        {"kind": "entity", "id": row.pk, "status": "accepted"},
    )
    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))

    assert page.status_code == 200 and "Hadrien Vasseur" in page.content.decode()
    assert decided.status_code == 302
    row.refresh_from_db()
    assert row.status == Status.ACCEPTED
    assert "Review suggestions" in edit.content.decode() or "suggestions" in edit.content.decode()


def test_an_editor_adds_an_entity_by_hand(article, admin_client):
    load_gazetteer()
    minsk = Entity.objects.get(key="minsk")

    admin_client.post(reverse("enrichment_add_entity", args=[article.pk]), {"entity": minsk.pk})

    row = ArticleEntity.objects.get(article=article, entity=minsk)
    assert row.status == Status.ACCEPTED and row.by_editor


def test_a_bad_decision_changes_nothing(article, admin_client):
    services.store_suggestions(article, found())
    row = ArticleEntity.objects.first()

    admin_client.post(
        reverse("enrichment_decide", args=[article.pk]),
        {"kind": "entity", "id": row.pk, "status": "deleted"},
    )

    row.refresh_from_db()
    assert row.status == Status.SUGGESTED


def test_readers_see_accepted_entities_their_pages_and_quotes(article, client, admin_user):
    load_gazetteer()
    services.store_suggestions(article, found())
    poutine = ArticleEntity.objects.get(article=article, entity__key="vladimir-poutine")
    vasseur = ArticleEntity.objects.get(article=article, entity__name="Hadrien Vasseur")
    services.decide(poutine, Status.ACCEPTED, admin_user)
    services.decide(vasseur, Status.REJECTED, admin_user)
    services.decide(Quote.objects.get(article=article), Status.ACCEPTED, admin_user)

    html = client.get(article.url).content.decode()
    entity_html = client.get(poutine.entity.get_absolute_url()).content.decode()

    assert poutine.entity.get_absolute_url() in html
    assert "Hadrien Vasseur" not in html
    assert article.title in entity_html
    assert "nous parlerons d&#x27;intégration" in entity_html


def test_a_country_page_lists_its_accepted_articles(article, client, admin_user):
    services.store_suggestions(article, found())
    services.decide(
        ArticleCountry.objects.get(article=article, country="RU"), "accepted", admin_user
    )

    html = client.get("/pays/ru/").content.decode()

    assert article.title in html
    assert client.get("/pays/zz/").status_code == 404


def test_the_enrich_command_runs_with_a_progress_bar(article, curated, monkeypatch):
    monkeypatch.setattr("enrichment.pipeline.shared_enricher", lambda: Enricher(gazetteer=curated))
    out, err = io.StringIO(), io.StringIO()

    call_command("enrich", "--all", "--now", stdout=out, stderr=err)

    assert "1 articles enriched" in out.getvalue()
    assert "[" in err.getvalue() and "1/1" in err.getvalue()
    assert ArticleEntity.objects.filter(article=article).exists()


def test_publishing_queues_enrichment_when_automatic(
    article, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.ENRICH_AUTOMATICALLY = True
    queued = []
    monkeypatch.setattr("enrichment.tasks.enrich_article", SimpleNamespace(enqueue=queued.append))

    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()

    assert queued == [article.pk]


def test_a_merged_record_brings_its_articles_to_the_one_that_stays(article, client, admin_user):
    load_gazetteer()
    services.store_suggestions(article, found())
    newcomer = ArticleEntity.objects.get(article=article, entity__name="Hadrien Vasseur")
    services.decide(newcomer, Status.ACCEPTED, admin_user)
    target = Entity.objects.create(kind="PER", name="Hadrien Vasseur-Lenoir", slug="hvl")
    newcomer.entity.merged_into = target
    newcomer.entity.save()

    old_page = client.get(newcomer.entity.get_absolute_url())
    html = client.get(target.get_absolute_url()).content.decode()

    assert old_page.status_code == 301 and old_page["Location"] == "/entites/hvl/"
    assert article.title in html


def test_an_entity_accepted_after_publication_reaches_its_followers(
    article, admin_user, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(
        "mailing.tasks.match_published_article", SimpleNamespace(enqueue=queued.append)
    )
    services.store_suggestions(article, found())
    row = ArticleEntity.objects.get(article=article, entity__name="Hadrien Vasseur")

    with django_capture_on_commit_callbacks(execute=True):
        services.decide(row, Status.ACCEPTED, admin_user)

    assert queued == [article.pk]
