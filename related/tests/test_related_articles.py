"""Related articles end to end: ranked from enrichment and text, stored, refreshed, shown.

Publishing runs the real refresh task (immediate backend) with spaCy's French lemmatiser;
entities are linked by hand here, as an editor or the enrichment pipeline would.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from enrichment.models import ArticleEntity, Entity, Kind, Status
from enrichment.services import decide
from newsroom.tests.factories import ArticlePageFactory, TopicFactory
from related import services
from related.exceptions import ArticleNotFound
from related.models import RelatedArticle, RelatedExclusion, RelatedPin, TermCount, TextProfile
from related.services import articles_to_read

pytestmark = pytest.mark.django_db

START = datetime(2022, 12, 1, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def automatic_refresh(settings):
    settings.RELATED_REFRESH_AUTOMATICALLY = True


@pytest.fixture
def people(db):
    def entity(name, kind=Kind.PERSON):
        return Entity.objects.create(name=name, slug=name.lower().replace(" ", "-"), kind=kind)

    return {
        "poutine": entity("Vladimir Poutine"),
        "loukachenko": entity("Alexandre Loukachenko"),
        "russie": entity("Russie", Kind.PLACE),
    }


def publish(parent, title, text, *, days=0, publish=True, **fields):
    return ArticlePageFactory(
        parent=parent,
        title=title,
        standfirst=text,
        body__0__paragraph__value=f"<p>{text}</p>",
        first_published_at=START + timedelta(days=days),
        publish=publish,
        **{"kicker": "", **fields},
    )


def link(article, entity, score=0.8, status=Status.ACCEPTED):
    return ArticleEntity.objects.create(article=article, entity=entity, score=score, status=status)


def republish(page, capture):
    with capture(execute=True):
        page.save_revision().publish()


def stored(page):
    return list(
        RelatedArticle.objects.filter(article=page)
        .order_by("rank")
        .values_list("candidate_id", flat=True)
    )


def test_articles_sharing_a_rare_person_come_before_those_sharing_a_big_country(
    site_tree, people, django_capture_on_commit_callbacks
):
    about_russia = publish(site_tree.golfe, "Le rouble recule", "Le rouble a perdu du terrain.")
    about_lukashenko = publish(
        site_tree.golfe, "Minsk reçoit des blindés", "Des blindés livrés à la Biélorussie."
    )
    unrelated = publish(site_tree.golfe, "Festival au Caire", "Un festival de cinéma au Caire.")
    article = publish(site_tree.maghreb, "Poutine chez Loukachenko", "Une visite à Minsk.", days=1)
    for page in (about_russia, about_lukashenko, article):
        link(page, people["russie"], 0.5)
    for page in (about_lukashenko, article):
        link(page, people["loukachenko"], 0.9)
    for page in (unrelated, about_russia, about_lukashenko, article):
        republish(page, django_capture_on_commit_callbacks)

    assert stored(article)[:2] == [about_lukashenko.pk, about_russia.pk]
    assert unrelated.pk not in stored(article)
    entry = RelatedArticle.objects.get(article=article, candidate=about_lukashenko)
    assert "Alexandre Loukachenko" in entry.reasons["entities"]


def test_articles_with_the_same_distinctive_words_are_related_without_any_enrichment(
    site_tree, django_capture_on_commit_callbacks
):
    text = "Le gazoduc Nord Stream a été saboté en mer Baltique, selon les enquêteurs suédois."
    first = publish(site_tree.maghreb, "Sabotage du gazoduc", text)
    other = publish(site_tree.maghreb, "Récolte de dattes", "La récolte de dattes est bonne.")
    second = publish(
        site_tree.golfe,
        "Les enquêteurs suédois et le gazoduc",
        "Les enquêteurs suédois ont fini leur travail sur le gazoduc Nord Stream.",
        days=2,
    )
    for page in (first, other, second):
        republish(page, django_capture_on_commit_callbacks)

    assert stored(second) == [first.pk]
    assert TextProfile.objects.filter(article=second).exists()
    assert TermCount.objects.filter(article=second, term="gazoduc").exists()
    reasons = RelatedArticle.objects.get(article=second).reasons
    assert "gazoduc" in reasons["terms"]


def test_a_new_article_joins_the_lists_of_older_ones_and_leaves_them_when_unpublished(
    site_tree, people, django_capture_on_commit_callbacks
):
    older = publish(site_tree.maghreb, "Loukachenko à Moscou", "Une visite officielle.")
    link(older, people["loukachenko"])
    republish(older, django_capture_on_commit_callbacks)
    assert stored(older) == []

    newer = publish(site_tree.golfe, "Loukachenko reçoit", "Un sommet à Minsk.", days=3)
    link(newer, people["loukachenko"])
    republish(newer, django_capture_on_commit_callbacks)
    assert stored(older) == [newer.pk]

    with django_capture_on_commit_callbacks(execute=True):
        newer.unpublish()
    assert stored(older) == []
    assert not TextProfile.objects.filter(article=newer).exists()


def test_deleting_an_article_refreshes_the_lists_that_named_it(
    site_tree, people, django_capture_on_commit_callbacks
):
    stories = ["Un discours au Kremlin.", "Une visite à Minsk.", "Un sommet à Samarcande."]
    pages = [
        publish(site_tree.maghreb, f"Poutine, épisode {day}", story, days=day)
        for day, story in enumerate(stories)
    ]
    for page in pages:
        link(page, people["poutine"])
    for page in pages:
        republish(page, django_capture_on_commit_callbacks)
    assert set(stored(pages[0])) == {pages[1].pk, pages[2].pk}

    with django_capture_on_commit_callbacks(execute=True):
        pages[2].delete()
    assert stored(pages[0]) == [pages[1].pk]


def test_a_rejected_entity_relates_nothing(site_tree, people, django_capture_on_commit_callbacks):
    first = publish(site_tree.maghreb, "Une élection", "Le scrutin a eu lieu.")
    second = publish(site_tree.golfe, "Un marché", "Les prix montent.", days=1)
    link(first, people["poutine"])
    link(second, people["poutine"], status=Status.REJECTED)
    for page in (first, second):
        republish(page, django_capture_on_commit_callbacks)
    assert stored(second) == []


def test_accepting_an_entity_refreshes_the_list(
    site_tree, people, admin_user, django_capture_on_commit_callbacks
):
    first = publish(site_tree.maghreb, "Un discours", "Il a parlé longtemps.")
    second = publish(site_tree.golfe, "Une rencontre", "Ils se sont vus.", days=1)
    link(first, people["poutine"])
    for page in (first, second):
        republish(page, django_capture_on_commit_callbacks)
    row = ArticleEntity.objects.create(
        article=second, entity=people["poutine"], score=0.05, status=Status.REJECTED
    )
    assert stored(second) == []

    with django_capture_on_commit_callbacks(execute=True):
        decide(row, Status.ACCEPTED, user=admin_user)
    assert stored(second) == [first.pk]


def test_the_same_story_told_again_is_not_listed(
    site_tree, people, django_capture_on_commit_callbacks
):
    original = publish(site_tree.maghreb, "Poutine à Minsk", "Le président russe est à Minsk.")
    copy = publish(site_tree.golfe, "Poutine à Minsk", "Le chef du Kremlin est à Minsk.", days=1)
    other = publish(site_tree.golfe, "Poutine au Caire", "Une autre visite.", days=2)
    for page in (original, copy, other):
        link(page, people["poutine"])
        republish(page, django_capture_on_commit_callbacks)
    assert stored(copy) == [other.pk]


def test_readers_see_pins_first_and_never_an_excluded_article(
    site_tree, people, client, django_capture_on_commit_callbacks
):
    topic = TopicFactory(name="Diplomatie")
    stories = ["Des manœuvres militaires.", "Une récolte record.", "Des opposants arrêtés."]
    ranked = [
        publish(site_tree.golfe, f"Loukachenko, acte {day}", story, days=day)
        for day, story in enumerate(stories)
    ]
    pinned = publish(site_tree.golfe, "Un reportage sans rapport", "Des chameaux.", days=4)
    article = publish(site_tree.maghreb, "Loukachenko reçoit Poutine", "À Minsk.", days=5)
    for page in [*ranked, article]:
        link(page, people["loukachenko"])
    for page in [*ranked, pinned, article]:
        republish(page, django_capture_on_commit_callbacks)
    assert set(stored(article)) == {page.pk for page in ranked}

    draft = article.get_latest_revision_as_object()
    draft.related_pins = [RelatedPin(article=pinned)]
    draft.related_exclusions = [RelatedExclusion(article=ranked[2])]
    draft.topics = [topic]
    republish(draft, django_capture_on_commit_callbacks)
    article.refresh_from_db()

    shown = articles_to_read(article)
    assert shown[0] == pinned
    assert ranked[2] not in shown
    assert set(shown[1:]) == {ranked[0], ranked[1]}
    html = client.get(article.url).content.decode()
    section = html[html.index('id="related-title"') :]
    assert section.index(pinned.title) < section.index(ranked[1].title)
    assert ranked[2].title not in section


def test_an_unpublished_pin_is_not_shown(site_tree, django_capture_on_commit_callbacks):
    draft_only = publish(site_tree.golfe, "Pas encore prêt", "Brouillon.", publish=False)
    article = publish(site_tree.maghreb, "Un article", "Du texte.")
    draft = article.get_latest_revision_as_object()
    draft.related_pins = [RelatedPin(article=draft_only)]
    republish(draft, django_capture_on_commit_callbacks)
    article.refresh_from_db()
    assert draft_only not in articles_to_read(article)


def test_before_any_ranking_the_page_falls_back_to_its_section(site_tree, settings):
    settings.RELATED_REFRESH_AUTOMATICALLY = False
    neighbour = publish(site_tree.maghreb, "Voisin de rubrique", "Un voisin.")
    article = publish(site_tree.maghreb, "Un article", "Du texte.", days=1)
    assert stored(article) == []
    assert articles_to_read(article) == [neighbour]


def test_the_related_tab_shows_the_ranking_with_its_reasons(
    site_tree, people, admin_client, django_capture_on_commit_callbacks
):
    first = publish(site_tree.maghreb, "Loukachenko parle", "Un discours.")
    second = publish(site_tree.golfe, "Loukachenko voyage", "Un voyage.", days=1)
    for page in (first, second):
        link(page, people["loukachenko"])
        republish(page, django_capture_on_commit_callbacks)

    response = admin_client.get(f"/admin/pages/{second.pk}/edit/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Loukachenko parle" in html
    assert "Alexandre Loukachenko" in html
    assert 'id="id_related_pins-TOTAL_FORMS"' in html


def test_the_command_prints_scores_and_reasons_by_id_slug_or_path(
    site_tree, people, django_capture_on_commit_callbacks, capsys
):
    first = publish(site_tree.maghreb, "Poutine parle", "Un discours.")
    second = publish(site_tree.golfe, "Poutine voyage", "Un voyage.", days=1)
    for page in (first, second):
        link(page, people["poutine"])
        republish(page, django_capture_on_commit_callbacks)

    call_command("related", str(second.pk))
    text = capsys.readouterr().out
    assert "Poutine parle" in text
    assert "entities: Vladimir Poutine" in text

    call_command("related", second.url, "--json")
    payload = json.loads(capsys.readouterr().out)
    assert payload["article"]["id"] == second.pk
    assert payload["related"][0]["id"] == first.pk
    assert payload["related"][0]["score"] > 0
    assert payload["related"][0]["reasons"]["entities"] == ["Vladimir Poutine"]

    call_command("related", second.slug, "--json")
    assert json.loads(capsys.readouterr().out)["article"]["id"] == second.pk

    with pytest.raises(CommandError, match="No article matches"):
        call_command("related", "no-such-article")


def test_refresh_related_rebuilds_every_profile_and_list(site_tree, people, settings, capsys):
    settings.RELATED_REFRESH_AUTOMATICALLY = False
    first = publish(site_tree.maghreb, "Poutine parle", "Un discours.")
    second = publish(site_tree.golfe, "Poutine voyage", "Un voyage.", days=1)
    for page in (first, second):
        link(page, people["poutine"])
    assert not TextProfile.objects.exists()

    call_command("refresh_related")
    assert "2 related lists stored" in capsys.readouterr().out
    assert TextProfile.objects.count() == 2
    assert stored(first) == [second.pk]


def test_find_article_refuses_what_it_cannot_find(site_tree):
    with pytest.raises(ArticleNotFound):
        services.find_article("/maghreb/nothing-here/")
    with pytest.raises(ArticleNotFound):
        services.find_article("999999")
