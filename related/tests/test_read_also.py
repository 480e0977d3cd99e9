"""While a paragraph is written, earlier articles about the entities it names are suggested."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from wagtail.models import GroupPagePermission
from wagtail.users.models import UserProfile

from enrichment.models import ArticleEntity, Entity, EntityAlias, Kind, Status
from newsroom.tests.factories import ArticlePageFactory
from related.exceptions import TextTooLong
from related.read_also import (
    MAX_TEXT_LENGTH,
    Link,
    NameIndex,
    find_mentions,
    rank_links,
    read_also_for_paragraph,
    suggest_read_also,
)

ENDPOINT = "/admin/related/read-also/"


def at(day, hour=9):
    return datetime.datetime(2024, 3, day, hour, tzinfo=datetime.UTC)


def make_entity(name, *aliases, kind=Kind.PERSON, merged_into=None):
    entity = Entity.objects.create(
        name=name, kind=kind, slug=name.lower().replace(" ", "-"), merged_into=merged_into
    )
    for alias in aliases:
        EntityAlias.objects.create(entity=entity, name=alias)
    return entity


def link(article, entity, *, score=0.5, status=Status.ACCEPTED):
    return ArticleEntity.objects.create(article=article, entity=entity, score=score, status=status)


def article(site_tree, title, day, *, publish=True):
    return ArticlePageFactory(
        parent=site_tree.maghreb, title=title, first_published_at=at(day), publish=publish
    )


# Finding names, without a database ------------------------------------------------------------
def test_the_longest_known_name_wins_and_elided_articles_still_match():
    index = NameIndex([(1, "ligue"), (2, "ligue arabe"), (3, "egypte")])

    mentions = find_mentions("La Ligue arabe se réunit en l’absence de l’Égypte.", index)

    assert [(surface, ids) for surface, _, ids in mentions] == [
        ("Ligue arabe", {2}),
        ("Égypte", {3}),
    ]


def test_a_lower_case_word_is_not_taken_for_a_name():
    index = NameIndex([(1, "union"), (2, "otan"), (3, "2024")])

    mentions = find_mentions("En 2024, une union des pays de l'OTAN.", index)

    assert [surface for surface, _, _ in mentions] == ["OTAN"]


def test_names_in_arabic_script_match_their_alias():
    index = NameIndex([(7, "بوتين")])

    assert [ids for _, _, ids in find_mentions("قال بوتين اليوم", index)] == [{7}]


# Ranking, without a database ------------------------------------------------------------------
def test_sharing_two_entities_outranks_sharing_one_even_with_a_stronger_link():
    links = [
        Link(article_id=1, entity_id=10, score=1.0, published_at=at(20)),
        Link(article_id=2, entity_id=10, score=0.0, published_at=at(1)),
        Link(article_id=2, entity_id=11, score=0.0, published_at=at(1)),
    ]

    assert [article_id for article_id, _, _ in rank_links(links, 5)] == [2, 1]


def test_equal_scores_are_ordered_newest_first_and_the_limit_holds():
    links = [Link(n, 10, 0.5, at(n)) for n in range(1, 8)]

    assert [article_id for article_id, _, _ in rank_links(links, 3)] == [7, 6, 5]


def test_an_article_linked_to_a_record_and_its_duplicate_counts_the_entity_once():
    links = [Link(1, 10, 0.2, at(1)), Link(1, 10, 0.8, at(1)), Link(2, 10, 0.6, at(2))]

    assert rank_links(links, 5) == [(1, 0.92, {10}), (2, 0.84, {10})]


# Suggestions from the database ----------------------------------------------------------------
@pytest.mark.django_db
def test_entities_are_found_by_their_name_and_by_an_alias(site_tree):
    putin = make_entity("Vladimir Poutine", "Putin", "Poutine")
    tebboune = make_entity("Abdelmadjid Tebboune")
    make_entity("Kaïs Saïed")

    result = read_also_for_paragraph(
        "Abdelmadjid Tebboune a appelé Putin mardi, a indiqué la présidence."
    )

    assert [(m.entity_id, m.name, m.surface) for m in result.entities] == [
        (tebboune.pk, "Abdelmadjid Tebboune", "Abdelmadjid Tebboune"),
        (putin.pk, "Vladimir Poutine", "Putin"),
    ]


@pytest.mark.django_db
def test_a_paragraph_finds_earlier_articles_linked_to_the_entities_it_names(site_tree):
    putin = make_entity("Vladimir Poutine", "Poutine")
    earlier = article(site_tree, "Poutine reçu à Alger", 1)
    link(earlier, putin, score=0.9)
    link(article(site_tree, "Sans rapport", 2), make_entity("Kaïs Saïed"))

    suggestions = suggest_read_also("Poutine doit se rendre en Égypte.")

    assert [(s.page.pk, s.title, s.entities) for s in suggestions] == [
        (earlier.pk, "Poutine reçu à Alger", ("Vladimir Poutine",))
    ]
    assert suggestions[0].url == "http://testserver" + earlier.url
    assert suggestions[0].published_at == at(1)
    assert suggestions[0].score == 0.96


@pytest.mark.django_db
def test_only_articles_published_before_the_edited_one_are_suggested(site_tree):
    putin = make_entity("Vladimir Poutine", "Poutine")
    before = article(site_tree, "Avant", 1)
    edited = article(site_tree, "L'article en cours", 5)
    after = article(site_tree, "Après", 9)
    draft = article(site_tree, "Brouillon", 2, publish=False)
    withdrawn = article(site_tree, "Dépublié", 3)
    withdrawn.unpublish()
    for page in (before, edited, after, draft, withdrawn):
        link(page, putin)

    suggestions = suggest_read_also("Poutine à Alger", article=edited)

    assert [s.title for s in suggestions] == ["Avant"]


@pytest.mark.django_db
def test_the_article_being_edited_is_never_suggested_even_as_a_draft(site_tree):
    putin = make_entity("Vladimir Poutine", "Poutine")
    draft = article(site_tree, "Brouillon en cours", 2, publish=False)
    draft.first_published_at = None
    published = article(site_tree, "Déjà publié", 1)
    link(draft, putin)
    link(published, putin)

    suggestions = suggest_read_also("Poutine à Alger", article=draft)

    assert [s.title for s in suggestions] == ["Déjà publié"]


@pytest.mark.django_db
def test_links_an_editor_rejected_are_ignored_but_suggested_ones_count(site_tree):
    putin = make_entity("Vladimir Poutine", "Poutine")
    link(article(site_tree, "Rejeté", 3), putin, status=Status.REJECTED)
    link(article(site_tree, "Suggéré", 2), putin, status=Status.SUGGESTED)
    link(article(site_tree, "Accepté", 1), putin, status=Status.ACCEPTED)

    suggestions = suggest_read_also("Poutine à Alger")

    assert [s.title for s in suggestions] == ["Suggéré", "Accepté"]


@pytest.mark.django_db
def test_articles_sharing_more_of_the_paragraphs_entities_rank_first_then_recency(site_tree):
    putin = make_entity("Vladimir Poutine", "Poutine")
    tebboune = make_entity("Abdelmadjid Tebboune", "Tebboune")
    both = article(site_tree, "Les deux", 1)
    link(both, putin, score=0.1)
    link(both, tebboune, score=0.1)
    link(article(site_tree, "Poutine seul, fort", 4), putin, score=1.0)
    link(article(site_tree, "Tebboune seul, ancien", 2), tebboune, score=0.6)
    link(article(site_tree, "Tebboune seul, récent", 3), tebboune, score=0.6)

    suggestions = suggest_read_also("Tebboune a reçu Poutine.", limit=3)

    assert [(s.title, s.entities) for s in suggestions] == [
        ("Les deux", ("Abdelmadjid Tebboune", "Vladimir Poutine")),
        ("Poutine seul, fort", ("Vladimir Poutine",)),
        ("Tebboune seul, récent", ("Abdelmadjid Tebboune",)),
    ]


@pytest.mark.django_db
def test_a_merged_records_name_leads_to_the_articles_of_the_record_it_joined(site_tree):
    putin = make_entity("Vladimir Poutine", "Poutine")
    duplicate = make_entity("Vladimir Putin", "Putin", merged_into=putin)
    older_duplicate = make_entity("V. Poutine", merged_into=duplicate)
    link(article(site_tree, "Lié au canonique", 3), putin)
    link(article(site_tree, "Lié au doublon", 2), duplicate)
    link(article(site_tree, "Lié au doublon du doublon", 1), older_duplicate)

    result = read_also_for_paragraph("Putin a parlé.")

    assert [m.name for m in result.entities] == ["Vladimir Poutine"]
    assert [(s.title, s.entities) for s in result.suggestions] == [
        ("Lié au canonique", ("Vladimir Poutine",)),
        ("Lié au doublon", ("Vladimir Poutine",)),
        ("Lié au doublon du doublon", ("Vladimir Poutine",)),
    ]


@pytest.mark.django_db
def test_a_name_two_separate_records_share_is_ambiguous_and_skipped(site_tree):
    make_entity("Géorgie", kind=Kind.PLACE)
    make_entity("Georgia (État)", "Géorgie", kind=Kind.PLACE)

    assert read_also_for_paragraph("La Géorgie a voté.").entities == ()


@pytest.mark.django_db
def test_an_alias_added_while_the_site_runs_is_matched_at_once(site_tree):
    putin = make_entity("Vladimir Poutine")
    link(article(site_tree, "Poutine reçu à Alger", 1), putin)
    assert suggest_read_also("Le président Poutine") == []

    EntityAlias.objects.create(entity=putin, name="Poutine")

    assert [s.title for s in suggest_read_also("Le président Poutine")] == ["Poutine reçu à Alger"]


@pytest.mark.django_db
def test_names_the_newsroom_does_not_know_create_no_entity(site_tree):
    make_entity("Vladimir Poutine", "Poutine")

    result = read_also_for_paragraph("Emmanuel Macron et Olaf Scholz ont parlé à Poutine.")

    assert [m.name for m in result.entities] == ["Vladimir Poutine"]
    assert Entity.objects.count() == 1


@pytest.mark.django_db
def test_a_text_longer_than_the_limit_is_refused_with_a_clear_message():
    with pytest.raises(TextTooLong) as refused:
        suggest_read_also("a" * (MAX_TEXT_LENGTH + 1))

    assert refused.value.code == "text_too_long"
    assert "20000" in refused.value.message
    assert suggest_read_also("a" * MAX_TEXT_LENGTH) == []


# The admin endpoint ---------------------------------------------------------------------------
@pytest.fixture
def earlier_about_putin(site_tree):
    putin = make_entity("Vladimir Poutine", "Poutine")
    earlier = article(site_tree, "Poutine reçu à Alger", 1)
    link(earlier, putin)
    return earlier


@pytest.fixture
def edited(site_tree):
    return article(site_tree, "L'article en cours", 5)


def editor_client(*, section=None, language=""):
    """A logged-in admin user; may edit pages under `section` when given."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("redactrice", password="secret")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    UserProfile.objects.create(user=user, preferred_language=language)
    if section is not None:
        group = Group.objects.create(name="Rédaction Maghreb")
        for codename in ("add_page", "change_page", "publish_page"):
            GroupPagePermission.objects.create(
                group=group, page=section, permission=Permission.objects.get(codename=codename)
            )
        user.groups.add(group)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_endpoint_returns_the_suggestions_and_the_block_to_insert(
    site_tree, earlier_about_putin, edited
):
    client = editor_client(section=site_tree.maghreb)

    response = client.post(ENDPOINT, {"text": "Poutine arrive à Alger.", "page": edited.pk})

    assert response.status_code == 200
    data = response.json()
    assert data["entities"] == ["Vladimir Poutine"]
    (suggestion,) = data["suggestions"]
    assert suggestion["id"] == earlier_about_putin.pk
    assert suggestion["title"] == "Poutine reçu à Alger"
    assert suggestion["url"] == "http://testserver" + earlier_about_putin.url
    assert suggestion["date"] == "2024-03-01T09:00:00+00:00"
    assert suggestion["date_display"] == "1 mars 2024"
    assert suggestion["entities"] == ["Vladimir Poutine"]
    assert suggestion["block"]["article"]["id"] == earlier_about_putin.pk
    assert suggestion["block"]["article"]["adminTitle"] == "Poutine reçu à Alger"


@pytest.mark.django_db
def test_the_endpoint_serves_an_article_not_saved_yet(site_tree, earlier_about_putin):
    client = editor_client(section=site_tree.maghreb)

    response = client.post(ENDPOINT, {"text": "Poutine arrive à Alger."})

    assert [s["id"] for s in response.json()["suggestions"]] == [earlier_about_putin.pk]


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_the_login_page(site_tree, edited):
    response = Client().post(ENDPOINT, {"text": "Poutine", "page": edited.pk})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


@pytest.mark.django_db
def test_an_editor_who_cannot_edit_the_page_is_refused(site_tree, earlier_about_putin, edited):
    client = editor_client(section=site_tree.golfe)

    response = client.post(ENDPOINT, {"text": "Poutine arrive.", "page": edited.pk})

    assert response.status_code == 403
    assert "suggestions" not in response.json()


@pytest.mark.django_db
def test_an_admin_user_who_may_edit_no_page_is_refused_without_a_page(site_tree):
    response = editor_client().post(ENDPOINT, {"text": "Poutine arrive."})

    assert response.status_code == 403


@pytest.mark.django_db
def test_a_get_request_is_not_allowed(site_tree):
    response = editor_client(section=site_tree.maghreb).get(ENDPOINT, {"text": "Poutine"})

    assert response.status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({}, 400, "Send the paragraph's text."),
        ({"text": "Poutine", "page": "abc"}, 400, "The page must be given by its number."),
        ({"text": "Poutine", "page": "999999"}, 404, "No such page."),
        ({"text": "x" * (MAX_TEXT_LENGTH + 1)}, 400, "The text is too long for suggestions"),
    ],
)
def test_bad_input_is_answered_with_a_message(site_tree, data, status, message):
    # The admin speaks each editor's language; messages are checked in their English source.
    response = editor_client(section=site_tree.maghreb, language="en").post(ENDPOINT, data)

    assert response.status_code == status
    assert response.json()["error"].startswith(message)


@pytest.mark.django_db
def test_a_page_that_is_not_an_article_is_refused(site_tree):
    client = editor_client(section=site_tree.maghreb)

    response = client.post(ENDPOINT, {"text": "Poutine", "page": site_tree.maghreb.pk})

    assert response.status_code == 400


@pytest.mark.django_db
def test_the_endpoint_requires_the_csrf_token(site_tree, edited):
    client = editor_client(section=site_tree.maghreb)
    client.handler.enforce_csrf_checks = True

    response = client.post(ENDPOINT, {"text": "Poutine", "page": edited.pk})

    assert response.status_code == 403


@pytest.mark.django_db
def test_the_article_editor_shows_the_suggestions_box_after_the_body(site_tree, edited):
    client = editor_client(section=site_tree.maghreb)

    response = client.get(reverse("wagtailadmin_pages:edit", args=[edited.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "related/read_also.js" in html
    assert f'data-read-also-page="{edited.pk}"' in html
    assert f'data-read-also-url="{ENDPOINT}"' in html
    assert 'data-read-also-field="body"' in html
    assert (
        html.index('<div id="body"')
        < html.index('class="read-also"')
        < html.index('id="id_authors-label"')
    )


@pytest.mark.django_db
def test_a_new_article_gets_the_box_without_a_page_to_exclude(site_tree):
    client = editor_client(section=site_tree.maghreb)
    add_url = reverse(
        "wagtailadmin_pages:add", args=("newsroom", "articlepage", site_tree.maghreb.pk)
    )

    response = client.get(add_url)

    assert response.status_code == 200
    assert 'data-read-also-page=""' in response.content.decode()
