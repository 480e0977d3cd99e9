"""Saving extracted items as articles: create, update, merge duplicates, never lose edits."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model

from ingest.exceptions import EmptyArticle
from ingest.formats import RawDocument
from ingest.formats.plaintext import PlainTextAdapter
from ingest.models import IngestedItem
from ingest.services import IngestOutcome, ingest_article
from newsroom.article import Dateline, ExtractedArticle, ReadAlso, SourceCredit
from newsroom.models import ArticlePage, Source

from .helpers import SEED, make_section

pytestmark = pytest.mark.django_db

BODY = (
    "Le conseil municipal a adopté mardi soir un plan de rénovation des canalisations de la "
    "vieille ville, après deux hivers marqués par des coupures d'eau répétées dans le quartier.",
    "Les travaux commenceront au printemps et dureront dix-huit mois, rue par rue, afin de "
    "limiter la gêne pour les commerçants et les habitants du centre historique.",
)


def dispatch(**changes):
    article = ExtractedArticle(
        title="Sfax rénove ses canalisations",
        standfirst="Un plan de rénovation a été adopté.",
        dateline=Dateline(places=("Sfax",), date=date(2024, 3, 5)),
        body=BODY,
        source=SourceCredit(outlet="Agence Démo", author="Rédaction", url="https://a.example/1"),
        guid="urn:demo:1",
        version=1,
        format="feed",
    )
    return article.replace(**changes)


def test_an_item_becomes_a_draft_article_with_its_dateline_and_credit():
    section = make_section()
    outcome = ingest_article(dispatch(), section=section)
    assert outcome.action == IngestOutcome.CREATED
    page = ArticlePage.objects.get(pk=outcome.article.pk)
    assert not page.live
    assert page.get_parent().pk == section.pk
    assert page.dateline_text() == "Sfax, 5 mars 2024"
    assert page.source.name == "Agence Démo"
    assert page.source_url == "https://a.example/1"
    assert [block.block_type for block in page.body] == ["paragraph", "paragraph"]
    assert "vieille ville" in page.body[0].render()


def test_the_same_item_twice_changes_nothing():
    section = make_section()
    first = ingest_article(dispatch(), section=section)
    second = ingest_article(dispatch(), section=section)
    assert second.action == IngestOutcome.UNCHANGED
    assert second.article.pk == first.article.pk
    assert ArticlePage.objects.count() == 1
    assert IngestedItem.objects.count() == 1


def test_a_newer_version_updates_the_article_and_keeps_it_published():
    section = make_section()
    first = ingest_article(dispatch(), section=section, publish=True)
    update = dispatch(version=2, title="Sfax rénove ses canalisations d'ici 2026")
    outcome = ingest_article(update, section=section)
    assert outcome.action == IngestOutcome.UPDATED
    page = ArticlePage.objects.get(pk=first.article.pk)
    assert page.live
    assert page.title == "Sfax rénove ses canalisations d'ici 2026"
    assert ArticlePage.objects.count() == 1
    # An older version arriving late is ignored.
    stale = ingest_article(dispatch(version=1, title="Ancien titre"), section=section)
    assert stale.action == IngestOutcome.UNCHANGED
    assert ArticlePage.objects.get(pk=first.article.pk).title.endswith("d'ici 2026")


def test_an_editors_revision_is_never_overwritten_by_an_update():
    section = make_section()
    first = ingest_article(dispatch(), section=section, publish=True)
    editor = get_user_model().objects.create_superuser("editrice", password="x")
    page = ArticlePage.objects.get(pk=first.article.pk)
    page.title = "Titre choisi par la rédaction"
    page.save_revision(user=editor).publish(user=editor)

    outcome = ingest_article(dispatch(version=2, title="Titre de l'agence"), section=section)
    page.refresh_from_db()
    assert page.title == "Titre choisi par la rédaction"
    # Not even a draft over it: the partner's version waits beside it (test_editor_guard.py).
    assert not page.has_unpublished_changes
    assert page.get_latest_revision_as_object().title == "Titre choisi par la rédaction"
    assert outcome.action == IngestOutcome.HELD
    assert any("editor" in warning for warning in outcome.warnings)


def test_the_same_dispatch_from_a_second_partner_is_merged_as_a_second_source():
    section = make_section()
    first = ingest_article(dispatch(), section=section)
    rewritten = dispatch(
        guid="urn:other:77",
        source=SourceCredit(outlet="Autre Agence", url="https://b.example/77"),
        body=(BODY[0].replace("mardi soir", "mardi"), BODY[1]),
    )
    outcome = ingest_article(rewritten, section=section)
    assert outcome.action == IngestOutcome.MERGED
    assert outcome.article.pk == first.article.pk
    assert ArticlePage.objects.count() == 1
    sources = set(IngestedItem.objects.values_list("source__name", flat=True))
    assert sources == {"Agence Démo", "Autre Agence"}


def test_different_stories_are_not_merged():
    section = make_section()
    ingest_article(dispatch(), section=section)
    other = dispatch(
        guid="urn:demo:2",
        title="Un festival de cinéma à Oran",
        source=SourceCredit(outlet="Agence Démo", url="https://a.example/2"),
        body=(
            "Le festival du court métrage s'ouvre jeudi avec quarante films venus de toute la "
            "Méditerranée, projetés dans trois salles du centre-ville.",
        ),
    )
    assert ingest_article(other, section=section).action == IngestOutcome.CREATED
    assert ArticlePage.objects.count() == 2


def test_read_also_links_to_our_article_with_that_title_in_place():
    section = make_section()
    target = ingest_article(dispatch(), section=section, publish=True).article
    item = dispatch(
        guid="urn:demo:3",
        title="Les commerçants de la médina inquiets",
        source=SourceCredit(outlet="Agence Démo", url="https://a.example/3"),
        body=("Premier paragraphe sur les commerçants.", "Second paragraphe sur les loyers."),
        read_also=(ReadAlso(title="Sfax rénove ses canalisations", position=1),),
    )
    page = ingest_article(item, section=section).article
    page = ArticlePage.objects.get(pk=page.pk)
    assert [block.block_type for block in page.body] == ["paragraph", "read_also", "paragraph"]
    assert page.body[1].value["article"].pk == target.pk


def test_excerpt_only_partners_get_one_paragraph_and_a_link_to_the_original():
    section = make_section()
    Source.objects.create(name="Agence Démo", licence=Source.Licence.EXCERPT)
    page = ingest_article(dispatch(), section=section).article
    page = ArticlePage.objects.get(pk=page.pk)
    assert [block.block_type for block in page.body] == ["paragraph", "read_also"]
    assert page.body[1].value["url"] == "https://a.example/1"


def test_an_item_without_text_is_refused_and_nothing_is_written():
    section = make_section()
    with pytest.raises(EmptyArticle):
        ingest_article(dispatch(title="", body=()), section=section)
    assert ArticlePage.objects.count() == 0
    assert IngestedItem.objects.count() == 0


@pytest.mark.skipif(not SEED.exists(), reason="../shared/seed is not present")
def test_the_seed_page_ingests_into_an_article_that_renders_like_the_original(client):
    section = make_section()
    item = PlainTextAdapter().extract(RawDocument(SEED.read_bytes()))[0]
    page = ingest_article(item, section=section, publish=True).article
    html = client.get(page.url).content.decode()
    assert "(Rome, Paris, 19 décembre 2022)." in html
    assert "Matteo Turato" in html
    assert "Formiche" in html


def test_an_item_without_standfirst_gets_its_opening_paragraph_as_chapo():
    section = make_section()

    page = ingest_article(dispatch(standfirst=""), section=section).article

    assert page.standfirst == BODY[0]
    assert [block.value.source for block in page.body] == [f"<p>{BODY[1]}</p>"]


def test_a_partner_date_in_the_future_is_clamped_to_now(caplog):
    """Issue #12, item 3: a partner clock ahead of ours dated articles hours ahead."""
    section = make_section()
    now = datetime(2024, 3, 5, 8, 0, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        ahead = ingest_article(
            dispatch(
                published=now + timedelta(hours=6), dateline=Dateline(("Sfax",), date(2024, 3, 5))
            ),
            section=section,
            publish=True,
        )
        # No partner time at all: the dateline's day at noon would be four hours ahead too.
        noon = ingest_article(
            dispatch(guid="urn:demo:9", title="Autre dépêche", body=(BODY[1],), published=None),
            section=section,
        )
    page = ArticlePage.objects.get(pk=ahead.article.pk)
    assert page.first_published_at == now
    assert page.dateline_date == date(2024, 3, 5)  # the story's date stays the story's
    assert ArticlePage.objects.get(pk=noon.article.pk).first_published_at == now
    assert "in the future" in caplog.text


def test_a_partner_date_in_the_past_is_kept():
    section = make_section()
    earlier = datetime(2024, 3, 5, 6, 30, tzinfo=UTC)
    with time_machine.travel(datetime(2024, 3, 5, 9, 0, tzinfo=UTC), tick=False):
        outcome = ingest_article(dispatch(published=earlier), section=section, publish=True)
    assert ArticlePage.objects.get(pk=outcome.article.pk).first_published_at == earlier
