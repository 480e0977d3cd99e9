"""A title-only “À lire :” link waits for its article, then links itself (issue #14).

The seed's "A lire : L’Union européenne s’accorde sur un plafonnement du prix du gaz" names
no article of ours: ingest keeps the title; readers see nothing of it, the editor's preview
says what to do; publishing an article of that title (however its apostrophes and capitals
are written) links the block through the real event path: `article_published`, the related
receiver, its task on the test settings' immediate backend.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import PageLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from ingest.formats import RawDocument
from ingest.formats.plaintext import PlainTextAdapter
from ingest.services import ingest_article
from newsroom.models import ArticlePage
from newsroom.tests.factories import ArticlePageFactory
from related.read_also_waiting import pages_with_waiting_links

pytestmark = pytest.mark.django_db

SEED = Path(settings.BASE_DIR).parent / "shared/seed/mena-news-poutine-loukachenko-2022-12-19.txt"
PARTNER_TITLE = "L’Union européenne s’accorde sur un plafonnement du prix du gaz"
# Our own headline for that story: straight apostrophes, another capital, a final stop.
OUR_TITLE = "L'union européenne s'accorde sur un plafonnement du prix du gaz."


def read_also_values(page):
    """Each read-also block as stored: the article's id, the title, the URL."""
    return [
        {**block.value, "article": block.value["article"] and block.value["article"].pk}
        for block in page.body
        if block.block_type == "read_also"
    ]


@pytest.fixture
def seed_article(site_tree, django_capture_on_commit_callbacks):
    """The seed page, ingested and published, its "A lire" line naming no article of ours."""
    if not SEED.exists():
        pytest.skip("../shared/seed is not present")
    item = PlainTextAdapter().extract(RawDocument(SEED.read_bytes()))[0]
    with django_capture_on_commit_callbacks(execute=True):
        page = ingest_article(item, section=site_tree.maghreb, publish=True).article
    return ArticlePage.objects.get(pk=page.pk)


def publish_article(section, title, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return ArticlePageFactory(parent=section, title=title, **kwargs)


def test_the_seed_keeps_its_read_also_line_as_a_title_waiting_for_its_article(seed_article):
    (waiting,) = read_also_values(seed_article)

    assert waiting == {"article": None, "title": PARTNER_TITLE, "url": ""}
    assert list(pages_with_waiting_links()) == [seed_article]


def test_readers_see_nothing_of_a_title_waiting_for_its_article(seed_article):
    html = Client().get(seed_article.url).content.decode()

    assert "Vladimir Poutine en pèlerinage chez Loukachenko" in html
    assert "plafonnement" not in html
    assert 'class="read-also' not in html


def test_the_editor_sees_the_waiting_title_in_the_form_and_what_to_do_in_the_preview(
    seed_article, site_tree, admin_client
):
    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=(seed_article.pk,)))
    assert edit.status_code == 200
    assert "plafonnement du prix du gaz" in edit.content.decode()

    preview = reverse(
        "wagtailadmin_pages:preview_on_add", args=("newsroom", "articlepage", site_tree.maghreb.pk)
    )
    body = [
        ("paragraph", rich_text("<p>Les ministres se retrouvent à Bruxelles.</p>")),
        ("read_also", {"article": "", "title": PARTNER_TITLE, "url": ""}),
    ]
    check = admin_client.post(preview, article_form("Le gaz russe", body))
    html = admin_client.get(preview).content.decode()

    assert check.json()["is_valid"] is True
    assert 'class="read-also read-also--pending"' in html
    assert escape(PARTNER_TITLE) in html
    assert "choisissez l’article, ou il sera lié dès qu’un article portant ce titre" in html


def test_publishing_an_article_of_that_title_links_the_waiting_block(
    seed_article, site_tree, django_capture_on_commit_callbacks
):
    revisions_before = seed_article.revisions.count()

    target = publish_article(site_tree.golfe, OUR_TITLE, django_capture_on_commit_callbacks)

    seed_article = ArticlePage.objects.get(pk=seed_article.pk)
    assert read_also_values(seed_article) == [{"article": target.pk, "title": "", "url": ""}]
    # Through a logged revision of the system's, published because nothing else was pending.
    assert seed_article.revisions.count() == revisions_before + 1
    assert seed_article.live_revision == seed_article.get_latest_revision()
    assert seed_article.get_latest_revision().user is None
    assert PageLogEntry.objects.filter(page=seed_article, action="wagtail.publish").count() == 2
    assert not seed_article.has_unpublished_changes
    assert list(pages_with_waiting_links()) == []
    html = Client().get(seed_article.url).content.decode()
    assert f'<a href="{target.url}">{escape(target.title)}</a>' in html


def test_a_draft_of_that_title_links_nothing_until_it_is_published(
    seed_article, site_tree, django_capture_on_commit_callbacks
):
    draft = publish_article(
        site_tree.golfe, OUR_TITLE, django_capture_on_commit_callbacks, publish=False
    )

    assert read_also_values(ArticlePage.objects.get(pk=seed_article.pk))[0]["article"] is None

    with django_capture_on_commit_callbacks(execute=True):
        draft.save_revision().publish()

    assert read_also_values(ArticlePage.objects.get(pk=seed_article.pk))[0]["article"] == draft.pk


def test_an_article_of_another_title_leaves_the_block_waiting(
    seed_article, site_tree, django_capture_on_commit_callbacks
):
    revisions_before = seed_article.revisions.count()

    publish_article(
        site_tree.golfe,
        "L’Union européenne s’accorde sur le prix du pétrole",
        django_capture_on_commit_callbacks,
    )

    seed_article = ArticlePage.objects.get(pk=seed_article.pk)
    assert read_also_values(seed_article)[0] == {"article": None, "title": PARTNER_TITLE, "url": ""}
    assert seed_article.revisions.count() == revisions_before


def test_an_editors_draft_gets_the_link_and_keeps_its_text_unpublished(
    seed_article, site_tree, admin_user, django_capture_on_commit_callbacks
):
    draft = seed_article.get_latest_revision_as_object()
    draft.kicker = "Diplomatie (relu)"
    draft.save_revision(user=admin_user)

    target = publish_article(site_tree.golfe, OUR_TITLE, django_capture_on_commit_callbacks)

    page = ArticlePage.objects.get(pk=seed_article.pk)
    latest = page.get_latest_revision_as_object()
    assert latest.kicker == "Diplomatie (relu)"
    assert read_also_values(latest)[0]["article"] == target.pk
    # The live text is the editor's to publish: readers still see no link.
    assert page.has_unpublished_changes
    assert read_also_values(page)[0]["article"] is None
    assert 'class="read-also' not in Client().get(page.url).content.decode()


def test_a_locked_article_is_left_alone_and_linked_at_its_own_publication(
    seed_article, site_tree, admin_user, django_capture_on_commit_callbacks
):
    ArticlePage.objects.filter(pk=seed_article.pk).update(locked=True, locked_by=admin_user)
    revisions_before = seed_article.revisions.count()

    target = publish_article(site_tree.golfe, OUR_TITLE, django_capture_on_commit_callbacks)

    page = ArticlePage.objects.get(pk=seed_article.pk)
    assert page.revisions.count() == revisions_before
    ArticlePage.objects.filter(pk=page.pk).update(locked=False, locked_by=None)
    page = ArticlePage.objects.get(pk=page.pk)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision(user=admin_user).publish(user=admin_user)

    page = ArticlePage.objects.get(pk=page.pk)
    assert read_also_values(page)[0]["article"] == target.pk
    assert page.live_revision == page.get_latest_revision()


def article_form(section_title, body):
    data = {
        "kicker": "Énergie",
        "title": section_title,
        "slug": "gaz-russe",
        "dateline_places": inline_formset([{"name": "Bruxelles"}]),
        "related_pins": inline_formset([]),
        "related_exclusions": inline_formset([]),
        "dateline_date": "2022-12-19",
        "standfirst": "Les Vingt-Sept cherchent un plafond au prix du gaz.",
        "body": streamfield(body),
        "source": "",
        "source_author": "",
        "source_url": "",
        "first_published_at": "",
        "updated_at": "",
        "seo_title": "",
        "search_description": "",
    }
    form = nested_form_data(data)
    form["topics"] = []
    return form


def test_an_editor_saves_a_title_only_read_also_block(site_tree, admin_client):
    url = reverse("wagtailadmin_pages:add", args=("newsroom", "articlepage", site_tree.maghreb.pk))
    body = [
        ("paragraph", rich_text("<p>Les ministres se retrouvent à Bruxelles.</p>")),
        ("read_also", {"article": "", "title": PARTNER_TITLE, "url": ""}),
    ]

    response = admin_client.post(url, article_form("Le gaz russe", body))

    assert response.status_code == 302
    page = ArticlePage.objects.get(slug="gaz-russe")
    assert read_also_values(page.get_latest_revision_as_object()) == [
        {"article": None, "title": PARTNER_TITLE, "url": ""}
    ]


def test_an_empty_read_also_block_is_refused_with_a_message(site_tree, admin_client):
    url = reverse("wagtailadmin_pages:add", args=("newsroom", "articlepage", site_tree.maghreb.pk))
    body = [
        ("paragraph", rich_text("<p>Les ministres se retrouvent à Bruxelles.</p>")),
        ("read_also", {"article": "", "title": "", "url": "https://example.org/"}),
    ]

    response = admin_client.post(url, article_form("Le gaz russe", body))

    assert response.status_code == 200
    assert not ArticlePage.objects.filter(slug="gaz-russe").exists()
    errors = response.context["form"].errors["body"].as_data()[0]
    assert "donnez son titre" in str(errors.block_errors[1].block_errors["article"])
