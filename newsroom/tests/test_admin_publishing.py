"""An editor writes an article in the Wagtail admin; readers see it once it is published."""

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from newsroom.models import ArticlePage
from newsroom.tests.factories import SourceFactory, TopicFactory

pytestmark = pytest.mark.django_db


def article_form(*, title, slug, publish, topic=None, source=None):
    data = {
        "kicker": "Énergie",
        "title": title,
        "slug": slug,
        "dateline_places": inline_formset([{"name": "Rabat"}, {"name": "Casablanca"}]),
        "related_pins": inline_formset([]),
        "related_exclusions": inline_formset([]),
        "dateline_date": "2024-05-10",
        "standfirst": "Le royaume signe un accord sur l'hydrogène vert.",
        "body": streamfield(
            [
                ("paragraph", rich_text("<p>L'accord porte sur dix ans.</p>")),
                ("quote", {"text": "Un tournant", "speaker": "La ministre"}),
                (
                    "read_also",
                    {"article": "", "title": "Le dossier", "url": "https://example.org/"},
                ),
            ]
        ),
        "source": source.pk if source else "",
        "source_author": "",
        "source_url": "",
        "first_published_at": "",
        "updated_at": "",
        "seo_title": "",
        "search_description": "",
    }
    if publish:
        data["action-publish"] = "action-publish"
    form = nested_form_data(data)
    form["topics"] = [topic.pk] if topic else []  # A multiple choice: one key, many values.
    return form


def add_article(client, section, **kwargs):
    url = reverse("wagtailadmin_pages:add", args=("newsroom", "articlepage", section.pk))
    response = client.post(url, article_form(**kwargs))
    form = response.context["form"] if response.context and "form" in response.context else None
    assert response.status_code == 302, form.errors if form is not None else response.status_code
    return ArticlePage.objects.get(slug=kwargs["slug"])


def test_editor_publishes_an_article_that_anonymous_readers_then_see(site_tree, admin_client):
    topic = TopicFactory(name="Énergie", slug="energie")
    source = SourceFactory(name="Le Matin")

    article = add_article(
        admin_client,
        site_tree.maghreb,
        title="Accord sur l'hydrogène vert",
        slug="accord-hydrogene",
        publish=True,
        topic=topic,
        source=source,
    )

    assert article.live
    assert article.get_parent().pk == site_tree.maghreb.pk
    assert article.dateline_text() == "Rabat, Casablanca, 10 mai 2024"
    assert article.live_revision == article.get_latest_revision()
    reader = Client()
    response = reader.get("/maghreb/accord-hydrogene/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="article-title">Accord sur l&#x27;hydrogène vert</h1>' in html
    assert "(Rabat, Casablanca, 10 mai 2024)." in html
    assert "Un tournant" in html
    assert "Le Matin" in html
    assert "/sujets/energie/" in html


def test_a_saved_draft_stays_out_of_readers_sight(site_tree, admin_client):
    article = add_article(
        admin_client, site_tree.maghreb, title="Pas encore prêt", slug="pas-pret", publish=False
    )

    assert not article.live
    assert article.get_latest_revision() is not None
    assert Client().get("/maghreb/pas-pret/").status_code == 404
    assert "Pas encore prêt" not in Client().get("/maghreb/").content.decode()


def test_the_editor_previews_an_article_before_publishing_it(site_tree, admin_client):
    preview_url = reverse(
        "wagtailadmin_pages:preview_on_add", args=("newsroom", "articlepage", site_tree.maghreb.pk)
    )
    form = article_form(title="Avant-première", slug="avant", publish=False)

    check = admin_client.post(preview_url, form)
    response = admin_client.get(preview_url)

    assert check.json()["is_valid"] is True
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="article-title">Avant-première</h1>' in html
    assert "(Rabat, Casablanca, 10 mai 2024)." in html
    assert not ArticlePage.objects.filter(slug="avant").exists()


def test_an_anonymous_visitor_cannot_reach_the_add_view(site_tree, client):
    url = reverse("wagtailadmin_pages:add", args=("newsroom", "articlepage", site_tree.maghreb.pk))

    response = client.post(url, article_form(title="Intrus", slug="intrus", publish=True))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
    assert not ArticlePage.objects.filter(slug="intrus").exists()


def test_articles_cannot_be_added_directly_under_the_home_page(site_tree, admin_client):
    url = reverse("wagtailadmin_pages:add", args=("newsroom", "articlepage", site_tree.home.pk))

    response = admin_client.post(url, article_form(title="Égaré", slug="egare", publish=True))

    # Wagtail answers a forbidden page type with a redirect to the dashboard and a message.
    assert (response.status_code, response.get("Location")) in {(403, None), (302, "/admin/")}
    assert not ArticlePage.objects.filter(slug="egare").exists()
